/**
 * Faults on the WebSocket: a node that drops the monitor as a slow client, and a node that stops
 * replying while its process and socket stay up.
 */
import { afterAll, beforeAll, describe, expect, it } from "vitest"
import * as fs from "node:fs/promises"
import * as os from "node:os"
import * as path from "node:path"
import { isRunning, logTimes, reportMeasure, runScenario } from "./FaultRun.js"

let workDir: string

beforeAll(async () => {
  workDir = await fs.mkdtemp(path.join(os.tmpdir(), "xm-faults-connection-"))
})

afterAll(async () => {
  await fs.rm(workDir, { recursive: true, force: true })
})

const scenarioDir = (name: string) => fs.mkdtemp(path.join(workDir, `${name}-`))

/** When the simulated node stops replying, in ms after it started. Sync comes well before. */
const HANG_AFTER_MS = 2500

describe("connection faults", () => {
  it("slow-client close reconnects and records gaps", async () => {
    const run = await runScenario({
      dir: await scenarioDir("slow-client"),
      standalone: false,
      binaries: [
        {
          name: "rippled-slow-client",
          env: {
            SIM_SLOW_CLIENT_AFTER: "3",
            SIM_SYNC_DELAY_MS: "300",
            // Ledgers close faster than the monitor reconnects (about 200 ms), so every reconnect misses some.
            SIM_CLOSE_INTERVAL_MS: "100",
            SIM_GROWTH_MB_PER_LEDGER: "0.05"
          }
        }
      ],
      options: { "--duration": "4s" }
    })
    expect(run.cli.code).toBe(0)

    const result = await run.result("rippled-slow-client")
    expect(result.status).toBe("completed")
    const disconnects = result.events.filter((event) => event.type === "disconnected")
    expect(disconnects.length).toBeGreaterThanOrEqual(2)
    for (const event of disconnects) {
      expect(event.details).toEqual({ code: 1008, reason: "Policy error: client is too slow." })
      expect(event.message).toBe("WebSocket closed: 1008 Policy error: client is too slow.")
    }
    const reconnects = result.events.filter((event) => event.type === "reconnected")
    expect(reconnects.length).toBeGreaterThanOrEqual(disconnects.length - 1)

    const monitorLog = await run.monitorLog()
    const closedAt = logTimes(monitorLog, /WARN  WebSocket closed code=1008/)
    const resubscribedAt = logTimes(monitorLog, /INFO  resubscribed /)
    expect(closedAt.length).toBe(disconnects.length)
    expect(resubscribedAt.length).toBeGreaterThanOrEqual(reconnects.length - 1)
    const reconnectDelays = logTimes(monitorLog, /INFO  reconnecting /)
    expect(reconnectDelays.length).toBeGreaterThanOrEqual(disconnects.length - 1)

    // Ledgers keep arriving after the first close.
    const ledgers = result.snapshots.filter((snapshot) => snapshot.kind === "ledger")
    const firstClose = Date.parse(disconnects[0]!.time)
    expect(ledgers.filter((snapshot) => Date.parse(snapshot.timestamp) > firstClose).length).toBeGreaterThanOrEqual(6)

    // Every ledger between the first and the last one seen is either seen or inside a recorded gap.
    expect(result.ledger_gaps.length).toBeGreaterThanOrEqual(1)
    const seen = new Set(ledgers.map((snapshot) => snapshot.ledger_index!))
    const missed = new Set<number>()
    for (const gap of result.ledger_gaps) {
      expect(gap.count).toBe(gap.last_missing - gap.first_missing + 1)
      for (let index = gap.first_missing; index <= gap.last_missing; index++) missed.add(index)
    }
    const lowest = Math.min(...seen)
    const highest = Math.max(...seen)
    for (let index = lowest; index <= highest; index++) expect(seen.has(index) !== missed.has(index)).toBe(true)
    expect(result.events.filter((event) => event.type === "ledger_gap")).toHaveLength(result.ledger_gaps.length)
    const missedTotal = result.ledger_gaps.reduce((total, gap) => total + gap.count, 0)
    reportMeasure(
      "10",
      `${disconnects.length} closes with 1008, ${reconnects.length} reconnects, ` +
        `${result.ledger_gaps.length} gaps (${missedTotal} ledgers missed, ${result.total_ledgers} seen)`
    )
  })

  it("hung node ends as stalled", async () => {
    // Real runs use a stall window of about a minute, and this test uses 3 s.
    const stallSeconds = 3
    const run = await runScenario({
      dir: await scenarioDir("hang"),
      binaries: [{ name: "xahaud-hangs", env: { SIM_HANG_AFTER_MS: String(HANG_AFTER_MS) } }],
      options: { "--duration": "30s", "--stall-timeout": `${stallSeconds}s` }
    })
    expect(run.cli.code).toBe(1)

    const result = await run.result("xahaud-hangs")
    expect(result.status).toBe("error")
    expect(result.error_message).toMatch(/^the node stalled: no reply and no ledger for [34] s while its process stayed alive$/)
    expect(result.sync_time).not.toBeNull()
    expect(result.exit_code).toBe(0)
    expect(result.forced_kill).toBe(false)
    expect(await isRunning(result.node_pid!)).toBe(false)

    const monitorLog = await run.monitorLog()
    expect(logTimes(monitorLog, /WARN  the node stalled: no reply and no ledger/)).toHaveLength(1)
    // The stall ends the monitoring phase, and the node is sent SIGTERM at once.
    const [stoppedAt] = logTimes(monitorLog, /sending SIGTERM/)
    const hungAt = firstNodeLineAt(await run.nodeLog("xahaud-hangs")) + HANG_AFTER_MS
    const detectionMs = stoppedAt! - hungAt
    // The window counts from the last message, which may come up to one ledger interval before the hang.
    expect(detectionMs).toBeGreaterThanOrEqual(stallSeconds * 1000 - 1000)
    expect(detectionMs).toBeLessThan(stallSeconds * 1000 + 2000)
    // The node was stopped right after the stall was detected, not at the end of the 30 s.
    expect(run.wallMs).toBeLessThan(15_000)
    reportMeasure("11", `stall detected ${detectionMs} ms after the node hung, window ${stallSeconds * 1000} ms`)
  })

  it("Ctrl-C works while the node hangs", async () => {
    let sigintAt = 0
    const run = await runScenario({
      dir: await scenarioDir("hang-sigint"),
      binaries: [{ name: "xahaud-hangs", env: { SIM_HANG_AFTER_MS: String(HANG_AFTER_MS) } }],
      options: { "--duration": "60s", "--stall-timeout": "60s" },
      onStdout: (text, pid) => {
        // Sync comes about half a second after the node starts, so 3.5 s later the node has hung.
        if (sigintAt === 0 && text.includes("synced ")) {
          sigintAt = -1
          setTimeout(() => {
            sigintAt = Date.now()
            process.kill(pid, "SIGINT")
          }, 3500)
        }
      }
    })
    expect(sigintAt).toBeGreaterThan(0)
    expect(run.cli.code).toBe(130)

    const result = await run.result("xahaud-hangs")
    expect(result.status).toBe("interrupted")
    expect(result.exit_code).toBe(0)
    expect(await isRunning(result.node_pid!)).toBe(false)
    const hungAt = firstNodeLineAt(await run.nodeLog("xahaud-hangs")) + HANG_AFTER_MS
    expect(sigintAt).toBeGreaterThan(hungAt)
    // No ledger arrived after the hang, although the monitor kept calling ledger_accept.
    const ledgers = result.snapshots.filter((snapshot) => snapshot.kind === "ledger")
    expect(Date.parse(ledgers.at(-1)!.timestamp)).toBeLessThan(hungAt + 300)
    const teardownMs = Date.parse(result.end_time) - sigintAt
    expect(teardownMs).toBeLessThan(5000)
    expect((await run.manifest()).status).toBe("interrupted")
    reportMeasure("11", `Ctrl-C during the hang: result saved ${teardownMs} ms after SIGINT`)
  })
})

/** Receive time of the node's first output line, which it writes as it starts. */
const firstNodeLineAt = (nodeLog: string) => Date.parse(nodeLog.slice(0, nodeLog.indexOf(" ")))
