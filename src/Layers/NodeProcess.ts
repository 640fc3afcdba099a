import { Context, Data, Effect, Option, Stream } from "effect"
import type { Duration, Scope } from "effect"

/** One line of node output, split on `\n`, decoded as UTF-8 with invalid bytes replaced. */
export interface OutputLine {
  readonly stream: "stdout" | "stderr"
  /** Milliseconds since the epoch when the monitor read the line. */
  readonly receivedAt: number
  readonly text: string
}

/** How a node process ended: exactly one of `code` and `signal` is non-null. */
export interface ProcessExit {
  readonly code: number | null
  readonly signal: string | null
  /** Milliseconds since the epoch when the monitor saw the exit. */
  readonly exitedAt: number
}

/** What stopping a node took. `forced` is true when SIGKILL was needed after the grace period. */
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
  /** Output lines of both streams as they arrive; each subscriber sees lines from subscription on. */
  readonly lines: Stream.Stream<OutputLine>
  /** The last 100 lines of each stream. */
  readonly tails: Effect.Effect<{ readonly stdout: ReadonlyArray<string>; readonly stderr: ReadonlyArray<string> }>
  /** Completes when the process has exited and both output pipes are drained. */
  readonly exit: Effect.Effect<ProcessExit>
  readonly exitNow: Effect.Effect<Option.Option<ProcessExit>>
  /** SIGTERM to the process group, wait `stopTimeout`, then SIGKILL to the group. Idempotent. */
  readonly stop: Effect.Effect<StopOutcome>
}

export class SpawnError extends Data.TaggedError("SpawnError")<{
  readonly binaryPath: string
  readonly cause: unknown
}> {
  override get message() {
    return `failed to start ${this.binaryPath}: ${String(this.cause)}`
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
