/**
 * The `run` command: check every input before any node starts (config, WebSocket URL, binaries, output
 * folder), then run all binaries with the live dashboard or plain lines.
 */
import { Clock, Duration, Effect, Either, Exit, Fiber, Layer, LogLevel, Option } from "effect"
import { selectBinaries } from "../Layers/BinaryCatalog.js"
import { MemorySamplerLive } from "../Layers/MemorySampler.js"
import { MonitorLoggerLive } from "../Layers/MonitorLog.js"
import { NodeConnectionLive } from "../Layers/NodeConnection.js"
import { NodeProcessLive } from "../Layers/NodeProcess.js"
import { PortProbeLive } from "../Layers/PortProbe.js"
import { checkFileNames, formatRunId, makeResultsStore, ResultsStore } from "../Layers/ResultsStore.js"
import type { ResultsStoreService } from "../Layers/ResultsStore.js"
import { makeRunState, RunState } from "../Layers/RunState.js"
import type { RunStateService } from "../Layers/RunState.js"
import type { TestConfiguration } from "../Schema/Results.js"
import { parseWebSocketUrlOverride, readWebSocketEndpoint } from "../Schema/NodeConfig.js"
import { runDashboard, shouldUseDashboard } from "../Ui/Dashboard.js"
import { runPlainPrinter } from "../Ui/PlainPrinter.js"
import { ExitStatus, emergency } from "./Emergency.js"
import type { Recorder } from "./Recorder.js"
import type { ManifestBuilder } from "./RunAll.js"
import { exitCodeOf, runAll } from "./RunAll.js"
import type { RunSettings } from "./Settings.js"
import { readSystemInfo, TOOL_VERSION } from "./SystemInfo.js"

/** Settings taken over unchanged from the command line. */
type SharedSettings = Pick<
  RunSettings,
  | "duration"
  | "standalone"
  | "ledgerInterval"
  | "pollInterval"
  | "sampleInterval"
  | "startupTimeout"
  | "syncTimeout"
  | "stopTimeout"
  | "stallTimeout"
  | "requestTimeout"
  | "cooldown"
  | "nodeArgs"
  | "failFast"
>

export interface RunArguments extends SharedSettings {
  readonly binaries: ReadonlyArray<string>
  readonly config: string
  readonly websocketUrl: Option.Option<string>
  readonly apiVersion: Option.Option<1 | 2>
  readonly buildDir: string
  readonly outputDir: string
  readonly plain: boolean
}

export const runCommand = (args: RunArguments) =>
  Effect.scoped(Effect.gen(function* () {
    const websocket = yield* resolveWebSocket(args)
    const binaries = yield* selectBinaries(args.binaries, args.buildDir)
    yield* checkFileNames(binaries.map((binary) => binary.name))
    const runId = formatRunId(new Date(yield* Clock.currentTimeMillis))
    const store = yield* makeResultsStore(args.outputDir, runId)
    const runState = yield* makeRunState
    const settings = toSettings(args, websocket)
    const plan = {
      binaries,
      settings,
      testConfiguration: testConfiguration(args, settings),
      systemInfo: yield* readSystemInfo,
      onRecorder: (recorder: Recorder) => emergency.track(store, recorder),
      onManifest: (build: ManifestBuilder) => emergency.trackRun(store, build)
    }

    const dashboard = shouldUseDashboard({ plain: args.plain, isTTY: process.stdout.isTTY === true, env: process.env })
    // The printer subscribes here, before the run publishes its first event.
    const events = yield* runState.subscribe
    const ui = yield* (dashboard ? runDashboard : runPlainPrinter(events)).pipe(
      Effect.provideService(RunState, runState),
      Effect.forkDaemon
    )
    const lines = yield* runAll(plan).pipe(
      Effect.raceFirst(runState.awaitQuit.pipe(Effect.tap(() => Effect.sync(emergency.noteQuit)), Effect.zipRight(Effect.interrupt))),
      Effect.ensuring(Effect.interruptible(Fiber.join(ui)).pipe(Effect.timeout("5 seconds"), Effect.ignore)),
      Effect.provide(runLayer(store, runState))
    )
    yield* ExitStatus.set(exitCodeOf(lines, binaries.length))
  }))

const runLayer = (store: ResultsStoreService, runState: RunStateService) =>
  Layer.mergeAll(
    NodeProcessLive,
    NodeConnectionLive,
    MemorySamplerLive,
    PortProbeLive,
    Layer.succeed(ResultsStore, store),
    Layer.succeed(RunState, runState),
    MonitorLoggerLive(store.monitorLogFile, runState, LogLevel.Debug)
  )

const resolveWebSocket = (args: RunArguments) =>
  Effect.gen(function* () {
    const fromConfig = yield* readWebSocketEndpoint(args.config).pipe(Effect.either)
    if (Option.isSome(args.websocketUrl)) {
      // The config is still passed to every node, so it must at least be readable.
      if (Either.isLeft(fromConfig) && isReadError(fromConfig.left)) return yield* Effect.fail(fromConfig.left)
      const override = yield* parseWebSocketUrlOverride(args.websocketUrl.value)
      return { url: override.url, source: "--websocket-url", adminCredentials: undefined }
    }
    const endpoint = yield* fromConfig
    return {
      url: endpoint.url,
      source: `[${endpoint.portName}] in ${args.config}`,
      adminCredentials: endpoint.adminCredentials
    }
  })

const isReadError = (error: { readonly _tag: string }) =>
  error._tag === "ConfigFileNotFound" || error._tag === "ConfigPathIsDirectory" || error._tag === "ConfigFileNotReadable"

const toSettings = (
  args: RunArguments,
  websocket: { readonly url: string; readonly source: string; readonly adminCredentials: RunSettings["adminCredentials"] }
): RunSettings => {
  // Everything except these command-line-only fields is a setting under the same name.
  const { apiVersion, binaries: _b, buildDir: _d, config, outputDir: _o, plain: _p, websocketUrl: _w, ...shared } = args
  return {
    ...shared,
    configPath: config,
    websocketUrl: websocket.url,
    websocketSource: websocket.source,
    apiVersion: Option.getOrUndefined(apiVersion),
    adminCredentials: websocket.adminCredentials
  }
}

const testConfiguration = (args: RunArguments, settings: RunSettings): TestConfiguration => ({
  test_duration_minutes: Duration.toMillis(settings.duration) / 60_000,
  configured_duration_seconds: Duration.toSeconds(settings.duration),
  poll_interval_seconds: Duration.toSeconds(settings.pollInterval),
  sample_interval_seconds: Duration.toSeconds(settings.sampleInterval),
  ledger_interval_seconds: settings.standalone ? Duration.toSeconds(settings.ledgerInterval) : null,
  websocket_url: settings.websocketUrl,
  rippled_config_path: args.config,
  api_version: settings.apiVersion ?? null,
  standalone_mode: settings.standalone,
  node_args: [...settings.nodeArgs],
  script_version: TOOL_VERSION
})
