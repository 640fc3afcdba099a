/**
 * The live state of a run, for the dashboard and the plain line printer. Programs publish events, and a
 * reducer folds them into a view. Publishing runs the reducer and the listeners synchronously and waits
 * for no consumer (a subscriber's queue drops its oldest events when full), so a slow screen or a flood of
 * node output cannot hold up sampling.
 */
import { Context, Data, Deferred, Effect, Layer, Queue, Stream } from "effect"
import type { Scope } from "effect"
import { LineRing } from "../Domain/LineRing.js"
import type { MemorySample } from "./MemorySampler.js"
import type { OutputLine } from "./NodeProcess.js"
import type { BinaryStatus, BinarySummaryLine, JobType, Snapshot } from "../Schema/Results.js"
import type { GetCountsResult } from "../Schema/ServerInfo.js"

export type RunPhase = "starting" | "syncing" | "monitoring" | "stopping" | "cooldown"

export interface LogLine {
  readonly at: number
  readonly level: "DEBUG" | "INFO" | "WARN" | "ERROR"
  readonly message: string
}

export type RunEvent = Data.TaggedEnum<{
  RunStarted: { readonly runId: string; readonly runDir: string; readonly binaries: ReadonlyArray<string> }
  BinaryStarted: { readonly index: number; readonly name: string; readonly pid: number; readonly at: number }
  PhaseChanged: { readonly phase: RunPhase; readonly at: number }
  Synced: { readonly at: number; readonly monitoringEndsAt: number; readonly completeLedgers: string }
  MemorySampled: { readonly at: number; readonly sample: MemorySample }
  SnapshotTaken: { readonly snapshot: Snapshot; readonly rssAtSync: number | null }
  DiagnosticsUpdated: {
    readonly serverState: string | null
    readonly completeLedgers: string | null
    readonly ledgerCount: number | null
    readonly counts: GetCountsResult | null
    readonly jobTypes: ReadonlyArray<JobType> | null
    readonly catalogue: Readonly<Record<string, unknown>> | null
  }
  /** Lines of node output that arrived together; one event per batch keeps floods cheap. */
  NodeOutput: { readonly lines: ReadonlyArray<OutputLine> }
  Logged: { readonly line: LogLine }
  BinaryFinished: { readonly index: number; readonly status: BinaryStatus; readonly summary: BinarySummaryLine }
  RunFinished: { readonly at: number; readonly interrupted: boolean }
}>
export const RunEvent = Data.taggedEnum<RunEvent>()

export interface BinaryView {
  readonly name: string
  readonly status: BinaryStatus | "pending" | "running"
  readonly summary: BinarySummaryLine | null
}

export interface CurrentBinaryView {
  readonly index: number
  readonly name: string
  readonly pid: number
  readonly phase: RunPhase
  readonly startedAt: number
  readonly phaseSince: number
  readonly syncedAt: number | null
  readonly monitoringEndsAt: number | null
  readonly memory: MemorySample | null
  readonly peakRssMb: number | null
  readonly rssAtSync: number | null
  readonly ledgerIndex: number | null
  readonly ledgers: number
  readonly serverState: string | null
  readonly completeLedgers: string | null
  readonly ledgerCount: number | null
  readonly counts: GetCountsResult | null
  readonly countsAtSync: GetCountsResult | null
  readonly jobTypes: ReadonlyArray<JobType> | null
  readonly catalogue: Readonly<Record<string, unknown>> | null
}

export interface MemoryPoint {
  readonly at: number
  readonly rssMb: number
}

export interface RunView {
  readonly runId: string
  readonly runDir: string
  readonly binaries: ReadonlyArray<BinaryView>
  readonly current: CurrentBinaryView | null
  readonly finished: boolean
  /** RSS of the current binary over time; bounded. */
  readonly memory: LineRing<MemoryPoint>
  readonly monitorLog: LineRing<LogLine>
  readonly nodeLog: LineRing<OutputLine>
  /** Increases on every change, so a screen can tell whether to redraw. */
  readonly version: number
}

/** Capacity of each log pane and of the memory history (two hours of 1 s samples). */
export const LOG_PANE_LINES = 1000
export const MEMORY_HISTORY_POINTS = 7200

export interface RunStateService {
  /** Folds the event into the view and hands it to subscribers, without waiting for any consumer. */
  readonly publish: (event: RunEvent) => Effect.Effect<void>
  /** For loggers and other synchronous callers. */
  readonly unsafePublish: (event: RunEvent) => void
  readonly view: Effect.Effect<RunView>
  readonly unsafeView: () => RunView
  /**
   * Registers a subscriber at once and returns its events: every event published from this call on,
   * until the scope closes. A consumer that falls more than 10,000 events behind loses the oldest.
   */
  readonly subscribe: Effect.Effect<Stream.Stream<RunEvent>, never, Scope.Scope>
  readonly requestSkip: Effect.Effect<void>
  /** Completes when the user asks to skip the current binary; reset with `clearSkip` per binary. */
  readonly awaitSkip: Effect.Effect<void>
  readonly clearSkip: Effect.Effect<void>
  readonly requestQuit: Effect.Effect<void>
  readonly awaitQuit: Effect.Effect<void>
  readonly clearLogs: Effect.Effect<void>
}

export class RunState extends Context.Tag("xahaud-monitor/RunState")<RunState, RunStateService>() {}

const EVENT_BUFFER = 10_000

export const makeRunState = Effect.gen(function* () {
  let view = initialView()
  const listeners = new Set<(event: RunEvent) => void>()
  let skip = yield* Deferred.make<void>()
  const quit = yield* Deferred.make<void>()

  const unsafePublish = (event: RunEvent) => {
    view = reduce(view, event)
    for (const listener of listeners) listener(event)
  }

  const subscribe = Effect.acquireRelease(
    Effect.gen(function* () {
      const queue = yield* Queue.sliding<RunEvent>(EVENT_BUFFER)
      const listener = (event: RunEvent) => void Queue.unsafeOffer(queue, event)
      listeners.add(listener)
      return { queue, listener }
    }),
    ({ listener, queue }) => Effect.sync(() => listeners.delete(listener)).pipe(Effect.zipRight(Queue.shutdown(queue)))
  ).pipe(Effect.map(({ queue }) => Stream.fromQueue(queue)))

  return RunState.of({
    publish: (event) => Effect.sync(() => unsafePublish(event)),
    unsafePublish,
    view: Effect.sync(() => view),
    unsafeView: () => view,
    subscribe,
    requestSkip: Effect.suspend(() => Deferred.succeed(skip, undefined)).pipe(Effect.asVoid),
    awaitSkip: Effect.suspend(() => Deferred.await(skip)),
    clearSkip: Effect.gen(function* () {
      skip = yield* Deferred.make<void>()
    }),
    requestQuit: Deferred.succeed(quit, undefined).pipe(Effect.asVoid),
    awaitQuit: Deferred.await(quit),
    clearLogs: Effect.sync(() => {
      view.monitorLog.clear()
      view.nodeLog.clear()
      view = { ...view, version: view.version + 1 }
    })
  })
})

export const RunStateLive = Layer.effect(RunState, makeRunState)

const initialView = (): RunView => ({
  runId: "",
  runDir: "",
  binaries: [],
  current: null,
  finished: false,
  memory: new LineRing(MEMORY_HISTORY_POINTS),
  monitorLog: new LineRing(LOG_PANE_LINES),
  nodeLog: new LineRing(LOG_PANE_LINES),
  version: 0
})

/** Folds one event into the view. Log rings are updated in place; everything else is copied. */
export const reduce = (view: RunView, event: RunEvent): RunView => {
  const next = applyEvent(view, event)
  return { ...next, version: view.version + 1 }
}

const applyEvent = (view: RunView, event: RunEvent): RunView => {
  const current = view.current
  switch (event._tag) {
    case "RunStarted":
      return {
        ...view,
        runId: event.runId,
        runDir: event.runDir,
        binaries: event.binaries.map((name) => ({ name, status: "pending", summary: null }))
      }
    case "BinaryStarted":
      view.memory.clear()
      view.nodeLog.clear()
      return {
        ...view,
        binaries: view.binaries.map((binary, index) =>
          index === event.index ? { ...binary, status: "running" } : binary
        ),
        current: newCurrent(event.index, event.name, event.pid, event.at)
      }
    case "PhaseChanged":
      return current ? { ...view, current: { ...current, phase: event.phase, phaseSince: event.at } } : view
    case "Synced":
      return current
        ? {
          ...view,
          current: {
            ...current,
            syncedAt: event.at,
            monitoringEndsAt: event.monitoringEndsAt,
            rssAtSync: current.memory?.rss_mb ?? null,
            countsAtSync: current.counts,
            completeLedgers: event.completeLedgers
          }
        }
        : view
    case "MemorySampled":
      return current ? withMemory(view, current, event.at, event.sample) : view
    case "SnapshotTaken": {
      if (!current) return view
      const snapshot = event.snapshot
      const isLedger = snapshot.kind === "ledger"
      return {
        ...view,
        current: {
          ...current,
          ledgerIndex: isLedger ? snapshot.ledger_index : current.ledgerIndex,
          ledgers: isLedger ? current.ledgers + 1 : current.ledgers,
          completeLedgers: snapshot.complete_ledgers ?? current.completeLedgers,
          ledgerCount: snapshot.ledger_count ?? current.ledgerCount,
          rssAtSync: current.rssAtSync ?? event.rssAtSync
        }
      }
    }
    case "DiagnosticsUpdated":
      return current
        ? {
          ...view,
          current: {
            ...current,
            serverState: event.serverState ?? current.serverState,
            completeLedgers: event.completeLedgers ?? current.completeLedgers,
            ledgerCount: event.ledgerCount ?? current.ledgerCount,
            counts: event.counts ?? current.counts,
            jobTypes: event.jobTypes ?? current.jobTypes,
            catalogue: event.catalogue ?? current.catalogue
          }
        }
        : view
    case "NodeOutput":
      for (const line of event.lines) view.nodeLog.push(line)
      return view
    case "Logged":
      view.monitorLog.push(event.line)
      return view
    case "BinaryFinished":
      return {
        ...view,
        binaries: view.binaries.map((binary, index) =>
          index === event.index ? { ...binary, status: event.status, summary: event.summary } : binary
        )
      }
    case "RunFinished":
      return { ...view, finished: true }
  }
}

const withMemory = (view: RunView, current: CurrentBinaryView, at: number, sample: MemorySample): RunView => {
  view.memory.push({ at, rssMb: sample.rss_mb })
  const peakRssMb = current.peakRssMb === null ? sample.rss_mb : Math.max(current.peakRssMb, sample.rss_mb)
  return { ...view, current: { ...current, memory: sample, peakRssMb } }
}

const newCurrent = (index: number, name: string, pid: number, at: number): CurrentBinaryView => ({
  index,
  name,
  pid,
  phase: "starting",
  startedAt: at,
  phaseSince: at,
  syncedAt: null,
  monitoringEndsAt: null,
  memory: null,
  peakRssMb: null,
  rssAtSync: null,
  ledgerIndex: null,
  ledgers: 0,
  serverState: null,
  completeLedgers: null,
  ledgerCount: null,
  counts: null,
  countsAtSync: null,
  jobTypes: null,
  catalogue: null
})
