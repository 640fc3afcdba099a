import { Clock, Deferred, Duration, Effect, Either, Queue, Ref } from "effect"
import type { WebSocket } from "ws"
import { decodeFrame, isErrorFrame, isLedgerClosed, isResponse } from "../../Schema/NodeMessages.js"
import { ConnectionEvent } from "../NodeConnection.js"
import type { LedgerClosedMessage } from "../NodeConnection.js"
import type { RequestTable } from "./Requests.js"
import { abnormalClosure, closeSocket, describeError, isOpen, openSocket } from "./Socket.js"
import type { SocketSignal } from "./Socket.js"
import type { InvalidMessageLog } from "./InvalidMessageLog.js"

/** State shared by every session of one connection. */
export interface ConnectionContext {
  readonly url: string
  readonly stallTimeout: Duration.Duration
  readonly events: Queue.Enqueue<ConnectionEvent>
  readonly ledgers: Queue.Enqueue<LedgerClosedMessage>
  readonly requests: RequestTable
  /** Streams to subscribe again after each open, in the order they were first subscribed. */
  readonly streams: Set<string>
  readonly firstOpen: Deferred.Deferred<void>
  readonly invalidMessages: InvalidMessageLog
}

export interface SessionOutcome {
  /** True when the socket opened before it closed; the reconnect back-off then starts over. */
  readonly opened: boolean
}

/** Maximum length of the frame text kept in an `InvalidMessage` event. */
const maxInvalidTextLength = 500

/**
 * Runs one socket from `new WebSocket` to its close: forwards replies and stream messages, pings the
 * node, and drops the socket when it stalls. Returns when the socket has closed; never fails.
 */
export const runSession = (context: ConnectionContext, attempt: number) =>
  Effect.scoped(
    Effect.gen(function* () {
      const inbox = yield* Queue.unbounded<SocketSignal>()
      const stallMs = Duration.toMillis(context.stallTimeout)
      const opening = yield* Effect.acquireRelease(
        Effect.try({
          try: () => openSocket(context.url, handshakeTimeoutMs(stallMs), inbox),
          catch: describeError
        }),
        closeSocket
      ).pipe(Effect.either)
      if (Either.isLeft(opening)) {
        return yield* connectFailed(context, attempt, { code: abnormalClosure, reason: opening.left })
      }
      const socket = opening.right

      const handshake = yield* awaitHandshake(inbox)
      if (handshake._tag === "Closed") return yield* connectFailed(context, attempt, closeDetails(handshake))

      const lastActivity = yield* Ref.make(yield* Clock.currentTimeMillis)
      context.requests.attach(socket)
      yield* emit(context, ConnectionEvent.Opened({ at: yield* Clock.currentTimeMillis, attempt }))
      yield* Effect.logInfo("connected").pipe(Effect.annotateLogs({ attempt }))
      yield* Deferred.succeed(context.firstOpen, undefined)

      yield* Effect.forkScoped(resubscribe(context))
      yield* Effect.forkScoped(sendKeepAlivePings(socket, stallMs))
      yield* Effect.forkScoped(watchForStall(context, socket, lastActivity, stallMs))

      const closed = yield* processSignals(context, inbox, lastActivity)
      context.requests.detach()
      yield* emit(context, ConnectionEvent.Closed({ at: yield* Clock.currentTimeMillis, ...closed }))
      yield* Effect.logInfo("disconnected").pipe(Effect.annotateLogs({ code: closed.code, reason: closed.reason }))
      return { opened: true } satisfies SessionOutcome
    })
  )

const connectFailed = (context: ConnectionContext, attempt: number, closed: CloseDetails) =>
  Effect.gen(function* () {
    yield* emit(context, ConnectionEvent.Closed({ at: yield* Clock.currentTimeMillis, ...closed }))
    yield* Effect.logInfo("connect failed").pipe(
      Effect.annotateLogs({ attempt, code: closed.code, reason: closed.reason })
    )
    return { opened: false } satisfies SessionOutcome
  })

/** Waits for the socket to open or to fail opening (no frame can arrive before the open). */
const awaitHandshake = (inbox: Queue.Dequeue<SocketSignal>) =>
  Effect.gen(function* () {
    while (true) {
      const signal = yield* Queue.take(inbox)
      if (signal._tag === "Open" || signal._tag === "Closed") return signal
    }
  })

/** Handles signals in arrival order until the socket closes; returns the close code and reason. */
const processSignals = (
  context: ConnectionContext,
  inbox: Queue.Dequeue<SocketSignal>,
  lastActivity: Ref.Ref<number>
) =>
  Effect.gen(function* () {
    while (true) {
      const signal = yield* Queue.take(inbox)
      if (signal._tag === "Closed") return closeDetails(signal)
      yield* Ref.set(lastActivity, yield* Clock.currentTimeMillis)
      if (signal._tag === "Frame") yield* handleFrame(context, signal.text)
    }
  })

const handleFrame = (context: ConnectionContext, text: string) =>
  Effect.gen(function* () {
    const decoded = decodeFrame(text)
    if (Either.isLeft(decoded)) return yield* reportInvalidMessage(context, text, decoded.left)

    const message = decoded.right
    if (isResponse(message)) {
      if (!context.requests.settle(message)) {
        yield* Effect.logDebug("reply for a request that is no longer waiting").pipe(
          Effect.annotateLogs({ id: message.id })
        )
      }
    } else if (isLedgerClosed(message)) {
      yield* Queue.offer(context.ledgers, message)
    } else if (isErrorFrame(message)) {
      yield* reportInvalidMessage(context, text, `the node could not handle a request frame: ${message.error}`)
    }
  })

const reportInvalidMessage = (context: ConnectionContext, text: string, problem: string) =>
  Effect.gen(function* () {
    const shortText = truncate(text, maxInvalidTextLength)
    const at = yield* Clock.currentTimeMillis
    yield* emit(context, ConnectionEvent.InvalidMessage({ at, text: shortText, problem }))
    yield* context.invalidMessages.record(shortText, problem)
  })

/** Subscribes again to every stream recorded by `subscribe`; a failure is logged, never raised. */
const resubscribe = (context: ConnectionContext) =>
  Effect.gen(function* () {
    const streams = [...context.streams]
    if (streams.length === 0) return
    yield* context.requests.send("subscribe", { streams }).pipe(
      Effect.matchEffect({
        onFailure: (error) =>
          Effect.logWarning("resubscribe failed").pipe(
            Effect.annotateLogs({ streams: streams.join(","), error: error.message })
          ),
        onSuccess: () =>
          Effect.gen(function* () {
            yield* emit(context, ConnectionEvent.Resubscribed({ at: yield* Clock.currentTimeMillis, streams }))
            yield* Effect.logInfo("resubscribed").pipe(Effect.annotateLogs({ streams: streams.join(",") }))
          })
      })
    )
  })

/**
 * Time between keep-alive pings: a quarter of the stall timeout, kept within 1 to 15 seconds, so a
 * node that is alive but has nothing to send still sends pongs well before the stall timeout.
 */
const keepAlivePingInterval = (stallMs: number) => Duration.millis(Math.min(15_000, Math.max(1_000, stallMs / 4)))

const sendKeepAlivePings = (socket: WebSocket, stallMs: number) =>
  Effect.sync(() => {
    if (isOpen(socket)) socket.ping()
  }).pipe(Effect.delay(keepAlivePingInterval(stallMs)), Effect.forever)

/** Drops the socket once nothing (frame, ping or pong) has arrived for `stallMs`; the close then ends the session. */
const watchForStall = (context: ConnectionContext, socket: WebSocket, lastActivity: Ref.Ref<number>, stallMs: number) =>
  Effect.gen(function* () {
    while (true) {
      const now = yield* Clock.currentTimeMillis
      const silentForMs = now - (yield* Ref.get(lastActivity))
      if (silentForMs >= stallMs) {
        yield* emit(context, ConnectionEvent.Stalled({ at: now, silentForMs }))
        yield* Effect.logWarning("node stalled, dropping the connection").pipe(
          Effect.annotateLogs({ silentForMs, stallTimeoutMs: stallMs })
        )
        socket.terminate()
        return
      }
      yield* Effect.sleep(Duration.millis(stallMs - silentForMs))
    }
  })

const emit = (context: ConnectionContext, event: ConnectionEvent) => Queue.offer(context.events, event)

/** The opening handshake gets the stall timeout too, kept within 1 to 60 seconds. */
const handshakeTimeoutMs = (stallMs: number) => Math.min(60_000, Math.max(1_000, stallMs))

interface CloseDetails {
  readonly code: number
  readonly reason: string
}

const closeDetails = (closed: CloseDetails): CloseDetails => ({ code: closed.code, reason: closed.reason })

const truncate = (text: string, maxLength: number) =>
  text.length <= maxLength ? text : `${text.slice(0, maxLength)}... (${text.length} characters in all)`
