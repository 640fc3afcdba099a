import { Data, Duration, Effect, Queue } from "effect"
import { WebSocket } from "ws"

/** Signal from the `ws` socket listeners, queued in the order the listeners ran. */
export type SocketSignal = Data.TaggedEnum<{
  Open: {}
  Frame: { readonly text: string }
  /** A ping from the node. `ws` has already sent the pong. */
  Ping: {}
  Pong: {}
  /** The socket is closed. `reason` contains the socket error when no close frame arrived. */
  Closed: { readonly code: number; readonly reason: string }
}>
export const SocketSignal = Data.taggedEnum<SocketSignal>()

/** Close code `ws` reports when the connection ended or failed without a close frame. */
export const abnormalClosure = 1006

/** Time a scope close waits for the node's close frame before it destroys the TCP connection. */
const closeHandshakeTimeout = Duration.seconds(1)

/**
 * Opens a WebSocket whose events all land in `inbox`. The `error` listener also keeps `ws` from
 * raising an unhandled `error` event. Throws when `ws` rejects the URL.
 */
export const openSocket = (url: string, handshakeTimeoutMs: number, inbox: Queue.Enqueue<SocketSignal>): WebSocket => {
  const socket = new WebSocket(url, { handshakeTimeout: handshakeTimeoutMs })
  let lastError = ""
  socket.on("open", () => inbox.unsafeOffer(SocketSignal.Open()))
  socket.on("message", (data) => inbox.unsafeOffer(SocketSignal.Frame({ text: rawDataToText(data) })))
  socket.on("ping", () => inbox.unsafeOffer(SocketSignal.Ping()))
  socket.on("pong", () => inbox.unsafeOffer(SocketSignal.Pong()))
  socket.on("error", (error) => {
    lastError = describeError(error)
  })
  socket.on("close", (code, reason) => {
    const text = reason.toString("utf8")
    inbox.unsafeOffer(SocketSignal.Closed({ code, reason: text === "" ? lastError : text }))
  })
  return socket
}

/**
 * Closes the socket with code 1000 and waits up to a second for the node's close frame, then
 * destroys the TCP connection, so no socket or `ws` close timer outlives the scope.
 */
export const closeSocket = (socket: WebSocket) =>
  Effect.gen(function* () {
    if (isOpen(socket)) {
      socket.close(1000, "monitor stopped")
      yield* awaitClose(socket).pipe(Effect.timeout(closeHandshakeTimeout), Effect.interruptible, Effect.ignore)
    }
    if (!isClosed(socket)) socket.terminate()
  })

export const isOpen = (socket: WebSocket) => socket.readyState === WebSocket.OPEN

const isClosed = (socket: WebSocket) => socket.readyState === WebSocket.CLOSED

const awaitClose = (socket: WebSocket) =>
  Effect.async<void>((resume) => {
    const onClose = () => resume(Effect.void)
    if (isClosed(socket)) {
      onClose()
      return
    }
    socket.once("close", onClose)
    return Effect.sync(() => socket.off("close", onClose))
  })

const rawDataToText = (data: WebSocket.RawData): string => {
  if (Buffer.isBuffer(data)) return data.toString("utf8")
  if (Array.isArray(data)) return Buffer.concat(data).toString("utf8")
  return Buffer.from(data).toString("utf8")
}

export const describeError = (error: unknown) => (error instanceof Error ? error.message : String(error))
