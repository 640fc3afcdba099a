/** The command-line spec: `xahaud-monitor run` and `xahaud-monitor list`. */
import { Command } from "@effect/cli"
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
