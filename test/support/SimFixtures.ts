/**
 * Helpers for tests that run the simulated node (dist/Sim/SimNode.js) as a real child process.
 *
 * The first four exports are the shared API other tests use: `SIM_NODE_JS`, `freePort`,
 * `writeSimConfig` and `writeSimBinary`. The rest (`startSim`, `SimClient`, `stopAllSims`,
 * `readRssKb`) are used by the Sim*.test.ts files and are free for other tests to use too.
 */
import { type ChildProcess, spawn } from "node:child_process"
import * as fs from "node:fs/promises"
import * as net from "node:net"
import * as path from "node:path"
import { fileURLToPath } from "node:url"
import { isDeepStrictEqual } from "node:util"
import WebSocket from "ws"

/** Absolute path of the compiled simulated node; vitest's global setup builds it before the tests. */
export const SIM_NODE_JS = path.resolve(path.dirname(fileURLToPath(import.meta.url)), "../../dist/Sim/SimNode.js")

/** A TCP port that was free on 127.0.0.1 a moment ago (listen on port 0, read it, close). */
export const freePort = (): Promise<number> =>
  new Promise((resolve, reject) => {
    const server = net.createServer()
    server.once("error", reject)
    server.listen(0, "127.0.0.1", () => {
      const address = server.address()
      const port = typeof address === "object" && address !== null ? address.port : 0
      server.close(() => resolve(port))
    })
  })

export interface SimConfigOptions {
  /** Admin WebSocket port; a free port is picked when omitted. */
  readonly wsPort?: number
  /** Only changes the file name and the comment; the mode comes from `--standalone` or `--net`. */
  readonly mode?: "standalone" | "network"
  /** Config text appended as is, e.g. more sections. */
  readonly extra?: string
}

/**
 * Writes `<dir>/sim-<mode>.cfg`: one admin WebSocket port on 127.0.0.1 named `port_ws_admin_local`,
 * `[node_size] tiny`, `[node_db]`, `[database_path]` inside `dir`, and `[network_id] 21338`.
 */
export const writeSimConfig = async (
  dir: string,
  options: SimConfigOptions = {}
): Promise<{ readonly configPath: string; readonly wsPort: number }> => {
  const mode = options.mode ?? "standalone"
  const wsPort = options.wsPort ?? (await freePort())
  const configPath = path.join(dir, `sim-${mode}.cfg`)
  const text = [
    `# simulated node, ${mode} mode`,
    "[server]",
    "port_ws_admin_local",
    "",
    "[port_ws_admin_local]",
    `port = ${wsPort}`,
    "ip = 127.0.0.1",
    "admin = 127.0.0.1",
    "protocol = ws",
    "",
    "[node_size]",
    "tiny",
    "",
    "[node_db]",
    "type = NuDB",
    `path = ${path.join(dir, "db", "nudb")}`,
    "",
    "[database_path]",
    path.join(dir, "db"),
    "",
    "[network_id]",
    "21338",
    "",
    options.extra ?? ""
  ].join("\n")
  await fs.writeFile(configPath, text)
  return { configPath, wsPort }
}

/**
 * Writes an executable `#!/bin/sh` wrapper `<dir>/<name>` that runs the simulated node with `env`
 * set. By default the shell `exec`s node, so the wrapper's pid is the node's pid. With
 * `childNotExec` the shell starts node as a child and waits for it, so the node runs under a
 * different pid, the way some distribution start scripts do.
 */
export const writeSimBinary = async (
  dir: string,
  name: string,
  env: Record<string, string>,
  options: { readonly childNotExec?: boolean } = {}
): Promise<string> => {
  const binaryPath = path.join(dir, name)
  const exports = Object.entries(env).map(([key, value]) => `export ${key}=${shellQuote(value)}`)
  const command = `${shellQuote(process.execPath)} ${shellQuote(SIM_NODE_JS)} "$@"`
  const run = options.childNotExec ? [command, "exit $?"] : [`exec ${command}`]
  await fs.writeFile(binaryPath, ["#!/bin/sh", ...exports, ...run, ""].join("\n"), { mode: 0o755 })
  return binaryPath
}

/** A running simulated node (or wrapper) started by `startSim`. */
export interface SimProcess {
  readonly child: ChildProcess
  readonly pid: number
  /** Started as the leader of its own process group. */
  readonly detached: boolean
  /** Everything written to stderr so far. */
  readonly stderr: () => string
  /** Number of bytes written to stdout so far. */
  readonly stdoutBytes: () => number
  readonly exited: Promise<{ readonly code: number | null; readonly signal: NodeJS.Signals | null }>
  /** Resolves with stderr once it matches `pattern`; rejects after `timeoutMs` or on exit. */
  readonly waitForStderr: (pattern: RegExp, timeoutMs?: number) => Promise<string>
}

const running = new Set<SimProcess>()

export interface StartSimOptions {
  /** Program to start instead of `node SimNode.js`, e.g. a wrapper from `writeSimBinary`. */
  readonly command?: string
  /** Start in a new process group, so `stopAllSims` can kill wrapper and node together. */
  readonly detached?: boolean
  /** Working directory; the node looks for `xahaud.cfg` there when `--conf` is missing. */
  readonly cwd?: string
}

/**
 * Starts the simulated node with `args` and SIM_* `env` (SIM_START_DELAY_MS defaults to 100 ms
 * here). Every process started is killed by `stopAllSims`.
 */
export const startSim = (args: ReadonlyArray<string>, env: Record<string, string> = {}, options: StartSimOptions = {}): SimProcess => {
  const command = options.command ?? process.execPath
  const argv = options.command === undefined ? [SIM_NODE_JS, ...args] : [...args]
  const child = spawn(command, argv, {
    env: { ...process.env, SIM_START_DELAY_MS: "100", ...env },
    stdio: ["ignore", "pipe", "pipe"],
    detached: options.detached ?? false,
    ...(options.cwd === undefined ? {} : { cwd: options.cwd })
  })
  let stderr = ""
  let stdoutBytes = 0
  const stderrListeners = new Set<() => void>()
  child.stderr?.on("data", (chunk: Buffer) => {
    stderr += chunk.toString("utf8")
    for (const listener of stderrListeners) listener()
  })
  child.stdout?.on("data", (chunk: Buffer) => {
    stdoutBytes += chunk.length
  })
  const exited = new Promise<{ code: number | null; signal: NodeJS.Signals | null }>((resolve) => {
    child.once("exit", (code, signal) => {
      for (const listener of stderrListeners) listener()
      resolve({ code, signal })
    })
  })

  const waitForStderr = (pattern: RegExp, timeoutMs = 10_000): Promise<string> =>
    new Promise((resolve, reject) => {
      const check = () => {
        if (pattern.test(stderr)) {
          done()
          resolve(stderr)
        } else if (child.exitCode !== null || child.signalCode !== null) {
          done()
          reject(new Error(`process exited before stderr matched ${pattern}; stderr:\n${stderr}`))
        }
      }
      const timer = setTimeout(() => {
        done()
        reject(new Error(`stderr did not match ${pattern} within ${timeoutMs} ms; stderr:\n${stderr}`))
      }, timeoutMs)
      const done = () => {
        clearTimeout(timer)
        stderrListeners.delete(check)
      }
      stderrListeners.add(check)
      check()
    })

  const sim: SimProcess = {
    child,
    pid: child.pid ?? -1,
    detached: options.detached ?? false,
    stderr: () => stderr, stdoutBytes: () => stdoutBytes,
    exited,
    waitForStderr
  }
  running.add(sim)
  // A detached group may outlive its leader (a wrapper's orphaned child), so it stays listed.
  void exited.then(() => {
    if (!sim.detached) running.delete(sim)
  })
  return sim
}

/** Kills every process `startSim` started that is still running (the whole group when detached). */
export const stopAllSims = async (): Promise<void> => {
  const stopping = [...running].map(async (sim) => {
    running.delete(sim)
    try {
      process.kill(sim.detached ? -sim.pid : sim.pid, "SIGKILL")
    } catch {
      // The process or group is already gone.
    }
    await sim.exited
  })
  await Promise.all(stopping)
}

/** Resident set size of a process in KiB, from the VmRSS line of /proc/<pid>/status. */
export const readRssKb = async (pid: number): Promise<number> => {
  const status = await fs.readFile(`/proc/${pid}/status`, "utf8")
  const match = /^VmRSS:\s+(\d+) kB/m.exec(status)
  if (match?.[1] === undefined) throw new Error(`no VmRSS line in /proc/${pid}/status`)
  return Number(match[1])
}

/** A parsed frame and its exact text. */
export interface Frame {
  readonly text: string
  readonly json: Record<string, unknown>
}

/**
 * A plain `ws` client that keeps every frame it receives, so tests can look at replies by id and
 * at stream messages by type, including their exact text.
 */
export class SimClient {
  readonly frames: Array<Frame> = []
  readonly closed: Promise<{ readonly code: number; readonly reason: string }>
  private readonly frameListeners = new Set<() => void>()

  private constructor(readonly socket: WebSocket) {
    socket.on("message", (data) => {
      const text = data.toString()
      let json: Record<string, unknown> = {}
      try {
        json = JSON.parse(text) as Record<string, unknown>
      } catch {
        json = {}
      }
      this.frames.push({ text, json })
      for (const listener of this.frameListeners) listener()
    })
    this.closed = new Promise((resolve) => {
      socket.once("close", (code, reason) => {
        for (const listener of this.frameListeners) listener()
        resolve({ code, reason: reason.toString() })
      })
    })
  }

  /** Connects to 127.0.0.1:`port`, retrying while the port is not open yet (up to `timeoutMs`). */
  static async connect(port: number, options: { timeoutMs?: number; autoPong?: boolean } = {}): Promise<SimClient> {
    const deadline = Date.now() + (options.timeoutMs ?? 10_000)
    for (;;) {
      try {
        return await SimClient.connectOnce(port, options.autoPong ?? true)
      } catch (error) {
        if (Date.now() > deadline) throw error
        await new Promise((resolve) => setTimeout(resolve, 50))
      }
    }
  }

  /** One connection attempt; rejects with the socket error (e.g. ECONNREFUSED). */
  static connectOnce(port: number, autoPong = true): Promise<SimClient> {
    return new Promise((resolve, reject) => {
      const socket = new WebSocket(`ws://127.0.0.1:${port}`, { autoPong })
      const client = new SimClient(socket)
      socket.once("open", () => resolve(client))
      socket.once("error", reject)
    })
  }

  /** Sends a request and resolves with the reply frame that carries the same `id`. */
  async request(body: Record<string, unknown>, timeoutMs = 5000): Promise<Frame> {
    this.socket.send(JSON.stringify(body))
    return this.waitForFrame((frame) => frame.json.type === "response" && isDeepStrictEqual(frame.json.id, body.id), timeoutMs)
  }

  sendText(text: string): void {
    this.socket.send(text)
  }

  /** Resolves with the first received frame that matches, waiting up to `timeoutMs`. */
  waitForFrame(predicate: (frame: Frame) => boolean, timeoutMs = 5000): Promise<Frame> {
    return this.waitFor(() => this.frames.find(predicate), timeoutMs, "a matching frame")
  }

  /** Resolves with the first `count` stream messages of `type` once that many have arrived. */
  waitForStream(type: string, count: number, timeoutMs = 5000): Promise<Array<Frame>> {
    return this.waitFor(
      () => {
        const matching = this.frames.filter((frame) => frame.json.type === type)
        return matching.length >= count ? matching.slice(0, count) : undefined
      },
      timeoutMs,
      `${count} ${type} messages`
    )
  }

  close(): void {
    this.socket.terminate()
  }

  private waitFor<T>(find: () => T | undefined, timeoutMs: number, what: string): Promise<T> {
    return new Promise((resolve, reject) => {
      const check = () => {
        const found = find()
        if (found !== undefined) {
          done()
          resolve(found)
        } else if (this.socket.readyState === WebSocket.CLOSED) {
          done()
          reject(new Error(`socket closed before ${what} arrived`))
        }
      }
      const timer = setTimeout(() => {
        done()
        reject(new Error(`${what} did not arrive within ${timeoutMs} ms`))
      }, timeoutMs)
      const done = () => {
        clearTimeout(timer)
        this.frameListeners.delete(check)
      }
      this.frameListeners.add(check)
      check()
    })
  }
}

const shellQuote = (value: string): string => `'${value.replaceAll("'", `'\\''`)}'`

