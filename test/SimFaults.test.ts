import { readFileSync } from "node:fs"
import * as fs from "node:fs/promises"
import * as os from "node:os"
import * as path from "node:path"
import { afterEach, beforeEach, describe, expect, it } from "vitest"
import { SimClient, type SimProcess, startSim, stopAllSims, writeSimBinary, writeSimConfig } from "./support/SimFixtures.js"

let dir = ""
const clients: Array<SimClient> = []

beforeEach(async () => {
  dir = await fs.mkdtemp(path.join(os.tmpdir(), "sim-faults-"))
})

afterEach(async () => {
  for (const client of clients.splice(0)) client.close()
  await stopAllSims()
  await fs.rm(dir, { recursive: true, force: true })
})

/** Starts a standalone simulated node with `env` and connects an admin client. */
const startStandalone = async (env: Record<string, string>): Promise<{ sim: SimProcess; client: SimClient; wsPort: number }> => {
  const { configPath, wsPort } = await writeSimConfig(dir)
  const sim = startSim(["--conf", configPath, "--standalone"], env)
  const client = await connect(wsPort)
  return { sim, client, wsPort }
}

const connect = async (wsPort: number): Promise<SimClient> => {
  const client = await SimClient.connect(wsPort)
  clients.push(client)
  return client
}

let nextId = 1000

const serverInfo = async (client: SimClient): Promise<Record<string, any>> =>
  ((await client.request({ id: nextId++, command: "server_info" })).json.result as Record<string, any>).info

const acceptLedgers = async (client: SimClient, count: number): Promise<void> => {
  for (let index = 0; index < count; index++) await client.request({ id: nextId++, command: "ledger_accept" })
}

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms))

describe("empty complete_ledgers while full", () => {
  it("reports empty for the window, then the real range", async () => {
    const { client } = await startStandalone({ SIM_EMPTY_LEDGERS_MS: "1500" })
    await client.request({ id: 1, command: "subscribe", streams: ["ledger"] })

    const early = await serverInfo(client)
    expect(early.server_state).toBe("full")
    expect(early.complete_ledgers).toBe("empty")
    await acceptLedgers(client, 2)
    const [stream] = await client.waitForStream("ledgerClosed", 1)
    expect(stream?.json.validated_ledgers).toBe("empty")

    let later = await serverInfo(client)
    while (later.complete_ledgers === "empty") {
      await sleep(100)
      later = await serverInfo(client)
    }
    expect(later.complete_ledgers).toBe("2-4")
    expect(later.server_state).toBe("full")
  })

  it("stays empty forever when asked to", async () => {
    const { client } = await startStandalone({ SIM_EMPTY_LEDGERS_MS: "forever" })
    await acceptLedgers(client, 3)
    await sleep(300)
    const info = await serverInfo(client)
    expect(info.complete_ledgers).toBe("empty")
    expect(info.validated_ledger.seq).toBe(5)
  })

  it("switches to the configured range and grows it", async () => {
    const { client } = await startStandalone({ SIM_EMPTY_LEDGERS_MS: "200", SIM_LEDGERS_AFTER_EMPTY: "1000-1010" })
    await sleep(300)
    expect((await serverInfo(client)).complete_ledgers).toBe("1000-1010")
    await acceptLedgers(client, 2)
    expect((await serverInfo(client)).complete_ledgers).toBe("1000-1012")
  })
})

describe("complete_ledgers sequence", () => {
  it("steps through the values and repeats the last", async () => {
    const { client } = await startStandalone({ SIM_COMPLETE_LEDGERS_SEQUENCE: "32570-32580,32600-32700,32750;empty;5" })
    const values: Array<string> = []
    for (let index = 0; index < 5; index++) values.push((await serverInfo(client)).complete_ledgers)
    expect(values).toEqual(["32570-32580,32600-32700,32750", "empty", "5", "5", "5"])
  })
})

describe("get_counts from a file", () => {
  it("returns the file's object unchanged", async () => {
    const countsPath = path.join(dir, "counts.json")
    const countsText = `{
  "ripple::Ledger": 12,
  "ripple::NodeObject": 214,
  "Ledger": 3,
  "xrpl::SHAMapInnerNode": 88,
  "node_writes": "201",
  "node_written_bytes": "91042",
  "ledger_hit_rate": 66.666664,
  "dbKBTotal": 1043,
  "huge": 12345678901234567890,
  "uptime": "3 hours, 50 minutes, 27 seconds"
}`
    await fs.writeFile(countsPath, countsText)
    const { client } = await startStandalone({ SIM_COUNTS_FILE: countsPath })

    for (const request of [{ id: 1, command: "get_counts" }, { id: 2, command: "get_counts", min_count: 1000 }]) {
      const reply = await client.request(request)
      expect(reply.json.status).toBe("success")
      expect(reply.json.result).toEqual(JSON.parse(countsText))
      expect(reply.text).toContain('"huge":12345678901234567890')
      expect(reply.text).not.toContain("\n")
    }
  })
})

describe("crash", () => {
  it("kills itself after the configured number of closes", async () => {
    const { sim, client } = await startStandalone({ SIM_CRASH_AFTER_LEDGERS: "3" })
    await client.request({ id: 1, command: "subscribe", streams: ["ledger"] })
    await acceptLedgers(client, 2)
    expect(sim.child.exitCode).toBeNull()
    client.sendText(JSON.stringify({ id: 2, command: "ledger_accept" }))

    expect(await sim.exited).toEqual({ code: null, signal: "SIGKILL" })
    expect(sim.stderr()).not.toContain("Server stopping")
    expect(sim.stderr()).not.toContain("Done.")
    expect((await client.closed).code).toBe(1006)
  })
})

describe("fatal exit", () => {
  it("writes the configured bytes and exits with the code", async () => {
    const { configPath } = await writeSimConfig(dir)
    const sim = startSim(["--conf", configPath, "-a"], {
      SIM_FATAL_EXIT_AFTER_MS: "600",
      SIM_FATAL_STDERR_BYTES: "65536",
      SIM_FATAL_EXIT_CODE: "3"
    })
    expect(await sim.exited).toEqual({ code: 3, signal: null })

    const stderr = sim.stderr()
    const lines = stderr.trimEnd().split("\n")
    expect(lines.at(-1)).toMatch(/ Application:FTL \S/)
    const faultStart = stderr.lastIndexOf("\n", stderr.indexOf("JobQueue:WRN Job: clientWebsocket")) + 1
    expect(Buffer.byteLength(stderr.slice(faultStart))).toBe(65536)
    expect(stderr).not.toContain("Done.")
  })
})

describe("slow client", () => {
  it("closes the connection after N ledgerClosed messages", async () => {
    const { client: control, wsPort } = await startStandalone({ SIM_SLOW_CLIENT_AFTER: "3" })
    const slow = await connect(wsPort)
    await slow.request({ id: 1, command: "subscribe", streams: ["ledger"] })

    await acceptLedgers(control, 5)
    expect(await slow.closed).toEqual({ code: 1008, reason: "Policy error: client is too slow." })
    expect(slow.frames.filter((frame) => frame.json.type === "ledgerClosed")).toHaveLength(3)

    const fresh = await connect(wsPort)
    await acceptLedgers(control, 1)
    await sleep(300)
    expect(fresh.frames.filter((frame) => frame.json.type === "ledgerClosed")).toHaveLength(0)

    await fresh.request({ id: 2, command: "subscribe", streams: ["ledger"] })
    await acceptLedgers(control, 1)
    const [message] = await fresh.waitForStream("ledgerClosed", 1)
    expect(message?.json.ledger_index).toBe(9)
  })
})

describe("hang", () => {
  it("stops answering but keeps sockets and process alive", async () => {
    const { configPath, wsPort } = await writeSimConfig(dir, { mode: "network" })
    const sim = startSim(["--conf", configPath, "--net"], {
      SIM_HANG_AFTER_MS: "2500",
      SIM_PING_INTERVAL_MS: "200",
      SIM_SYNC_DELAY_MS: "200",
      SIM_CLOSE_INTERVAL_MS: "200"
    })
    // The node counts the hang delay from before its first log line, so this is a late bound.
    await sim.waitForStderr(/JobQueue:NFO/)
    const hangsBy = Date.now() + 2500
    const client = await connect(wsPort)
    expect((await serverInfo(client)).server_state).toBeDefined()
    await client.request({ id: 1, command: "subscribe", streams: ["ledger"] })

    await sleep(Math.max(0, hangsBy + 300 - Date.now()))
    const streamedAtHang = client.frames.filter((frame) => frame.json.type === "ledgerClosed").length
    await expect(client.request({ id: 2, command: "server_info" }, 1500)).rejects.toThrow(/did not arrive/)

    let pong = false
    client.socket.on("pong", () => (pong = true))
    client.socket.ping()
    await sleep(1000)
    expect(pong).toBe(false)
    expect(client.frames.filter((frame) => frame.json.type === "ledgerClosed")).toHaveLength(streamedAtHang)
    expect(client.socket.readyState).toBe(client.socket.OPEN)
    expect(sim.child.exitCode).toBeNull()

    const handshake = SimClient.connectOnce(wsPort).then(
      (late) => {
        clients.push(late)
        return "opened"
      },
      () => "failed"
    )
    expect(await Promise.race([handshake, sleep(1000).then(() => "pending")])).toBe("pending")
  })
})

describe("output flood", () => {
  it("floods stdout and stderr, then serves", async () => {
    const { client, sim } = await startStandalone({
      SIM_FLOOD_STDOUT_BYTES: "5242880",
      SIM_FLOOD_STDERR_BYTES: "204800"
    })
    expect((await serverInfo(client)).server_state).toBe("full")
    const floodDone = () => sim.stdoutBytes() >= 5242880 && floodedStderrBytes(sim.stderr()) >= 204800
    for (let waited = 0; !floodDone() && waited < 5000; waited += 50) await sleep(50)
    expect(sim.stdoutBytes()).toBe(5242880)
    expect(floodedStderrBytes(sim.stderr())).toBe(204800)
    expect(sim.stderr()).toMatch(/Server:NFO Opened 'port_ws_admin_local'/)
  })
})

describe("ignored stop requests", () => {
  it("ignores SIGTERM and SIGINT", async () => {
    const { sim, client } = await startStandalone({ SIM_IGNORE_SIGTERM: "1" })
    sim.child.kill("SIGTERM")
    sim.child.kill("SIGINT")
    await sleep(800)
    expect(sim.child.exitCode).toBeNull()
    expect((await serverInfo(client)).server_state).toBe("full")
    expect(sim.stderr()).not.toContain("Received signal")
  })

  it("replies to stop without stopping", async () => {
    const { sim, client } = await startStandalone({ SIM_IGNORE_STOP: "1", SIM_STOP_DELAY_MS: "100" })
    const reply = await client.request({ id: 1, command: "stop" })
    expect(reply.json.result).toEqual({ message: "xahau server stopping" })
    await sleep(600)
    expect(sim.child.exitCode).toBeNull()
    expect((await serverInfo(client)).server_state).toBe("full")
  })
})

describe("wrapper scripts", () => {
  it("exec wrapper runs the node under its own pid", async () => {
    const { configPath, wsPort } = await writeSimConfig(dir)
    const binary = await writeSimBinary(dir, "xahaud", { SIM_BUILD_VERSION: "2025.1.1-wrapped" })
    const sim = startSim(["--conf", configPath, "-a"], {}, { command: binary })
    const client = await connect(wsPort)
    expect((await serverInfo(client)).build_version).toBe("2025.1.1-wrapped")
    expect(await commandLine(sim.pid)).toContain("SimNode.js")
  })

  it("child wrapper leaves the node behind unless the group is killed", async () => {
    const { configPath, wsPort } = await writeSimConfig(dir)
    const binary = await writeSimBinary(dir, "xahaud", { SIM_STOP_DELAY_MS: "100" }, { childNotExec: true })
    const wrapper = startSim(["--conf", configPath, "-a"], {}, { command: binary, detached: true })
    const client = await connect(wsPort)

    const nodePid = await childOf(wrapper.pid)
    expect(nodePid).not.toBe(wrapper.pid)
    expect(await commandLine(nodePid)).toContain("SimNode.js")

    process.kill(wrapper.pid, "SIGKILL")
    await wrapper.exited
    expect(isAlive(nodePid)).toBe(true)
    expect((await serverInfo(client)).server_state).toBe("full")

    process.kill(-wrapper.pid, "SIGTERM")
    expect((await client.closed).code).toBe(1005)
    for (let waited = 0; isAlive(nodePid) && waited < 5000; waited += 50) await sleep(50)
    expect(isAlive(nodePid)).toBe(false)
  })
})

/**
 * Bytes of the stderr flood. The flood is written as DBG lines (its last line possibly cut short)
 * while the node logs at NFO and above, so every other line is the flood's.
 */
const floodedStderrBytes = (stderr: string): number =>
  stderr
    .split(/(?<=\n)/)
    .filter((line) => !/^(Loading: |\d{4}-\w{3}-\d{2} \S+ UTC [A-Za-z]+:(NFO|WRN|ERR|FTL) )/.test(line))
    .reduce((total, line) => total + Buffer.byteLength(line), 0)

const commandLine = async (pid: number): Promise<string> => (await fs.readFile(`/proc/${pid}/cmdline`, "utf8")).replaceAll("\0", " ")

/** Finds the first process whose parent is `parentPid` by reading /proc/<pid>/stat. */
const childOf = async (parentPid: number): Promise<number> => {
  for (let attempt = 0; attempt < 100; attempt++) {
    for (const entry of await fs.readdir("/proc")) {
      if (!/^\d+$/.test(entry)) continue
      const stat = await fs.readFile(`/proc/${entry}/stat`, "utf8").catch(() => "")
      const fields = stat.slice(stat.lastIndexOf(")") + 2).split(" ")
      if (Number(fields[1]) === parentPid) return Number(entry)
    }
    await sleep(50)
  }
  throw new Error(`no child of pid ${parentPid} found`)
}

/** True while the process exists and is not a zombie waiting to be reaped. */
const isAlive = (pid: number): boolean => {
  try {
    process.kill(pid, 0)
  } catch {
    return false
  }
  try {
    const stat = readFileSync(`/proc/${pid}/stat`, "utf8")
    return stat.slice(stat.lastIndexOf(")") + 2, stat.lastIndexOf(")") + 3) !== "Z"
  } catch {
    return false
  }
}
