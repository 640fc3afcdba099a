/**
 * Faults while a node starts: a port that opens late, a fatal exit before and after the port opened,
 * a node that cannot bind one of its ports, and a port already taken before the node starts.
 */
import { afterAll, beforeAll, describe, expect, it } from "vitest"
import * as fs from "node:fs/promises"
import * as net from "node:net"
import * as os from "node:os"
import * as path from "node:path"
import { freePort } from "../support/SimFixtures.js"
import { logTimes, reportMeasure, runScenario } from "./FaultRun.js"

let workDir: string

beforeAll(async () => {
  workDir = await fs.mkdtemp(path.join(os.tmpdir(), "xm-faults-start-"))
})

afterAll(async () => {
  await fs.rm(workDir, { recursive: true, force: true })
})

const scenarioDir = (name: string) => fs.mkdtemp(path.join(workDir, `${name}-`))

/** The last line the simulated node writes before its fatal exit (rippled's log format). */
const FATAL_LINE = /Application:FTL Unrecoverable error: std::bad_alloc$/

describe("start faults", () => {
  it("late port opens without an error", async () => {
    // A real node loading a large database rejects connections for minutes, and this test uses 3 s.
    const refusedMs = 3000
    const run = await runScenario({
      dir: await scenarioDir("late-port"),
      binaries: [{ name: "rippled-late-port", env: { SIM_START_DELAY_MS: String(refusedMs) } }],
      options: { "--duration": "2s", "--startup-timeout": "30s" }
    })
    expect(run.cli.code).toBe(0)

    const result = await run.result("rippled-late-port")
    expect(result.status).toBe("completed")
    expect(result.error_message).toBeNull()
    expect(result.events.filter((event) => event.type === "disconnected")).toEqual([])

    const monitorLog = await run.monitorLog()
    const [startedAt] = logTimes(monitorLog, /INFO  node started/)
    const connectedAt = logTimes(monitorLog, /INFO  connected /)
    expect(connectedAt).toHaveLength(1)
    const connectMs = connectedAt[0]! - startedAt!
    expect(connectMs).toBeGreaterThanOrEqual(refusedMs)
    // Until the first open, connection attempts are at most 1 s apart. The rest is margin for a slow machine.
    expect(connectMs).toBeLessThan(refusedMs + 3000)
    expect(logTimes(monitorLog, /connect failed/).length).toBeGreaterThanOrEqual(2)
    expect(result.snapshots[0]!.elapsed_seconds * 1000).toBeGreaterThanOrEqual(refusedMs)
    reportMeasure("7", `connected ${connectMs} ms after start with the port refusing for ${refusedMs} ms`)
  })

  it("fatal exit before the port opened", async () => {
    const run = await runScenario({
      dir: await scenarioDir("fatal-early"),
      binaries: [{ name: "xahaud-fatal-early", env: { SIM_START_DELAY_MS: "5000", SIM_FATAL_EXIT_AFTER_MS: "500" } }],
      options: { "--startup-timeout": "60s" }
    })
    expect(run.cli.code).toBe(1)

    const result = await run.result("xahaud-fatal-early")
    expect(result.status).toBe("failed_to_start")
    expect(result.error_message).toMatch(/^the node exited with code 1 before its WebSocket port opened; last FTL line: .*:FTL /)
    expect(result.exit_code).toBe(1)
    expect(result.exit_signal).toBeNull()
    expect(result.stderr_tail).toHaveLength(100)
    expect(result.stderr_tail.at(-1)).toMatch(FATAL_LINE)
    expect(result.snapshots).toEqual([])
    expect(run.wallMs).toBeLessThan(15_000)
    await expectWholeFatalOutput(await run.nodeLog("xahaud-fatal-early"))
    reportMeasure("6", `failed_to_start reported ${msFromExitToEnd(await run.monitorLog(), result.end_time)} ms after the exit`)
  })

  it("fatal exit after the port opened", async () => {
    const run = await runScenario({
      dir: await scenarioDir("fatal-late"),
      binaries: [{ name: "xahaud-fatal-late", env: { SIM_FATAL_EXIT_AFTER_MS: "3500" } }],
      options: { "--duration": "20s" }
    })
    expect(run.cli.code).toBe(1)

    const result = await run.result("xahaud-fatal-late")
    expect(result.status).toBe("crashed")
    expect(result.error_message).toMatch(/^the node exited with code 1; last FTL line: .*:FTL /)
    expect(result.sync_time).not.toBeNull()
    expect(result.exit_code).toBe(1)
    expect(result.exit_signal).toBeNull()
    expect(result.forced_kill).toBe(false)
    expect(result.stderr_tail.at(-1)).toMatch(FATAL_LINE)
    expect(result.snapshots.some((snapshot) => snapshot.kind === "ledger")).toBe(true)
    expect(run.wallMs).toBeLessThan(15_000)
    await expectWholeFatalOutput(await run.nodeLog("xahaud-fatal-late"))
    reportMeasure("6", `crashed reported ${msFromExitToEnd(await run.monitorLog(), result.end_time)} ms after the exit`)
  })

  it("bind failure fails the start at once", async () => {
    const dir = await scenarioDir("bind-failure")
    const taken = await listen(0)
    try {
      const takenPort = (taken.address() as net.AddressInfo).port
      const monitorPort = await freePort()
      // The taken port is listed first, so the node fails before it opens the port the monitor uses,
      // as rippled does when any port of [server] cannot be bound.
      const configPath = path.join(dir, "two-ports.cfg")
      await fs.writeFile(configPath, twoPortConfig(dir, takenPort, monitorPort))
      const run = await runScenario({
        dir,
        configPath,
        binaries: [{ name: "rippled-bind-failure" }],
        options: { "--startup-timeout": "60s" }
      })
      expect(run.cli.code).toBe(1)

      const result = await run.result("rippled-bind-failure")
      expect(result.test_configuration.websocket_url).toBe(`ws://127.0.0.1:${monitorPort}`)
      expect(result.status).toBe("failed_to_start")
      expect(result.error_message).toMatch(/^the node exited with code 255 before its WebSocket port opened; last FTL line: .*:FTL /)
      expect(result.exit_code).toBe(255)
      expect(result.stderr_tail.some((line) => line.includes("Address already in use"))).toBe(true)
      expect(result.stderr_tail.at(-1)).toMatch(/Application:FTL Unable to setup server handler/)
      // Long before the 60 s start-up timeout.
      expect(run.wallMs).toBeLessThan(15_000)
      reportMeasure("8", `failed_to_start reported ${msFromExitToEnd(await run.monitorLog(), result.end_time)} ms after the exit`)
    } finally {
      await close(taken)
    }
  })

  it("port in use rejects the binary", async () => {
    const dir = await scenarioDir("port-taken")
    const taken = await listen(0)
    try {
      const takenPort = (taken.address() as net.AddressInfo).port
      const configPath = path.join(dir, "taken.cfg")
      await fs.writeFile(configPath, twoPortConfig(dir, takenPort, undefined))
      const run = await runScenario({ dir, configPath, binaries: [{ name: "xahaud-port-taken" }] })
      expect(run.cli.code).toBe(1)

      const result = await run.result("xahaud-port-taken")
      expect(result.status).toBe("failed_to_start")
      expect(result.error_message).toContain(`port ${takenPort} on 127.0.0.1 is already in use by pid ${process.pid}`)
      expect(result.node_pid).toBeNull()
      expect(result.exit_code).toBeNull()
      expect(result.snapshots).toEqual([])
      expect(result.stderr_tail).toEqual([])
      const nodeLog = await run.nodeLog("xahaud-port-taken").catch(() => "")
      expect(nodeLog).toBe("")
      expect(await run.monitorLog()).not.toContain("node started")
    } finally {
      await close(taken)
    }
  })
})

/** Checks that the node log contains the whole 64 KiB burst, and that the fatal line is its last stderr line. */
const expectWholeFatalOutput = async (nodeLog: string) => {
  const stderrLines = nodeLog.split("\n").filter((line) => / stderr /.test(line))
  expect(stderrLines.at(-1)).toMatch(FATAL_LINE)
  const struggleLines = stderrLines.filter((line) => /LoadMonitor|JobQueue:WRN|NodeObject:ERR|Ledger fetch stalled/.test(line))
  expect(struggleLines.length).toBeGreaterThan(500)
}

/** Milliseconds from the monitor's "node exited" log line to the result's end time. */
const msFromExitToEnd = (monitorLog: string, endTime: string) => {
  const [exitedAt] = logTimes(monitorLog, /INFO  node exited/)
  return Date.parse(endTime) - exitedAt!
}

/** A node config with one admin WebSocket port, and before it an optional second WebSocket port. */
const twoPortConfig = (dir: string, firstPort: number, adminPort: number | undefined) =>
  [
    "[server]",
    "port_ws_public",
    ...(adminPort === undefined ? [] : ["port_ws_admin_local"]),
    "",
    "[port_ws_public]",
    `port = ${firstPort}`,
    "ip = 127.0.0.1",
    "admin = 127.0.0.1",
    "protocol = ws",
    "",
    ...(adminPort === undefined
      ? []
      : ["[port_ws_admin_local]", `port = ${adminPort}`, "ip = 127.0.0.1", "admin = 127.0.0.1", "protocol = ws", ""]),
    "[node_size]",
    "tiny",
    "",
    "[database_path]",
    path.join(dir, "db"),
    ""
  ].join("\n")

const listen = (port: number): Promise<net.Server> =>
  new Promise((resolve, reject) => {
    const server = net.createServer((socket) => socket.destroy())
    server.once("error", reject)
    server.listen(port, "127.0.0.1", () => resolve(server))
  })

const close = (server: net.Server): Promise<void> => new Promise((resolve) => server.close(() => resolve()))
