import { Context, Data, Effect, ExecutionStrategy, Layer, Scope } from "effect"
import type { Duration, Option, Stream } from "effect"
import { checkExecutable, findExecutableOnPath, openLogFile } from "./NodeProcess/Files.js"
import { launch } from "./NodeProcess/Supervise.js"
import { killAllProcessGroupsSync } from "./ProcessGroups.js"

export { killAllProcessGroupsSync, liveProcessGroups } from "./ProcessGroups.js"

/** One line of node output, split on `\n`, decoded as UTF-8 with invalid bytes replaced. */
export interface OutputLine {
  readonly stream: "stdout" | "stderr"
  /** Milliseconds since the epoch when the monitor read the line. */
  readonly receivedAt: number
  readonly text: string
}

/** End of a node process: exactly one of `code` and `signal` is non-null. */
export interface ProcessExit {
  readonly code: number | null
  readonly signal: string | null
  /** Milliseconds since the epoch when the monitor saw the exit. */
  readonly exitedAt: number
}

/** Result of stopping a node. `forced` is true when SIGKILL was needed after the grace period. */
export interface StopOutcome {
  readonly exit: ProcessExit
  readonly forced: boolean
}

export interface StartSpec {
  /** Path as the user gave it; passed to spawn unchanged (no shell). */
  readonly binaryPath: string
  readonly args: ReadonlyArray<string>
  /** Every output line is appended here, prefixed with receive time and stream name. */
  readonly logFile: string
  /** After SIGTERM to the process group, wait this long before SIGKILL. */
  readonly stopTimeout: Duration.DurationInput
  /** Extra environment for the child, merged over the monitor's own. */
  readonly env?: Readonly<Record<string, string>>
}

export interface RunningNode {
  readonly pid: number
  /** The argv actually spawned, including any pdeathsig prefix. */
  readonly argv: ReadonlyArray<string>
  /**
   * Output lines of both streams as they arrive. Each subscriber gets the lines from its subscription on.
   * The stream ends when both pipes have closed. A subscriber more than 4096 lines behind loses the oldest.
   */
  readonly lines: Stream.Stream<OutputLine>
  /** The last 100 lines of each stream. */
  readonly tails: Effect.Effect<{ readonly stdout: ReadonlyArray<string>; readonly stderr: ReadonlyArray<string> }>
  /** Completes when the process has exited and both output pipes are drained, or 1 s after the exit. */
  readonly exit: Effect.Effect<ProcessExit>
  readonly exitNow: Effect.Effect<Option.Option<ProcessExit>>
  /**
   * SIGTERM to the process group, wait `stopTimeout` for the group to empty, then SIGKILL to the group.
   * Returns at once when the node has already exited. Idempotent, and concurrent calls share one outcome.
   */
  readonly stop: Effect.Effect<StopOutcome>
}

export class SpawnError extends Data.TaggedError("SpawnError")<{
  readonly binaryPath: string
  readonly cause: unknown
}> {
  override get message() {
    const reason = this.cause instanceof Error ? this.cause.message : String(this.cause)
    return `failed to start ${this.binaryPath}: ${reason}`
  }
}

export interface NodeProcessService {
  /**
   * Starts a node in its own process group. Closing the scope stops it the same way as `stop`,
   * so an interrupted run never leaves the node behind.
   */
  readonly start: (spec: StartSpec) => Effect.Effect<RunningNode, SpawnError, Scope.Scope>
  /** SIGKILL every process group this service started that is still alive (second Ctrl-C). */
  readonly killAll: Effect.Effect<void>
}

export class NodeProcess extends Context.Tag("xahaud-monitor/NodeProcess")<NodeProcess, NodeProcessService>() {}

// Children are spawned with node:child_process rather than @effect/platform's Command. In @effect/platform-node
// 0.108, Command's release waits forever for a child that ignores SIGTERM, because it never sends SIGKILL.
// It also reports a signal exit as an error without the signal name. And it keeps no list of children that a
// second Ctrl-C could kill synchronously before the monitor exits without running finalizers.

/** Builds the service. `pdeathsigPrefix` goes in front of every spawned argv and may be empty. */
export const makeNodeProcess = (pdeathsigPrefix: ReadonlyArray<string>): NodeProcessService => ({
  start: (spec) =>
    Effect.gen(function* () {
      const spawnFailed = (cause: unknown) => new SpawnError({ binaryPath: spec.binaryPath, cause })
      // With the setpriv prefix a missing binary would only show up as setpriv's exit status, so check first.
      yield* checkExecutable(spec.binaryPath).pipe(Effect.mapError(spawnFailed))
      const argv = [...pdeathsigPrefix, spec.binaryPath, ...spec.args]
      const logFile = yield* openLogFile(spec.logFile).pipe(Effect.mapError(spawnFailed))

      // The output readers run in a child scope, added to the parent before the release below. Finalizers
      // run in reverse order, so the readers keep draining the pipes while the release stops the node.
      const background = yield* Scope.fork(yield* Effect.scope, ExecutionStrategy.sequential)
      return yield* Effect.acquireRelease(
        launch({ argv, background, logFile, spec }).pipe(Effect.mapError(spawnFailed)),
        (node) => node.stop
      )
    }).pipe(Effect.annotateLogs("path", spec.binaryPath)),

  killAll: Effect.gen(function* () {
    const groups = killAllProcessGroupsSync()
    if (groups.length === 0) return
    yield* Effect.logWarning("sent SIGKILL to every node process group").pipe(Effect.annotateLogs("groups", groups.join(" ")))
  })
})

/** The live service. Whether setpriv is on PATH is checked once, when the layer is built. */
export const NodeProcessLive: Layer.Layer<NodeProcess> = Layer.sync(NodeProcess, () =>
  makeNodeProcess(findPdeathsigPrefix())
)

/**
 * Returns `setpriv --pdeathsig TERM --` on Linux when util-linux setpriv is on PATH: the kernel then sends
 * the node SIGTERM when the monitor dies, even by SIGKILL. setpriv execs the node, so the pid stays the node's.
 */
const findPdeathsigPrefix = (): ReadonlyArray<string> => {
  if (process.platform !== "linux") return []
  const setpriv = findExecutableOnPath("setpriv")
  return setpriv === undefined ? [] : [setpriv, "--pdeathsig", "TERM", "--"]
}
