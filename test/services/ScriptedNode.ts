/**
 * Test doubles for the phase programs: a scripted node connection (a function returns the reply to each command),
 * a memory sampler with a settable RSS, and the in-memory results store, so the sync and monitoring
 * decisions can be tested on `TestClock` without processes or sockets.
 */
import { Clock, Effect, Layer, Option, Queue, Ref, Stream } from "effect"
import * as fs from "node:fs"
import * as path from "node:path"
import type { MemorySample } from "../../src/Layers/MemorySampler.js"
import { MemorySampler } from "../../src/Layers/MemorySampler.js"
import type { Connection, LedgerClosedMessage, RequestFailure } from "../../src/Layers/NodeConnection.js"
import { NodeRequestError } from "../../src/Layers/NodeConnection.js"
import { makeMemoryResultsStore } from "../../src/Layers/ResultsStore.js"
import { makeRunState, RunState } from "../../src/Layers/RunState.js"
import type { DiagnosticsSource } from "../../src/Programs/Diagnostics.js"
import type { RecorderContext } from "../../src/Programs/Recorder.js"
import { Recorder } from "../../src/Programs/Recorder.js"
import type { SnapshotTarget } from "../../src/Programs/Snapshots.js"

const fixture = (name: string): unknown =>
  JSON.parse(fs.readFileSync(path.join(import.meta.dirname, "../fixtures/real-xahaud", name), "utf8"))

/** `result` of the real xahaud `server_info` reply after five ledger_accept calls. */
export const serverInfoResult = (fixture("server_info-after-5-accepts.json") as { result: { info: object } }).result

/** A real `server_info` result with `server_state` and `complete_ledgers` replaced. */
export const serverInfoWith = (serverState: string, completeLedgers: string) => ({
  ...serverInfoResult,
  info: { ...serverInfoResult.info, server_state: serverState, complete_ledgers: completeLedgers }
})

export const countsResult = (fixture("get_counts.json") as { result: Record<string, unknown> }).result

export interface RequestCall {
  readonly command: string
  readonly params: Readonly<Record<string, unknown>>
  readonly at: number
}

export type Handler = (params: Readonly<Record<string, unknown>>) => Effect.Effect<unknown, RequestFailure>

export const unknownCommand = (command: string) =>
  new NodeRequestError({ command, error: "unknownCmd", errorCode: 32, errorMessage: "Unknown method." })

/**
 * Creates a connection whose replies come from `handlers`. A command without a handler gets `unknownCmd`, as
 * on a real node. Every request is recorded with the (test) time it was made.
 */
export const makeScriptedConnection = (handlers: Readonly<Record<string, Handler>>) =>
  Effect.gen(function* () {
    const calls: Array<RequestCall> = []
    const ledgers = yield* Queue.unbounded<LedgerClosedMessage>()
    const request = (command: string, params: Readonly<Record<string, unknown>> = {}) =>
      Effect.gen(function* () {
        calls.push({ command, params, at: yield* Clock.currentTimeMillis })
        const handler = handlers[command]
        return handler === undefined ? yield* Effect.fail(unknownCommand(command)) : yield* handler(params)
      })
    const connection: Connection = {
      awaitOpen: Effect.void,
      request,
      subscribe: (streams) => request("subscribe", { streams }),
      unsubscribe: (streams) => request("unsubscribe", { streams }),
      ledgerClosed: Stream.fromQueue(ledgers),
      events: Stream.empty
    }
    const closeLedger = (index: number, txnCount = 0) =>
      Queue.offer(ledgers, {
        type: "ledgerClosed",
        ledger_index: index,
        ledger_hash: index.toString(16).toUpperCase().padStart(64, "0"),
        ledger_time: 849713111 + index,
        txn_count: txnCount,
        validated_ledgers: `2-${index}`
      })
    return { connection, calls, closeLedger }
  })

export const sampleOf = (rssMb: number): MemorySample => ({
  rss_mb: rssMb,
  vms_mb: rssMb * 4,
  memory_percent: rssMb / 240,
  num_threads: 12,
  hwm_mb: rssMb,
  swap_mb: 0,
  pids: [4242]
})

/** Creates a sampler that returns `rss` MiB for pid 4242, and `None` (exited) once `rss` is set to null. */
export const makeScriptedSampler = Effect.gen(function* () {
  const rss = yield* Ref.make<number | null>(100)
  const layer = Layer.succeed(MemorySampler, {
    sample: () => Ref.get(rss).pipe(Effect.map((value) => (value === null ? Option.none() : Option.some(sampleOf(value)))))
  })
  return { rss, layer }
})

const context: RecorderContext = {
  runId: "20261204_152500",
  configuredDurationSeconds: 60,
  testConfiguration: {} as RecorderContext["testConfiguration"],
  systemInfo: {} as RecorderContext["systemInfo"]
}

/** Creates everything one binary's phases need, on fake services. */
export const makePhaseHarness = (handlers: Readonly<Record<string, Handler>>) =>
  Effect.gen(function* () {
    const scripted = yield* makeScriptedConnection(handlers)
    const sampler = yield* makeScriptedSampler
    const { files, store } = yield* makeMemoryResultsStore()
    const runState = yield* makeRunState
    const recorder = new Recorder({ name: "xahaud-a", path: "build/xahaud-a", sizeBytes: 1 << 20 }, context, 0)
    const source: DiagnosticsSource = {
      connection: scripted.connection,
      recorder,
      lastHeardAt: yield* Ref.make(0),
      catalogueSupported: yield* Ref.make<boolean | undefined>(undefined),
      adminParams: {}
    }
    const target: SnapshotTarget = { pid: 4242, recorder, log: yield* store.openSnapshotLog("xahaud-a") }
    const layer = Layer.merge(sampler.layer, Layer.succeed(RunState, runState))
    return { ...scripted, files, layer, recorder, rss: sampler.rss, source, target }
  })
