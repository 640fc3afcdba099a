/**
 * Bad input to `run`: each case must exit with status 2 before any node starts, and print one message on
 * stderr that names the value and the fix. The binaries here only create a marker file when started, so
 * a missing marker proves that no node was started.
 */
import { afterAll, beforeAll, describe, expect, it } from "vitest"
import * as fs from "node:fs/promises"
import * as os from "node:os"
import * as path from "node:path"
import { runCli } from "./support/RunCli.js"
import { writeSimConfig } from "./support/SimFixtures.js"

let dir: string
let build: string
let goodConfig: string
let marker: string

beforeAll(async () => {
  dir = await fs.mkdtemp(path.join(os.tmpdir(), "xm-bad-input-"))
  build = path.join(dir, "build")
  marker = path.join(dir, "node-started")
  await fs.mkdir(build)
  await fs.mkdir(path.join(dir, "empty-build"))
  await fs.mkdir(path.join(build, "rippled-folder"))
  const markerScript = `#!/bin/sh\ntouch '${marker}'\nexit 0\n`
  await fs.writeFile(path.join(build, "rippled-marker"), markerScript, { mode: 0o755 })
  await fs.writeFile(path.join(build, "rippled-not-executable"), markerScript, { mode: 0o644 })
  await fs.chmod(path.join(build, "rippled-not-executable"), 0o644)
  goodConfig = (await writeSimConfig(dir)).configPath
  await fs.writeFile(path.join(dir, "a-file"), "not a folder\n")

  await writeConfig("no-server.cfg", ["[port_ws_admin_local]", "port = 6006", "ip = 127.0.0.1", "protocol = ws"])
  const rpcPort = ["[port_rpc]", "port = 5005", "ip = 127.0.0.1", "protocol = http"]
  await writeConfig("no-ws-port.cfg", ["[server]", "port_rpc", "", ...rpcPort])
  await writeConfig("no-port-setting.cfg", ["[server]", "port_ws", "", "[port_ws]", "ip = 127.0.0.1", "protocol = ws"])
  const outOfRange = ["[port_ws]", "port = 70000", "ip = 127.0.0.1", "protocol = ws"]
  await writeConfig("port-out-of-range.cfg", ["[server]", "port_ws", "", ...outOfRange])
})

afterAll(async () => {
  await fs.rm(dir, { recursive: true, force: true })
})

interface BadInputCase {
  readonly name: string
  /** Arguments after `run`; `-c`, `--build-dir` and `--output-dir` are added unless given here. */
  readonly args: () => ReadonlyArray<string>
  /** Patterns the stderr message must match: the value it names and the advice. */
  readonly message: ReadonlyArray<RegExp>
  /** A phrase of the message that must appear exactly once on stderr. */
  readonly once: string
  /** Leave out `-c`, so the option itself is missing. */
  readonly withoutConfig?: boolean
}

const cases: ReadonlyArray<BadInputCase> = [
  {
    name: "config file missing",
    args: () => ["-c", path.join(dir, "missing.cfg")],
    message: [/not found: .*missing\.cfg/, /Pass the path of an existing/],
    once: "missing.cfg"
  },
  {
    name: "config path is a directory",
    args: () => ["-c", build],
    message: [/is a directory/, /Pass the config file itself/],
    once: "is a directory"
  },
  {
    name: "config without [server]",
    args: () => ["-c", path.join(dir, "no-server.cfg")],
    message: [/no-server\.cfg has no \[server\] section/, /Add \[server\]/],
    once: "no [server] section"
  },
  {
    name: "config without a ws port",
    args: () => ["-c", path.join(dir, "no-ws-port.cfg")],
    message: [/no-ws-port\.cfg has no WebSocket port/, /port_rpc/, /Add protocol = ws/],
    once: "has no WebSocket port"
  },
  {
    name: "ws port without port setting",
    args: () => ["-c", path.join(dir, "no-port-setting.cfg")],
    message: [/\[port_ws\] in .*no-port-setting\.cfg has no port setting/, /Add a line such as "port = 6006"/],
    once: "has no port setting"
  },
  {
    name: "port out of range",
    args: () => ["-c", path.join(dir, "port-out-of-range.cfg")],
    message: [/Invalid port "70000"/, /from 1 to 65535/],
    once: "70000"
  },
  {
    name: "websocket URL not ws",
    args: () => ["-w", "http://127.0.0.1:6006"],
    message: [/"http:\/\/127\.0\.0\.1:6006"/, /Use ws:\/\/host:port or wss:\/\/host:port/],
    once: "http://127.0.0.1:6006"
  },
  {
    name: "build dir missing",
    args: () => ["--build-dir", path.join(dir, "no-such-build")],
    message: [/no-such-build does not exist/, /pass --build-dir/],
    once: "no-such-build"
  },
  {
    name: "build dir without binaries",
    args: () => ["--build-dir", path.join(dir, "empty-build")],
    message: [/no executable file named rippled\* or xahaud\* in .*empty-build/, /list the binaries with --binaries/],
    once: "empty-build"
  },
  {
    name: "named binary missing",
    args: () => ["-b", "rippled-missing"],
    message: [/"rippled-missing" not found at .*rippled-missing/, /check the name and --build-dir/],
    once: "rippled-missing\" not found"
  },
  {
    name: "named binary is a directory",
    args: () => ["-b", "rippled-folder"],
    message: [/"rippled-folder" is a directory/, /give the path of the executable/],
    once: "is a directory"
  },
  {
    name: "named binary not executable",
    args: () => ["-b", "rippled-not-executable"],
    message: [/"rippled-not-executable" is not executable/, /chmod \+x .*rippled-not-executable/],
    once: "is not executable"
  },
  {
    name: "same binary twice",
    args: () => ["-b", "rippled-marker", "-b", "rippled-marker"],
    message: [/"rippled-marker" is listed twice/, /list each binary once/],
    once: "is listed twice"
  },
  {
    name: "duration zero",
    args: () => ["-d", "0"],
    message: [/--duration: Invalid duration "0"/, /needs a positive duration/, /such as 30s, 5m/],
    once: "Invalid duration"
  },
  {
    name: "duration negative",
    args: () => ["-d", "-5"],
    message: [/--duration: Invalid duration "-5": it is negative/, /such as 30s, 5m/],
    once: "Invalid duration"
  },
  {
    name: "duration not a number",
    args: () => ["-d", "abc"],
    message: [/--duration: Invalid duration "abc"/, /such as 30s, 5m/],
    once: "Invalid duration"
  },
  {
    name: "api version 3",
    args: () => ["--api-version", "3"],
    message: [/--api-version: invalid value "3"/, /expected 1 or 2/],
    once: "invalid value"
  },
  {
    name: "output dir under a file",
    args: () => ["--output-dir", path.join(dir, "a-file", "results")],
    message: [/output folder .*a-file\/results is not writable/, /choose another with --output-dir/],
    once: "is not writable"
  },
  {
    name: "unknown option",
    args: () => ["--bogus"],
    message: [/unknown argument: '--bogus'/, /Run xahaud-monitor run --help/],
    once: "--bogus"
  },
  {
    name: "option given twice",
    args: () => ["-d", "1m", "-d", "2m"],
    message: [/unknown argument: '-d'/, /-d is given more than once; give it once/],
    once: "more than once"
  },
  {
    name: "config option missing",
    args: () => [],
    withoutConfig: true,
    message: [/Expected to find option: '--config'/, /Run xahaud-monitor run --help/],
    once: "--config"
  }
]

describe("run with bad input", () => {
  it.each(cases)("$name", async (badInput) => {
    const output = path.join(dir, "results")
    const args = withDefaults(badInput.args(), output, badInput.withoutConfig === true)
    const run = await runCli(["run", ...args], { cwd: dir, timeoutMs: 20_000 })

    expect(run.code, run.stderr).toBe(2)
    expect(run.stdout).toBe("")
    for (const pattern of badInput.message) expect(run.stderr).toMatch(pattern)
    expect(run.stderr.split(badInput.once)).toHaveLength(2)
    expect(run.stderr).not.toMatch(/_tag|[{}]|\bat \S+:\d+:\d+/)
    expect(await exists(marker)).toBe(false)
    expect(await exists(output)).toBe(false)
  })
})

/** Adds the good config, the build dir with the marker binary and an output dir, unless `args` sets them. */
const withDefaults = (args: ReadonlyArray<string>, output: string, withoutConfig: boolean): ReadonlyArray<string> => {
  const has = (...names: ReadonlyArray<string>) => names.some((name) => args.includes(name))
  return [
    ...(has("-c") || withoutConfig ? [] : ["-c", goodConfig]),
    ...(has("--build-dir") ? [] : ["--build-dir", build]),
    ...(has("-b", "--build-dir") ? [] : ["-b", "rippled-marker"]),
    ...(has("--output-dir") ? [] : ["--output-dir", output]),
    ...args
  ]
}

const writeConfig = (name: string, lines: ReadonlyArray<string>) =>
  fs.writeFile(path.join(dir, name), lines.join("\n") + "\n")

const exists = (file: string) =>
  fs.access(file).then(
    () => true,
    () => false
  )
