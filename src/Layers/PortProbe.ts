/**
 * Checks whether something already listens on the node's WebSocket port before the node starts, and on
 * Linux names the process holding it (from /proc/net/tcp and the sockets in /proc/<pid>/fd).
 */
import { Context, Effect, Layer, Option } from "effect"
import * as fs from "node:fs"
import * as net from "node:net"

export interface PortProbeService {
  /** `Some(description)` when a TCP connection to host:port succeeds; the description may be empty. */
  readonly findListener: (host: string, port: number) => Effect.Effect<Option.Option<string>>
}

export class PortProbe extends Context.Tag("xahaud-monitor/PortProbe")<PortProbe, PortProbeService>() {}

const CONNECT_TIMEOUT_MS = 1000

export const PortProbeLive = Layer.succeed(
  PortProbe,
  PortProbe.of({
    findListener: (host, port) =>
      Effect.async<boolean>((resume) => {
        const socket = net.connect({ host: host.replace(/^\[|\]$/g, ""), port })
        const done = (listening: boolean) => {
          socket.destroy()
          resume(Effect.succeed(listening))
        }
        socket.setTimeout(CONNECT_TIMEOUT_MS, () => done(false))
        socket.once("connect", () => done(true))
        socket.once("error", () => done(false))
        return Effect.sync(() => socket.destroy())
      }).pipe(
        Effect.flatMap((listening) =>
          listening ? Effect.sync(() => Option.some(describeListener(port) ?? "")) : Effect.succeed(Option.none())
        )
      )
  })
)

/** `pid 1234 (name)` of the process with a listening socket on `port`, or null when it cannot be found. */
const describeListener = (port: number): string | null => {
  const inodes = new Set<string>()
  for (const table of ["/proc/net/tcp", "/proc/net/tcp6"]) {
    for (const inode of listeningInodes(readOrEmpty(table), port)) inodes.add(inode)
  }
  if (inodes.size === 0) return null
  for (const entry of safeReadDir("/proc")) {
    if (!/^\d+$/.test(entry)) continue
    for (const fd of safeReadDir(`/proc/${entry}/fd`)) {
      const target = safeReadLink(`/proc/${entry}/fd/${fd}`)
      const match = target?.match(/^socket:\[(\d+)\]$/)
      if (match && inodes.has(match[1]!)) {
        const name = readOrEmpty(`/proc/${entry}/comm`).trim()
        return `pid ${entry}` + (name ? ` (${name})` : "")
      }
    }
  }
  return null
}

/** Inodes of sockets in state LISTEN (0A) on the port, from a /proc/net/tcp table. */
export const listeningInodes = (table: string, port: number): Array<string> => {
  const portHex = port.toString(16).toUpperCase().padStart(4, "0")
  const inodes: Array<string> = []
  for (const line of table.split("\n").slice(1)) {
    const fields = line.trim().split(/\s+/)
    const local = fields[1]
    if (fields.length < 10 || !local || fields[3] !== "0A") continue
    if (local.endsWith(`:${portHex}`)) inodes.push(fields[9]!)
  }
  return inodes
}

const readOrEmpty = (file: string) => {
  try {
    return fs.readFileSync(file, "utf8")
  } catch {
    return ""
  }
}

const safeReadDir = (dir: string): Array<string> => {
  try {
    return fs.readdirSync(dir)
  } catch {
    return []
  }
}

const safeReadLink = (file: string): string | null => {
  try {
    return fs.readlinkSync(file)
  } catch {
    return null
  }
}
