/**
 * Runs the real monitor (`node dist/Main.js run`) on simulated node binaries for the fault tests, and
 * reads back what it wrote: `<binary>.json`, the snapshot NDJSON, the node log and `monitor.log`.
 */
import { Schema } from "effect"
import * as fs from "node:fs/promises"
import * as path from "node:path"
import { BinaryResult, RunManifest } from "../../src/Schema/Results.js"
import type { CliOptions, CliRun } from "../support/RunCli.js"
import { runCli } from "../support/RunCli.js"
import { writeSimBinary, writeSimConfig } from "../support/SimFixtures.js"

const decodeResult = Schema.decodeUnknownSync(BinaryResult)
const decodeManifest = Schema.decodeUnknownSync(RunManifest)

export interface SimBinary {
  readonly name: string
  /** SIM_* variables of this binary. SIM_START_DELAY_MS defaults to 200 ms here. */
  readonly env?: Record<string, string>
  /** Start the node as a child of the wrapper shell instead of `exec`. */
  readonly childNotExec?: boolean
}

export interface Scenario {
  /** A fresh folder for this scenario, which receives the config, the binaries and the results. */
  readonly dir: string
  readonly binaries: ReadonlyArray<SimBinary>
  /** Monitor options with a value, such as `{ "--sync-timeout": "3s" }`. Each replaces its default. */
  readonly options?: Readonly<Record<string, string>>
  /** Without `-s` the nodes run with `--net`. */
  readonly standalone?: boolean
  /** Config file to use instead of the one `writeSimConfig` writes. */
  readonly configPath?: string
  readonly timeoutMs?: number
  readonly onStdout?: CliOptions["onStdout"]
}

/** Options that keep a scenario short: 4 s of monitoring, no cooldown, frequent polls, a 2 s stop timeout. */
export const SHORT_RUN_OPTIONS: Readonly<Record<string, string>> = {
  "--duration": "4s",
  "--cooldown": "0",
  "--poll-interval": "500ms",
  "--sample-interval": "500ms",
  "--ledger-interval": "700ms",
  "--stop-timeout": "2s"
}

export interface ScenarioRun {
  readonly cli: CliRun
  /** Wall time of the monitor process, in milliseconds. */
  readonly wallMs: number
  /** The run folder `<output-dir>/<run-id>`. */
  readonly folder: string
  readonly result: (name: string) => Promise<BinaryResult>
  readonly resultText: (name: string) => Promise<string>
  readonly snapshotLines: (name: string) => Promise<ReadonlyArray<string>>
  readonly nodeLog: (name: string) => Promise<string>
  readonly monitorLog: () => Promise<string>
  readonly manifest: () => Promise<RunManifest>
}

/** Writes the config and the binaries, runs the monitor on them, and returns readers for its output. */
export const runScenario = async (scenario: Scenario): Promise<ScenarioRun> => {
  const configPath = scenario.configPath ?? (await writeSimConfig(scenario.dir, {
    mode: scenario.standalone === false ? "network" : "standalone"
  })).configPath
  const binaryArgs: Array<string> = []
  for (const binary of scenario.binaries) {
    const env = { SIM_START_DELAY_MS: "200", ...binary.env }
    const binaryPath = await writeSimBinary(scenario.dir, binary.name, env, { childNotExec: binary.childNotExec ?? false })
    binaryArgs.push("-b", binaryPath)
  }
  const outputDir = path.join(scenario.dir, "results")
  const args = [
    "run",
    "-c", configPath,
    ...(scenario.standalone === false ? [] : ["-s"]),
    ...binaryArgs,
    "--output-dir", outputDir,
    "--plain",
    ...Object.entries({ ...SHORT_RUN_OPTIONS, ...scenario.options }).flat()
  ]
  const startedAt = Date.now()
  const cli = await runCli(args, {
    cwd: scenario.dir,
    timeoutMs: scenario.timeoutMs ?? 60_000,
    ...(scenario.onStdout ? { onStdout: scenario.onStdout } : {})
  })
  const wallMs = Date.now() - startedAt
  const entries = await fs.readdir(outputDir).catch(() => [])
  if (entries.length !== 1) {
    throw new Error(`expected one run folder in ${outputDir}, found ${entries.length}; monitor stderr:\n${cli.stderr}`)
  }
  const folder = path.join(outputDir, entries[0]!)
  const read = (file: string) => fs.readFile(path.join(folder, file), "utf8")

  return {
    cli,
    wallMs,
    folder,
    result: async (name) => decodeResult(JSON.parse(await read(`${name}.json`))),
    resultText: (name) => read(`${name}.json`),
    snapshotLines: async (name) => (await read(`${name}.snapshots.ndjson`)).split("\n").filter((line) => line !== ""),
    nodeLog: (name) => read(`${name}.log`),
    monitorLog: () => read("monitor.log"),
    manifest: async () => decodeManifest(JSON.parse(await read("run.json")))
  }
}

/**
 * True while the process runs: it exists and is not a zombie. A node orphaned by its wrapper shell
 * stays a zombie until init reaps it, and a zombie uses no memory and no port.
 */
export const isRunning = async (pid: number): Promise<boolean> => {
  try {
    const stat = await fs.readFile(`/proc/${pid}/stat`, "utf8")
    const state = stat.slice(stat.lastIndexOf(")") + 2).split(" ")[0]
    return state !== "Z" && state !== "X"
  } catch {
    return false
  }
}

/** Times (ms since the epoch) of the `monitor.log` lines whose text matches `pattern`, in file order. */
export const logTimes = (monitorLog: string, pattern: RegExp): Array<number> =>
  monitorLog
    .split("\n")
    .filter((line) => pattern.test(line))
    .map((line) => Date.parse(line.slice(0, line.indexOf(" "))))

/** Milliseconds between two ISO 8601 times. */
export const msBetween = (from: string, to: string) => Date.parse(to) - Date.parse(from)

/** Prints a measured figure in the test output, so that a run shows how close it came to a bound. */
export const reportMeasure = (row: string, text: string) => {
  process.stdout.write(`[fault ${row}] ${text}\n`)
}
