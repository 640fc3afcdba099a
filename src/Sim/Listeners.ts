import * as http from "node:http"
import type { Duplex } from "node:stream"
import { type RawData, type WebSocket, WebSocketServer } from "ws"
import { isAdminAddress, isHttpPort, isWebSocketPort, type PortSpec } from "./Ports.js"
import { Session } from "./Session.js"

/** Largest HTTP JSON-RPC body accepted, matching the WebSocket frame limit. */
const MAX_HTTP_BODY_BYTES = 1_000_000

/** Time clients get to return the close frame at shutdown before their sockets are dropped. */
const CLOSE_HANDSHAKE_GRACE_MS = 500

export interface HttpReply {
  readonly status: number
  readonly contentType: string
  readonly body: string
}

export interface ListenerOptions {
  /** `Server` header of HTTP replies and WebSocket handshakes, such as `xahaud-2024.10.15-release+1020`. */
  readonly serverHeader: string
  readonly pingIntervalMs: number
  /** The slow-client fault: close a connection after this many `ledgerClosed` messages. */
  readonly slowClientAfter: number | undefined
  readonly statusPage: string
  readonly isStopping: () => boolean
  readonly onFrame: (session: Session, text: string) => void
  readonly onHttpRequest: (port: PortSpec, addressIsAdmin: boolean, body: string) => HttpReply
}

export type OpenResult = { readonly ok: true } | { readonly ok: false; readonly port: PortSpec; readonly error: NodeJS.ErrnoException }

/**
 * The node's listening ports: WebSocket sessions on `ws` ports, JSON-RPC on `http` ports, and
 * rippled's small status page for a plain GET. Like rippled's `BaseWSPeer`, every session is pinged
 * each `pingIntervalMs` and dropped when the previous ping is still unanswered. Pongs to client
 * pings are sent by hand so that a hung node can stop sending them.
 */
export class Listeners {
  private readonly sessions = new Set<Session>()
  private readonly servers: Array<http.Server> = []
  private readonly heldSockets = new Set<Duplex>()
  private readonly webSocketServer = new WebSocketServer({ noServer: true, autoPong: false, clientTracking: false })
  private pingTimer: NodeJS.Timeout | undefined
  private hung = false

  constructor(private readonly options: ListenerOptions) {
    this.webSocketServer.on("headers", (headers) => headers.push(`Server: ${options.serverHeader}`))
  }

  /** Binds every port in order. On the first failure the ports bound so far are closed again. */
  async open(ports: ReadonlyArray<PortSpec>): Promise<OpenResult> {
    for (const port of ports) {
      const server = http.createServer({ maxHeaderSize: 16 * 1024 })
      server.on("request", (request, response) => this.onRequest(port, request, response))
      server.on("upgrade", (request, socket, head) => this.onUpgrade(port, request, socket, head))
      const error = await listen(server, port)
      if (error !== undefined) {
        await this.closeServers()
        return { ok: false, port, error }
      }
      this.servers.push(server)
    }
    this.pingTimer = setInterval(() => this.pingSessions(), this.options.pingIntervalMs)
    return { ok: true }
  }

  sessionCount(): number {
    return this.sessions.size
  }

  /** Sends a stream message to every session subscribed to `stream`. */
  publish(stream: string, text: string): void {
    if (this.hung) return
    for (const session of this.sessions) {
      if (!session.isOpen || !session.subscriptions.has(stream)) continue
      session.send(text)
      if (stream !== "ledger") continue
      session.ledgerMessagesSent += 1
      const limit = this.options.slowClientAfter
      if (limit !== undefined && session.ledgerMessagesSent >= limit) session.closeAsTooSlow()
    }
  }

  /** Starts the hang fault: from now on no reply, message, ping or pong is sent and nothing is closed. */
  hang(): void {
    this.hung = true
    clearInterval(this.pingTimer)
  }

  /**
   * Closes every session with a close frame that carries no status code (clients see 1005, as
   * with rippled), waits briefly for the handshakes, then stops listening.
   */
  async close(): Promise<void> {
    clearInterval(this.pingTimer)
    const closed = [...this.sessions].map(
      (session) =>
        new Promise<void>((resolve) => {
          session.socket.once("close", () => resolve())
          session.socket.close()
        })
    )
    await Promise.race([Promise.all(closed), delay(CLOSE_HANDSHAKE_GRACE_MS)])
    for (const session of this.sessions) session.socket.terminate()
    for (const socket of this.heldSockets) socket.destroy()
    await this.closeServers()
  }

  private onUpgrade(port: PortSpec, request: http.IncomingMessage, socket: Duplex, head: Buffer): void {
    socket.on("error", () => socket.destroy())
    if (this.hung) return this.hold(socket)
    if (!isWebSocketPort(port)) {
      socket.end("HTTP/1.1 401 Unauthorized\r\nConnection: close\r\nContent-Length: 0\r\n\r\n")
      return
    }
    const onPort = [...this.sessions].filter((session) => session.port === port).length
    if (port.limit > 0 && onPort >= port.limit) {
      socket.destroy()
      return
    }
    this.webSocketServer.handleUpgrade(request, socket, head, (socket) => this.onConnection(port, request, socket))
  }

  private onConnection(port: PortSpec, request: http.IncomingMessage, socket: WebSocket): void {
    const session = new Session(socket, port, isAdminAddress(port, request.socket.remoteAddress))
    this.sessions.add(session)
    socket.on("close", () => this.sessions.delete(session))
    socket.on("error", () => socket.terminate())
    socket.on("pong", () => {
      session.awaitingPong = false
    })
    socket.on("ping", (data) => {
      if (!this.hung) socket.pong(data)
    })
    socket.on("message", (data: RawData) => {
      if (this.hung) return
      if (this.options.isStopping()) {
        socket.close(1001, "Shutting Down")
        return
      }
      this.options.onFrame(session, rawDataText(data))
    })
  }

  private onRequest(port: PortSpec, request: http.IncomingMessage, response: http.ServerResponse): void {
    if (this.hung) return this.hold(request.socket)
    response.setHeader("Server", this.options.serverHeader)
    if (request.method === "GET" || request.method === "HEAD") {
      response.writeHead(200, { "Content-Type": "text/html", Connection: "close" })
      response.end(this.options.statusPage)
      return
    }
    if (request.method !== "POST" || !isHttpPort(port)) {
      response.writeHead(403, { "Content-Type": "text/plain" })
      response.end("Forbidden")
      return
    }

    const chunks: Array<Buffer> = []
    let size = 0
    request.on("data", (chunk: Buffer) => {
      size += chunk.length
      if (size <= MAX_HTTP_BODY_BYTES) chunks.push(chunk)
    })
    request.on("end", () => {
      if (this.hung) return this.hold(request.socket)
      const reply =
        size > MAX_HTTP_BODY_BYTES
          ? { status: 413, contentType: "text/plain", body: "Request too large" }
          : this.options.onHttpRequest(port, isAdminAddress(port, request.socket.remoteAddress), Buffer.concat(chunks).toString("utf8"))
      response.writeHead(reply.status, { "Content-Type": reply.contentType })
      response.end(reply.body)
    })
  }

  private pingSessions(): void {
    for (const session of this.sessions) {
      if (!session.isOpen) continue
      if (session.awaitingPong) {
        session.socket.terminate()
        continue
      }
      session.awaitingPong = true
      session.socket.ping()
    }
  }

  private hold(socket: Duplex): void {
    this.heldSockets.add(socket)
    socket.once("close", () => this.heldSockets.delete(socket))
  }

  private async closeServers(): Promise<void> {
    const closing = this.servers.splice(0).map(
      (server) =>
        new Promise<void>((resolve) => {
          server.close(() => resolve())
          server.closeAllConnections()
        })
    )
    await Promise.all(closing)
  }
}

const listen = (server: http.Server, port: PortSpec): Promise<NodeJS.ErrnoException | undefined> =>
  new Promise((resolve) => {
    server.once("error", resolve)
    server.listen(port.port, port.ip, () => {
      server.off("error", resolve)
      resolve(undefined)
    })
  })

const rawDataText = (data: RawData): string => {
  if (Array.isArray(data)) return Buffer.concat(data).toString("utf8")
  if (data instanceof ArrayBuffer) return Buffer.from(data).toString("utf8")
  return data.toString("utf8")
}

const delay = (ms: number): Promise<void> => new Promise((resolve) => setTimeout(resolve, ms))
