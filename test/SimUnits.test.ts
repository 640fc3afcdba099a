import * as fs from "node:fs/promises"
import * as path from "node:path"
import { describe, expect, it } from "vitest"
import { parseArgs } from "../src/Sim/Args.js"
import { formatNodeTime, formatUptimeText } from "../src/Sim/Clock.js"
import { parseNodeConfig } from "../src/Sim/ConfigFile.js"
import { fillLines } from "../src/Sim/Faults.js"
import { formatLogLine } from "../src/Sim/Log.js"
import { minifyJson, RawJson, toJsonText, withRawMember } from "../src/Sim/Json.js"
import { nodePublicKey } from "../src/Sim/NodeKey.js"
import { describePort, isAdminAddress, type PortSpec, readPorts } from "../src/Sim/Ports.js"
import type { NodeConfigText } from "../src/Sim/ConfigFile.js"
import { extendLastRange, formatRanges, parseRanges } from "../src/Sim/Ranges.js"
import { readSettings, type SimSettings } from "../src/Sim/Settings.js"

const CONFIGS = path.resolve(import.meta.dirname, "fixtures/configs")
const REAL_XAHAUD = path.resolve(import.meta.dirname, "fixtures/real-xahaud")

const LOG_LINE = /^\d{4}-[A-Z][a-z]{2}-\d{2} \d{2}:\d{2}:\d{2}\.\d{9} UTC [A-Za-z]+:(TRC|DBG|NFO|WRN|ERR|FTL) \S/

describe("sim config reader", () => {
  it("reads sections, values, bare lines and comments", () => {
    const text = [
      "top = level",
      "# a comment",
      "[server]",
      "port_ws  # trailing comment",
      "",
      "[port_ws]",
      "  port =  6006  ",
      "ip=127.0.0.1",
      "password = a\\#b",
      "[rpc_startup]",
      '{ "command": "log_level", "severity": "warning" }',
      "[server]",
      "port_rpc"
    ].join("\r\n")
    const config = parseNodeConfig(text)

    expect(config.sections.get("")?.values.get("top")).toBe("level")
    expect(config.sections.get("server")?.lines).toEqual(["port_ws", "port_rpc"])
    expect(config.sections.get("port_ws")?.values.get("port")).toBe("6006")
    expect(config.sections.get("port_ws")?.values.get("ip")).toBe("127.0.0.1")
    expect(config.sections.get("port_ws")?.values.get("password")).toBe("a#b")
    expect(config.sections.get("rpc_startup")?.lines).toEqual(['{ "command": "log_level", "severity": "warning" }'])
    expect(config.hadTrailingComments).toBe(true)
  })

  it("accepts lone CR line ends", () => {
    const config = parseNodeConfig("[node_size]\rtiny\r")
    expect(config.sections.get("node_size")?.lines).toEqual(["tiny"])
    expect(config.hadTrailingComments).toBe(false)
  })

  it("finds the admin WebSocket port of real configs", async () => {
    const example = parseNodeConfig(await fs.readFile(path.join(CONFIGS, "xahaud-example.cfg"), "utf8"))
    expect(portsOf(example, false).map(describePort)).toContain("'port_ws_admin_local' (ip=127.0.0.1:6006, admin nets:127.0.0.1/32, ws)")

    const standalone = parseNodeConfig(await fs.readFile(path.join(CONFIGS, "xahaud-standalone.cfg"), "utf8"))
    expect(portsOf(standalone, true).map(describePort)).toEqual([
      "'port_rpc_admin_local' (ip=0.0.0.0:5005, admin nets:0.0.0.0/0, http)",
      "'port_ws_public' (ip=0.0.0.0:80, ws)",
      "'port_ws_admin_local' (ip=0.0.0.0:6006, admin nets:0.0.0.0/0, ws)"
    ])
  })

  it("drops peer-only ports in standalone mode", async () => {
    const example = parseNodeConfig(await fs.readFile(path.join(CONFIGS, "xahaud-example.cfg"), "utf8"))
    expect(portsOf(example, true).map((port) => port.name)).toEqual(["port_rpc_admin_local", "port_ws_admin_local"])
  })

  it("reports port setup errors in rippled's words", () => {
    const cases: Array<[string, string]> = [
      ["[node_size]\ntiny", "Required section [server] is missing"],
      ["[server]\nport_a", "Missing section: [port_a]"],
      ["[server]\nport_a\n[port_a]\nport=1\nprotocol=ws", "Missing 'ip' in [port_a]"],
      ["[server]\nport_a\n[port_a]\nip=127.0.0.1\nprotocol=ws", "Missing 'port' in [port_a]"],
      ["[server]\nport_a\n[port_a]\nip=127.0.0.1\nport=0\nprotocol=ws", "Port 0in [port_a] is invalid"],
      ["[server]\nport_a\n[port_a]\nip=127.0.0.1\nport=1", "Missing 'protocol' in [port_a]"],
      ["[server]\nport_a\n[port_a]\nip=127.0.0.1\nport=1\nprotocol=ws\nadmin=10.1.2.3/24", "Invalid value '10.1.2.3/24' for key 'admin' in [port_a]"]
    ]
    for (const [text, message] of cases) expect(readPorts(parseNodeConfig(text), false)).toEqual({ ok: false, message })
  })

  it("uses [server] values as port defaults", () => {
    const ports = portsOf(parseNodeConfig("[server]\nport_a\nip = 127.0.0.1\nadmin = 127.0.0.1\n[port_a]\nport = 7\nprotocol = ws"), false)
    expect(ports[0]).toMatchObject({ ip: "127.0.0.1", port: 7, sendQueueLimit: 100 })
  })
})

describe("sim admin networks", () => {
  const port = (admin: string): PortSpec => {
    const [first] = portsOf(parseNodeConfig(`[server]\np\n[p]\nip=127.0.0.1\nport=1\nprotocol=ws\nadmin=${admin}`), false)
    if (first === undefined) throw new Error(`no port read for admin=${admin}`)
    return first
  }

  it("matches addresses against admin lists", () => {
    expect(isAdminAddress(port("127.0.0.1"), "127.0.0.1")).toBe(true)
    expect(isAdminAddress(port("127.0.0.1"), "::ffff:127.0.0.1")).toBe(true)
    expect(isAdminAddress(port("127.0.0.1"), "127.0.0.2")).toBe(false)
    expect(isAdminAddress(port("10.0.0.0/8, 192.168.1.0/24"), "192.168.1.77")).toBe(true)
    expect(isAdminAddress(port("10.0.0.0/8"), "127.0.0.1")).toBe(false)
    expect(isAdminAddress(port("0.0.0.0"), "203.0.113.9")).toBe(true)
    expect(isAdminAddress(port("::1"), "::1")).toBe(true)
  })
})

describe("sim formats", () => {
  it("formats ledger ranges like RangeSet", () => {
    expect(formatRanges([])).toBe("empty")
    expect(formatRanges([[5, 5]])).toBe("5")
    expect(formatRanges([[32570, 32580], [32600, 32700]])).toBe("32570-32580,32600-32700")
    expect(parseRanges("32570-32580,32600-32700,32750")).toEqual([[32570, 32580], [32600, 32700], [32750, 32750]])
    expect(parseRanges("empty")).toEqual([])
    expect(parseRanges("5-3")).toBeUndefined()
    expect(parseRanges("abc")).toBeUndefined()
    expect(extendLastRange([[1000, 1010]], 3)).toEqual([[1000, 1013]])
  })

  it("writes uptime text like get_counts", () => {
    expect(formatUptimeText(0.4)).toBe("")
    expect(formatUptimeText(1)).toBe("1 second")
    expect(formatUptimeText(65)).toBe("1 minute, 5 seconds")
    expect(formatUptimeText(3 * 3600 + 50 * 60 + 27)).toBe("3 hours, 50 minutes, 27 seconds")
    expect(formatUptimeText(26 * 3600)).toBe("1 day, 2 hours")
  })

  it("writes log lines like real xahaud", async () => {
    const real = await fs.readFile(path.join(REAL_XAHAUD, "stderr-excerpt.log"), "utf8")
    const realLines = real.split("\n").filter((line) => /^\d/.test(line))
    expect(realLines.length).toBeGreaterThan(40)
    for (const line of realLines) expect(line).toMatch(LOG_LINE)

    const line = formatLogLine("Application", "NFO", "Done.")
    expect(line).toMatch(LOG_LINE)
    expect(line.endsWith(" Application:NFO Done.\n")).toBe(true)
  })

  it("formats log and server_info times", () => {
    const nanos = BigInt(Date.UTC(2026, 11, 4, 15, 25, 5)) * 1_000_000n + 669_736_947n
    expect(formatNodeTime(nanos, 9)).toBe("2026-Dec-04 15:25:05.669736947 UTC")
    expect(formatNodeTime(nanos, 6)).toBe("2026-Dec-04 15:25:05.669736 UTC")
  })

  it("serializes JSON with sorted keys and no spaces", () => {
    expect(toJsonText({ type: "response", id: 1, result: { b: [1, { z: 1, a: null }], a: "x" }, skipped: undefined })).toBe(
      '{"id":1,"result":{"a":"x","b":[1,{"a":null,"z":1}]},"type":"response"}'
    )
    expect(toJsonText({ "ripple::Ledger": 1, AL_size: 2, dbKBTotal: 3 })).toBe('{"AL_size":2,"dbKBTotal":3,"ripple::Ledger":1}')
    expect(toJsonText({ result: new RawJson('{"n":12345678901234567890}') })).toBe('{"result":{"n":12345678901234567890}}')
  })

  it("minifies JSON without touching strings or numbers", () => {
    expect(minifyJson('{ "a b": "x \\" y",\n  "n": 1.50 }')).toBe('{"a b":"x \\" y","n":1.50}')
    expect(withRawMember(new RawJson("{}"), "status", "success").text).toBe('{"status":"success"}')
    expect(withRawMember(new RawJson('{"a":1}'), "status", "success").text).toBe('{"status":"success","a":1}')
  })

  it("fills exactly the requested bytes with whole lines", () => {
    const line = (index: number) => `line ${index}\n`
    for (const bytes of [1, 2, 7, 8, 100, 65536]) {
      const lines = fillLines(bytes, line)
      expect(lines.join("").length).toBe(bytes)
      for (const filled of lines) expect(filled.endsWith("\n")).toBe(true)
    }
    expect(fillLines(0, line)).toEqual([])
  })

  it("derives a stable node public key", () => {
    const key = nodePublicKey("xahaud:/etc/xahaud.cfg")
    expect(key).toMatch(/^n9[rpshnaf39wBUDNEGHJKLM4PQRST7VWXYZ2bcdeCg65jkm8oFqi1tuvAxyz]{50}$/)
    expect(nodePublicKey("xahaud:/etc/xahaud.cfg")).toBe(key)
    expect(nodePublicKey("xahaud:/other.cfg")).not.toBe(key)
  })
})

describe("sim command line and settings", () => {
  it("parses node options", () => {
    expect(parseArgs(["--conf", "a.cfg", "-a", "--start", "-q"])).toMatchObject({
      kind: "run",
      args: { confPath: "a.cfg", standalone: true, start: true, quiet: true, silent: false, positional: [] }
    })
    expect(parseArgs(["--conf=b.cfg", "--net", "--silent"])).toMatchObject({ kind: "run", args: { confPath: "b.cfg", net: true, silent: true } })
    expect(parseArgs(["--version", "--conf", "x"])).toEqual({ kind: "version" })
    expect(parseArgs(["-h"])).toEqual({ kind: "help" })
    expect(parseArgs(["--conf", "a.cfg", "stop"])).toMatchObject({ kind: "run", args: { positional: ["stop"] } })
    expect(parseArgs(["--x"])).toEqual({ kind: "invalid", message: "unrecognised option '--x'" })
    expect(parseArgs(["-z"])).toEqual({ kind: "invalid", message: "unrecognised option '-z'" })
    expect(parseArgs(["--conf"])).toEqual({ kind: "invalid", message: "the required argument for option '--conf' is missing" })
    expect(parseArgs(["--start=1"])).toEqual({ kind: "invalid", message: "option '--start' does not take any arguments" })
  })

  it("reads SIM_* settings with defaults", () => {
    expect(settingsOf({})).toMatchObject({
      flavour: "xahaud",
      buildVersion: "2024.10.15-release+1020",
      startDelayMs: 300,
      syncDelayMs: 5000,
      networkFirstLedger: 1000,
      closeIntervalMs: 3000,
      baseMb: 20,
      growthMbPerLedger: 1,
      stopDelayMs: 200,
      pingIntervalMs: 3000,
      faults: { crashSignal: "SIGKILL", fatalStderrBytes: 65536, fatalExitCode: 1, emptyLedgersMs: undefined }
    })
    const rippled = settingsOf({ SIM_FLAVOUR: "rippled", SIM_GROWTH_MB_PER_LEDGER: "0.2", SIM_CRASH_SIGNAL: "segv" })
    expect(rippled).toMatchObject({ buildVersion: "2.3.0", growthMbPerLedger: 0.2, faults: { crashSignal: "SIGSEGV" } })
    expect(readSettings({ SIM_EMPTY_LEDGERS_MS: "forever" })).toMatchObject({ ok: true, settings: { faults: { emptyLedgersMs: "forever" } } })
  })

  it("rejects invalid SIM_* values with the expected form", () => {
    expect(readSettings({ SIM_FLAVOUR: "geth" })).toEqual({ ok: false, message: "invalid SIM_FLAVOUR 'geth': expected xahaud or rippled" })
    expect(readSettings({ SIM_BASE_MB: "lots" })).toEqual({ ok: false, message: "invalid SIM_BASE_MB 'lots': expected a number >= 0" })
    expect(readSettings({ SIM_CRASH_AFTER_LEDGERS: "1.5" })).toEqual({
      ok: false,
      message: "invalid SIM_CRASH_AFTER_LEDGERS '1.5': expected an integer >= 1"
    })
    expect(readSettings({ SIM_LEDGERS_AFTER_EMPTY: "10-5" })).toMatchObject({ ok: false })
    expect(readSettings({ SIM_CRASH_SIGNAL: "SIGNOPE" })).toMatchObject({ ok: false })
    expect(readSettings({ SIM_IGNORE_STOP: "yes" })).toEqual({ ok: false, message: "invalid SIM_IGNORE_STOP 'yes': expected 1 or 0" })
  })
})

const portsOf = (config: NodeConfigText, standalone: boolean): ReadonlyArray<PortSpec> => {
  const result = readPorts(config, standalone)
  if (!result.ok) throw new Error(`ports not read: ${result.message}`)
  return result.ports
}

const settingsOf = (env: NodeJS.ProcessEnv): SimSettings => {
  const result = readSettings(env)
  if (!result.ok) throw new Error(`settings not read: ${result.message}`)
  return result.settings
}
