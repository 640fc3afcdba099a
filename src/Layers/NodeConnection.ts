import { Context, Data, Effect, Layer, Stream } from "effect"
import type { Duration, Scope } from "effect"
import { connect } from "./NodeConnection/Live.js"

/** A `ledgerClosed` stream message as the node sent it (fields as in rippled's `pubLedger`). */
export interface LedgerClosedMessage {
  readonly type: "ledgerClosed"
  readonly ledger_index: number
  readonly ledger_hash: string
  readonly ledger_time: number
  readonly txn_count?: number
  readonly validated_ledgers?: string
  readonly [key: string]: unknown
}

/** Something that happened to the socket, for logs and results. */
export type ConnectionEvent = Data.TaggedEnum<{
  /** `attempt` counts the tries since the previous open, this one included (1 when the first try worked). */
  Opened: { readonly at: number; readonly attempt: number }
  /** Also emitted for a failed open attempt: code 1006 and the socket error as `reason`. */
  Closed: { readonly at: number; readonly code: number; readonly reason: string }
  Stalled: { readonly at: number; readonly silentForMs: number }
  Resubscribed: { readonly at: number; readonly streams: ReadonlyArray<string> }
  InvalidMessage: { readonly at: number; readonly text: string; readonly problem: string }
}>
export const ConnectionEvent = Data.taggedEnum<ConnectionEvent>()

/** Reply with `status: "error"` from the node. The fields are those of rippled's error envelope. */
export class NodeRequestError extends Data.TaggedError("NodeRequestError")<{
  readonly command: string
  readonly error: string
  readonly errorCode: number | undefined
  readonly errorMessage: string | undefined
}> {
  override get message() {
    return `${this.command} failed: ${this.error}` + (this.errorMessage ? ` (${this.errorMessage})` : "")
  }
}

export class RequestTimeout extends Data.TaggedError("RequestTimeout")<{
  readonly command: string
  readonly timeoutMs: number
}> {
  override get message() {
    return `${this.command} got no reply within ${this.timeoutMs} ms`
  }
}

/** The socket was not open, or closed before the reply arrived. */
export class Disconnected extends Data.TaggedError("Disconnected")<{
  readonly command: string
}> {
  override get message() {
    return `${this.command} not answered: the WebSocket is not connected`
  }
}

export type RequestFailure = NodeRequestError | RequestTimeout | Disconnected

export interface ConnectOptions {
  readonly url: string
  /** Sent as `api_version` on every request when set; omitted otherwise (the node then uses 1). */
  readonly apiVersion: 1 | 2 | undefined
  readonly requestTimeout: Duration.DurationInput
  /** No frame and no pong for this long means the node stalled: the socket is dropped and reopened. */
  readonly stallTimeout: Duration.DurationInput
}

export interface Connection {
  /** Completes on the first successful open; reconnects after that happen in the background. */
  readonly awaitOpen: Effect.Effect<void>
  /** Sends `{id, command, ...params}` and returns the reply's `result`. */
  readonly request: (
    command: string,
    params?: Readonly<Record<string, unknown>>
  ) => Effect.Effect<unknown, RequestFailure>
  /**
   * Subscribes to streams and remembers them, so each reconnect subscribes again.
   * Returns the subscribe reply's `result`. The streams are remembered before the request is sent,
   * so even when it fails (for example with `Disconnected`) the next open subscribes to them.
   */
  readonly subscribe: (streams: ReadonlyArray<string>) => Effect.Effect<unknown, RequestFailure>
  readonly unsubscribe: (streams: ReadonlyArray<string>) => Effect.Effect<unknown, RequestFailure>
  /**
   * Every `ledgerClosed` message, across reconnects, in arrival order. Both streams read bounded
   * queues filled from `connect` on (the oldest entry is dropped when one is full), so each has
   * a single consumer, and a consumer that starts late still receives what arrived before it.
   */
  readonly ledgerClosed: Stream.Stream<LedgerClosedMessage>
  readonly events: Stream.Stream<ConnectionEvent>
}

export interface NodeConnectionService {
  /**
   * Opens the socket, retrying with `reconnectPolicy` until the scope closes. Never fails:
   * callers bound the wait for `awaitOpen` themselves (startup timeout, node exit).
   */
  readonly connect: (options: ConnectOptions) => Effect.Effect<Connection, never, Scope.Scope>
}

export class NodeConnection extends Context.Tag("xahaud-monitor/NodeConnection")<
  NodeConnection,
  NodeConnectionService
>() {}

/**
 * Connects with the `ws` package. The arrow defers reading `connect` until a connection is made,
 * because the implementation modules import the error classes above (an import cycle).
 */
export const NodeConnectionLive: Layer.Layer<NodeConnection> = Layer.succeed(
  NodeConnection,
  NodeConnection.of({ connect: (options) => connect(options) })
)
