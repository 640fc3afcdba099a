/**
 * Entry point: parse the command line, provide the platform layer, run, and turn the outcome into an
 * exit code: 0 every binary completed, 1 some binary did not, 2 bad usage or input, 130 interrupted by
 * SIGINT (Ctrl-C, `q`), 143 by SIGTERM.
 */
import { CliConfig, ValidationError } from "@effect/cli"
import { NodeContext } from "@effect/platform-node"
import { Cause, Console, Effect, Exit, Layer } from "effect"
import { cli } from "./Cli.js"
import { BinaryCatalogLive } from "./Layers/BinaryCatalog.js"
import { killAllProcessGroupsSync } from "./Layers/NodeProcess.js"
import { emergency, ExitStatus } from "./Programs/Emergency.js"

const MainLive = Layer.mergeAll(NodeContext.layer, BinaryCatalogLive, CliConfig.layer({ showBuiltIns: false }))

const program = cli(process.argv).pipe(
  Effect.catchIf(ValidationError.isValidationError, () => ExitStatus.set(2)),
  Effect.catchAll((error) => Console.error(`error: ${messageOf(error)}`).pipe(Effect.zipRight(ExitStatus.set(2)))),
  Effect.provide(MainLive)
)

const fiber = Effect.runFork(program)
let interruptedBy: NodeJS.Signals | null = null

const onSignal = (signal: NodeJS.Signals) => {
  if (interruptedBy === null) {
    interruptedBy = signal
    fiber.unsafeInterruptAsFork(fiber.id())
    return
  }
  // A second signal while teardown runs: kill every node now, save what can be saved, leave at once.
  killAllProcessGroupsSync()
  emergency.saveSync()
  process.exit(exitCodeForSignal(interruptedBy))
}
process.on("SIGINT", onSignal)
process.on("SIGTERM", onSignal)

fiber.addObserver((exit) => {
  process.off("SIGINT", onSignal)
  process.off("SIGTERM", onSignal)
  if (Exit.isFailure(exit) && !Exit.isInterrupted(exit)) {
    process.stderr.write(`xahaud-monitor failed unexpectedly:\n${Cause.pretty(exit.cause)}\n`)
    process.exit(70)
  }
  const interrupted = interruptedBy !== null || Exit.isInterrupted(exit)
  process.exit(interrupted ? exitCodeForSignal(interruptedBy ?? "SIGINT") : ExitStatus.get())
})

function exitCodeForSignal(signal: NodeJS.Signals) {
  return signal === "SIGTERM" ? 143 : 130
}

function messageOf(error: unknown) {
  return error instanceof Error ? error.message : String(error)
}

