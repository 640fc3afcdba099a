/** The command-line spec: `xahaud-monitor run` and `xahaud-monitor list`. */
import { Command, HelpDoc, ValidationError } from "@effect/cli"
import * as Options from "./CliOptions.js"
import { listCommand } from "./Programs/ListCommand.js"
import { runCommand } from "./Programs/RunCommand.js"
import { TOOL_VERSION } from "./Programs/SystemInfo.js"

const run = Command.make(
  "run",
  {
    duration: Options.duration,
    binaries: Options.binaries,
    config: Options.config,
    websocketUrl: Options.websocketUrl,
    apiVersion: Options.apiVersion,
    standalone: Options.standalone,
    ledgerInterval: Options.ledgerInterval,
    buildDir: Options.buildDir,
    outputDir: Options.outputDir,
    pollInterval: Options.pollInterval,
    sampleInterval: Options.sampleInterval,
    startupTimeout: Options.startupTimeout,
    syncTimeout: Options.syncTimeout,
    stopTimeout: Options.stopTimeout,
    stallTimeout: Options.stallTimeout,
    requestTimeout: Options.requestTimeout,
    cooldown: Options.cooldown,
    nodeArgs: Options.nodeArgs,
    failFast: Options.failFast,
    plain: Options.plain
  },
  runCommand
).pipe(
  Command.withDescription(
    "Start each node binary in turn with the same config, wait until it has complete ledgers, then record its " +
      "memory on every ledger close for --duration. Results go to <output-dir>/<run-id>/."
  )
)

const list = Command.make(
  "list",
  { binaries: Options.binaries, buildDir: Options.buildDir },
  listCommand
).pipe(Command.withDescription("Print the binaries `run` would test: name, path, size and modification time."))

const root = Command.make("xahaud-monitor").pipe(
  Command.withDescription("Compare the memory use of rippled and xahaud builds under the same load."),
  Command.withSubcommands([run, list])
)

export const cli = Command.run(root, { name: "xahaud-monitor", version: TOOL_VERSION })

/**
 * Returns advice for a command-line error that @effect/cli printed without any (an unknown, repeated or missing
 * option, an unknown command), or undefined when the printed message already contains the fix. `args` are the
 * arguments after the program name.
 */
export const usageHint = (error: ValidationError.ValidationError, args: ReadonlyArray<string>): string | undefined => {
  const command = args[0] === "run" || args[0] === "list" ? args[0] : undefined
  const help = command === undefined ? "xahaud-monitor --help" : `xahaud-monitor ${command} --help`
  const unknown = /^Received unknown argument: '(.*)'$/.exec(HelpDoc.toAnsiText(error.error).trim())
  if (unknown !== null) {
    const argument = unknown[1]!
    const repeated = argument.startsWith("-") && args.filter((arg) => arg === argument).length > 1
    return repeated
      ? `${argument} is given more than once; give it once (only --binaries and --node-arg may repeat).`
      : `Run ${help} to list the options.`
  }
  const withoutAdvice = ValidationError.isMissingValue(error) || ValidationError.isMissingFlag(error) ||
    ValidationError.isCommandMismatch(error) || ValidationError.isMissingSubcommand(error) ||
    ValidationError.isUnclusteredFlag(error) || ValidationError.isCorrectedFlag(error)
  return withoutAdvice ? `Run ${help} to list the options.` : undefined
}
