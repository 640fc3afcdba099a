/**
 * Entry point: parse the command line, provide the platform layer, run, and turn the outcome into an
 * exit code. 0: every binary completed. 1: some binary did not. 2: bad usage or input. 130: interrupted
 * by SIGINT (Ctrl-C, `q`). 143: interrupted by SIGTERM. 129: interrupted by SIGHUP (the terminal closed).
 */
import { CliConfig, ValidationError } from "@effect/cli"
import { NodeContext } from "@effect/platform-node"
import { Cause, Console, Effect, Exit, FiberRef, Layer } from "effect"
import { cli, usageHint } from "./Cli.js"
import { BinaryCatalogLive } from "./Layers/BinaryCatalog.js"
import { killAllProcessGroupsSync } from "./Layers/NodeProcess.js"
import { emergency, ExitStatus } from "./Programs/Emergency.js"

const MainLive = Layer.mergeAll(NodeContext.layer, BinaryCatalogLive, CliConfig.layer({ showBuiltIns: false }))

// NOTE: effect 3.22 can drop an interrupt that arrives while an `Effect.addFinalizer` finalizer runs. On exit the
// finalizer re-applies the FiberRef values it saw on entry. The interrupt cause may be unset where the finalizer
// was added but set to empty by an earlier finalizer of the same scope, and then the empty cause is re-applied.
// Ctrl-C while a node stops would then be lost, and the run would go on to the next binary. Setting the cause here,
// before any fiber forks, gives every fiber a set cause, so no finalizer has a chance to re-apply.
const keepInterrupts = FiberRef.set(FiberRef.interruptedCause, Cause.empty)

const program = keepInterrupts.pipe(
  Effect.zipRight(cli(process.argv)),
  // @effect/cli has printed the validation error itself.
  Effect.catchIf(ValidationError.isValidationError, (error) => {
    const hint = usageHint(error, process.argv.slice(2))
    return (hint === undefined ? Effect.void : Console.error(hint)).pipe(Effect.zipRight(ExitStatus.set(2)))
  }),
  Effect.catchAll((error) => Console.error(`error: ${messageOf(error)}`).pipe(Effect.zipRight(ExitStatus.set(2)))),
  Effect.provide(MainLive)
)

const fiber = Effect.runFork(program)
let interruptedBy: NodeJS.Signals | null = null

const handledSignals: ReadonlyArray<NodeJS.Signals> = ["SIGINT", "SIGTERM", "SIGHUP"]

const onSignal = (signal: NodeJS.Signals) => {
  // `q` or Ctrl-C in the dashboard already asked the run to stop, so a signal after it is the second request.
  if (interruptedBy === null && !emergency.quitRequested()) {
    interruptedBy = signal
    fiber.unsafeInterruptAsFork(fiber.id())
    return
  }
  // A second request while teardown runs: kill every node now, save what can be saved, leave at once.
  killAllProcessGroupsSync()
  emergency.saveSync()
  restoreTerminal()
  process.exit(exitCodeForSignal(interruptedBy ?? "SIGINT"))
}
for (const signal of handledSignals) process.on(signal, onSignal)

// A reader that goes away (`| head`) must not end the run: the results still go to their files.
process.stdout.on("error", (error: NodeJS.ErrnoException) => {
  if (error.code !== "EPIPE") throw error
})

fiber.addObserver((exit) => {
  for (const signal of handledSignals) process.off(signal, onSignal)
  if (Exit.isFailure(exit) && !Exit.isInterrupted(exit)) {
    process.stderr.write(`xahaud-monitor failed unexpectedly:\n${Cause.pretty(exit.cause)}\n`)
    process.exit(70)
  }
  const interrupted = interruptedBy !== null || Exit.isInterrupted(exit)
  process.exit(interrupted ? exitCodeForSignal(interruptedBy ?? "SIGINT") : ExitStatus.get())
})

function exitCodeForSignal(signal: NodeJS.Signals) {
  if (signal === "SIGTERM") return 143
  if (signal === "SIGHUP") return 129
  return 130
}

/** Leaves the dashboard's alternate screen and raw mode, which an immediate exit skips. */
function restoreTerminal() {
  if (!process.stdout.isTTY) return
  process.stdout.write("\u001B[?25h\u001B[?1049l")
  if (process.stdin.isTTY) process.stdin.setRawMode(false)
}

function messageOf(error: unknown) {
  return error instanceof Error ? error.message : String(error)
}

