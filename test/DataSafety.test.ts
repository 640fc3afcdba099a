/**
 * Result files under concurrent readers: `run.json` and `<binary>.json` are replaced atomically (temporary
 * file, then rename), so a reader never sees a partial file, and no temporary file is left behind.
 */
import { Effect } from "effect"
import { afterAll, beforeAll, describe, expect, it } from "vitest"
import { spawn } from "node:child_process"
import * as fs from "node:fs/promises"
import * as os from "node:os"
import * as path from "node:path"
import { Worker } from "node:worker_threads"
import { makeResultsStore } from "../src/Layers/ResultsStore.js"
import type { BinarySummaryLine, RunManifest } from "../src/Schema/Results.js"
import { runCli } from "./support/RunCli.js"
import { writeSimBinary, writeSimConfig } from "./support/SimFixtures.js"

let workDir: string

beforeAll(async () => {
  workDir = await fs.mkdtemp(path.join(os.tmpdir(), "xm-data-safety-"))
})

afterAll(async () => {
  await fs.rm(workDir, { recursive: true, force: true })
})

describe("run.json rewrites", () => {
  it("never show a reader a partial file", async () => {
    const outputDir = path.join(workDir, "store")
    const store = Effect.runSync(makeResultsStore(outputDir, "20261204_120000"))
    const file = path.join(store.runDir, "run.json")
    Effect.runSync(store.writeManifest(manifestWith(0)))

    // The reader runs on its own thread, so its reads overlap the writes below.
    const stop = new Int32Array(new SharedArrayBuffer(4))
    const reader = new Worker(READER_THREAD, { eval: true, workerData: { file, stop } })
    const report = new Promise<ReaderReport>((resolve, reject) => {
      reader.once("message", resolve)
      reader.once("error", reject)
    })
    await new Promise((resolve) => reader.once("online", resolve))

    for (let version = 1; version <= 200; version++) Effect.runSync(store.writeManifest(manifestWith(version)))
    Atomics.store(stop, 0, 1)
    const { reads, partial, versions } = await report

    expect(partial).toEqual([])
    expect(reads).toBeGreaterThan(10)
    expect(versions).toBeGreaterThan(1)
    expect(await fs.readdir(store.runDir)).toEqual(["run.json"])
  })
})

describe("a failed rewrite", () => {
  it("keeps no temporary file", async () => {
    const outputDir = path.join(workDir, "failing-store")
    const store = Effect.runSync(makeResultsStore(outputDir, "20261204_120000"))
    // rename() cannot replace a directory with a file, so the write fails after the temporary file exists.
    await fs.mkdir(path.join(store.runDir, "run.json"))

    const written = Effect.runSync(Effect.either(store.writeManifest(manifestWith(1))))

    expect(written._tag).toBe("Left")
    expect(await fs.readdir(store.runDir)).toEqual(["run.json"])
  })
})

describe("a real run", () => {
  it("leaves only complete JSON files and no temporary files", async () => {
    const dir = await fs.mkdtemp(path.join(workDir, "run-"))
    const build = path.join(dir, "build")
    await fs.mkdir(build)
    const { configPath } = await writeSimConfig(dir)
    const names = ["rippled-a", "rippled-b", "rippled-c"]
    for (const name of names) await writeSimBinary(build, name, { SIM_START_DELAY_MS: "100" })
    const results = path.join(dir, "results")
    const stopFile = path.join(dir, "stop-reading")
    const reader = startReaderProcess(results, stopFile)

    const run = await runCli(
      [
        "run", "-c", configPath, "-s", "-d", "1500ms", "--ledger-interval", "300ms", "--cooldown", "0",
        "--build-dir", build, "--output-dir", results
      ],
      { cwd: dir, timeoutMs: 60_000 }
    )
    await fs.writeFile(stopFile, "")
    const report = await reader

    expect(run.code, run.stderr).toBe(0)
    expect(report.partial).toEqual([])
    expect(report.reads).toBeGreaterThan(10)
    expect(report.versions).toBeGreaterThanOrEqual(2)
    const [runId] = await fs.readdir(results)
    const files = (await fs.readdir(path.join(results, runId!))).sort()
    const perBinary = names.flatMap((name) => [`${name}.json`, `${name}.log`, `${name}.snapshots.ndjson`])
    const expected = ["monitor.log", "run.json", ...perBinary]
    expect(files).toEqual(expected.sort())
  }, 60_000)
})

interface ReaderReport {
  readonly reads: number
  /** Files that did not parse as JSON when read, with their length then. */
  readonly partial: ReadonlyArray<{ readonly file: string; readonly length: number }>
  /** Distinct contents of `run.json` seen. */
  readonly versions: number
}

/** Reads `workerData.file` in a tight loop until `workerData.stop[0]` is 1, then posts a `ReaderReport`. */
const READER_THREAD = `
const { readFileSync } = require("node:fs")
const { parentPort, workerData } = require("node:worker_threads")
const seen = new Set()
const partial = []
let reads = 0
while (Atomics.load(workerData.stop, 0) === 0) {
  const text = readFileSync(workerData.file, "utf8")
  reads++
  seen.add(text)
  try { JSON.parse(text) } catch { partial.push({ file: workerData.file, length: text.length }) }
}
parentPort.postMessage({ reads, partial, versions: seen.size })
`

/**
 * Starts a separate node process that reads every `.json` file under `root` in a tight loop until
 * `stopFile` exists, then prints a `ReaderReport`.
 */
const startReaderProcess = (root: string, stopFile: string): Promise<ReaderReport> => {
  const code = `
const fs = require("node:fs")
const path = require("node:path")
const [root, stopFile] = process.argv.slice(1)
const partial = []
const manifests = new Set()
let reads = 0
const list = (dir) => { try { return fs.readdirSync(dir) } catch { return [] } }
while (!fs.existsSync(stopFile)) {
  for (const run of list(root)) {
    for (const name of list(path.join(root, run)).filter((name) => name.endsWith(".json"))) {
      let text
      try { text = fs.readFileSync(path.join(root, run, name), "utf8") } catch { continue }
      reads++
      if (name === "run.json") manifests.add(text)
      try { JSON.parse(text) } catch { partial.push({ file: name, length: text.length }) }
    }
  }
}
process.stdout.write(JSON.stringify({ reads, partial, versions: manifests.size }))
`
  const child = spawn(process.execPath, ["-e", code, root, stopFile], { stdio: ["ignore", "pipe", "inherit"] })
  let output = ""
  child.stdout.setEncoding("utf8").on("data", (chunk: string) => (output += chunk))
  return new Promise((resolve, reject) => {
    child.once("error", reject)
    child.once("close", () => resolve(JSON.parse(output) as ReaderReport))
  })
}

/** A `run.json` whose size grows with `version`, up to about 300 KB, so that each write takes a while. */
const manifestWith = (version: number): RunManifest => ({
  test_run_id: "20261204_120000",
  started_at: "2026-12-04T12:00:00.000Z",
  finished_at: null,
  status: "running",
  binaries_planned: ["rippled-a"],
  test_configuration: {
    test_duration_minutes: 5,
    configured_duration_seconds: 300,
    poll_interval_seconds: 4,
    sample_interval_seconds: 1,
    ledger_interval_seconds: 4,
    websocket_url: "ws://127.0.0.1:6006",
    rippled_config_path: "rippled.cfg",
    api_version: null,
    standalone_mode: true,
    node_args: [],
    script_version: "test"
  },
  system_info: {
    platform: "linux",
    platform_version: "test",
    kernel: "test",
    hostname: "test",
    cpu_count: 2,
    cpu_model: "test",
    total_memory_gb: 4,
    node_version: "v20",
    tool_version: "test"
  },
  results: Array.from({ length: 200 + (version % 10) * 100 }, (_, index) => summaryLine(version, index))
})

const summaryLine = (version: number, index: number): BinarySummaryLine => ({
  binary_name: `rippled-${version}-${index}`,
  binary_path: `/opt/build/rippled-${version}-${index}`,
  status: "completed",
  error_message: null,
  sync_duration_seconds: 1.5,
  total_ledgers: index,
  peak_memory_rss_mb: 512.25,
  final_memory_rss_mb: 500.5,
  rss_growth_mb_per_hour: 12.5,
  result_file: `/opt/results/rippled-${version}-${index}.json`
})
