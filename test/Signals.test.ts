/**
 * Signals sent to the real monitor process: a first SIGINT or SIGTERM in each phase of a run, a second
 * SIGINT while the node is being stopped, and a SIGKILL of the monitor. Also the exit codes of runs that
 * end on their own. The monitor starts simulated nodes as real child processes.
 */
import { Effect, Schema } from "effect"
import { afterAll, afterEach, beforeAll, describe, expect, it } from "vitest"
import { readFileSync } from "node:fs"
import * as fs from "node:fs/promises"
import * as os from "node:os"
import * as path from "node:path"
import { readRunFolder } from "../src/Programs/ReadResults.js"
import { BinaryResult, RunManifest, Snapshot } from "../src/Schema/Results.js"
import type { CliRun } from "./support/RunCli.js"
import { runCli } from "./support/RunCli.js"
import { writeSimBinary, writeSimConfig } from "./support/SimFixtures.js"

const decodeResult = Schema.decodeUnknownSync(BinaryResult)
const decodeManifest = Schema.decodeUnknownSync(RunManifest)
const decodeSnapshot = Schema.decodeUnknownSync(Snapshot)

let workDir: string
/** Process groups of every node the tests saw; killed after each test so that no test leaves one behind. */
const seenGroups = new Set<number>()

beforeAll(async () => {
  workDir = await fs.mkdtemp(path.join(os.tmpdir(), "xm-signals-"))
})

afterEach(() => {
  for (const pgid of seenGroups) {
    try {
      process.kill(-pgid, "SIGKILL")
    } catch {
      // The group is gone, as it should be.
    }
  }
  seenGroups.clear()
})

afterAll(async () => {
  await fs.rm(workDir, { recursive: true, force: true })
})

/** Fast settings shared by every run here: standalone, ledgers every 300 ms, polls every 300 ms. */
const fastRun = ["-s", "--ledger-interval", "300ms", "--sample-interval", "500ms", "--poll-interval", "300ms"]

describe("first signal", () => {
  it("while the node starts stops it and starts no other", async () => {
    const run = await prepareRun("starting", { SIM_START_DELAY_MS: "15000" })
    const outcome = await runWithSignals(run.args([]), [
      { when: /start 1\/2 rippled-a pid=\d+\n/, delayMs: 500, signal: "SIGINT" }
    ])

    const check = await expectInterruptedRun(run, outcome, "SIGINT", "interrupted")
    expect(outcome.stdout).not.toMatch(/phase rippled-a syncing/)
    expect(check.first.snapshots).toEqual([])
    logTiming("starting", outcome)
  }, 30_000)

  it("while syncing keeps the poll snapshots", async () => {
    const run = await prepareRun("syncing", { SIM_EMPTY_LEDGERS_MS: "forever" })
    const outcome = await runWithSignals(run.args([]), [
      { when: /phase rippled-a syncing\n/, delayMs: 1200, signal: "SIGINT" }
    ])

    const check = await expectInterruptedRun(run, outcome, "SIGINT", "interrupted")
    expect(check.first.snapshots.length).toBeGreaterThanOrEqual(2)
    expect(check.first.snapshots.every((snapshot) => snapshot.kind === "poll")).toBe(true)
    expect(check.first.sync_time).toBeNull()
    logTiming("syncing", outcome)
  }, 30_000)

  it("while monitoring keeps the ledger snapshots", async () => {
    const run = await prepareRun("monitoring", {})
    const outcome = await runWithSignals(run.args([]), [{ when: ledgerLines("rippled-a", 3), signal: "SIGINT" }])

    const check = await expectInterruptedRun(run, outcome, "SIGINT", "interrupted")
    expect(check.first.snapshots.filter((snapshot) => snapshot.kind === "ledger").length).toBeGreaterThanOrEqual(3)
    expect(check.first.exit_code).toBe(0)
    expect(check.first.stderr_tail.at(-1)).toMatch(/Application:NFO Done\.$/)
    logTiming("monitoring", outcome)
  }, 30_000)

  it("SIGTERM while monitoring exits 143", async () => {
    const run = await prepareRun("sigterm", {})
    const outcome = await runWithSignals(run.args([]), [{ when: ledgerLines("rippled-a", 2), signal: "SIGTERM" }])

    const check = await expectInterruptedRun(run, outcome, "SIGTERM", "interrupted")
    expect(check.first.snapshots.filter((snapshot) => snapshot.kind === "ledger").length).toBeGreaterThanOrEqual(2)
    logTiming("monitoring (SIGTERM)", outcome)
  }, 30_000)

  it("during cooldown keeps binary 1 completed", async () => {
    const run = await prepareRun("cooldown", {})
    const outcome = await runWithSignals(run.args(["-d", "2s", "--cooldown", "20s"]), [
      { when: /phase \S+ cooldown\n/, delayMs: 300, signal: "SIGINT" }
    ])

    const check = await expectInterruptedRun(run, outcome, "SIGINT", "completed")
    expect(check.first.error_message).toBeNull()
    expect(check.first.total_ledgers).toBeGreaterThanOrEqual(2)
    logTiming("cooldown", outcome)
  }, 30_000)

  it("while the node stops keeps binary 1 completed", async () => {
    // The node takes 2 s to stop, so the signal arrives after monitoring ended and before the result is written.
    // Every sample was taken by then, so the binary counts as completed; the run still stops.
    const run = await prepareRun("stopping", { SIM_STOP_DELAY_MS: "2000" })
    const outcome = await runWithSignals(run.args(["-d", "2s", "--cooldown", "0"]), [
      { when: /phase rippled-a stopping\n/, delayMs: 300, signal: "SIGINT" }
    ])

    const check = await expectInterruptedRun(run, outcome, "SIGINT", "completed")
    expect(check.first.total_ledgers).toBeGreaterThanOrEqual(2)
    expect(check.first.exit_code).toBe(0)
    logTiming("stopping", outcome)
  }, 30_000)
})

describe("second signal", () => {
  it("kills a node that ignores SIGTERM at once", async () => {
    const run = await prepareRun("second", { SIM_IGNORE_SIGTERM: "1" })
    const outcome = await runWithSignals(run.args(["--stop-timeout", "60s"]), [
      { when: ledgerLines("rippled-a", 2), signal: "SIGINT" },
      { when: /phase rippled-a stopping\n/, delayMs: 1000, signal: "SIGINT" }
    ])

    expect(outcome.run.code).toBe(130)
    const secondSignalToExit = outcome.exitedAt - outcome.signalledAt[1]!
    expect(secondSignalToExit).toBeLessThan(10_000)
    const check = await expectInterruptedRun(run, outcome, "SIGINT", "interrupted")
    expect(check.first.error_message).toMatch(/second Ctrl-C/)
    expect(check.first.snapshots.filter((snapshot) => snapshot.kind === "ledger").length).toBeGreaterThanOrEqual(2)
    console.info(`second SIGINT to exit: ${secondSignalToExit} ms`)
  }, 30_000)
})

describe("monitor killed with SIGKILL", () => {
  it("leaves a readable run folder and the node stops", async () => {
    const run = await prepareRun("sigkill", {})
    const ledgerSeenAt = new Map<number, number>()
    const outcome = await runWithSignals(
      run.args(["-d", "60s"]),
      [{ when: ledgerLines("rippled-a", 8), delayMs: 200, signal: "SIGKILL" }],
      (stdout) => {
        for (const match of stdout.matchAll(/ledger rippled-a index=(\d+) /g)) {
          if (!ledgerSeenAt.has(Number(match[1]))) ledgerSeenAt.set(Number(match[1]), Date.now())
        }
      }
    )
    expect(outcome.run.signal).toBe("SIGKILL")
    const killedAt = outcome.signalledAt[0]!
    const folder = await runFolder(run.results)
    const nodePid = startedPids(outcome.stdout).get("rippled-a")!

    // The kernel sends the node SIGTERM (setpriv --pdeathsig) and the node shuts down on its own.
    expect(await waitUntilGone(nodePid, 10_000)).toBe(true)

    const text = await fs.readFile(path.join(folder, "rippled-a.snapshots.ndjson"), "utf8")
    const completeLines = text.split("\n").slice(0, -1)
    const snapshots = completeLines.map((line) => decodeSnapshot(JSON.parse(line)))
    const ledgerSnapshots = snapshots.filter((snapshot) => snapshot.kind === "ledger")
    const savedLedgers = new Set(ledgerSnapshots.map((snapshot) => snapshot.ledger_index))
    const printedEarly = [...ledgerSeenAt].filter(([, seenAt]) => seenAt < killedAt - 1000).map(([index]) => index)
    expect(printedEarly.length).toBeGreaterThanOrEqual(3)
    for (const index of printedEarly) expect(savedLedgers).toContain(index)
    for (const snapshot of snapshots) expect(snapshot.pids[0]).toBe(nodePid)

    const record = await Effect.runPromise(readRunFolder(folder))
    expect(record.manifest?.status).toBe("running")
    expect(record.binaries.map((binary) => binary.binary_name)).toEqual(["rippled-a"])
    const summary = record.binaries[0]!
    expect(summary.status).toBe("unfinished")
    expect(summary.snapshots).toBe(snapshots.length)
    expect(summary.skipped_lines).toBe(0)
    expect(summary.ledgers).toBe(savedLedgers.size)
    expect(summary.peak_rss_mb).toBeGreaterThan(10)
    await expectNoBinaryFiles(folder, "rippled-b")
    await expectNoProcessLeft([nodePid], [nodePid])
  }, 30_000)

  it("does not reach the child of a wrapper script", async () => {
    // setpriv sets the parent-death signal on the process it execs: here the shell, not the node it starts.
    const run = await prepareRun("wrapper", {}, { childNotExec: true })
    const outcome = await runWithSignals(run.args(["-d", "60s"]), [
      { when: ledgerLines("rippled-a", 3), delayMs: 200, signal: "SIGKILL" }
    ])
    expect(outcome.run.signal).toBe("SIGKILL")
    const folder = await runFolder(run.results)
    const shellPid = startedPids(outcome.stdout).get("rippled-a")!
    const text = await fs.readFile(path.join(folder, "rippled-a.snapshots.ndjson"), "utf8")
    const pids = decodeSnapshot(JSON.parse(text.split("\n")[0]!)).pids
    expect(pids[0]).toBe(shellPid)
    const nodePid = pids[1]!
    expect(nodePid).toBeDefined()

    expect(await waitUntilGone(shellPid, 10_000)).toBe(true)
    await sleep(2000)
    expect(isRunning(nodePid)).toBe(true)
    expect(processGroupExists(shellPid)).toBe(true)

    process.kill(-shellPid, "SIGKILL")
    expect(await waitUntilGone(nodePid, 10_000)).toBe(true)
  }, 30_000)

  it("without setpriv leaves the node running", async () => {
    const run = await prepareRun("no-setpriv", {})
    // An empty PATH hides setpriv. The wrappers name node and the shell by absolute path.
    const emptyPath = path.join(run.dir, "empty-path")
    await fs.mkdir(emptyPath)
    const outcome = await runWithSignals(
      run.args(["-d", "60s"]),
      [{ when: ledgerLines("rippled-a", 2), delayMs: 200, signal: "SIGKILL" }],
      undefined,
      { PATH: emptyPath }
    )
    expect(outcome.run.signal).toBe("SIGKILL")
    const nodePid = startedPids(outcome.stdout).get("rippled-a")!
    const monitorLog = await fs.readFile(path.join(await runFolder(run.results), "monitor.log"), "utf8")
    expect(monitorLog).toMatch(/node started argv="\S*rippled-a --conf /)

    await sleep(2000)
    expect(isRunning(nodePid)).toBe(true)

    process.kill(-nodePid, "SIGKILL")
    expect(await waitUntilGone(nodePid, 10_000)).toBe(true)
  }, 30_000)
})

describe("run that ends on its own", () => {
  it("exits 0 promptly when every binary completed", async () => {
    const run = await prepareRun("exit-0", {})
    const outcome = await runWithSignals(run.args(["-d", "2s", "--cooldown", "0"]), [])

    expect(outcome.run.stderr).toBe("")
    expect(outcome.run.code).toBe(0)
    const finishedToExit = outcome.exitedAt - outcome.firstSeen(/finished run=\S+ interrupted=false\n/)
    expect(finishedToExit).toBeLessThan(5000)
    const folder = await runFolder(run.results)
    const manifest = decodeManifest(await readJson(path.join(folder, "run.json")))
    expect(manifest.status).toBe("completed")
    expect(manifest.results.map((line) => line.status)).toEqual(["completed", "completed"])
    console.info(`exit 0: 'finished' line to exit ${finishedToExit} ms`)
  }, 30_000)

  it("exits 1 when a binary exits at once", async () => {
    const run = await prepareRun("exit-1", {})
    await fs.writeFile(path.join(run.build, "rippled-a"), "#!/bin/sh\nexit 3\n", { mode: 0o755 })
    const outcome = await runWithSignals(run.args(["-d", "2s", "--cooldown", "0"]), [])

    expect(outcome.run.code).toBe(1)
    const finishedToExit = outcome.exitedAt - outcome.firstSeen(/finished run=\S+ interrupted=false\n/)
    expect(finishedToExit).toBeLessThan(5000)
    const folder = await runFolder(run.results)
    const manifest = decodeManifest(await readJson(path.join(folder, "run.json")))
    expect(manifest.status).toBe("completed")
    expect(manifest.results.map((line) => line.status)).toEqual(["failed_to_start", "completed"])
    const first = decodeResult(await readJson(path.join(folder, "rippled-a.json")))
    expect(first.exit_code).toBe(3)
    console.info(`exit 1: 'finished' line to exit ${finishedToExit} ms`)
  }, 30_000)
})

interface PreparedRun {
  readonly dir: string
  readonly build: string
  readonly results: string
  readonly args: (extra: ReadonlyArray<string>) => Array<string>
}

/**
 * Writes a config and two simulated binaries, `rippled-a` (with `env`) and `rippled-b`, and returns the
 * `run` arguments for them: 20 s monitoring and a 1 s cooldown unless `extra` sets `-d` or `--cooldown`.
 */
const prepareRun = async (
  label: string,
  env: Record<string, string>,
  options: { readonly childNotExec?: boolean } = {}
): Promise<PreparedRun> => {
  const dir = await fs.mkdtemp(path.join(workDir, `${label}-`))
  const build = path.join(dir, "build")
  await fs.mkdir(build)
  const { configPath } = await writeSimConfig(dir)
  await writeSimBinary(build, "rippled-a", { SIM_START_DELAY_MS: "200", ...env }, options)
  await writeSimBinary(build, "rippled-b", { SIM_START_DELAY_MS: "200" })
  const results = path.join(dir, "results")
  const args = (extra: ReadonlyArray<string>) => [
    "run",
    "-c", configPath,
    "--build-dir", build,
    "--output-dir", results,
    ...fastRun,
    ...withDefault(extra, "-d", "20s"),
    ...withDefault(extra, "--cooldown", "1s"),
    ...extra
  ]
  return { dir, build, results, args }
}

interface SignalStep {
  /** Sent once this pattern matches the monitor's stdout, after the previous step was sent. */
  readonly when: RegExp
  readonly delayMs?: number
  readonly signal: NodeJS.Signals
}

interface SignalledRun {
  readonly run: CliRun
  readonly stdout: string
  /** When each step's signal was sent, in milliseconds since the epoch. */
  readonly signalledAt: ReadonlyArray<number>
  readonly exitedAt: number
  /** When stdout first matched `pattern`; fails the test when it never did. */
  readonly firstSeen: (pattern: RegExp) => number
}

/**
 * Runs the monitor, with `env` added to its environment, and sends each step's signal when its pattern
 * appears on stdout.
 */
const runWithSignals = async (
  args: ReadonlyArray<string>,
  steps: ReadonlyArray<SignalStep>,
  onOutput?: (stdout: string) => void,
  env?: Readonly<Record<string, string>>
): Promise<SignalledRun> => {
  let stdout = ""
  let next = 0
  const signalledAt: Array<number> = []
  const seen: Array<{ readonly length: number; readonly at: number }> = []
  const run = await runCli(args, {
    timeoutMs: 60_000,
    ...(env === undefined ? {} : { env }),
    onStdout: (chunk, pid) => {
      stdout += chunk
      seen.push({ length: stdout.length, at: Date.now() })
      for (const match of stdout.matchAll(/ start \d+\/\d+ \S+ pid=(\d+)\n/g)) seenGroups.add(Number(match[1]))
      onOutput?.(stdout)
      const step = steps[next]
      if (step === undefined || !step.when.test(stdout)) return
      next++
      setTimeout(() => {
        process.kill(pid, step.signal)
        signalledAt.push(Date.now())
      }, step.delayMs ?? 0)
    }
  })
  const exitedAt = Date.now()
  expect(signalledAt, `signals sent; stdout:\n${stdout}\nstderr:\n${run.stderr}`).toHaveLength(steps.length)
  const firstSeen = (pattern: RegExp) => {
    const match = pattern.exec(stdout)
    expect(match, `stdout matches ${pattern}:\n${stdout}`).not.toBeNull()
    const end = match!.index + match![0].length
    return seen.find((chunk) => chunk.length >= end)!.at
  }
  return { run, stdout, signalledAt, exitedAt, firstSeen }
}

/**
 * Checks a run interrupted while testing `rippled-a`: exit code, `run.json`, the result of `rippled-a` and its
 * NDJSON, no trace of `rippled-b`, and no process of either node left.
 */
const expectInterruptedRun = async (
  run: PreparedRun,
  outcome: SignalledRun,
  signal: NodeJS.Signals,
  firstStatus: "interrupted" | "completed"
) => {
  const context = `stdout:\n${outcome.stdout}\nstderr:\n${outcome.run.stderr}`
  expect(outcome.run.code, context).toBe(signal === "SIGTERM" ? 143 : 130)
  expect(outcome.stdout).not.toMatch(/start 2\/2/)
  const folder = await runFolder(run.results)

  const manifest = decodeManifest(await readJson(path.join(folder, "run.json")))
  expect(manifest.status).toBe("interrupted")
  expect(manifest.finished_at).not.toBeNull()
  expect(manifest.results.map((line) => line.binary_name)).toEqual(["rippled-a"])
  expect(manifest.results[0]!.status).toBe(firstStatus)

  const first = decodeResult(await readJson(path.join(folder, "rippled-a.json")))
  expect(first.status).toBe(firstStatus)
  const lines = (await fs.readFile(path.join(folder, "rippled-a.snapshots.ndjson"), "utf8"))
    .split("\n")
    .filter((line) => line !== "")
    .map((line) => decodeSnapshot(JSON.parse(line)))
  expect(lines).toEqual(first.snapshots)
  await expectNoBinaryFiles(folder, "rippled-b")

  const nodePid = startedPids(outcome.stdout).get("rippled-a")
  expect(first.node_pid).toBe(nodePid)
  const pids = [nodePid!, ...first.snapshots.flatMap((snapshot) => snapshot.pids)]
  await expectNoProcessLeft(pids, [nodePid!])
  return { folder, first, manifest }
}

const expectNoBinaryFiles = async (folder: string, name: string) => {
  const entries = await fs.readdir(folder)
  expect(entries.filter((entry) => entry.startsWith(name))).toEqual([])
}

/** Waits up to 5 s for every pid and process group to vanish, then asserts each one. */
const expectNoProcessLeft = async (pids: ReadonlyArray<number>, groups: ReadonlyArray<number>) => {
  const deadline = Date.now() + 5000
  const anyLeft = () => pids.some(isRunning) || groups.some(processGroupExists)
  while (anyLeft() && Date.now() < deadline) await sleep(50)
  for (const pid of new Set(pids)) expect(isRunning(pid), `pid ${pid} still running`).toBe(false)
  for (const pgid of groups) expect(processGroupExists(pgid), `process group ${pgid} still exists`).toBe(false)
}

/** True while `pid` exists and is not a zombie. */
const isRunning = (pid: number) => {
  try {
    process.kill(pid, 0)
  } catch {
    return false
  }
  return !isZombie(pid)
}

const isZombie = (pid: number) => {
  try {
    const stat = readFileSync(`/proc/${pid}/stat`, "utf8")
    return stat.slice(stat.lastIndexOf(")") + 2).startsWith("Z")
  } catch {
    return false
  }
}

/** True while `kill(-pgid, 0)` finds a member of the process group, zombies included. */
const processGroupExists = (pgid: number) => {
  try {
    process.kill(-pgid, 0)
    return true
  } catch {
    return false
  }
}

const waitUntilGone = async (pid: number, timeoutMs: number) => {
  const deadline = Date.now() + timeoutMs
  while (isRunning(pid) && Date.now() < deadline) await sleep(50)
  return !isRunning(pid)
}

/** Node pids from the `start i/N <binary> pid=<pid>` lines, by binary name. */
const startedPids = (stdout: string) =>
  new Map([...stdout.matchAll(/ start \d+\/\d+ (\S+) pid=(\d+)\n/g)].map((match) => [match[1]!, Number(match[2])]))

/** Matches once `count` ledger lines of `binary` were printed. */
const ledgerLines = (binary: string, count: number) =>
  new RegExp(`(ledger ${binary} index=\\d+ [^\\n]*\\n[^]*){${count}}`)

/** `[option, value]` unless `args` sets the option already (the command line rejects an option given twice). */
const withDefault = (args: ReadonlyArray<string>, option: string, value: string) =>
  args.includes(option) ? [] : [option, value]

const runFolder = async (outputDir: string) => {
  const entries = await fs.readdir(outputDir)
  expect(entries).toHaveLength(1)
  return path.join(outputDir, entries[0]!)
}

const readJson = async (file: string): Promise<unknown> => JSON.parse(await fs.readFile(file, "utf8"))

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms))

const logTiming = (phase: string, outcome: SignalledRun) =>
  console.info(`first signal in ${phase}: exit after ${outcome.exitedAt - outcome.signalledAt[0]!} ms`)
