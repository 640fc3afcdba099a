import { describe, expect, it } from "@effect/vitest"
import { Chunk, Duration, Effect, Either, Fiber, Layer, Schedule } from "effect"
import { readFileSync } from "node:fs"
import { WebSocket, WebSocketServer } from "ws"
// Live.js is imported before NodeConnection.js on purpose: the import cycle must work in this order too.
import { reconnectPolicy } from "../src/Layers/NodeConnection/Live.js"
import { buildRequest, makeRequestTable } from "../src/Layers/NodeConnection/Requests.js"
import { NodeConnectionLive } from "../src/Layers/NodeConnection.js"
import { decodeFrame } from "../src/Schema/NodeMessages.js"

const fixtureText = (name: string) =>
  readFileSync(new URL(`./fixtures/real-xahaud/${name}`, import.meta.url), "utf8")

/** The problem text for a frame that fails to decode, or "decoded" when it decodes. */
const problemOf = (text: string) =>
  Either.match(decodeFrame(text), { onLeft: (problem) => problem, onRight: () => "decoded" })

const ledgerClosedFixtures = JSON.parse(fixtureText("ledgerClosed-stream.json")) as Array<Record<string, unknown>>

describe("decodeFrame", () => {
  it("decodes real success replies", () => {
    for (const name of ["ping.json", "subscribe-ledger.json", "server_info-at-start.json"]) {
      const decoded = decodeFrame(fixtureText(name))
      expect(Either.isRight(decoded), name).toBe(true)
      expect(Either.getOrThrow(decoded)).toMatchObject({ type: "response", status: "success" })
    }
  })

  it("decodes real error replies with and without error_code", () => {
    const unknownCommand = Either.getOrThrow(decodeFrame(fixtureText("error-unknownCmd-catalogue_status.json")))
    expect(unknownCommand).toMatchObject({
      status: "error",
      error: "unknownCmd",
      error_code: 32,
      error_message: "Unknown method."
    })

    const badVersion = Either.getOrThrow(decodeFrame(fixtureText("error-api_version-2.json")))
    expect(badVersion).toMatchObject({ status: "error", error: "invalid_API_version", id: 12 })
    expect(badVersion).not.toHaveProperty("error_code")
    expect(badVersion).not.toHaveProperty("error_message")
  })

  it("decodes newline-terminated ledgerClosed messages", () => {
    for (const message of ledgerClosedFixtures) {
      const decoded = decodeFrame(`${JSON.stringify(message)}\n`)
      expect(Either.getOrThrow(decoded)).toEqual(message)
    }
  })

  it("accepts ledgerClosed without optional keys", () => {
    const { fee_ref: _feeRef, txn_count: _txnCount, validated_ledgers: _validated, ...required } =
      ledgerClosedFixtures[0]!
    expect(Either.getOrThrow(decodeFrame(JSON.stringify(required)))).toEqual(required)
  })

  it("decodes jsonInvalid frames and other stream types", () => {
    const jsonInvalid = '{"error":"jsonInvalid","type":"error","value":"{oops"}\n'
    expect(Either.getOrThrow(decodeFrame(jsonInvalid))).toEqual({ type: "error", error: "jsonInvalid", value: "{oops" })
    expect(Either.getOrThrow(decodeFrame('{"type":"serverStatus","server_status":"full"}'))).toMatchObject({
      type: "serverStatus"
    })
  })

  it("describes frames that do not match", () => {
    const cases: Array<[string, string]> = [
      ["not json", "not valid JSON"],
      [JSON.stringify({ ...ledgerClosedFixtures[0], ledger_index: "3" }), 'ledger_index: Expected number, actual "3"'],
      [JSON.stringify({ ...ledgerClosedFixtures[0], ledger_time: 1.5 }), "ledger_time: Expected an integer"],
      ['{"type":"response","id":1,"status":"pending"}', 'actual "pending"'],
      ['{"type":"response","id":1,"status":"error"}', "error: is missing"],
      ['{"id":1,"status":"success","result":{}}', "type: is missing"],
      ["[1,2]", "Expected"]
    ]
    for (const [text, expected] of cases) {
      expect(problemOf(text), text).toContain(expected)
    }
  })

  it("reports only the ledgerClosed problem", () => {
    const problem = problemOf(JSON.stringify({ ...ledgerClosedFixtures[0], ledger_hash: 7 }))
    expect(problem).toBe("ledger_hash: Expected string, actual 7")
  })
})

describe("reconnectPolicy", () => {
  it.effect("starts near 200 ms, caps at 5 s and never ends", () =>
    Effect.gen(function* () {
      const inputs = Array.from({ length: 200 }, () => undefined)
      const delays = Chunk.toReadonlyArray(yield* Schedule.run(reconnectPolicy, 0, inputs))
      const millis = delays.map(Duration.toMillis)
      expect(millis).toHaveLength(200)
      expect(millis[0]).toBeGreaterThanOrEqual(160)
      expect(millis[0]).toBeLessThanOrEqual(240)
      expect(Math.max(...millis)).toBeLessThanOrEqual(5000)
      expect(millis.slice(10).every((delay) => delay === 5000)).toBe(true)
    })
  )
})

describe("NodeConnectionLive", () => {
  it("is a layer when the implementation module loads first", () => {
    expect(Layer.isLayer(NodeConnectionLive)).toBe(true)
  })
})

describe("buildRequest", () => {
  it("puts id and command first and ignores them in params", () => {
    const request = buildRequest(7, "get_counts", { id: 99, command: "stop", min_count: 1 }, undefined)
    expect(request).toEqual({ id: 7, command: "get_counts", min_count: 1 })
    expect(Object.keys(request)).toEqual(["id", "command", "min_count"])
  })

  it("adds api_version only when set", () => {
    expect(buildRequest(1, "ping", {}, 1)).toEqual({ id: 1, command: "ping", api_version: 1 })
    expect(buildRequest(1, "ping", {}, undefined)).not.toHaveProperty("api_version")
  })
})

describe("makeRequestTable", () => {
  it.scopedLive("removes a request once it times out or the socket goes away", () =>
    Effect.gen(function* () {
      const socket = yield* openSilentPair
      const table = makeRequestTable({ apiVersion: undefined, requestTimeout: Duration.millis(200) })
      table.attach(socket)

      const timedOut = yield* Effect.flip(table.send("server_info"))
      expect(timedOut._tag).toBe("RequestTimeout")
      expect(table.size()).toBe(0)

      const waiting = yield* Effect.fork(Effect.flip(table.send("ping")))
      yield* Effect.sleep("50 millis")
      expect(table.size()).toBe(1)
      table.detach()
      const disconnected = yield* Fiber.join(waiting)
      expect(disconnected._tag).toBe("Disconnected")
      expect(table.size()).toBe(0)
    })
  )
})

/** A client socket open to a local `ws` server that never replies. */
const openSilentPair = Effect.acquireRelease(
  Effect.async<{ server: WebSocketServer; client: WebSocket }>((resume) => {
    const server = new WebSocketServer({ host: "127.0.0.1", port: 0 })
    server.once("listening", () => {
      const address = server.address()
      const port = typeof address === "object" && address !== null ? address.port : 0
      const client = new WebSocket(`ws://127.0.0.1:${port}`)
      client.once("open", () => resume(Effect.succeed({ server, client })))
      client.once("error", (error) => resume(Effect.die(error)))
    })
  }),
  ({ server, client }) =>
    Effect.async<void>((resume) => {
      client.terminate()
      for (const peer of server.clients) peer.terminate()
      server.close(() => resume(Effect.void))
    })
).pipe(Effect.map(({ client }) => client))
