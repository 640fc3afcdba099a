import { spawn } from "node:child_process"
import type { ChildProcess } from "node:child_process"
import type { Readable } from "node:stream"
import { Clock, Deferred, Duration, Effect, Exit, Option, PubSub, Queue, Schedule, Stream } from "effect"
import type { Scope } from "effect"
import type { OutputLine, ProcessExit, RunningNode, StartSpec, StopOutcome } from "../NodeProcess.js"
import { processGroupIsAlive, registerProcessGroup, signalProcessGroup, unregisterProcessGroup } from "../ProcessGroups.js"
import type { LogFile } from "./Files.js"
import { LineRing } from "../../Domain/LineRing.js"
import { formatLogLine, LineSplitter } from "./Lines.js"

const tailLines = 100
/** Maximum lines buffered for each `lines` subscriber. Beyond this the oldest are dropped. */
const subscriberBuffer = 4096
/** How long `exit` waits, after the leader exited, for both pipes to reach EOF (a grandchild may hold them). */
const pipeDrainLimit = Duration.seconds(1)
/** How long to wait for the process group to vanish after SIGKILL. */
const killLimit = Duration.seconds(5)
const groupExitPolling = Schedule.spaced("25 millis")

type StreamName = OutputLine["stream"]

export interface LaunchOptions {
  readonly spec: StartSpec
  readonly argv: ReadonlyArray<string>
  readonly logFile: LogFile
  /** Scope of the output readers and the exit watcher. It must close after `stop` has run. */
  readonly background: Scope.Scope
}

/**
 * Spawns `argv` as the leader of a new process group and starts reading its output. Fails with the
 * error of the spawn call (ENOENT, EACCES) as it is. The caller must run `stop` when it releases the node.
 */
export const launch = ({ argv, background, logFile, spec }: LaunchOptions): Effect.Effect<RunningNode, unknown> =>
  Effect.gen(function* () {
    const leaderExit = yield* Deferred.make<ProcessExit>()
    let exited: ProcessExit | undefined
    const child = yield* spawnChild(argv, spec.env, (exit) => {
      exited = exit
      Deferred.unsafeDone(leaderExit, Exit.succeed(exit))
    })
    // The pid is defined once the 'spawn' event has fired; with `detached` it is also the process group id.
    const pid = child.pid as number
    registerProcessGroup(pid)
    const annotate = Effect.annotateLogs({ path: spec.binaryPath, pid })
    yield* Effect.logInfo("node started").pipe(Effect.annotateLogs("argv", argv.join(" ")), annotate)

    const output = yield* makeOutput(logFile)
    yield* Effect.forkIn(output.drain("stdout", child.stdout as Readable).pipe(annotate), background)
    yield* Effect.forkIn(output.drain("stderr", child.stderr as Readable).pipe(annotate), background)

    const settledExit = yield* Deferred.make<ProcessExit>()
    yield* Effect.gen(function* () {
      const exit = yield* Deferred.await(leaderExit)
      yield* Effect.logInfo("node exited").pipe(Effect.annotateLogs({ code: exit.code, signal: exit.signal }))
      const drained = yield* Deferred.await(output.closed).pipe(Effect.timeoutOption(pipeDrainLimit))
      if (Option.isNone(drained)) {
        yield* Effect.logWarning("node output pipes still open 1 s after the node exited; another process holds them")
      }
      if (!processGroupIsAlive(pid)) unregisterProcessGroup(pid)
      yield* Deferred.succeed(settledExit, exit)
    }).pipe(annotate, Effect.forkIn(background))

    const waitForGroupExit = Deferred.await(leaderExit).pipe(
      Effect.zipRight(
        Effect.sync(() => processGroupIsAlive(pid)).pipe(Effect.repeat({ schedule: groupExitPolling, while: (alive) => alive }))
      )
    )

    const killGroup = Effect.gen(function* () {
      signalProcessGroup(pid, "SIGKILL")
      const groupGone = yield* waitForGroupExit.pipe(Effect.timeoutOption(killLimit))
      if (Option.isNone(groupGone)) yield* Effect.logError("process group still running 5 s after SIGKILL")
    })

    const stopGroup = Effect.gen(function* () {
      let forced = false
      if (exited !== undefined) {
        if (processGroupIsAlive(pid)) {
          yield* Effect.logWarning("node exited but other processes in its group are still running; sending SIGKILL")
          yield* killGroup
        }
      } else {
        const stopTimeout = Duration.decode(spec.stopTimeout)
        yield* Effect.logInfo("sending SIGTERM to the node's process group").pipe(
          Effect.annotateLogs("stopTimeout", Duration.format(stopTimeout))
        )
        signalProcessGroup(pid, "SIGTERM")
        const stopped = yield* waitForGroupExit.pipe(Effect.timeoutOption(stopTimeout))
        if (Option.isNone(stopped)) {
          yield* Effect.logWarning("process group still running after the stop timeout; sending SIGKILL")
          forced = true
          yield* killGroup
        }
      }
      if (!processGroupIsAlive(pid)) unregisterProcessGroup(pid)
      const settled = yield* Deferred.await(settledExit).pipe(Effect.timeoutOption(Duration.sum(pipeDrainLimit, "1 second")))
      // NOTE: only a leader stuck in the kernel (state D) survives SIGKILL; its exit is then reported as SIGKILL
      // although the process may still be there, and an error was logged above.
      const exit = Option.getOrElse(settled, () => exited ?? { code: null, signal: "SIGKILL", exitedAt: Date.now() })
      return { exit, forced } satisfies StopOutcome
    }).pipe(annotate)

    // The stop runs in a fiber of its own, so an interrupted caller cannot leave it half done and concurrent
    // callers share one outcome. Fibers inherit the uninterruptible status of a finalizer that forks them, so
    // the body is made interruptible: otherwise its timeouts could not interrupt the waits and would never fire.
    const stopOutcome = yield* Deferred.make<StopOutcome>()
    let stopStarted = false
    const stop = Effect.suspend(() => {
      if (stopStarted) return Deferred.await(stopOutcome)
      stopStarted = true
      return stopGroup.pipe(
        Effect.interruptible,
        Effect.intoDeferred(stopOutcome),
        Effect.forkDaemon,
        Effect.zipRight(Deferred.await(stopOutcome))
      )
    })

    return {
      pid,
      argv,
      lines: output.lines,
      tails: output.tails,
      exit: Deferred.await(settledExit),
      exitNow: Effect.sync(() => Option.fromNullable(exited)),
      stop
    } satisfies RunningNode
  })

/**
 * Output of one node: every line goes to the log file, the tail rings and the `lines` PubSub. The PubSub
 * slides, so a slow subscriber loses its oldest lines and publishing never blocks the pipe readers.
 */
const makeOutput = (logFile: LogFile) =>
  Effect.gen(function* () {
    const pubsub = yield* PubSub.sliding<Option.Option<OutputLine>>(subscriberBuffer)
    const tails = { stdout: new LineRing<string>(tailLines), stderr: new LineRing<string>(tailLines) }
    const closed = yield* Deferred.make<void>()
    let openPipes = 2
    let ended = false

    const record = (stream: StreamName, texts: ReadonlyArray<string>) =>
      Effect.gen(function* () {
        if (texts.length === 0) return
        const receivedAt = yield* Clock.currentTimeMillis
        for (const text of texts) {
          logFile.write(formatLogLine(receivedAt, stream, text))
          tails[stream].push(text)
        }
        yield* PubSub.publishAll(pubsub, texts.map((text) => Option.some({ stream, receivedAt, text })))
      })

    // `ended` is set before the end marker (None) is published, and every line is published before both.
    // A subscriber that finds `ended` set after subscribing has therefore received every line it can get.
    const closePipe = Effect.suspend(() => {
      openPipes -= 1
      if (openPipes > 0) return Effect.void
      ended = true
      return PubSub.publish(pubsub, Option.none()).pipe(Effect.zipRight(Deferred.succeed(closed, undefined)))
    })

    const drain = (stream: StreamName, readable: Readable) => {
      const splitter = new LineSplitter()
      return Stream.fromAsyncIterable(readable as AsyncIterable<Buffer>, (error) => error).pipe(
        Stream.runForEach((chunk) => record(stream, splitter.push(chunk))),
        Effect.catchAll((error) =>
          Effect.logWarning("reading node output failed").pipe(Effect.annotateLogs({ stream, error: String(error) }))
        ),
        Effect.ensuring(Effect.suspend(() => record(stream, splitter.end())).pipe(Effect.zipRight(closePipe)))
      )
    }

    const lines = Stream.unwrapScoped(
      Effect.gen(function* () {
        const subscription = yield* PubSub.subscribe(pubsub)
        if (!ended) return Stream.fromQueue(subscription)
        return Stream.fromIterable(yield* Queue.takeAll(subscription))
      })
    ).pipe(
      Stream.takeWhile(Option.isSome),
      Stream.map((line) => line.value)
    )

    const readTails = Effect.sync(() => ({ stdout: tails.stdout.toArray(), stderr: tails.stderr.toArray() }))
    return { drain, lines, tails: readTails, closed }
  })

/** Spawns without a shell, in a new session and process group, and waits for the 'spawn' or 'error' event. */
const spawnChild = (
  argv: ReadonlyArray<string>,
  env: StartSpec["env"],
  onExit: (exit: ProcessExit) => void
): Effect.Effect<ChildProcess, unknown> =>
  Effect.async((resume) => {
    const [command = "", ...args] = argv
    let child: ChildProcess
    try {
      child = spawn(command, args, { detached: true, stdio: ["ignore", "pipe", "pipe"], env: { ...process.env, ...env } })
    } catch (error) {
      resume(Effect.fail(error))
      return
    }
    const onSpawnError = (error: Error) => {
      child.stdout?.destroy()
      child.stderr?.destroy()
      resume(Effect.fail(error))
    }
    child.once("error", onSpawnError)
    child.once("spawn", () => {
      child.off("error", onSpawnError)
      // After a successful spawn, 'error' comes only from child.kill() or IPC, neither of which is used here.
      // The listener stays so that such an event cannot crash the monitor as an unhandled 'error'.
      child.on("error", () => {})
      resume(Effect.succeed(child))
    })
    // Registered before the 'spawn' event, so an exit right after spawning is never missed.
    child.once("exit", (code, signal) => onExit({ code, signal, exitedAt: Date.now() }))
  })
