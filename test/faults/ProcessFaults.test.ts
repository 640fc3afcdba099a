/**
 * Faults of the node process: a crash by SIGKILL while memory grows, an output flood, and nodes that
 * ignore SIGTERM, alone or behind a wrapper shell.
 */
import { afterAll, beforeAll, describe, expect, it } from "vitest"
import { readFileSync } from "node:fs"
import * as fs from "node:fs/promises"
import * as os from "node:os"
import * as path from "node:path"
import { isRunning, logTimes, reportMeasure, runScenario } from "./FaultRun.js"

let workDir: string

beforeAll(async () => {
  workDir = await fs.mkdtemp(path.join(os.tmpdir(), "xm-faults-process-"))
})

afterAll(async () => {
  await fs.rm(workDir, { recursive: true, force: true })
})

const scenarioDir = (name: string) => fs.mkdtemp(path.join(workDir, `${name}-`))

describe("process faults", () => {
  it("SIGKILL crash keeps every ledger", async () => {
    const growthMb = 50
    const run = await runScenario({
      dir: await scenarioDir("crash"),
      binaries: [
        { name: "rippled-a-crashes", env: { SIM_GROWTH_MB_PER_LEDGER: String(growthMb), SIM_CRASH_AFTER_LEDGERS: "10" } },
        { name: "rippled-b-healthy" }
      ],
      // The crash comes about 3.5 s after sync, well before the monitoring time ends.
      options: { "--duration": "6s", "--ledger-interval": "300ms" }
    })
    expect(run.cli.code).toBe(1)

    const result = await run.result("rippled-a-crashes")
    expect(result.status).toBe("crashed")
    expect(result.error_message).toBe("the node was killed by SIGKILL")
    expect(result.exit_signal).toBe("SIGKILL")
    expect(result.exit_code).toBeNull()
    expect(result.forced_kill).toBe(false)

    const ledgers = result.snapshots.filter((snapshot) => snapshot.kind === "ledger")
    expect(ledgers.map((snapshot) => snapshot.ledger_index)).toEqual([3, 4, 5, 6, 7, 8, 9, 10, 11, 12])
    expect(result.total_ledgers).toBe(10)
    const grownMb = ledgers.at(-1)!.rss_mb - ledgers[0]!.rss_mb
    expect(grownMb).toBeGreaterThan(9 * growthMb * 0.9)
    expect(result.peak_memory_rss_mb!).toBeGreaterThan(10 * growthMb)
    const lastCounts = ledgers.at(-1)!.counts
    expect(lastCounts).not.toBeNull()
    expect(lastCounts!["treenode_cache_size"]).toBeGreaterThan(3)
    expect(await isRunning(result.node_pid!)).toBe(false)

    // The node kills itself 200 ms after it sends the 10th ledger, and the rest is the monitor's reaction.
    const lastLedgerAt = Date.parse(ledgers.at(-1)!.timestamp)
    const [exitSeenAt] = logTimes(await run.monitorLog(), /INFO  node exited .*signal="?SIGKILL/)
    const detectionMs = exitSeenAt! - lastLedgerAt - 200
    const endedMs = Date.parse(result.end_time) - exitSeenAt!
    expect(detectionMs).toBeLessThan(1000)
    expect(endedMs).toBeLessThan(2000)

    const next = await run.result("rippled-b-healthy")
    expect(next.status).toBe("completed")
    reportMeasure("5", `SIGKILL seen about ${detectionMs} ms after it was sent, result saved ${endedMs} ms later`)
  })

  it("output flood is logged in full", async () => {
    const stdoutBytes = 5 * 1024 * 1024
    const stderrBytes = 200 * 1024
    let monitorPid = 0
    let peakKb = 0
    const sampler = setInterval(() => {
      if (monitorPid !== 0) peakKb = Math.max(peakKb, readHighWaterMarkKb(monitorPid))
    }, 100)
    const run = await runScenario({
      dir: await scenarioDir("flood"),
      binaries: [
        {
          name: "xahaud-flood",
          env: { SIM_FLOOD_STDOUT_BYTES: String(stdoutBytes), SIM_FLOOD_STDERR_BYTES: String(stderrBytes) }
        }
      ],
      options: { "--duration": "3s" },
      onStdout: (_text, pid) => {
        monitorPid = pid
      }
    }).finally(() => clearInterval(sampler))
    expect(run.cli.code).toBe(0)
    expect((await run.result("xahaud-flood")).status).toBe("completed")

    const nodeLog = await run.nodeLog("xahaud-flood")
    const stdoutTexts: Array<string> = []
    const stderrTexts: Array<string> = []
    for (const line of nodeLog.split("\n")) {
      const match = /^\S+Z (stdout|stderr) (.*)$/.exec(line)
      if (match?.[1] === "stdout") stdoutTexts.push(match[2]!)
      if (match?.[1] === "stderr") stderrTexts.push(match[2]!)
    }
    // Every stdout byte is in the log: the node writes nothing else to stdout.
    expect(stdoutTexts.reduce((total, text) => total + text.length + 1, 0)).toBe(stdoutBytes)
    expectNumberedLines(stdoutTexts, /^sim node stdout flood line (\d+)$/)
    const stderrFlood = expectNumberedLines(stderrTexts, /LedgerMaster:DBG output flood line (\d+)$/)
    const stderrFloodBytes = stderrFlood.reduce((total, text) => total + text.length + 1, 0)
    // Only the last flood line, cut to make the size exact, may lack its number.
    expect(stderrFloodBytes).toBeGreaterThan(stderrBytes - 200)
    expect(stderrFloodBytes).toBeLessThanOrEqual(stderrBytes)

    expect(peakKb).toBeGreaterThan(0)
    expect(peakKb).toBeLessThan(400 * 1024)
    reportMeasure("12", `monitor peak RSS (VmHWM) ${(peakKb / 1024).toFixed(1)} MiB under a 5 MiB stdout and 200 KiB stderr flood`)
  })

  it("wrapper and child are killed together", async () => {
    const stopSeconds = 2
    const run = await runScenario({
      dir: await scenarioDir("wrapper"),
      binaries: [{ name: "xahaud-wrapped", env: { SIM_IGNORE_SIGTERM: "1" }, childNotExec: true }],
      options: { "--duration": "2s", "--stop-timeout": `${stopSeconds}s` }
    })
    expect(run.cli.code).toBe(0)

    const result = await run.result("xahaud-wrapped")
    expect(result.status).toBe("completed")
    expect(result.forced_kill).toBe(true)
    expect(result.events.filter((event) => event.type === "forced_kill")).toHaveLength(1)
    const pids = new Set(result.snapshots.flatMap((snapshot) => snapshot.pids))
    // The wrapper shell and the node under it.
    expect(pids.size).toBeGreaterThanOrEqual(2)
    expect(pids.has(result.node_pid!)).toBe(true)
    for (const pid of pids) expect(await isRunning(pid)).toBe(false)

    const teardownMs = msFromSigtermToEnd(await run.monitorLog(), result.end_time)
    expect(teardownMs).toBeGreaterThanOrEqual(stopSeconds * 1000)
    expect(teardownMs).toBeLessThan(stopSeconds * 1000 + 3000)
    reportMeasure("13", `wrapper and child gone ${teardownMs} ms after SIGTERM, stop timeout ${stopSeconds * 1000} ms`)
  })

  it("SIGTERM ignored leads to SIGKILL", async () => {
    const stopSeconds = 2
    const run = await runScenario({
      dir: await scenarioDir("ignore-sigterm"),
      binaries: [{ name: "rippled-stubborn", env: { SIM_IGNORE_SIGTERM: "1", SIM_IGNORE_STOP: "1" } }],
      options: { "--duration": "2s", "--stop-timeout": `${stopSeconds}s` }
    })
    expect(run.cli.code).toBe(0)

    const result = await run.result("rippled-stubborn")
    expect(result.status).toBe("completed")
    expect(result.forced_kill).toBe(true)
    expect(result.exit_signal).toBe("SIGKILL")
    const forced = result.events.filter((event) => event.type === "forced_kill")
    expect(forced).toHaveLength(1)
    expect(forced[0]!.message).toBe("the node ignored SIGTERM and was killed with SIGKILL")
    expect(await isRunning(result.node_pid!)).toBe(false)

    const monitorLog = await run.monitorLog()
    const [sigtermAt] = logTimes(monitorLog, /sending SIGTERM/)
    const [sigkillAt] = logTimes(monitorLog, /still running after the stop timeout; sending SIGKILL/)
    const graceMs = sigkillAt! - sigtermAt!
    expect(graceMs).toBeGreaterThanOrEqual(stopSeconds * 1000)
    expect(graceMs).toBeLessThan(stopSeconds * 1000 + 1000)
    reportMeasure("14", `SIGKILL sent ${graceMs} ms after SIGTERM, stop timeout ${stopSeconds * 1000} ms`)
  })
})

/** VmHWM (peak resident set size) of a process in KiB, or 0 once it has exited. */
const readHighWaterMarkKb = (pid: number) => {
  try {
    const match = /^VmHWM:\s+(\d+) kB/m.exec(readFileSync(`/proc/${pid}/status`, "utf8"))
    return match ? Number(match[1]) : 0
  } catch {
    return 0
  }
}

/** Checks that the lines matching `pattern` are numbered 1, 2, 3, ... with none missing, and returns them. */
const expectNumberedLines = (texts: ReadonlyArray<string>, pattern: RegExp) => {
  const numbered = texts.filter((text) => pattern.test(text))
  expect(numbered.length).toBeGreaterThan(100)
  const numbers = numbered.map((text) => Number(pattern.exec(text)![1]))
  expect(numbers).toEqual(numbers.map((_, index) => index + 1))
  return numbered
}

/** Milliseconds from the monitor's SIGTERM to the node's process group until the result's end time. */
const msFromSigtermToEnd = (monitorLog: string, endTime: string) => {
  const [sigtermAt] = logTimes(monitorLog, /sending SIGTERM/)
  return Date.parse(endTime) - sigtermAt!
}
