import * as fs from "node:fs/promises"
import * as os from "node:os"
import * as path from "node:path"
import * as util from "node:util"
import { describe, expect, it } from "@effect/vitest"
import { Effect, Either, Redacted } from "effect"
import type { Scope } from "effect"
import {
  configReadError,
  findSection,
  findWebSocketEndpoint,
  invalidPortSetting,
  parseConfigText,
  parseWebSocketUrlOverride,
  readNodeConfig,
  readWebSocketEndpoint,
  redactedPortSection,
  type WebSocketEndpoint,
  type WebSocketEndpointError
} from "../src/Schema/NodeConfig.js"

const fixtures = path.join(import.meta.dirname, "fixtures", "configs")
const configPath = "/etc/xahaud/test.cfg"

describe("NodeConfig", () => {
  describe("real xahaud configs", () => {
    it.effect("standalone config uses port_ws_admin_local", () =>
      Effect.gen(function* () {
        const endpoint = yield* readWebSocketEndpoint(path.join(fixtures, "xahaud-standalone.cfg"))

        expect(endpoint.url).toBe("ws://127.0.0.1:6006")
        expect(endpoint.portName).toBe("port_ws_admin_local")
        expect(endpoint.section.ip).toBe("0.0.0.0")
        expect(endpoint.host).toBe("127.0.0.1")
        expect(endpoint.secure).toBe(false)
        expect(endpoint.admin).toBe(true)
        expect(endpoint.adminCredentials).toBeUndefined()
      })
    )

    it.effect("example config uses its active admin port", () =>
      Effect.gen(function* () {
        const endpoint = yield* readWebSocketEndpoint(path.join(fixtures, "xahaud-example.cfg"))

        // Its [server] lists port_rpc_admin_local, port_peer and port_ws_admin_local. port_ws_public is commented out.
        expect(endpoint.url).toBe("ws://127.0.0.1:6006")
        expect(endpoint.portName).toBe("port_ws_admin_local")
        expect(endpoint.section.admin).toEqual(["127.0.0.1"])
        expect(endpoint.admin).toBe(true)
      })
    )

    it.effect("standalone config sections parse", () =>
      Effect.gen(function* () {
        const config = yield* readNodeConfig(path.join(fixtures, "xahaud-standalone.cfg"))

        expect(config.sections[0]?.name).toBe("server")
        expect(findSection(config, "server")?.lines).toEqual([
          "port_rpc_admin_local",
          "port_ws_public",
          "port_ws_admin_local"
        ])
        expect(findSection(config, "node_db")?.values.get("online_delete")).toBe("256")
        expect(findSection(config, "node_db")?.values.get("type")).toBe("NuDB")
        expect(findSection(config, "ledger_history")?.lines).toEqual(["256"])
        expect(findSection(config, "sntp_servers")?.lines).toHaveLength(4)
        expect(findSection(config, "rpc_startup")?.lines).toEqual(['{ "command": "log_level", "severity": "trace" }'])
        expect(findSection(config, "amendments")?.lines[0]).toMatch(/^740352F2412A9909.* Flow$/)
        expect(findSection(config, "network_id")?.lines).toEqual(["21338"])
        expect(config.hasTrailingComments).toBe(false)
      })
    )

    it.effect("example config sections parse", () =>
      Effect.gen(function* () {
        const config = yield* readNodeConfig(path.join(fixtures, "xahaud-example.cfg"))

        expect(config.sections.map((section) => section.name)).toEqual([
          "server",
          "port_rpc_admin_local",
          "port_peer",
          "port_ws_admin_local",
          "port_grpc",
          "node_db",
          "database_path",
          "debug_logfile",
          "sntp_servers",
          "validators_file",
          "rpc_startup",
          "ssl_verify"
        ])
        expect(findSection(config, "port_peer")?.values.get("ip")).toBe("0.0.0.0")
        expect(findSection(config, "database_path")?.lines).toEqual(["/var/lib/rippled/db"])
      })
    )
  })

  describe("config dialect", () => {
    it("strips a comment after a value", () => {
      const config = parseConfigText("[port_ws]\nport = 6006 # admin ws\nip = 127.0.0.1#local\n")
      const section = findSection(config, "port_ws")

      expect(section?.values.get("port")).toBe("6006")
      expect(section?.values.get("ip")).toBe("127.0.0.1")
      expect(config.hasTrailingComments).toBe(true)
    })

    it("accepts a comment after a header", () => {
      const config = parseConfigText("[server]\nport_ws\n[port_ws] # admin ws\nport = 6006\n")

      expect(findSection(config, "port_ws")?.values.get("port")).toBe("6006")
      expect(findSection(config, "server")?.lines).toEqual(["port_ws"])
    })

    it("keeps an escaped hash", () => {
      const config = parseConfigText("[port_ws]\nadmin_user = ops\\#1 # the ops account\nchannel\\#2\n")
      const section = findSection(config, "port_ws")

      expect(section?.values.get("admin_user")).toBe("ops#1")
      expect(section?.lines).toEqual(["channel#2"])
    })

    it("normalizes CRLF and CR line endings", () => {
      const crlf = parseConfigText("[server]\r\nport_ws\r\n\r\n[port_ws]\r\nport = 6006\r\n")
      const cr = parseConfigText("[server]\rport_ws\r[port_ws]\rport = 6006\r")

      for (const config of [crlf, cr]) {
        expect(findSection(config, "server")?.lines).toEqual(["port_ws"])
        expect(findSection(config, "port_ws")?.values.get("port")).toBe("6006")
      }
    })

    it("merges repeated sections and keeps the last key", () => {
      const config = parseConfigText("[ips]\na.example 51235\n[x]\n[ips]\nb.example 51235\n[p]\nport = 1\nport = 2\n")

      expect(config.sections.map((section) => section.name)).toEqual(["ips", "x", "p"])
      expect(findSection(config, "ips")?.lines).toEqual(["a.example 51235", "b.example 51235"])
      expect(findSection(config, "p")?.values.get("port")).toBe("2")
    })

    it("reads keys only when they match rippled's pattern", () => {
      const config = parseConfigText(
        "[s]\n  key_1   =   a value with spaces  \n1key = x\nempty =\nnot a key\n# comment\n   # indented comment\n"
      )
      const section = findSection(config, "s")

      expect([...(section?.values ?? [])]).toEqual([["key_1", "a value with spaces"]])
      expect(section?.lines).toEqual(["1key = x", "empty =", "not a key"])
    })

    it("keeps lines before the first header", () => {
      const config = parseConfigText("\uFEFFloose line\n[server]\nport_ws\n")

      expect(config.sections[0]?.name).toBe("")
      expect(config.sections[0]?.lines).toEqual(["loose line"])
      expect(parseConfigText("[server]\n").sections.map((section) => section.name)).toEqual(["server"])
    })

    it("matches section names case-sensitively", () => {
      const config = parseConfigText("[Server]\nport_ws\n")

      expect(findSection(config, "server")).toBeUndefined()
      expect(findSection(config, "Server")?.lines).toEqual(["port_ws"])
    })
  })

  describe("findWebSocketEndpoint", () => {
    it("finds a custom port section name", () => {
      const endpoint = endpointOf(`
[server]
ws_admin

[ws_admin]
port = 7006
ip = 127.0.0.1
admin = 127.0.0.1
protocol = ws
`)

      expect(endpoint.url).toBe("ws://127.0.0.1:7006")
      expect(endpoint.portName).toBe("ws_admin")
      expect(endpoint.admin).toBe(true)
    })

    it("prefers port_ws_admin_local over an earlier admin port", () => {
      const endpoint = endpointOf(`
[server]
ws_first
port_ws_admin_local

[ws_first]
port = 7001
ip = 127.0.0.1
admin = 127.0.0.1
protocol = ws

[port_ws_admin_local]
port = 7002
ip = 127.0.0.1
admin = 127.0.0.1
protocol = ws
`)

      expect(endpoint.portName).toBe("port_ws_admin_local")
      expect(endpoint.port).toBe(7002)
    })

    it("prefers a port whose admin covers loopback", () => {
      for (const admin of ["127.0.0.0/8", "10.0.0.1, 127.0.0.1", "0.0.0.0", "::", "::ffff:127.0.0.1"]) {
        const endpoint = endpointOf(`
[server]
ws_public
ws_admin

[ws_public]
port = 7001
ip = 127.0.0.1
protocol = ws

[ws_admin]
port = 7002
ip = 127.0.0.1
admin = ${admin}
protocol = ws
`)

        expect(endpoint.portName, `admin = ${admin}`).toBe("ws_admin")
        expect(endpoint.admin, `admin = ${admin}`).toBe(true)
      }
    })

    it("falls back to the first ws port", () => {
      const endpoint = endpointOf(`
[server]
rpc
ws_one
ws_two

[rpc]
port = 5005
ip = 127.0.0.1
admin = 127.0.0.1
protocol = http

[ws_one]
port = 7001
ip = 127.0.0.1
admin = 10.0.0.0/8
protocol = ws

[ws_two]
port = 7002
ip = 127.0.0.1
protocol = ws
`)

      expect(endpoint.portName).toBe("ws_one")
      expect(endpoint.admin).toBe(false)
    })

    it("uses wss for a secure port", () => {
      const secure = endpointOf(portConfig("protocol = wss"))
      const legacy = endpointOf(portConfig("protocol = WSS2"))
      const mixed = endpointOf(portConfig("protocol = wss, ws"))

      expect(secure.url).toBe("wss://127.0.0.1:6006")
      expect(secure.secure).toBe(true)
      expect(legacy.url).toBe("wss://127.0.0.1:6006")
      expect(mixed.url).toBe("ws://127.0.0.1:6006")
      expect(mixed.section.protocol).toEqual(["wss", "ws"])
    })

    it("accepts the older ws2 protocol name", () => {
      const endpoint = endpointOf(portConfig("protocol = http, ws2"))

      expect(endpoint.url).toBe("ws://127.0.0.1:6006")
      expect(endpoint.secure).toBe(false)
    })

    it("maps unspecified and IPv6 addresses", () => {
      const anyIpv4 = endpointOf(portConfig("protocol = ws", "ip = 0.0.0.0"))
      const anyIpv6 = endpointOf(portConfig("protocol = ws", "ip = ::", "admin = ::1"))
      const loopbackIpv6 = endpointOf(portConfig("protocol = ws", "ip = ::1", "admin = ::1/128"))
      const ipv4OnIpv6 = endpointOf(portConfig("protocol = ws", "ip = ::"))

      expect(anyIpv4.url).toBe("ws://127.0.0.1:6006")
      expect(anyIpv6.url).toBe("ws://[::1]:6006")
      expect(anyIpv6.host).toBe("[::1]")
      expect(anyIpv6.admin).toBe(true)
      expect(loopbackIpv6.url).toBe("ws://[::1]:6006")
      expect(loopbackIpv6.admin).toBe(true)
      // The client address on an IPv6 connection is ::1, which admin = 127.0.0.1 does not cover.
      expect(ipv4OnIpv6.admin).toBe(false)
    })

    it("applies [server] settings to every port", () => {
      const endpoint = endpointOf(`
[server]
rpc
ws
protocol = ws
ip = 127.0.0.1
admin = 127.0.0.1

[rpc]
port = 5005
protocol = http

[ws]
port = 6006
`)

      expect(endpoint.portName).toBe("ws")
      expect(endpoint.url).toBe("ws://127.0.0.1:6006")
      expect(endpoint.admin).toBe(true)
    })

    it("keeps the ws port when the RPC port is invalid", () => {
      const endpoint = endpointOf(`
[server]
port_rpc_admin_local
port_ws_admin_local

[port_rpc_admin_local]
port = abc
ip = 127.0.0.1
admin = localhost
protocol = http

[port_ws_admin_local]
port = 6006 # admin ws
ip = 127.0.0.1
admin = 127.0.0.1
protocol = ws
`)

      expect(endpoint.url).toBe("ws://127.0.0.1:6006")
    })

    it("keeps settings it does not interpret", () => {
      const endpoint = endpointOf(portConfig("protocol = ws", "send_queue_limit = 500", "ssl_key = /etc/key.pem"))

      expect(Object.fromEntries(endpoint.section.other)).toEqual({
        send_queue_limit: "500",
        ssl_key: "/etc/key.pem"
      })
    })
  })

  describe("endpoint errors", () => {
    it("reports a missing [server]", () => {
      const error = errorOf("[port_ws_admin_local]\nport = 6006\nip = 127.0.0.1\nprotocol = ws\n")

      expect(error._tag).toBe("MissingServerSection")
      expect(error.message).toContain(configPath)
      expect(error.message).toContain("[server]")
    })

    it("reports a listed port without a section", () => {
      const error = errorOf("[server]\nport_ws\nport_missing\n[port_ws]\nport = 6006\nip = 127.0.0.1\nprotocol = ws\n")

      expect(error).toMatchObject({ _tag: "MissingPortSection", portName: "port_missing", path: configPath })
      expect(error.message).toContain("[port_missing]")
      expect(error.message).toContain(configPath)
    })

    it("reports a config without ws ports", () => {
      const error = errorOf("[server]\nrpc\n[rpc]\nport = 5005\nip = 127.0.0.1\nprotocol = http\n")

      expect(error).toMatchObject({ _tag: "NoWebSocketPort", listedPorts: ["rpc"], unlistedWebSocketSections: [] })
      expect(error.message).toContain(configPath)
      expect(error.message).toContain("protocol = ws")
    })

    it("names a ws section missing from [server]", () => {
      const error = errorOf(`
[server]
rpc

[rpc]
port = 5005
ip = 127.0.0.1
protocol = http

[port_ws_admin_local]
port = 6006
ip = 127.0.0.1
protocol = ws
`)

      expect(error).toMatchObject({ _tag: "NoWebSocketPort", unlistedWebSocketSections: ["port_ws_admin_local"] })
      expect(error.message).toContain("Add port_ws_admin_local to [server]")
    })

    it("reports an empty [server]", () => {
      const error = errorOf("[server]\n")

      expect(error._tag).toBe("NoWebSocketPort")
      expect(error.message).toContain("lists no ports")
    })

    it("reports a ws port without port or ip", () => {
      const noPort = errorOf("[server]\nws\n[ws]\nip = 127.0.0.1\nprotocol = ws\n")
      const noIp = errorOf("[server]\nws\n[ws]\nport = 6006\nprotocol = ws\n")

      expect(noPort).toMatchObject({ _tag: "MissingPortSetting", key: "port", portName: "ws" })
      expect(noPort.message).toContain(configPath)
      expect(noPort.message).toContain('"port = 6006"')
      expect(noIp).toMatchObject({ _tag: "MissingPortSetting", key: "ip", portName: "ws" })
    })

    it("reports an invalid port number", () => {
      for (const port of ["0", "65536", "70000", "abc", "60 06", "6006.5", "-1"]) {
        const error = errorOf(portConfig("protocol = ws").replace("port = 6006", `port = ${port}`))

        expect(error, `port = ${port}`).toMatchObject({ _tag: "InvalidPortSetting", key: "port", value: port })
        expect(error.message).toContain(`Invalid port "${port}"`)
        expect(error.message).toContain("an integer from 1 to 65535")
        expect(error.message).toContain(configPath)
      }
    })

    it("accepts the port range limits", () => {
      expect(endpointOf(portConfig("protocol = ws").replace("port = 6006", "port = 1")).port).toBe(1)
      expect(endpointOf(portConfig("protocol = ws").replace("port = 6006", "port = 65535")).port).toBe(65535)
    })

    it("reports an invalid admin entry or ip", () => {
      const admin = errorOf(portConfig("protocol = ws", "admin = localhost"))
      const ip = errorOf(portConfig("protocol = ws", "ip = localhost"))
      const zone = errorOf(portConfig("protocol = ws", "ip = fe80::1%eth0", "admin = fe80::1"))

      expect(admin).toMatchObject({ _tag: "InvalidPortSetting", key: "admin", value: "localhost" })
      expect(admin.message).toContain('"localhost" is neither')
      expect(ip).toMatchObject({ _tag: "InvalidPortSetting", key: "ip", value: "localhost" })
      expect(ip.message).toContain("an IP address")
      expect(zone).toMatchObject({ _tag: "InvalidPortSetting", key: "ip", value: "fe80::1%eth0" })
    })
  })

  describe("secrets", () => {
    const secretConfig = `
[server]
port_ws_admin_local

[port_ws_admin_local]
port = 6006
ip = 127.0.0.1
admin = 127.0.0.1
protocol = ws
admin_user = ops
admin_password = hunter2-admin
user = viewer
password = hunter2-basic
`

    it("hides passwords in the endpoint", () => {
      const endpoint = endpointOf(secretConfig)
      const outputs = [
        JSON.stringify(endpoint),
        util.inspect(endpoint, { depth: 10 }),
        String(endpoint.adminCredentials?.password),
        JSON.stringify(redactedPortSection(endpoint.section)),
        util.inspect(redactedPortSection(endpoint.section), { depth: 10 })
      ]

      for (const output of outputs) {
        expect(output).not.toContain("hunter2")
      }
      expect(redactedPortSection(endpoint.section)).toMatchObject({
        adminUser: "ops",
        adminPassword: "***",
        user: "viewer",
        password: "***"
      })
    })

    it("passes the admin credentials on", () => {
      const endpoint = endpointOf(secretConfig)
      const passwordOnly = endpointOf(portConfig("protocol = ws", "admin_password = hunter2-admin"))

      expect(endpoint.adminCredentials?.user).toBe("ops")
      expect(Redacted.value(endpoint.adminCredentials!.password)).toBe("hunter2-admin")
      expect(passwordOnly.adminCredentials?.user).toBe("")
      expect(Redacted.value(passwordOnly.adminCredentials!.password)).toBe("hunter2-admin")
    })

    it("hides passwords in errors", () => {
      const error = errorOf(secretConfig.replace("port = 6006", "port = 99999"))
      const secretSetting = invalidPortSetting({
        path: configPath,
        portName: "ws",
        key: "admin_password",
        value: "hunter2-admin",
        expected: "a password"
      })

      for (const output of [error.message, JSON.stringify(error), util.inspect(error), String(error)]) {
        expect(output).not.toContain("hunter2")
      }
      expect(secretSetting.value).toBe("***")
      expect(JSON.stringify(secretSetting)).not.toContain("hunter2")
      expect(secretSetting.message).not.toContain("hunter2")
    })
  })

  describe("parseWebSocketUrlOverride", () => {
    it("accepts ws and wss URLs", () => {
      expect(Either.getOrThrow(parseWebSocketUrlOverride(" ws://127.0.0.1:6006 "))).toEqual({
        url: "ws://127.0.0.1:6006/",
        host: "127.0.0.1",
        port: 6006,
        secure: false
      })
      expect(Either.getOrThrow(parseWebSocketUrlOverride("wss://node.example"))).toMatchObject({
        port: 443,
        secure: true
      })
      expect(Either.getOrThrow(parseWebSocketUrlOverride("ws://[::1]:6006"))).toMatchObject({ host: "[::1]" })
    })

    it("rejects other text", () => {
      const cases = [
        ["http://127.0.0.1:6006", "the scheme is http"],
        ["127.0.0.1:6006", "not a URL"],
        ["localhost:6006", "the scheme is localhost"],
        ["", "not a URL"],
        ["ws://", "not a URL"]
      ] as const
      for (const [text, reason] of cases) {
        const error = Either.getOrThrow(Either.flip(parseWebSocketUrlOverride(text)))

        expect(error._tag).toBe("InvalidWebSocketUrl")
        expect(error.message, text).toContain(reason)
        expect(error.message).toContain("ws://127.0.0.1:6006")
      }
    })

    it("hides a password in the URL", () => {
      const error = Either.getOrThrow(Either.flip(parseWebSocketUrlOverride("http://ops:hunter2@pw@127.0.0.1:6006")))

      expect(error.message).toContain("http://ops:***@127.0.0.1:6006")
      expect(error.message).not.toContain("hunter2")
      expect(JSON.stringify(error)).not.toContain("hunter2")
    })
  })

  describe("readNodeConfig", () => {
    it.scoped("reports a missing file", () =>
      Effect.gen(function* () {
        const file = path.join(yield* tempDir, "missing.cfg")

        const error = yield* Effect.flip(readNodeConfig(file))

        expect(error._tag).toBe("ConfigFileNotFound")
        expect(error.message).toContain(file)
      })
    )

    it.scoped("reports a directory", () =>
      Effect.gen(function* () {
        const dir = yield* tempDir

        const error = yield* Effect.flip(readWebSocketEndpoint(dir))

        expect(error._tag).toBe("ConfigPathIsDirectory")
        expect(error.message).toContain(dir)
        expect(error.message).toContain(path.join(dir, "rippled.cfg"))
      })
    )

    // root can read any file, so this case needs an unprivileged user.
    it.scoped.skipIf(process.getuid?.() === 0)("reports an unreadable file", () =>
      Effect.gen(function* () {
        const file = path.join(yield* tempDir, "locked.cfg")
        yield* Effect.promise(() => fs.writeFile(file, "[server]\n", { mode: 0o000 }))

        const error = yield* Effect.flip(readNodeConfig(file))

        expect(error).toMatchObject({ _tag: "ConfigFileNotReadable", code: "EACCES", path: file })
        expect(error.message).toContain("read permission")
      })
    )

    it("maps a permission error", () => {
      const cause = Object.assign(new Error("EACCES: permission denied, open '/x.cfg'"), { code: "EACCES" })
      const error = configReadError("/x.cfg", cause)

      expect(error).toMatchObject({ _tag: "ConfigFileNotReadable", code: "EACCES", path: "/x.cfg" })
      expect(error.message).toContain("/x.cfg")
      expect(error.message).toContain("read permission")
    })

    it.scoped("reads a file with CRLF line endings", () =>
      Effect.gen(function* () {
        const file = path.join(yield* tempDir, "crlf.cfg")
        const text = "[server]\r\nws\r\n[ws]\r\nport = 6006\r\nip = 127.0.0.1\r\nprotocol = ws\r\n"
        yield* Effect.promise(() => fs.writeFile(file, text))

        const endpoint = yield* readWebSocketEndpoint(file)

        expect(endpoint.url).toBe("ws://127.0.0.1:6006")
      })
    )
  })
})

const endpointOf = (text: string): WebSocketEndpoint =>
  Either.getOrThrowWith(findWebSocketEndpoint(parseConfigText(text), configPath), (error) => error)

const errorOf = (text: string): WebSocketEndpointError =>
  Either.getOrThrowWith(Either.flip(findWebSocketEndpoint(parseConfigText(text), configPath)), (endpoint) => endpoint)

/** Builds a config with one port `ws` on 127.0.0.1:6006 with admin 127.0.0.1, adding or replacing `settings`. */
const portConfig = (...settings: ReadonlyArray<string>): string => {
  const values = new Map([
    ["port", "6006"],
    ["ip", "127.0.0.1"],
    ["admin", "127.0.0.1"]
  ])
  for (const setting of settings) {
    const [key = "", value = ""] = setting.split(/\s*=\s*/, 2)
    values.set(key, value)
  }
  const lines = [...values].map(([key, value]) => `${key} = ${value}`)
  return ["[server]", "ws", "", "[ws]", ...lines, ""].join("\n")
}

const tempDir: Effect.Effect<string, never, Scope.Scope> = Effect.acquireRelease(
  Effect.promise(() => fs.mkdtemp(path.join(os.tmpdir(), "node-config-test-"))),
  (dir) => Effect.promise(() => fs.rm(dir, { recursive: true, force: true }))
)
