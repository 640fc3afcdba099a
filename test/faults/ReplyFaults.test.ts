/**
 * Faults in what the node reports: `complete_ledgers` that stays "empty" for a while or for good,
 * ledgers that vanish after sync, and `get_counts` results with unusual keys and values.
 */
import { afterAll, beforeAll, describe, expect, it } from "vitest"
import * as fs from "node:fs/promises"
import * as os from "node:os"
import * as path from "node:path"
import { isRunning, logTimes, msBetween, reportMeasure, runScenario } from "./FaultRun.js"

let workDir: string

beforeAll(async () => {
  workDir = await fs.mkdtemp(path.join(os.tmpdir(), "xm-faults-reply-"))
})

afterAll(async () => {
  await fs.rm(workDir, { recursive: true, force: true })
})

const scenarioDir = (name: string) => fs.mkdtemp(path.join(workDir, `${name}-`))

describe("reply faults", () => {
  it("full without ledgers stays in sync", async () => {
    // A real node can report `full` with no complete ledgers for minutes, and this test uses 3 s.
    const emptyMs = 3000
    const run = await runScenario({
      dir: await scenarioDir("empty-then-ledgers"),
      binaries: [
        { name: "xahaud-late-ledgers", env: { SIM_EMPTY_LEDGERS_MS: String(emptyMs), SIM_LEDGERS_AFTER_EMPTY: "1000-1010" } }
      ],
      options: { "--duration": "2s" }
    })
    expect(run.cli.code).toBe(0)

    const result = await run.result("xahaud-late-ledgers")
    expect(result.status).toBe("completed")
    expect(result.sync_duration_seconds!).toBeGreaterThanOrEqual(emptyMs / 1000)
    expect(result.sync_duration_seconds!).toBeLessThan(emptyMs / 1000 + 3)

    const polls = result.snapshots.filter((snapshot) => snapshot.kind === "poll")
    const emptyPolls = polls.filter((snapshot) => snapshot.complete_ledgers === "empty")
    expect(emptyPolls.length).toBeGreaterThanOrEqual(3)
    for (const snapshot of emptyPolls) {
      expect(snapshot.phase).toBe("syncing")
      expect(snapshot.server_state).toBe("full")
      expect(snapshot.ledger_count).toBe(0)
    }
    const lastPoll = polls.at(-1)!
    expect(lastPoll.complete_ledgers).toBe("1000-1010")
    expect(lastPoll.ledger_count).toBe(11)
    expect(result.events.find((event) => event.type === "synced")?.message).toContain("1000-1010")
    reportMeasure("1", `sync after ${result.sync_duration_seconds} s with complete_ledgers empty for ${emptyMs / 1000} s`)
  })

  it("ledgers that never appear time out", async () => {
    const run = await runScenario({
      dir: await scenarioDir("never-ledgers"),
      binaries: [
        { name: "rippled-a-no-ledgers", env: { SIM_EMPTY_LEDGERS_MS: "forever" } },
        { name: "rippled-b-healthy" }
      ],
      options: { "--duration": "2s", "--sync-timeout": "3s" }
    })
    expect(run.cli.code).toBe(1)

    const stuck = await run.result("rippled-a-no-ledgers")
    expect(stuck.status).toBe("sync_timeout")
    expect(stuck.error_message).toContain("within 3 s")
    expect(stuck.error_message).toContain("server_state: full")
    expect(stuck.error_message).toContain("complete_ledgers: empty")
    expect(stuck.sync_time).toBeNull()
    expect(stuck.last_server_info).not.toBeNull()
    expect(stuck.last_server_info!["server_state"]).toBe("full")
    expect(stuck.last_server_info!["complete_ledgers"]).toBe("empty")
    expect(stuck.exit_code).toBe(0)
    expect(stuck.forced_kill).toBe(false)
    expect(await isRunning(stuck.node_pid!)).toBe(false)
    expect(stuck.stderr_tail.at(-1)).toMatch(/Application:NFO Done\.$/)

    const next = await run.result("rippled-b-healthy")
    expect(next.status).toBe("completed")
    expect(next.total_ledgers).toBeGreaterThanOrEqual(1)
    expect((await run.manifest()).results.map((line) => line.status)).toEqual(["sync_timeout", "completed"])
  })

  it("ledger ranges parse and their loss is logged", async () => {
    const run = await runScenario({
      dir: await scenarioDir("lost-ledgers"),
      binaries: [
        { name: "xahaud-loses-ledgers", env: { SIM_COMPLETE_LEDGERS_SEQUENCE: "32570-32580,32600-32700,32750;empty" } }
      ],
      options: { "--duration": "5s" }
    })
    expect(run.cli.code).toBe(0)

    const result = await run.result("xahaud-loses-ledgers")
    expect(result.status).toBe("completed")
    const polls = result.snapshots.filter((snapshot) => snapshot.kind === "poll")
    expect(polls).toHaveLength(1)
    expect(polls[0]!.complete_ledgers).toBe("32570-32580,32600-32700,32750")
    expect(polls[0]!.ledger_count).toBe(113)
    expect(result.sync_time).not.toBeNull()

    const lost = result.events.filter((event) => event.type === "lost_sync")
    expect(lost).toHaveLength(1)
    expect(Date.parse(lost[0]!.time)).toBeGreaterThan(Date.parse(result.sync_time!))
    expect(result.events.filter((event) => event.type === "regained_sync")).toEqual([])
    expect(result.final_complete_ledgers).toBe("empty")
    // Monitoring goes on after the loss: ledgers still close and memory is still sampled.
    const afterLoss = result.snapshots.filter((snapshot) => Date.parse(snapshot.timestamp) > Date.parse(lost[0]!.time))
    expect(afterLoss.some((snapshot) => snapshot.kind === "ledger")).toBe(true)
    expect(afterLoss.some((snapshot) => snapshot.kind === "sample")).toBe(true)
    const monitorLog = await run.monitorLog()
    expect(logTimes(monitorLog, /node lost its complete ledgers/)).toHaveLength(1)
    reportMeasure("3", `lost_sync logged ${msBetween(result.sync_time!, lost[0]!.time)} ms after sync`)
  })

  it("get_counts kept exactly per binary", async () => {
    const dir = await scenarioDir("counts")
    const countsA = `{"AL_hit_rate":14.6,"node_read_bytes":"2618263884","write_load":0,"ripple::SHAMapInnerNode":3478295,"node_written_bytes":"414220986326"}`
    const countsB = `{"Ledger":42,"NodeObject":1871,"dbKBTotal":20480,"uptime":"12 minutes, 5 seconds","node_reads_total":"18446744073709551615"}`
    await fs.writeFile(path.join(dir, "counts-a.json"), countsA)
    await fs.writeFile(path.join(dir, "counts-b.json"), countsB)
    const run = await runScenario({
      dir,
      binaries: [
        { name: "xahaud-a-prefixed", env: { SIM_COUNTS_FILE: path.join(dir, "counts-a.json") } },
        { name: "rippled-b-bare", env: { SIM_COUNTS_FILE: path.join(dir, "counts-b.json") } }
      ],
      options: { "--duration": "2s" }
    })
    expect(run.cli.code).toBe(0)

    const expected = [
      { name: "xahaud-a-prefixed", text: countsA, objects: { SHAMapInnerNode: 3478295 } },
      { name: "rippled-b-bare", text: countsB, objects: { Ledger: 42, NodeObject: 1871 } }
    ]
    for (const { name, text, objects } of expected) {
      const result = await run.result(name)
      expect(result.status).toBe("completed")
      const withCounts = result.snapshots.filter((snapshot) => snapshot.kind !== "sample")
      expect(withCounts.some((snapshot) => snapshot.kind === "ledger")).toBe(true)
      for (const snapshot of withCounts) {
        expect(snapshot.counts).toEqual(JSON.parse(text))
        // Same keys in the same order, numbers spelled the same, digit strings still strings.
        expect(JSON.stringify(snapshot.counts)).toBe(text)
        expect(snapshot.object_counts).toEqual(objects)
      }
      for (const snapshot of result.snapshots.filter((snapshot) => snapshot.kind === "sample")) {
        expect(snapshot.counts).toBeNull()
      }
      const lines = await run.snapshotLines(name)
      const linesWithCounts = lines.filter((line) => !line.includes(`"kind":"sample"`))
      expect(linesWithCounts).toHaveLength(withCounts.length)
      for (const line of linesWithCounts) expect(line).toContain(`"counts":${text}`)
    }

    const resultText = await run.resultText("xahaud-a-prefixed")
    expect(resultText).toContain(`"node_read_bytes": "2618263884"`)
    expect(resultText).toContain(`"node_written_bytes": "414220986326"`)
    expect(resultText).toContain(`"write_load": 0,`)
    expect(resultText).toContain(`"AL_hit_rate": 14.6,`)
    expect(resultText).toContain(`"ripple::SHAMapInnerNode": 3478295,`)
    expect(await run.resultText("rippled-b-bare")).toContain(`"node_reads_total": "18446744073709551615"`)
  })
})
