/** The sync phase: poll `server_info` until the node reports complete ledgers. */
import { Clock, Duration, Effect, Schedule } from "effect"
import { RunEvent, RunState } from "../Layers/RunState.js"
import type { DiagnosticsSource } from "./Diagnostics.js"
import { refreshCounts, refreshServerInfo } from "./Diagnostics.js"
import { SyncTimedOut } from "./Outcomes.js"
import type { SnapshotTarget } from "./Snapshots.js"
import { takeSnapshot } from "./Snapshots.js"

/** One `server_info` poll per interval, the first at once. */
export const serverInfoPolling = (interval: Duration.Duration) => Schedule.spaced(interval)

/**
 * Polls until `complete_ledgers` contains at least one ledger. `server_state` alone never counts as synced
 * (a node reports `full` before it has ledgers), and no xahaud-only command is needed.
 */
export const waitForSync = (
  source: DiagnosticsSource,
  target: SnapshotTarget,
  settings: { readonly pollInterval: Duration.Duration; readonly syncTimeout: Duration.Duration }
) =>
  Effect.gen(function* () {
    const runState = yield* RunState
    yield* runState.publish(RunEvent.PhaseChanged({ phase: "syncing", at: yield* Clock.currentTimeMillis }))
    yield* Effect.logInfo("waiting for complete ledgers")

    const poll = Effect.gen(function* () {
      yield* refreshServerInfo(source)
      yield* refreshCounts(source)
      yield* takeSnapshot(target, "poll")
      const count = source.recorder.diagnostics.ledgerCount
      return count !== null && count > 0
    })

    yield* poll.pipe(
      Effect.repeat({ schedule: serverInfoPolling(settings.pollInterval), until: (synced) => synced }),
      Effect.timeoutFail({
        duration: settings.syncTimeout,
        onTimeout: () =>
          new SyncTimedOut({
            waitedMs: Duration.toMillis(settings.syncTimeout),
            serverState: source.recorder.diagnostics.serverState,
            completeLedgers: source.recorder.diagnostics.completeLedgers
          })
      })
    )
  })
