/**
 * The monitoring phase: for `--duration` from sync, a snapshot on every `ledgerClosed` message, memory
 * samples in between, diagnostics every two seconds, and in standalone mode a `ledger_accept` call every
 * `--ledger-interval` so that ledgers close at all.
 */
import { Clock, Duration, Effect, Fiber, Ref, Schedule, Stream } from "effect"
import type { LedgerClosedMessage } from "../Layers/NodeConnection.js"
import { RunEvent, RunState } from "../Layers/RunState.js"
import type { DiagnosticsSource } from "./Diagnostics.js"
import { ask, refreshCatalogue, refreshCounts, refreshServerInfo } from "./Diagnostics.js"
import type { RunSettings } from "./Settings.js"
import { DIAGNOSTICS_INTERVAL } from "./Settings.js"
import type { SnapshotTarget } from "./Snapshots.js"
import { takeSnapshot } from "./Snapshots.js"

/** Fixed-rate schedules keep their cadence when one run is slow, so samples and ledgers do not drift. */
export const memorySampling = (interval: Duration.Duration) => Schedule.fixed(interval)
export const diagnosticsPolling = Schedule.spaced(DIAGNOSTICS_INTERVAL)
export const ledgerAccepting = (interval: Duration.Duration) => Schedule.fixed(interval)

export const monitor = (
  source: DiagnosticsSource,
  target: SnapshotTarget,
  settings: Pick<RunSettings, "duration" | "sampleInterval" | "standalone" | "ledgerInterval">
) =>
  Effect.scoped(
    Effect.gen(function* () {
      const runState = yield* RunState
      const recorder = source.recorder
      const syncedAt = yield* Clock.currentTimeMillis
      const endsAt = syncedAt + Duration.toMillis(settings.duration)
      const completeLedgers = recorder.diagnostics.completeLedgers ?? ""
      recorder.markSynced(syncedAt)
      recorder.addEvent("synced", syncedAt, `complete ledgers: ${completeLedgers}`)
      yield* runState.publish(RunEvent.Synced({ at: syncedAt, monitoringEndsAt: endsAt, completeLedgers }))
      yield* runState.publish(RunEvent.PhaseChanged({ phase: "monitoring", at: syncedAt }))
      yield* Effect.logInfo("synced; monitoring", { complete_ledgers: completeLedgers, seconds: Duration.toSeconds(settings.duration) })

      // Sync means the node had ledgers, so the first empty `complete_ledgers` from now on is a loss.
      const hadLedgers = yield* Ref.make(true)
      yield* source.connection.ledgerClosed.pipe(
        Stream.runForEach((message) => onLedgerClosed(source, target, hadLedgers, message)),
        Effect.forkScoped
      )
      yield* source.connection.subscribe(["ledger"]).pipe(
        Effect.catchAll((failure) => Effect.logWarning("subscribe to the ledger stream failed", failure.message))
      )

      yield* takeSnapshot(target, "sample").pipe(Effect.repeat(memorySampling(settings.sampleInterval)), Effect.forkScoped)
      // These two loops end only by failing (the node rejected a request); the phase then ends with that failure.
      const diagnostics = yield* watchDiagnostics(source, hadLedgers).pipe(
        Effect.repeat(diagnosticsPolling),
        Effect.zipRight(Effect.never),
        Effect.forkScoped
      )
      // The first ledger closes one interval after sync, then one per interval.
      const ledgerDriver = settings.standalone
        ? Effect.sleep(settings.ledgerInterval).pipe(
          Effect.zipRight(acceptLedger(source).pipe(Effect.repeat(ledgerAccepting(settings.ledgerInterval)))),
          Effect.zipRight(Effect.never)
        )
        : Effect.never
      const driver = yield* Effect.forkScoped(ledgerDriver)

      yield* Effect.sleep(Duration.millis(Math.max(0, endsAt - (yield* Clock.currentTimeMillis)))).pipe(
        Effect.raceFirst(Fiber.join(diagnostics)),
        Effect.raceFirst(Fiber.join(driver))
      )

      yield* source.connection.unsubscribe(["ledger"]).pipe(
        Effect.timeout("2 seconds"),
        Effect.catchAll((failure) => Effect.logDebug("unsubscribe failed", String(failure)))
      )
    })
  )

const onLedgerClosed = (
  source: DiagnosticsSource,
  target: SnapshotTarget,
  hadLedgers: Ref.Ref<boolean>,
  message: LedgerClosedMessage
) =>
  Effect.gen(function* () {
    const at = yield* Clock.currentTimeMillis
    yield* Ref.set(source.lastHeardAt, at)
    const { gap, isNew } = source.recorder.acceptLedger(message, at)
    if (!isNew) {
      yield* Effect.logDebug("duplicate ledgerClosed ignored", { ledger_index: message.ledger_index })
      return
    }
    // The snapshot comes first, so that nothing else delays the memory reading for this ledger.
    if (message.validated_ledgers !== undefined) source.recorder.setCompleteLedgers(message.validated_ledgers)
    yield* takeSnapshot(target, "ledger", message)
    yield* noteLedgerAvailability(source, hadLedgers)
    if (gap !== null) {
      const text = `missed ledgers ${gap.first_missing}-${gap.last_missing} (${gap.count})`
      source.recorder.addEvent("ledger_gap", at, text, { ...gap })
      yield* Effect.logWarning(text)
    }
  }).pipe(Effect.annotateLogs("ledger_index", message.ledger_index))

/** Refreshes diagnostics and records when the node loses or regains its complete ledgers. */
const watchDiagnostics = (source: DiagnosticsSource, hadLedgers: Ref.Ref<boolean>) =>
  Effect.gen(function* () {
    yield* refreshServerInfo(source)
    yield* noteLedgerAvailability(source, hadLedgers)
    yield* refreshCounts(source)
    yield* refreshCatalogue(source)
  })

/**
 * Records `lost_sync` when `complete_ledgers` drops to empty and `regained_sync` when ledgers come back.
 * Both server_info and the `validated_ledgers` of ledger messages update `complete_ledgers`, so the last
 * recorded state is kept in `hadLedgers`. Comparing before and after one of the two updates would miss a
 * loss that the other source reported first, and would record one loss per update when the sources differ.
 */
const noteLedgerAvailability = (source: DiagnosticsSource, hadLedgers: Ref.Ref<boolean>) =>
  Effect.gen(function* () {
    const recorder = source.recorder
    const count = recorder.diagnostics.ledgerCount
    if (count === null) return
    const hasLedgers = count > 0
    if (hasLedgers === (yield* Ref.getAndSet(hadLedgers, hasLedgers))) return
    const at = yield* Clock.currentTimeMillis
    if (!hasLedgers) {
      recorder.addEvent("lost_sync", at, "complete_ledgers dropped to empty", { server_state: recorder.diagnostics.serverState })
      yield* Effect.logWarning("node lost its complete ledgers", { server_state: recorder.diagnostics.serverState })
    } else {
      recorder.addEvent("regained_sync", at, `complete ledgers: ${recorder.diagnostics.completeLedgers}`)
      yield* Effect.logInfo("node has complete ledgers again", { complete_ledgers: recorder.diagnostics.completeLedgers })
    }
  })

/** Closes the open ledger; `notStandAlone` or any other node error is logged, a rejection fails. */
const acceptLedger = (source: DiagnosticsSource) =>
  ask(source, "ledger_accept", source.adminParams).pipe(
    Effect.catchTag("NodeRequestError", (failure) => Effect.logWarning(failure.message))
  )
