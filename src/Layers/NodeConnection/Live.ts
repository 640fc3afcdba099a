import { Deferred, Duration, Effect, Queue, Schedule, Stream } from "effect"
import type { Scope } from "effect"
import type { Connection, ConnectionEvent, ConnectOptions, LedgerClosedMessage } from "../NodeConnection.js"
import { makeInvalidMessageLog } from "./InvalidMessageLog.js"
import { makeRequestTable } from "./Requests.js"
import { runSession } from "./Session.js"
import type { ConnectionContext } from "./Session.js"

/**
 * Delay before each new connection attempt: exponential from 200 ms, jittered (each delay between 0.8
 * and 1.2 times its nominal value), capped at 5 s, never giving up. It starts over after every
 * successful open. Outputs the delay it applied.
 */
export const reconnectPolicy = Schedule.exponential("200 millis").pipe(
  Schedule.jittered,
  Schedule.modifyDelay((_, delay) => Duration.min(delay, Duration.seconds(5))),
  Schedule.delays
)

/**
 * Delay before each connection attempt until the socket first opens: exponential from 200 ms, jittered,
 * capped at 1 s. A node that is still loading refuses connections for minutes, and a refused attempt on
 * a local port costs next to nothing, so the low cap finds the port within about a second of opening
 * and keeps the measured start-up and sync times close to the node's own.
 */
export const firstConnectPolicy = Schedule.exponential("200 millis").pipe(
  Schedule.jittered,
  Schedule.modifyDelay((_, delay) => Duration.min(delay, Duration.seconds(1))),
  Schedule.delays
)

/** Capacity of the `events` queue; when it is full the oldest event is dropped. */
export const eventQueueCapacity = 1024

/** Capacity of the `ledgerClosed` queue; when it is full the oldest message is dropped. */
export const ledgerQueueCapacity = 4096

/**
 * Starts the background fiber that keeps one socket open to `options.url` until the scope closes,
 * and returns the handle for requests and streams.
 */
export const connect = (options: ConnectOptions): Effect.Effect<Connection, never, Scope.Scope> =>
  Effect.gen(function* () {
    const events = yield* Queue.sliding<ConnectionEvent>(eventQueueCapacity)
    const ledgers = yield* Queue.sliding<LedgerClosedMessage>(ledgerQueueCapacity)
    // Shutting the queues down ends both streams for consumers that outlive the connection.
    yield* Effect.addFinalizer(() => Effect.zipRight(Queue.shutdown(events), Queue.shutdown(ledgers)))

    const requests = makeRequestTable({
      apiVersion: options.apiVersion,
      requestTimeout: Duration.decode(options.requestTimeout)
    })
    yield* Effect.addFinalizer(() => Effect.sync(() => requests.detach()))

    const context: ConnectionContext = {
      url: options.url,
      stallTimeout: Duration.decode(options.stallTimeout),
      events,
      ledgers,
      requests,
      streams: new Set<string>(),
      firstOpen: yield* Deferred.make<void>(),
      invalidMessages: makeInvalidMessageLog()
    }
    // Finalizers run in reverse order: this fiber and its socket stop first, then the waiting
    // requests fail, then the queues shut down.
    yield* keepConnected(context).pipe(Effect.annotateLogs({ url: options.url }), Effect.forkScoped)

    const subscribe = (streams: ReadonlyArray<string>) =>
      Effect.suspend(() => {
        for (const stream of streams) context.streams.add(stream)
        return requests.send("subscribe", { streams })
      })

    const unsubscribe = (streams: ReadonlyArray<string>) =>
      Effect.suspend(() => {
        for (const stream of streams) context.streams.delete(stream)
        return requests.send("unsubscribe", { streams })
      })

    return {
      awaitOpen: Deferred.await(context.firstOpen),
      request: requests.send,
      subscribe,
      unsubscribe,
      // One element per pull: a consumer that stops early (`Stream.take`) leaves the rest in the queue.
      ledgerClosed: Stream.fromQueue(ledgers, { maxChunkSize: 1 }),
      events: Stream.fromQueue(events, { maxChunkSize: 1 })
    }
  })

/**
 * Runs sessions one after another until interrupted, waiting `firstConnectPolicy` between them until the
 * first open and `reconnectPolicy` after that.
 */
const keepConnected = (context: ConnectionContext) =>
  Effect.gen(function* () {
    const firstDelays = yield* Schedule.driver(firstConnectPolicy)
    const delays = yield* Schedule.driver(reconnectPolicy)
    let opened = false
    let attempt = 1
    while (true) {
      const outcome = yield* runSession(context, attempt)
      if (outcome.opened) {
        opened = true
        yield* delays.reset
        attempt = 1
      } else {
        attempt += 1
      }
      // Neither policy ever ends, so `next` cannot fail.
      const delay = yield* (opened ? delays : firstDelays).next(undefined).pipe(Effect.orDie)
      yield* Effect.logInfo("reconnecting").pipe(
        Effect.annotateLogs({ attempt, delayMs: Math.round(Duration.toMillis(delay)) })
      )
    }
  })
