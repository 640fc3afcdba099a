import { describe, expect, it } from "@effect/vitest"
import { Deferred, Effect, Fiber, HashMap, Layer, Logger, Option, Queue, Stream } from "effect"
import { readFileSync } from "node:fs"
import { createServer } from "node:net"
import { WebSocketServer } from "ws"
import type { WebSocket } from "ws"
import { NodeConnection, NodeConnectionLive } from "../src/Layers/NodeConnection.js"
import type { Connection, ConnectionEvent, ConnectOptions } from "../src/Layers/NodeConnection.js"

const ledgerClosedFixtures = fixture("ledgerClosed-stream.json") as Array<Record<string, unknown>>

describe("NodeConnection", () => {
  it.scopedLive("matches out-of-order replies by id", () =>
    Effect.gen(function* () {
      const server = yield* startServer()
      const connection = yield* connectTo(server.url)
      yield* connection.awaitOpen

      const both = yield* Effect.all(
        [connection.request("ping"), connection.request("subscribe", { streams: ["ledger"] })],
        { concurrency: "unbounded" }
      ).pipe(Effect.fork)
      const peer = yield* server.accept
      const ping = yield* peer.nextRequest
      const subscribe = yield* peer.nextRequest
      peer.reply("subscribe-ledger.json", subscribe.id)
      peer.reply("ping.json", ping.id)

      const [pingResult, subscribeResult] = yield* Fiber.join(both)
      expect(pingResult).toEqual({ role: "admin", unlimited: true })
      expect(subscribeResult).toMatchObject({ ledger_index: 2, validated_ledgers: "2" })
    }).pipe(withLiveConnection), 15_000)

  it.scopedLive("maps error replies to NodeRequestError", () =>
    Effect.gen(function* () {
      const server = yield* startServer()
      const connection = yield* connectTo(server.url)
      yield* connection.awaitOpen
      const peer = yield* server.accept

      const unknownCommand = yield* Effect.fork(Effect.flip(connection.request("catalogue_status")))
      peer.reply("error-unknownCmd-catalogue_status.json", (yield* peer.nextRequest).id)
      const withCode = yield* Fiber.join(unknownCommand)
      expect(withCode._tag).toBe("NodeRequestError")
      expect(withCode).toMatchObject({
        command: "catalogue_status",
        error: "unknownCmd",
        errorCode: 32,
        errorMessage: "Unknown method."
      })

      const badVersion = yield* Effect.fork(Effect.flip(connection.request("server_info")))
      peer.reply("error-api_version-2.json", (yield* peer.nextRequest).id)
      const withoutCode = yield* Fiber.join(badVersion)
      expect(withoutCode._tag).toBe("NodeRequestError")
      expect(withoutCode).toMatchObject({ command: "server_info", error: "invalid_API_version" })
      expect(withoutCode).toHaveProperty("errorCode", undefined)
      expect(withoutCode).toHaveProperty("errorMessage", undefined)
    }).pipe(withLiveConnection), 15_000)

  it.scopedLive("sends api_version only when set", () =>
    Effect.gen(function* () {
      const server = yield* startServer()
      const sentRequests: Array<Record<string, unknown>> = []
      for (const apiVersion of [undefined, 2] as const) {
        yield* Effect.scoped(
          Effect.gen(function* () {
            const connection = yield* connectTo(server.url, { apiVersion })
            yield* connection.awaitOpen
            const peer = yield* server.accept
            const reply = yield* Effect.fork(connection.request("server_info", { counters: true, id: "ignored" }))
            const request = yield* peer.nextRequest
            sentRequests.push(request)
            peer.reply("ping.json", request.id)
            yield* Fiber.join(reply)
          })
        )
      }

      const [withoutVersion, withVersion] = sentRequests
      expect(withoutVersion).toEqual({ id: 1, command: "server_info", counters: true })
      expect(withoutVersion).not.toHaveProperty("api_version")
      expect(withVersion).toEqual({ id: 1, command: "server_info", counters: true, api_version: 2 })
    }).pipe(withLiveConnection), 15_000)

  it.scopedLive("times out unanswered requests", () =>
    Effect.gen(function* () {
      const server = yield* startServer()
      const connection = yield* connectTo(server.url, { requestTimeout: "300 millis" })
      yield* connection.awaitOpen
      const peer = yield* server.accept

      const error = yield* Effect.flip(connection.request("server_info"))
      expect(error._tag).toBe("RequestTimeout")
      expect(error).toMatchObject({ command: "server_info", timeoutMs: 300 })

      // The late reply finds no waiting request; the next request still gets its own reply.
      const late = yield* peer.nextRequest
      peer.reply("ping.json", late.id)
      const next = yield* Effect.fork(connection.request("ping"))
      const nextRequest = yield* peer.nextRequest
      expect(nextRequest.id).toBe(2)
      peer.reply("ping.json", nextRequest.id)
      expect(yield* Fiber.join(next)).toEqual({ role: "admin", unlimited: true })
    }).pipe(withLiveConnection), 15_000)

  it.scopedLive("fails requests while disconnected", () =>
    Effect.gen(function* () {
      const port = yield* freePort
      const connection = yield* connectTo(`ws://127.0.0.1:${port}`, { requestTimeout: "20 seconds" })

      const error = yield* Effect.flip(connection.request("server_info"))
      expect(error._tag).toBe("Disconnected")
      expect(error).toMatchObject({ command: "server_info" })
    }).pipe(withLiveConnection), 15_000)

  it.scopedLive("fails waiting requests on close", () =>
    Effect.gen(function* () {
      const server = yield* startServer()
      const connection = yield* connectTo(server.url, { requestTimeout: "20 seconds" })
      yield* connection.awaitOpen
      const peer = yield* server.accept

      const waiting = yield* Effect.fork(Effect.flip(connection.request("stop")))
      yield* peer.nextRequest
      peer.socket.close(1001, "Shutting Down")
      const error = yield* Fiber.join(waiting)
      expect(error._tag).toBe("Disconnected")
      expect(error).toMatchObject({ command: "stop" })
    }).pipe(withLiveConnection), 15_000)

  it.scopedLive("awaitOpen waits for a late server", () =>
    Effect.gen(function* () {
      const port = yield* freePort
      const connection = yield* connectTo(`ws://127.0.0.1:${port}`)
      const events = yield* recordEvents(connection)
      const opened = yield* Effect.fork(connection.awaitOpen)

      yield* Effect.sleep("1 second")
      expect(Option.isNone(yield* Fiber.poll(opened))).toBe(true)
      yield* startServer({ port })
      yield* Fiber.join(opened).pipe(Effect.timeout("6 seconds"))

      const failedOpen = yield* events.waitFor("Closed", (event) => event.code === 1006)
      expect(failedOpen.reason).toContain("ECONNREFUSED")
      const open = yield* events.waitFor("Opened", () => true)
      expect(open.attempt).toBeGreaterThan(1)
    }).pipe(withLiveConnection), 15_000)

  it.scopedLive("reconnects and resubscribes after a 1008 close", () =>
    Effect.gen(function* () {
      const server = yield* startServer()
      const connection = yield* connectTo(server.url)
      const events = yield* recordEvents(connection)
      yield* connection.awaitOpen

      const first = yield* server.accept
      const subscribed = yield* Effect.fork(connection.subscribe(["ledger"]))
      first.reply("subscribe-ledger.json", (yield* first.nextRequest).id)
      expect(yield* Fiber.join(subscribed)).toMatchObject({ ledger_index: 2 })
      first.sendStreamMessage(ledgerClosedFixtures[0])
      first.socket.close(1008, "Policy error: client is too slow.")

      const closed = yield* events.waitFor("Closed", () => true)
      expect(closed.code).toBe(1008)
      expect(closed.reason).toBe("Policy error: client is too slow.")

      const second = yield* server.accept
      const resubscribe = yield* second.nextRequest
      expect(resubscribe).toMatchObject({ command: "subscribe", streams: ["ledger"] })
      second.reply("subscribe-ledger.json", resubscribe.id)
      const resubscribed = yield* events.waitFor("Resubscribed", () => true)
      expect(resubscribed.streams).toEqual(["ledger"])
      second.sendStreamMessage(ledgerClosedFixtures[1])
      second.sendStreamMessage(ledgerClosedFixtures[2])

      const firstLedger = yield* Stream.runCollect(Stream.take(connection.ledgerClosed, 1))
      const laterLedgers = yield* Stream.runCollect(Stream.take(connection.ledgerClosed, 2))
      expect([...firstLedger, ...laterLedgers].map((message) => message.ledger_index)).toEqual([3, 4, 5])
      expect([...laterLedgers][1]).toEqual(ledgerClosedFixtures[2])
    }).pipe(withLiveConnection), 15_000)

  it.scopedLive("reconnects after a dropped connection", () =>
    Effect.gen(function* () {
      const server = yield* startServer()
      const connection = yield* connectTo(server.url)
      const events = yield* recordEvents(connection)
      yield* connection.awaitOpen

      const first = yield* server.accept
      first.socket.terminate()
      const closed = yield* events.waitFor("Closed", () => true)
      expect(closed.code).toBe(1006)

      yield* server.accept
      const reopened = yield* events.waitFor("Opened", (event) => event.at >= closed.at)
      expect(reopened.attempt).toBe(1)
      expect(server.acceptedCount()).toBe(2)
    }).pipe(withLiveConnection), 15_000)

  it.scopedLive("drops and reopens a socket that stalls", () =>
    Effect.gen(function* () {
      const server = yield* startServer({ autoPong: false })
      const connection = yield* connectTo(server.url, { stallTimeout: "2 seconds" })
      const events = yield* recordEvents(connection)
      yield* connection.awaitOpen
      const first = yield* server.accept

      const stalled = yield* events.waitFor("Stalled", () => true)
      expect(stalled.silentForMs).toBeGreaterThanOrEqual(2000)
      expect(first.pingsReceived()).toBeGreaterThanOrEqual(1)
      const closed = yield* events.waitFor("Closed", () => true)
      expect(closed.code).toBe(1006)
      expect(closed.at).toBeGreaterThanOrEqual(stalled.at)
      yield* server.accept
      expect(server.acceptedCount()).toBe(2)
    }).pipe(withLiveConnection), 15_000)

  it.scopedLive("keeps a silent socket that pongs", () =>
    Effect.gen(function* () {
      const server = yield* startServer()
      const connection = yield* connectTo(server.url, { stallTimeout: "2 seconds" })
      const events = yield* recordEvents(connection)
      yield* connection.awaitOpen
      const peer = yield* server.accept

      yield* Effect.sleep("4500 millis")
      expect(events.all().map((event) => event._tag)).toEqual(["Opened"])
      expect(peer.pingsReceived()).toBeGreaterThanOrEqual(2)
      expect(server.acceptedCount()).toBe(1)
    }).pipe(withLiveConnection), 15_000)

  it.scopedLive("reports invalid frames and keeps working", () =>
    Effect.gen(function* () {
      const server = yield* startServer()
      const connection = yield* connectTo(server.url)
      const events = yield* recordEvents(connection)
      yield* connection.awaitOpen
      const peer = yield* server.accept

      const longFrame = "x".repeat(2000)
      peer.socket.send("this is not json")
      peer.socket.send(`{"error":"jsonInvalid","type":"error","value":"{\\"command\\""}\n`)
      peer.sendStreamMessage({ ...ledgerClosedFixtures[0], ledger_index: "3" })
      peer.socket.send(longFrame)
      peer.sendStreamMessage({ type: "serverStatus", server_status: "full" })
      peer.sendStreamMessage(ledgerClosedFixtures[1])

      const reply = yield* Effect.fork(connection.request("ping"))
      peer.reply("ping.json", (yield* peer.nextRequest).id)
      expect(yield* Fiber.join(reply)).toEqual({ role: "admin", unlimited: true })
      const [ledger] = yield* Stream.runCollect(Stream.take(connection.ledgerClosed, 1))
      expect(ledger).toEqual(ledgerClosedFixtures[1])

      const invalid = yield* events.waitForCount("InvalidMessage", 4)
      expect(invalid[0]?.text).toBe("this is not json")
      expect(invalid[0]?.problem).toContain("not valid JSON")
      expect(invalid[1]?.problem).toContain("jsonInvalid")
      expect(invalid[2]?.problem).toContain("ledger_index")
      expect(invalid[3]?.text.startsWith("x".repeat(500))).toBe(true)
      expect(invalid[3]?.text.length).toBeLessThan(600)
      expect(events.all().filter((event) => event._tag === "InvalidMessage")).toHaveLength(4)
    }).pipe(withLiveConnection), 15_000)

  it.scopedLive("logs a flood of invalid frames once", () =>
    Effect.gen(function* () {
      const logs = yield* captureLogs
      const server = yield* startServer()
      const connection = yield* connectTo(server.url).pipe(Effect.provide(logs.layer))
      const events = yield* recordEvents(connection)
      yield* connection.awaitOpen
      const peer = yield* server.accept

      for (let index = 0; index < 50; index++) peer.socket.send(`not json ${index}`)
      yield* events.waitForCount("InvalidMessage", 50)
      const warnings = logs.lines.filter((line) => line.message === "invalid message from the node")
      expect(warnings).toHaveLength(1)
      expect(warnings[0]?.annotations).toMatchObject({ text: "not json 0", url: server.url })

      const connected = logs.lines.find((line) => line.message === "connected")
      expect(connected?.annotations).toMatchObject({ url: server.url, attempt: 1 })
    }).pipe(withLiveConnection), 15_000)

  it.scopedLive("logs close code and reason", () =>
    Effect.gen(function* () {
      const logs = yield* captureLogs
      const server = yield* startServer()
      const connection = yield* connectTo(server.url).pipe(Effect.provide(logs.layer))
      const events = yield* recordEvents(connection)
      yield* connection.awaitOpen

      const peer = yield* server.accept
      peer.socket.close(1008, "threshold exceeded")
      yield* events.waitForCount("Opened", 2)
      const closeLine = logs.lines.find((line) => line.message === "disconnected")
      expect(closeLine?.annotations).toMatchObject({ url: server.url, code: 1008, reason: "threshold exceeded" })
      const retryLine = logs.lines.find((line) => line.message === "reconnecting")
      expect(retryLine?.annotations).toMatchObject({ url: server.url, attempt: 1 })
    }).pipe(withLiveConnection), 15_000)

  it.scopedLive("answers server pings", () =>
    Effect.gen(function* () {
      const server = yield* startServer()
      const connection = yield* connectTo(server.url)
      yield* connection.awaitOpen
      const peer = yield* server.accept

      peer.socket.ping("probe")
      const pong = yield* peer.nextPong
      expect(pong).toBe("probe")
    }).pipe(withLiveConnection), 15_000)

  it.scopedLive("scope close sends 1000 and stops", () =>
    Effect.gen(function* () {
      const server = yield* startServer()
      const streamsEnded = yield* Deferred.make<void>()
      const waiting = yield* Deferred.make<Fiber.Fiber<unknown, unknown>>()
      const peer = yield* Effect.scoped(
        Effect.gen(function* () {
          const connection = yield* connectTo(server.url, { requestTimeout: "20 seconds" })
          yield* Stream.runDrain(connection.events).pipe(
            Effect.zipRight(Stream.runDrain(connection.ledgerClosed)),
            Effect.zipRight(Deferred.succeed(streamsEnded, undefined)),
            Effect.forkDaemon
          )
          yield* connection.awaitOpen
          const peer = yield* server.accept
          yield* Deferred.succeed(waiting, yield* Effect.forkDaemon(Effect.flip(connection.request("server_info"))))
          yield* peer.nextRequest
          return peer
        })
      )

      const close = yield* Deferred.await(peer.closed).pipe(Effect.timeout("5 seconds"))
      expect(close.code).toBe(1000)
      const pendingError = yield* Fiber.join(yield* Deferred.await(waiting))
      expect(pendingError).toMatchObject({ _tag: "Disconnected", command: "server_info" })
      yield* Deferred.await(streamsEnded).pipe(Effect.timeout("5 seconds"))

      yield* Effect.sleep("1 second")
      expect(server.acceptedCount()).toBe(1)
    }).pipe(withLiveConnection), 15_000)
})

// Helpers

const baseOptions = (url: string): ConnectOptions => ({
  url,
  apiVersion: undefined,
  requestTimeout: "5 seconds",
  stallTimeout: "10 seconds"
})

const connectTo = (url: string, overrides: Partial<ConnectOptions> = {}) =>
  Effect.flatMap(NodeConnection, (service) => service.connect({ ...baseOptions(url), ...overrides }))

/** Provides the live layer and drops log output, so test runs stay readable. */
const withLiveConnection = <A, E, R>(effect: Effect.Effect<A, E, R>) =>
  effect.pipe(Effect.provide(Layer.merge(NodeConnectionLive, Logger.replace(Logger.defaultLogger, Logger.none))))

interface LogLine {
  readonly message: unknown
  readonly level: string
  readonly annotations: Record<string, unknown>
}

const captureLogs = Effect.sync(() => {
  const lines: Array<LogLine> = []
  const logger = Logger.make(({ message, logLevel, annotations }) => {
    lines.push({
      message: Array.isArray(message) && message.length === 1 ? message[0] : message,
      level: logLevel.label,
      annotations: Object.fromEntries(HashMap.toEntries(annotations))
    })
  })
  return { lines, layer: Logger.replace(Logger.defaultLogger, logger) }
})

type EventOf<Tag extends ConnectionEvent["_tag"]> = Extract<ConnectionEvent, { _tag: Tag }>

/** Consumes `connection.events` in the background and lets a test wait for a matching event. */
const recordEvents = (connection: Connection) =>
  Effect.gen(function* () {
    const seen: Array<ConnectionEvent> = []
    yield* Stream.runForEach(connection.events, (event) => Effect.sync(() => seen.push(event))).pipe(Effect.forkScoped)

    const waitForCount = <Tag extends ConnectionEvent["_tag"]>(
      tag: Tag,
      count: number,
      predicate: (event: EventOf<Tag>) => boolean = () => true
    ) =>
      Effect.gen(function* () {
        while (true) {
          const matches = seen.filter(
            (event): event is EventOf<Tag> => event._tag === tag && predicate(event as EventOf<Tag>)
          )
          if (matches.length >= count) return matches
          yield* Effect.sleep("25 millis")
        }
      }).pipe(
        Effect.timeoutFail({
          duration: "8 seconds",
          onTimeout: () =>
            new Error(`expected ${count} ${tag} event(s), saw ${seen.map((event) => event._tag).join(", ")}`)
        }),
        Effect.orDie
      )

    const waitFor = <Tag extends ConnectionEvent["_tag"]>(tag: Tag, predicate: (event: EventOf<Tag>) => boolean) =>
      Effect.map(waitForCount(tag, 1, predicate), (matches) => matches[0] as EventOf<Tag>)

    return { all: () => [...seen], waitFor, waitForCount }
  })

interface ServerPeer {
  readonly socket: WebSocket
  /** The next request the client sent, parsed. */
  readonly nextRequest: Effect.Effect<Record<string, unknown> & { readonly id: unknown }>
  readonly nextPong: Effect.Effect<string>
  readonly pingsReceived: () => number
  readonly closed: Deferred.Deferred<{ readonly code: number; readonly reason: string }>
  /** Sends a real captured reply with its id replaced by `id`. */
  readonly reply: (fixtureName: string, id: unknown) => void
  /** Sends a stream message the way the node does, with a trailing newline. */
  readonly sendStreamMessage: (message: unknown) => void
}

interface TestServer {
  readonly url: string
  readonly accept: Effect.Effect<ServerPeer>
  readonly acceptedCount: () => number
}

/** A `ws` server on 127.0.0.1 that hands each accepted connection to the test. */
const startServer = (options: { readonly port?: number; readonly autoPong?: boolean } = {}) =>
  Effect.gen(function* () {
    const accepted = yield* Queue.unbounded<ServerPeer>()
    let acceptedCount = 0
    const server = yield* Effect.acquireRelease(
      Effect.async<WebSocketServer>((resume) => {
        const server = new WebSocketServer({
          host: "127.0.0.1",
          port: options.port ?? 0,
          autoPong: options.autoPong ?? true
        })
        server.on("connection", (socket) => {
          acceptedCount += 1
          accepted.unsafeOffer(makePeer(socket))
        })
        server.once("listening", () => resume(Effect.succeed(server)))
        server.once("error", (error) => resume(Effect.die(error)))
      }),
      (server) =>
        Effect.async<void>((resume) => {
          for (const client of server.clients) client.terminate()
          server.close(() => resume(Effect.void))
        })
    )
    const address = server.address()
    if (address === null || typeof address === "string") {
      return yield* Effect.die(new Error(`unexpected server address ${address}`))
    }
    return {
      url: `ws://127.0.0.1:${address.port}`,
      accept: Queue.take(accepted).pipe(Effect.timeout("8 seconds"), Effect.orDie),
      acceptedCount: () => acceptedCount
    } satisfies TestServer
  })

const makePeer = (socket: WebSocket): ServerPeer => {
  const requests = Effect.runSync(Queue.unbounded<Record<string, unknown> & { readonly id: unknown }>())
  const pongs = Effect.runSync(Queue.unbounded<string>())
  const closed = Effect.runSync(Deferred.make<{ readonly code: number; readonly reason: string }>())
  let pings = 0
  socket.on("message", (data) => requests.unsafeOffer(JSON.parse(data.toString())))
  socket.on("ping", () => {
    pings += 1
  })
  socket.on("pong", (data) => pongs.unsafeOffer(data.toString()))
  socket.on("close", (code, reason) => Deferred.unsafeDone(closed, Effect.succeed({ code, reason: reason.toString() })))
  return {
    socket,
    nextRequest: Queue.take(requests).pipe(Effect.timeout("8 seconds"), Effect.orDie),
    nextPong: Queue.take(pongs).pipe(Effect.timeout("8 seconds"), Effect.orDie),
    pingsReceived: () => pings,
    closed,
    reply: (fixtureName, id) => socket.send(JSON.stringify({ ...(fixture(fixtureName) as object), id })),
    sendStreamMessage: (message) => socket.send(`${JSON.stringify(message)}\n`)
  }
}

/** Finds a port that was free a moment ago, for a server the test starts later. */
const freePort: Effect.Effect<number> = Effect.async<number>((resume) => {
  const probe = createServer()
  probe.listen(0, "127.0.0.1", () => {
    const address = probe.address()
    const port = typeof address === "object" && address !== null ? address.port : 0
    probe.close(() => resume(Effect.succeed(port)))
  })
})

function fixture(name: string): unknown {
  return JSON.parse(readFileSync(new URL(`./fixtures/real-xahaud/${name}`, import.meta.url), "utf8"))
}
