import * as fs from "node:fs/promises"
import * as http from "node:http"
import * as net from "node:net"
import * as os from "node:os"
import * as path from "node:path"
import { afterEach, beforeEach, describe, expect, it } from "vitest"
import { freePort, readRssKb, SimClient, startSim, stopAllSims, writeSimConfig } from "./support/SimFixtures.js"

const FIXTURES = path.resolve(import.meta.dirname, "fixtures/real-xahaud")

const LOG_LINE = /^\d{4}-(Jan|Feb|Mar|Apr|May|Jun|Jul|Aug|Sep|Oct|Nov|Dec)-\d{2} \d{2}:\d{2}:\d{2}\.\d{9} UTC [A-Za-z]+:(TRC|DBG|NFO|WRN|ERR|FTL) /

let dir = ""
const clients: Array<SimClient> = []

beforeEach(async () => {
  dir = await fs.mkdtemp(path.join(os.tmpdir(), "sim-node-"))
})

afterEach(async () => {
  for (const client of clients.splice(0)) client.close()
  await stopAllSims()
  await fs.rm(dir, { recursive: true, force: true })
})

describe("command line", () => {
  it("prints the version to stdout", async () => {
    const xahaud = startSim(["--version"])
    let stdout = ""
    xahaud.child.stdout?.on("data", (chunk: Buffer) => (stdout += chunk.toString()))
    expect(await xahaud.exited).toEqual({ code: 0, signal: null })
    expect(stdout).toBe("xahaud version 2024.10.15-release+1020\n")

    const rippled = startSim(["--version"], { SIM_FLAVOUR: "rippled" })
    let rippledStdout = ""
    rippled.child.stdout?.on("data", (chunk: Buffer) => (rippledStdout += chunk.toString()))
    expect((await rippled.exited).code).toBe(0)
    expect(rippledStdout).toBe("rippled version 2.3.0\n")
  })

  it("rejects an unknown option like boost", async () => {
    const sim = startSim(["--bogus"])
    expect((await sim.exited).code).toBe(1)
    expect(sim.stderr()).toBe("xahaud: unrecognised option '--bogus'\nTry 'xahaud --help' for a list of options.\n")
  })

  it("prints usage to stderr for --help", async () => {
    const sim = startSim(["--help"])
    expect((await sim.exited).code).toBe(0)
    expect(sim.stderr()).toContain("--standalone")
    expect(sim.stdoutBytes()).toBe(0)
  })

  it("exits 255 without a config file", async () => {
    const sim = startSim(["--standalone"], {}, { cwd: dir })
    expect((await sim.exited).code).toBe(255)
    const expectedPath = path.join(await fs.realpath(dir), "xahaud.cfg")
    expect(sim.stderr()).toContain(`Loading: "${expectedPath}"\nFailed to read '${expectedPath}'.2: No such file or directory\n`)
    expect(sim.stderr()).toMatch(/Application:ERR Required section \[server\] is missing\n/)
    expect(sim.stderr()).toMatch(/Application:FTL Unable to setup server handler: std::exception\n$/)
  })

  it("exits 255 when the port is in use", async () => {
    const blocker = net.createServer()
    const port = await new Promise<number>((resolve) =>
      blocker.listen(0, "127.0.0.1", () => resolve((blocker.address() as net.AddressInfo).port))
    )
    try {
      const { configPath } = await writeSimConfig(dir, { wsPort: port })
      const sim = startSim(["--conf", configPath, "--standalone"])
      expect((await sim.exited).code).toBe(255)
      expect(sim.stderr()).toMatch(/Server:ERR Bind port 'port_ws_admin_local' failed:Address already in use\n/)
      expect(sim.stderr()).toMatch(/Application:FTL Unable to setup server handler: bind: Address already in use\n$/)
    } finally {
      blocker.close()
    }
  })

  it("refuses connections until the start delay has passed", async () => {
    const { configPath, wsPort } = await writeSimConfig(dir)
    const sim = startSim(["--conf", configPath, "-a"], { SIM_START_DELAY_MS: "2500" })
    await sim.waitForStderr(/Process starting/)
    await expect(SimClient.connectOnce(wsPort)).rejects.toMatchObject({ code: "ECONNREFUSED" })
    const client = await SimClient.connect(wsPort)
    clients.push(client)
    expect(sim.stderr()).toMatch(/Server:NFO Opened 'port_ws_admin_local'/)
  })

  it("writes only the first start-up lines with --silent", async () => {
    const { configPath, wsPort } = await writeSimConfig(dir)
    const sim = startSim(["--conf", configPath, "-a", "--silent"])
    const client = await SimClient.connect(wsPort)
    clients.push(client)
    const reply = await client.request({ id: 1, command: "server_info" })
    expect(reply.json.status).toBe("success")

    const lines = sim.stderr().split("\n").filter((line) => line !== "")
    expect(lines.length).toBeGreaterThanOrEqual(2)
    expect(lines.length).toBeLessThanOrEqual(3)
    expect(sim.stderr()).not.toContain("Loading:")
    expect(sim.stderr()).toMatch(/Application:NFO Process starting: xahaud-/)
    expect(sim.stderr()).not.toContain("Opened")
  })

  it("writes nothing with --quiet", async () => {
    const { configPath, wsPort } = await writeSimConfig(dir)
    const sim = startSim(["--conf", configPath, "-a", "-q"])
    const client = await SimClient.connect(wsPort)
    clients.push(client)
    await client.request({ id: 1, command: "ping" })
    expect(sim.stderr()).toBe("")
  })
})

describe("standalone protocol", () => {
  const startStandalone = async (env: Record<string, string> = {}) => {
    const { configPath, wsPort } = await writeSimConfig(dir)
    const sim = startSim(["--conf", configPath, "--standalone", "--start"], env)
    const client = await SimClient.connect(wsPort)
    clients.push(client)
    return { sim, client, configPath, wsPort }
  }

  it("answers server_info in the real reply's shape", async () => {
    const { client } = await startStandalone()
    const reply = await client.request({ id: 1, command: "server_info" })
    const real = await readFixture("server_info-at-start.json")

    expect(shapeOf(reply.json)).toEqual(shapeOf(real))
    expect(reply.text.endsWith("\n")).toBe(false)
    expect(reply.text).toBe(JSON.stringify(sortKeys(reply.json)))

    const info = (reply.json.result as Record<string, any>).info
    expect(info.complete_ledgers).toBe("2")
    expect(info.validated_ledger.seq).toBe(2)
    expect(info.validated_ledger.hash).toMatch(/^[0-9A-F]{64}$/)
    expect(info.server_state).toBe("full")
    expect(info.build_version).toBe("2024.10.15-release+1020")
    expect(info.network_id).toBe(21338)
    expect(info.node_size).toBe("tiny")
    expect(info.pubkey_node).toMatch(/^n9[rpshnaf39wBUDNEGHJKLM4PQRST7VWXYZ2bcdeCg65jkm8oFqi1tuvAxyz]{50}$/)
    expect(info.time).toMatch(/^\d{4}-[A-Z][a-z]{2}-\d{2} \d{2}:\d{2}:\d{2}\.\d{6} UTC$/)
    expect(info.state_accounting.full.transitions).toBe("1")
    expect((reply.json.result as Record<string, unknown>).native_currency_code).toBe("XAH")
  })

  it("closes ledgers on ledger_accept and streams them", async () => {
    const { client } = await startStandalone()
    const subscribed = await client.request({ id: 2, command: "subscribe", streams: ["ledger"] })
    expect(shapeOf(subscribed.json)).toEqual(shapeOf(await readFixture("subscribe-ledger.json")))
    expect((subscribed.json.result as Record<string, unknown>).ledger_index).toBe(2)
    expect((subscribed.json.result as Record<string, unknown>).validated_ledgers).toBe("2")

    const accepted = await client.request({ id: 3, command: "ledger_accept" })
    expect(accepted.text).toBe(JSON.stringify(await readFixture("ledger_accept.json")))

    const [first] = await client.waitForStream("ledgerClosed", 1)
    const realStream = (await readFixture("ledgerClosed-stream.json")) as Array<unknown>
    expect(shapeOf(first?.json)).toEqual(shapeOf(realStream[0]))
    expect(first?.text.endsWith("}\n")).toBe(true)
    expect(first?.json.ledger_index).toBe(3)
    expect(first?.json.validated_ledgers).toBe("2-3")

    for (let id = 4; id <= 7; id++) await client.request({ id, command: "ledger_accept" })
    const messages = await client.waitForStream("ledgerClosed", 5)
    expect(messages.map((message) => message.json.ledger_index)).toEqual([3, 4, 5, 6, 7])
    expect(messages.map((message) => message.json.validated_ledgers)).toEqual(["2-3", "2-4", "2-5", "2-6", "2-7"])
    const times = messages.map((message) => message.json.ledger_time as number)
    expect(times).toEqual([...times].sort((left, right) => left - right))
    expect(new Set(times).size).toBe(5)

    const info = await client.request({ id: 8, command: "server_info" })
    expect(shapeOf(info.json)).toEqual(shapeOf(await readFixture("server_info-after-5-accepts.json")))
    const infoFields = (info.json.result as Record<string, any>).info
    expect(infoFields.complete_ledgers).toBe("2-7")
    expect(infoFields.validated_ledger.seq).toBe(7)
    expect(infoFields.validated_ledger.hash).toBe(messages[4]?.json.ledger_hash)
  })

  it("adds counters to server_info on request", async () => {
    const { client } = await startStandalone()
    await client.request({ id: 1, command: "subscribe", streams: ["ledger"] })
    await client.request({ id: 2, command: "ledger_accept" })
    const reply = await client.request({ id: 9, command: "server_info", counters: true })
    const info = (reply.json.result as Record<string, any>).info
    const real = ((await readFixture("server_info-counters.json")) as Record<string, any>).result.info

    expect(Object.keys(info).sort()).toEqual(Object.keys(real).sort())
    expect(Object.keys(info.counters).sort()).toEqual(["job_queue", "nodestore", "rpc"])
    expect(shapeOf(info.counters.nodestore)).toEqual(shapeOf(real.counters.nodestore))
    expect(shapeOf(info.counters.rpc.total)).toEqual(shapeOf(real.counters.rpc.total))
    expect(shapeOf(info.counters.job_queue.total)).toEqual(shapeOf(real.counters.job_queue.total))
    expect(info.counters.rpc.ledger_accept.finished).toBe("1")
    expect(shapeOf(info.current_activities)).toEqual(shapeOf(real.current_activities))
  })

  it("sends the real error envelopes", async () => {
    const { client } = await startStandalone()
    const cases: Array<[string, Record<string, unknown>]> = [
      ["error-api_version-2.json", { api_version: 2, command: "server_info", id: 12 }],
      ["error-unknownCmd-catalogue_status.json", { command: "catalogue_status", id: 13 }],
      ["error-malformedStream.json", { command: "subscribe", id: 14, streams: ["nope"] }],
      ["error-invalidParams.json", { command: "subscribe", id: 15, streams: "ledger" }],
      ["error-missingCommand.json", { foo: 1, id: 16 }],
      ["unsubscribe-ledger.json", { command: "unsubscribe", id: 17, streams: ["ledger"] }],
      ["ping.json", { command: "ping", id: 18 }]
    ]
    for (const [fixture, request] of cases) {
      const reply = await client.request(request)
      expect(reply.text, fixture).toBe(JSON.stringify(await readFixture(fixture)))
    }

    client.sendText("not json{")
    const invalid = await client.waitForFrame((frame) => frame.json.error === "jsonInvalid")
    expect(invalid.text).toBe(`{"error":"jsonInvalid","type":"error","value":"not json{"}\n`)

    client.sendText("[1,2]")
    const notObject = await client.waitForFrame((frame) => frame.json.value === "[1,2]")
    expect(notObject.json.error).toBe("jsonInvalid")

    const unknown = await client.request({ command: "no_such_command", id: 20 })
    expect(unknown.json).toMatchObject({ error: "unknownCmd", error_code: 32, error_message: "Unknown method." })
  })

  it("echoes any request id unchanged", async () => {
    const { client } = await startStandalone()
    const ids: Array<unknown> = ["text", 7.5, null, [1, "two", { b: 2, a: 1 }], { nested: { deep: true } }]
    for (const id of ids) {
      const reply = await client.request({ id, command: "ping" })
      expect(reply.json.id).toEqual(id)
    }
    client.sendText(JSON.stringify({ command: "ping" }))
    const withoutId = await client.waitForFrame((frame) => frame.json.type === "response" && !("id" in frame.json))
    expect(withoutId.json.status).toBe("success")
  })

  it("answers get_counts with the real keys", async () => {
    const { client } = await startStandalone({ SIM_TXNS_PER_LEDGER: "0" })
    await client.request({ id: 1, command: "subscribe", streams: ["ledger"] })
    for (let id = 2; id <= 6; id++) await client.request({ id, command: "ledger_accept" })

    const counts = await client.request({ id: 10, command: "get_counts" })
    const real = (await readFixture("get_counts.json")) as Record<string, any>
    expect(shapeOf(counts.json)).toEqual(shapeOf(real))
    const result = counts.json.result as Record<string, any>
    expect(result.node_writes).toMatch(/^\d+$/)
    expect(result.uptime).toMatch(/^(\d+ (second|minute)s?(, )?)*$/)

    const all = await client.request({ id: 11, command: "get_counts", min_count: 1 })
    expect(shapeOf(all.json)).toEqual(shapeOf(await readFixture("get_counts-min_count-1.json")))

    for (let id = 12; id <= 16; id++) await client.request({ id, command: "ledger_accept" })
    const later = await client.request({ id: 17, command: "get_counts", min_count: 1 })
    const laterResult = later.json.result as Record<string, number>
    const allResult = all.json.result as Record<string, number>
    expect(laterResult["ripple::SHAMapInnerNode"]).toBeGreaterThan(allResult["ripple::SHAMapInnerNode"] ?? 0)
    expect(laterResult["ripple::Ledger"]).toBeGreaterThan(allResult["ripple::Ledger"] ?? 0)
  })

  it("stops on the stop command", async () => {
    const { sim, client, configPath, wsPort } = await startStandalone()
    const reply = await client.request({ id: 19, command: "stop" })
    expect(reply.text).toBe(JSON.stringify(await readFixture("stop.json")))
    const realClose = (await readFixture("stop-close.json")) as { close_code: number; close_reason: string }
    expect(await client.closed).toEqual({ code: realClose.close_code, reason: realClose.close_reason })
    expect(await sim.exited).toEqual({ code: 0, signal: null })

    const lines = sim.stderr().trimEnd().split("\n")
    expect(lines[0]).toBe(`Loading: "${configPath}"`)
    for (const line of lines.slice(1)) expect(line).toMatch(LOG_LINE)
    expect(lines.at(-1)).toMatch(/ Application:NFO Done\.$/)
    expect(sim.stderr()).toMatch(/Application:NFO Process starting: xahaud-2024\.10\.15-release\+1020, Instance Cookie: \d+\n/)
    expect(sim.stderr()).toContain(`Server:NFO Opened 'port_ws_admin_local' (ip=127.0.0.1:${wsPort}, admin nets:127.0.0.1/32, ws)\n`)
    expect(sim.stderr()).toMatch(/Application:WRN Running in standalone mode\n/)
    expect(sim.stderr()).toMatch(/NetworkOPs:NFO STATE->full\n/)
    expect(sim.stderr()).toMatch(/Application:WRN Server stopping\n/)
    expect(sim.stdoutBytes()).toBe(0)
  })

  it("stops once on repeated SIGTERM", async () => {
    const { sim, client } = await startStandalone({ SIM_STOP_DELAY_MS: "400" })
    sim.child.kill("SIGTERM")
    await sim.waitForStderr(/Server stopping/)
    sim.child.kill("SIGTERM")
    expect(await client.closed).toMatchObject({ code: 1005 })
    expect(await sim.exited).toEqual({ code: 0, signal: null })
    expect(sim.stderr().match(/Application:NFO Received signal 15\n/g)).toHaveLength(1)
    expect(sim.stderr().match(/Server stopping/g)).toHaveLength(1)
    expect(sim.stderr().trimEnd().split("\n").at(-1)).toMatch(/ Application:NFO Done\.$/)
  })

  it("stops on SIGINT", async () => {
    const { sim } = await startStandalone()
    sim.child.kill("SIGINT")
    expect(await sim.exited).toEqual({ code: 0, signal: null })
    expect(sim.stderr()).toMatch(/Application:NFO Received signal 2\n[^\n]* Application:WRN Server stopping\n/)
  })

  it("refuses requests with 1001 while stopping", async () => {
    const { sim, client } = await startStandalone({ SIM_STOP_DELAY_MS: "1000" })
    sim.child.kill("SIGTERM")
    await sim.waitForStderr(/Server stopping/)
    client.sendText(JSON.stringify({ id: 1, command: "server_info" }))
    expect(await client.closed).toEqual({ code: 1001, reason: "Shutting Down" })
  })

  it("grows its resident memory with each ledger", async () => {
    const { sim, client } = await startStandalone({ SIM_BASE_MB: "5", SIM_GROWTH_MB_PER_LEDGER: "10" })
    await client.request({ id: 1, command: "subscribe", streams: ["ledger"] })
    const before = await readRssKb(sim.pid)
    for (let id = 2; id <= 7; id++) await client.request({ id, command: "ledger_accept" })
    await client.waitForStream("ledgerClosed", 6)
    const after = await readRssKb(sim.pid)
    expect(after - before).toBeGreaterThan(40 * 1024)
  })

  it("pings clients and drops those that do not answer", async () => {
    const { configPath, wsPort } = await writeSimConfig(dir)
    startSim(["--conf", configPath, "-a"], { SIM_PING_INTERVAL_MS: "600" })
    const answering = await SimClient.connect(wsPort)
    const silent = await SimClient.connect(wsPort, { autoPong: false })
    clients.push(answering, silent)
    let pings = 0
    answering.socket.on("ping", () => (pings += 1))

    expect((await silent.closed).code).toBe(1006)
    expect(pings).toBeGreaterThanOrEqual(1)
    const reply = await answering.request({ id: 1, command: "ping" })
    expect(reply.json.status).toBe("success")
  })

  it("serves a status page and JSON-RPC over HTTP", async () => {
    const httpPort = await freePort()
    const extra = [
      "[server]",
      "port_rpc_admin_local",
      "",
      "[port_rpc_admin_local]",
      `port = ${httpPort}`,
      "ip = 127.0.0.1",
      "admin = 127.0.0.1",
      "protocol = http",
      ""
    ].join("\n")
    const { configPath, wsPort } = await writeSimConfig(dir, { extra })
    const sim = startSim(["--conf", configPath, "-a"])
    clients.push(await SimClient.connect(wsPort))
    expect(sim.stderr()).toContain(`Opened 'port_rpc_admin_local' (ip=127.0.0.1:${httpPort}, admin nets:127.0.0.1/32, http)`)

    const page = await httpRequest(wsPort, "GET", "")
    expect(page.status).toBe(200)
    expect(page.headers.server).toBe("xahaud-2024.10.15-release+1020")
    expect(page.body).toContain("xahaud Test")

    const rpc = await httpRequest(httpPort, "POST", JSON.stringify({ method: "server_info", params: [{}], id: 4 }))
    expect(rpc.status).toBe(200)
    expect(rpc.body.endsWith("\n")).toBe(true)
    const body = JSON.parse(rpc.body)
    expect(body.id).toBe(4)
    expect(body.result.status).toBe("success")
    expect(body.result.info.server_state).toBe("full")
  })
})

describe("roles and flavours", () => {
  it("forbids admin commands from a non-admin address", async () => {
    const wsPort = await freePort()
    const configPath = path.join(dir, "public.cfg")
    const config = ["[server]", "port_ws_public", "", "[port_ws_public]", `port = ${wsPort}`, "ip = 127.0.0.1", "admin = 10.0.0.0/8", "protocol = ws", ""]
    await fs.writeFile(configPath, config.join("\n"))
    startSim(["--conf", configPath, "-a"], { SIM_CATALOGUE: "1" })
    const client = await SimClient.connect(wsPort)
    clients.push(client)

    let id = 1
    for (const command of ["get_counts", "stop", "ledger_accept", "log_level", "catalogue_status"]) {
      const reply = await client.request({ id, command })
      expect(reply.text, command).toBe(
        JSON.stringify({
          error: "forbidden",
          error_code: 3,
          error_message: "Bad credentials.",
          id,
          request: { command, id },
          status: "error",
          type: "response"
        })
      )
      id += 1
    }

    const ping = await client.request({ id: 10, command: "ping" })
    expect(ping.json.result).toEqual({})
    const info = (await client.request({ id: 11, command: "server_info" })).json.result as Record<string, any>
    for (const adminOnly of ["load", "node_size", "pubkey_validator", "validator_list"]) expect(info.info).not.toHaveProperty(adminOnly)
    expect(info.info.hostid).toMatch(/^[A-Z]{4}$/)
  })

  it("answers catalogue_status when the build has it", async () => {
    const { configPath, wsPort } = await writeSimConfig(dir)
    startSim(["--conf", configPath, "-a"], { SIM_CATALOGUE: "1" })
    const client = await SimClient.connect(wsPort)
    clients.push(client)
    const reply = await client.request({ id: 1, command: "catalogue_status" })
    expect(reply.json.result).toEqual({ job_status: "no_job_running" })
  })

  it("behaves like rippled with SIM_FLAVOUR=rippled", async () => {
    const { configPath, wsPort } = await writeSimConfig(dir)
    const sim = startSim(["--conf", configPath, "-a"], { SIM_FLAVOUR: "rippled", SIM_CATALOGUE: "1" })
    const client = await SimClient.connect(wsPort)
    clients.push(client)

    const info = await client.request({ id: 1, command: "server_info", api_version: 2 })
    expect(info.json.api_version).toBe(2)
    const result = info.json.result as Record<string, any>
    expect(result).not.toHaveProperty("native_currency_code")
    expect(result.info.build_version).toBe("2.3.0")
    expect(result.info.validated_ledger).not.toHaveProperty("base_fee_native")
    expect(result.info.ports).toEqual([{ port: `${wsPort}`, protocol: ["ws"] }])

    const tooNew = await client.request({ id: 2, command: "server_info", api_version: 3 })
    expect(tooNew.json.error).toBe("invalid_API_version")
    expect(tooNew.json).not.toHaveProperty("error_code")
    const catalogue = await client.request({ id: 3, command: "catalogue_status" })
    expect(catalogue.json.error).toBe("unknownCmd")

    const stop = await client.request({ id: 4, command: "stop" })
    expect(stop.json.result).toEqual({ message: "ripple server stopping" })
    expect((await sim.exited).code).toBe(0)
    expect(sim.stderr()).toMatch(/Process starting: rippled-2\.3\.0, Instance Cookie: \d+/)
  })
})

describe("network mode", () => {
  it("syncs, then closes ledgers by itself", async () => {
    const { configPath, wsPort } = await writeSimConfig(dir, { mode: "network" })
    const sim = startSim(["--conf", configPath, "--net"], {
      SIM_SYNC_DELAY_MS: "2000",
      SIM_CLOSE_INTERVAL_MS: "300",
      SIM_START_DELAY_MS: "50"
    })
    const client = await SimClient.connect(wsPort)
    clients.push(client)

    const states: Array<string> = []
    let id = 1
    let info: Record<string, any> = {}
    for (;;) {
      info = ((await client.request({ id: id++, command: "server_info" })).json.result as Record<string, any>).info
      if (states.at(-1) !== info.server_state) states.push(info.server_state)
      if (info.server_state === "full") break
      expect(info.complete_ledgers).toBe("empty")
      expect(info.network_ledger).toBe("waiting")
      expect(info).not.toHaveProperty("validated_ledger")
      if (states.length === 1) {
        const early = await client.request({ id: id++, command: "ledger_accept" })
        expect(early.json).toMatchObject({ error: "noCurrent", error_code: 16 })
      }
      await new Promise((resolve) => setTimeout(resolve, 100))
    }
    const order = ["disconnected", "connected", "syncing", "tracking", "full"]
    expect(states.map((state) => order.indexOf(state))).toEqual([...states.map((state) => order.indexOf(state))].sort())
    expect(states.length).toBeGreaterThanOrEqual(3)
    expect(info).not.toHaveProperty("network_ledger")
    expect(info.complete_ledgers).toMatch(/^1000(-\d+)?$/)

    await client.request({ id: id++, command: "subscribe", streams: ["ledger"] })
    const messages = await client.waitForStream("ledgerClosed", 3, 8000)
    const indexes = messages.map((message) => message.json.ledger_index as number)
    expect(indexes[0]).toBeGreaterThanOrEqual(1001)
    expect(indexes).toEqual([indexes[0], (indexes[0] ?? 0) + 1, (indexes[0] ?? 0) + 2])
    expect(messages[2]?.json.validated_ledgers).toBe(`1000-${indexes[2]}`)

    const accept = await client.request({ id: 99, command: "ledger_accept" })
    expect(accept.text).toBe(
      JSON.stringify({ error: "notStandAlone", id: 99, request: { command: "ledger_accept", id: 99 }, status: "error", type: "response" })
    )
    expect(sim.stderr()).toMatch(/STATE->connected\n[\s\S]*STATE->syncing\n[\s\S]*STATE->tracking\n[\s\S]*STATE->full\n/)
  })
})

const readFixture = async (name: string): Promise<unknown> => JSON.parse(await fs.readFile(path.join(FIXTURES, name), "utf8"))

/** Replaces every leaf by its type name, keeping keys and array lengths, to compare reply shapes. */
const shapeOf = (value: unknown): unknown => {
  if (Array.isArray(value)) return value.map(shapeOf)
  if (value !== null && typeof value === "object") {
    return Object.fromEntries(Object.entries(value).map(([key, member]) => [key, shapeOf(member)]))
  }
  return value === null ? "null" : typeof value
}

const sortKeys = (value: unknown): unknown => {
  if (Array.isArray(value)) return value.map(sortKeys)
  if (value !== null && typeof value === "object") {
    const entries = Object.entries(value).sort(([left], [right]) => compareBytes(left, right))
    return Object.fromEntries(entries.map(([key, member]) => [key, sortKeys(member)]))
  }
  return value
}

/** Orders strings by UTF-16 code unit, which is byte order for the ASCII keys of node replies. */
const compareBytes = (left: string, right: string): number => {
  if (left === right) return 0
  return left < right ? -1 : 1
}

const httpRequest = (port: number, method: string, body: string) =>
  new Promise<{ status: number; headers: http.IncomingHttpHeaders; body: string }>((resolve, reject) => {
    const request = http.request({ host: "127.0.0.1", port, method, path: "/" }, (response) => {
      let text = ""
      response.on("data", (chunk: Buffer) => (text += chunk.toString()))
      response.on("end", () => resolve({ status: response.statusCode ?? 0, headers: response.headers, body: text }))
    })
    request.on("error", reject)
    request.end(body)
  })
