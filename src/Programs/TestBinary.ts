/**
 * The test of one binary, top to bottom: check the port, start the node, connect, wait for ledgers,
 * monitor, stop, save. Every way it can end becomes a status in `<binary>.json`; an interruption (Ctrl-C)
 * still stops the node and writes the result with status `interrupted`.
 */
import { Chunk, Clock, Duration, Effect, Ref, Schedule, Stream } from "effect"
import type { Connection, ConnectionEvent } from "../Layers/NodeConnection.js"
import { NodeConnection } from "../Layers/NodeConnection.js"
import type { RunningNode } from "../Layers/NodeProcess.js"
import { NodeProcess } from "../Layers/NodeProcess.js"
import { PortProbe } from "../Layers/PortProbe.js"
import { ResultsStore } from "../Layers/ResultsStore.js"
import { RunEvent, RunState } from "../Layers/RunState.js"
import type { BinaryResult, BinarySummaryLine } from "../Schema/Results.js"
import type { DiagnosticsSource } from "./Diagnostics.js"
import { monitor } from "./MonitoringPhase.js"
import type { EarlyEnd } from "./Outcomes.js"
import { NodeExited, NodeStalled, PortInUse, SkipRequested, StartupTimedOut, statusOf } from "./Outcomes.js"
import type { BinaryIdentity, Ending, RecorderContext } from "./Recorder.js"
import { Recorder } from "./Recorder.js"
import type { RunSettings } from "./Settings.js"
import { adminParams } from "./Settings.js"
import type { SnapshotTarget } from "./Snapshots.js"
import { sampleForView } from "./Snapshots.js"
import { waitForSync } from "./SyncPhase.js"

export interface BinaryRun {
  readonly binary: BinaryIdentity
  readonly index: number
  readonly settings: RunSettings
  readonly context: RecorderContext
  /** Receives the recorder as soon as it exists, so an emergency exit can still save it. */
  readonly onRecorder?: (recorder: Recorder) => void
}

/** Runs one binary's test and returns its summary line for `run.json`. Every outcome becomes a status. */
export const testBinary = (run: BinaryRun) =>
  Effect.gen(function* () {
    const runState = yield* RunState
    const store = yield* ResultsStore
    const startedAt = yield* Clock.currentTimeMillis
    const recorder = new Recorder(run.binary, run.context, startedAt)
    run.onRecorder?.(recorder)
    const tails = yield* Ref.make<{ stdout: ReadonlyArray<string>; stderr: ReadonlyArray<string> }>({
      stdout: [],
      stderr: []
    })
    const summary = yield* Ref.make<BinarySummaryLine | null>(null)

    const save = Effect.gen(function* () {
      const endedAt = yield* Clock.currentTimeMillis
      recorder.ending ??= { status: "interrupted", errorMessage: "interrupted by the user" }
      const outputTails = yield* Ref.get(tails)
      recorder.ending = withFatalLine(recorder.ending, outputTails.stderr)
      const result = recorder.toResult(endedAt, outputTails)
      const file = yield* store.writeResult(result).pipe(
        Effect.tapError((error) => Effect.logError("result not saved", error.message)),
        Effect.orElseSucceed(() => "")
      )
      const line = summaryLine(result, recorder.growthPerHour(), file)
      yield* Ref.set(summary, line)
      yield* runState.publish(RunEvent.BinaryFinished({ index: run.index, status: result.status, summary: line }))
      yield* Effect.logInfo(`finished: ${result.status}`, {
        error: result.error_message,
        ledgers: result.total_ledgers,
        peak_rss_mb: result.peak_memory_rss_mb,
        file
      })
    })

    yield* Effect.scoped(runNode(run, recorder, tails)).pipe(
      Effect.tap(() => Effect.sync(() => (recorder.ending = { status: "completed", errorMessage: null }))),
      Effect.catchAll((end) =>
        Effect.sync(() => (recorder.ending = { status: statusOf(end), errorMessage: end.message })).pipe(
          Effect.zipRight(Effect.logWarning(end.message))
        )
      ),
      Effect.ensuring(save),
      Effect.annotateLogs({ binary: run.binary.name })
    )
    return (yield* Ref.get(summary))!
  })

const runNode = (
  run: BinaryRun,
  recorder: Recorder,
  tails: Ref.Ref<{ stdout: ReadonlyArray<string>; stderr: ReadonlyArray<string> }>
) =>
  Effect.gen(function* () {
    const { binary, settings } = run
    const runState = yield* RunState
    const store = yield* ResultsStore
    const log = yield* store.openSnapshotLog(binary.name)

    yield* ensurePortFree(settings.websocketUrl)

    const node = yield* (yield* NodeProcess).start({
      binaryPath: binary.path,
      args: nodeArguments(settings),
      logFile: store.nodeLogFile(binary.name),
      stopTimeout: settings.stopTimeout
    })
    recorder.pid = node.pid
    yield* Effect.addFinalizer(() => stopNode(node, recorder, tails))
    yield* runState.publish(
      RunEvent.BinaryStarted({ index: run.index, name: binary.name, pid: node.pid, at: recorder.startedAt })
    )
    yield* node.lines.pipe(
      Stream.runForEachChunk((lines) => runState.publish(RunEvent.NodeOutput({ lines: Chunk.toReadonlyArray(lines) }))),
      Effect.forkScoped
    )
    // The first second is skipped: until a wrapper script or setpriv has exec'd the node, the pid belongs to
    // a tiny process whose RSS would squash the dashboard's memory scale.
    yield* sampleForView(node.pid).pipe(
      Effect.repeat({ schedule: viewSampling }),
      Effect.delay("1 second"),
      Effect.forkScoped
    )

    const connection = yield* (yield* NodeConnection).connect({
      url: settings.websocketUrl,
      apiVersion: settings.apiVersion,
      requestTimeout: settings.requestTimeout,
      stallTimeout: settings.stallTimeout
    })
    const source: DiagnosticsSource = {
      connection,
      recorder,
      lastHeardAt: yield* Ref.make(yield* Clock.currentTimeMillis),
      catalogueSupported: yield* Ref.make<boolean | undefined>(undefined),
      adminParams: adminParams(settings)
    }
    yield* connection.events.pipe(Stream.runForEach(recordConnectionEvent(recorder)), Effect.forkScoped)
    const target: SnapshotTarget = { pid: node.pid, recorder, log }
    const skip = (yield* RunState).awaitSkip.pipe(Effect.zipRight(Effect.fail(new SkipRequested())))

    yield* awaitOpen(connection, settings).pipe(
      Effect.raceFirst(failWhenExited(node, true)),
      Effect.raceFirst(skip)
    )
    yield* Ref.set(source.lastHeardAt, yield* Clock.currentTimeMillis)

    const watchers = <A, E, R>(phase: Effect.Effect<A, E, R>) =>
      phase.pipe(
        Effect.raceFirst(failWhenExited(node, false)),
        Effect.raceFirst(skip),
        Effect.raceFirst(failWhenSilent(source, settings.stallTimeout))
      )
    yield* watchers(waitForSync(source, target, settings))
    yield* watchers(monitor(source, target, settings))
    // Every sample is taken: an interrupt while the node stops no longer changes the outcome.
    recorder.ending = { status: "completed", errorMessage: null }
  })

/** Samples for the live view between snapshots, so the dashboard's memory graph moves during sync too. */
const viewSampling = Schedule.spaced("1 second")

export const nodeArguments = (settings: Pick<RunSettings, "configPath" | "standalone" | "nodeArgs">) => [
  "--conf",
  settings.configPath,
  settings.standalone ? "--standalone" : "--net",
  ...settings.nodeArgs
]

const ensurePortFree = (url: string) =>
  Effect.gen(function* () {
    const { hostname, port } = new URL(url)
    const portNumber = Number(port || (url.startsWith("wss:") ? 443 : 80))
    const listener = yield* (yield* PortProbe).findListener(hostname, portNumber)
    if (listener._tag === "Some") {
      return yield* Effect.fail(new PortInUse({ host: hostname, port: portNumber, holder: listener.value || null }))
    }
  })

const awaitOpen = (connection: Connection, settings: RunSettings) =>
  connection.awaitOpen.pipe(
    Effect.timeoutFail({
      duration: settings.startupTimeout,
      onTimeout: () =>
        new StartupTimedOut({ url: settings.websocketUrl, waitedMs: Duration.toMillis(settings.startupTimeout) })
    })
  )

const failWhenExited = (node: RunningNode, beforeConnect: boolean): Effect.Effect<never, EarlyEnd> =>
  node.exit.pipe(Effect.flatMap((exit) => Effect.fail(new NodeExited({ beforeConnect, exit }))))

/**
 * Fails when the node has sent nothing (no reply, no ledger) for `window`, though its process lives.
 * It sleeps until the moment the window would end and checks again, so a stall is found when the window
 * ends rather than up to one polling interval later.
 */
const failWhenSilent = (source: DiagnosticsSource, window: Duration.Duration): Effect.Effect<never, EarlyEnd> =>
  Effect.gen(function* () {
    const windowMs = Duration.toMillis(window)
    while (true) {
      const silentFor = (yield* Clock.currentTimeMillis) - (yield* Ref.get(source.lastHeardAt))
      if (silentFor >= windowMs) return yield* Effect.fail(new NodeStalled({ silentMs: silentFor }))
      yield* Effect.sleep(Duration.millis(windowMs - silentFor))
    }
  })

const stopNode = (
  node: RunningNode,
  recorder: Recorder,
  tails: Ref.Ref<{ stdout: ReadonlyArray<string>; stderr: ReadonlyArray<string> }>
) =>
  Effect.gen(function* () {
    const runState = yield* RunState
    yield* runState.publish(RunEvent.PhaseChanged({ phase: "stopping", at: yield* Clock.currentTimeMillis }))
    const outcome = yield* node.stop
    recorder.exit = outcome.exit
    if (outcome.forced) {
      recorder.forcedKill = true
      recorder.addEvent("forced_kill", outcome.exit.exitedAt, "the node ignored SIGTERM and was killed with SIGKILL")
      yield* Effect.logWarning("node ignored SIGTERM; killed with SIGKILL", { pid: node.pid })
    }
    yield* Ref.set(tails, yield* node.tails)
  })

const recordConnectionEvent = (recorder: Recorder) => {
  let opened = false
  let invalidMessages = 0
  return (event: ConnectionEvent) =>
    Effect.gen(function* () {
      switch (event._tag) {
        case "Opened":
          if (opened) {
            recorder.addEvent("reconnected", event.at, `WebSocket open again (attempt ${event.attempt})`)
            yield* Effect.logInfo("reconnected", { attempt: event.attempt })
          }
          opened = true
          return
        case "Closed":
          if (!opened) return
          recorder.addEvent("disconnected", event.at, `WebSocket closed: ${event.code} ${event.reason}`.trim(), {
            code: event.code,
            reason: event.reason
          })
          return yield* Effect.logWarning("WebSocket closed", { code: event.code, reason: event.reason })
        case "Stalled":
          recorder.addEvent("stalled", event.at, `no frame from the node for ${Math.round(event.silentForMs / 1000)} s`)
          return yield* Effect.logWarning("WebSocket stalled; reconnecting", { silent_ms: event.silentForMs })
        case "Resubscribed":
          return yield* Effect.logInfo("resubscribed", { streams: event.streams.join(",") })
        case "InvalidMessage":
          invalidMessages++
          if (invalidMessages <= MAX_RECORDED_INVALID_MESSAGES) {
            recorder.addEvent("invalid_message", event.at, event.problem, { text: event.text })
            yield* Effect.logWarning("ignored a message from the node", { problem: event.problem, text: event.text })
          } else if (invalidMessages % 1000 === 0) {
            yield* Effect.logWarning(`ignored ${invalidMessages} invalid messages from the node so far`)
          }
          return
      }
    })
}

/** Invalid messages beyond this many per binary are only counted, so a flood cannot bloat results or logs. */
const MAX_RECORDED_INVALID_MESSAGES = 20

/**
 * Adds the node's last `FTL` log line to the reason of a crash or failed start, since it usually names the cause
 * (`Unable to setup server handler`, `std::bad_alloc`). rippled also echoes `[rpc_startup]` commands at FTL,
 * so the line is labelled as what it is, not as the cause.
 */
const withFatalLine = (ending: Ending, stderr: ReadonlyArray<string>): Ending => {
  if (ending.status !== "crashed" && ending.status !== "failed_to_start") return ending
  const fatal = [...stderr].reverse().find((line) => /\b[A-Za-z]+:FTL /.test(line))
  if (fatal === undefined) return ending
  return { ...ending, errorMessage: `${ending.errorMessage ?? ""}; last FTL line: ${fatal.trim()}` }
}

/** The line `run.json` lists for a finished binary. */
export const summaryLine = (result: BinaryResult, growthPerHour: number | null, file: string): BinarySummaryLine => ({
  binary_name: result.binary_name,
  binary_path: result.binary_path,
  status: result.status,
  error_message: result.error_message,
  sync_duration_seconds: result.sync_duration_seconds,
  total_ledgers: result.total_ledgers,
  peak_memory_rss_mb: result.peak_memory_rss_mb,
  final_memory_rss_mb: result.final_memory_rss_mb,
  rss_growth_mb_per_hour: growthPerHour,
  result_file: file
})
