/** Taking a memory snapshot of the node: sample, record, append to the NDJSON file, publish. */
import { Clock, Effect, Option } from "effect"
import { MemorySampler } from "../Layers/MemorySampler.js"
import type { LedgerClosedMessage } from "../Layers/NodeConnection.js"
import type { SnapshotLog } from "../Layers/ResultsStore.js"
import { RunEvent, RunState } from "../Layers/RunState.js"
import type { Snapshot, SnapshotKind } from "../Schema/Results.js"
import type { Recorder } from "./Recorder.js"

export interface SnapshotTarget {
  readonly pid: number
  readonly recorder: Recorder
  readonly log: SnapshotLog
}

/**
 * Samples the node's memory and records a snapshot of the given kind. Returns `None` when the node
 * process has just exited: such a sample is skipped, never stored as zeros.
 */
export const takeSnapshot = (target: SnapshotTarget, kind: SnapshotKind, ledger?: LedgerClosedMessage) =>
  Effect.gen(function* () {
    const sampler = yield* MemorySampler
    const runState = yield* RunState
    const sample = yield* sampler.sample(target.pid)
    if (Option.isNone(sample)) return Option.none<Snapshot>()

    const at = yield* Clock.currentTimeMillis
    const snapshot = target.recorder.addSnapshot(kind, at, sample.value, ledger)
    yield* target.log.append(snapshot).pipe(
      Effect.catchAll((error) => Effect.logError("snapshot not saved", error.message))
    )
    yield* runState.publish(RunEvent.MemorySampled({ at, sample: sample.value }))
    yield* runState.publish(RunEvent.SnapshotTaken({ snapshot, rssAtSync: target.recorder.rssAtSync }))
    return Option.some(snapshot)
  })

/** Samples memory for the live view only, without recording a snapshot. */
export const sampleForView = (pid: number) =>
  Effect.gen(function* () {
    const sampler = yield* MemorySampler
    const runState = yield* RunState
    const sample = yield* sampler.sample(pid)
    if (Option.isNone(sample)) return
    const at = yield* Clock.currentTimeMillis
    yield* runState.publish(RunEvent.MemorySampled({ at, sample: sample.value }))
  })
