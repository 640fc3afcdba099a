/**
 * A whole run: each binary in turn under the same settings, a cooldown between them, `run.json`
 * rewritten after each binary. An interrupt (Ctrl-C, SIGTERM, `q`) ends the current binary as
 * `interrupted` and starts no further binary.
 */
import { Clock, Duration, Effect } from "effect"
import { ResultsStore } from "../Layers/ResultsStore.js"
import { RunEvent, RunState } from "../Layers/RunState.js"
import type { BinarySummaryLine, RunManifest, SystemInfo, TestConfiguration } from "../Schema/Results.js"
import type { BinaryIdentity, Recorder } from "./Recorder.js"
import type { RunSettings } from "./Settings.js"
import { testBinary } from "./TestBinary.js"

export interface RunPlan {
  readonly binaries: ReadonlyArray<BinaryIdentity>
  readonly settings: RunSettings
  readonly testConfiguration: TestConfiguration
  readonly systemInfo: SystemInfo
  /** Receives each binary's recorder, so a hard exit (second Ctrl-C) can still save what it holds. */
  readonly onRecorder?: (recorder: Recorder) => void
  /** Receives, once, a function that builds `run.json` from the binaries finished so far, for a hard exit. */
  readonly onManifest?: (build: ManifestBuilder) => void
}

/** Builds `run.json` with this status and end time, listing the binaries finished so far. */
export type ManifestBuilder = (status: RunManifest["status"], finishedAt: string | null) => RunManifest

/** Runs every binary and returns their summary lines; the run is "completed" when every binary completed. */
export const runAll = (plan: RunPlan) =>
  Effect.gen(function* () {
    const store = yield* ResultsStore
    const runState = yield* RunState
    const startedAt = new Date(yield* Clock.currentTimeMillis).toISOString()
    const lines: Array<BinarySummaryLine> = []
    // An interrupted binary still saves its result and publishes its summary line, but never returns it.
    const linesSoFar = () => {
      const unreturned = runState.unsafeView().binaries[lines.length]?.summary
      return unreturned ? [...lines, unreturned] : [...lines]
    }
    const manifest: ManifestBuilder = (status, finishedAt) => ({
      test_run_id: store.runId,
      started_at: startedAt,
      finished_at: finishedAt,
      status,
      binaries_planned: plan.binaries.map((binary) => binary.name),
      test_configuration: plan.testConfiguration,
      system_info: plan.systemInfo,
      results: linesSoFar()
    })
    const saveManifest = (status: RunManifest["status"], finishedAt: string | null) =>
      store.writeManifest(manifest(status, finishedAt)).pipe(
        Effect.catchAll((error) => Effect.logError("run.json not saved", error.message))
      )

    plan.onManifest?.(manifest)

    yield* runState.publish(
      RunEvent.RunStarted({ runId: store.runId, runDir: store.runDir, binaries: plan.binaries.map((b) => b.name) })
    )
    yield* Effect.logInfo("run started", { run_id: store.runId, binaries: plan.binaries.length })
    yield* saveManifest("running", null)

    const finish = (interrupted: boolean) =>
      Effect.gen(function* () {
        const now = new Date(yield* Clock.currentTimeMillis).toISOString()
        yield* saveManifest(interrupted ? "interrupted" : "completed", now)
        yield* runState.publish(RunEvent.RunFinished({ at: Date.parse(now), interrupted }))
      })

    yield* Effect.gen(function* () {
      for (const [index, binary] of plan.binaries.entries()) {
        if (index > 0 && Duration.toMillis(plan.settings.cooldown) > 0) {
          yield* runState.publish(RunEvent.PhaseChanged({ phase: "cooldown", at: yield* Clock.currentTimeMillis }))
          yield* Effect.logInfo("cooling down", { seconds: Duration.toSeconds(plan.settings.cooldown) })
          yield* Effect.sleep(plan.settings.cooldown)
        }
        yield* runState.clearSkip
        yield* Effect.logInfo(`testing ${index + 1}/${plan.binaries.length}`, { path: binary.path })
        const line = yield* testBinary({
          binary,
          index,
          settings: plan.settings,
          context: {
            runId: store.runId,
            configuredDurationSeconds: Duration.toSeconds(plan.settings.duration),
            testConfiguration: plan.testConfiguration,
            systemInfo: plan.systemInfo
          },
          ...(plan.onRecorder ? { onRecorder: plan.onRecorder } : {})
        })
        lines.push(line)
        yield* saveManifest("running", null)
        if (plan.settings.failFast && line.status !== "completed") {
          yield* Effect.logWarning("stopping the run after the first incomplete binary (--fail-fast)")
          break
        }
      }
    }).pipe(Effect.onExit((exit) => finish(exit._tag === "Failure")))

    return lines as ReadonlyArray<BinarySummaryLine>
  })

/** Exit code of a finished run: 0 when every binary completed, else 1. */
export const exitCodeOf = (lines: ReadonlyArray<BinarySummaryLine>, planned: number) =>
  lines.length === planned && lines.every((line) => line.status === "completed") ? 0 : 1
