/**
 * Entry point of the simulated rippled/xahaud node: a small program started exactly like a node
 * binary (`<bin> --conf FILE --standalone|--net ...`) that speaks the node's WebSocket protocol
 * and writes its console output. SIM_* environment variables set timings and inject faults.
 */
import * as fs from "node:fs"
import * as path from "node:path"
import { parseArgs, type NodeArgs, usageText } from "./Args.js"
import { parseNodeConfig } from "./ConfigFile.js"
import { loadCountsFile } from "./Faults.js"
import type { RawJson } from "./Json.js"
import { startNode } from "./Lifecycle.js"
import { NodeLog, type Severity } from "./Log.js"
import { SimNode } from "./Node.js"
import { readLoadedConfig } from "./NodeConfig.js"
import { readSettings, type SimSettings } from "./Settings.js"

/** strerror texts for the errors a config read usually meets. */
const ERROR_TEXTS: Record<string, string> = {
  ENOENT: "No such file or directory",
  EACCES: "Permission denied",
  EISDIR: "Is a directory"
}

const main = async (): Promise<void> => {
  process.stdout.on("error", () => undefined)
  const settingsResult = readSettings(process.env)
  if (!settingsResult.ok) return exitWith(1, `sim node: ${settingsResult.message}\n`)
  const settings = settingsResult.settings
  const binaryName = settings.flavour

  const parsed = parseArgs(process.argv.slice(2))
  switch (parsed.kind) {
    case "invalid":
      return exitWith(1, `${binaryName}: ${parsed.message}\nTry '${binaryName} --help' for a list of options.\n`)
    case "help":
      return exitWith(0, usageText(binaryName))
    case "version":
      process.stdout.write(`${binaryName} version ${settings.buildVersion}\n`, () => process.exit(0))
      return
  }

  const args = parsed.args
  if (args.positional.length > 0) {
    return exitWith(1, `sim node: the command-line RPC client ('${args.positional.join(" ")}') is not simulated; send commands over the WebSocket port\n`)
  }
  if (args.net && args.loadsLedger) return exitWith(255, "Net and load/replay options are incompatible\n")
  await runServer(args, settings)
}

const runServer = async (args: NodeArgs, settings: SimSettings): Promise<void> => {
  const configPath = path.resolve(args.confPath ?? `${settings.flavour}.cfg`)
  const log = new NodeLog(initialThreshold(args))
  if (!args.quiet && !args.silent) log.writePlain(`Loading: "${configPath}"`)
  const text = readConfigText(configPath)
  const configText = parseNodeConfig(text)

  const loaded = readLoadedConfig(configText, configPath, args.standalone)
  // NOTE: a real node aborts (SIGABRT, status 134) on a bad `[node_size]` or `[network_id]`; this exits with 255.
  if (!loaded.ok) return exitWith(255, `${loaded.message}\n`)

  if (loaded.debugLogfile !== undefined) {
    if (!log.openFile(loaded.debugLogfile)) process.stderr.write(`Can't open log file ${loaded.debugLogfile}\n`)
    if (!log.enabled("Application", "DBG")) log.setThreshold("DBG")
  }

  let countsOverride: RawJson | undefined
  if (settings.faults.countsFile !== undefined) {
    const counts = loadCountsFile(settings.faults.countsFile)
    if (!counts.ok) return exitWith(1, `sim node: ${counts.message}\n`)
    countsOverride = counts.counts
  }

  const node = new SimNode(args, settings, loaded.config, log, countsOverride)
  await startNode(node, {
    hadTrailingComments: configText.hadTrailingComments,
    portsError: loaded.portsError,
    rpcStartup: loaded.rpcStartup
  })
}

/** Info by default, Fatal with `--quiet`, Trace with `--verbose` (rippled Main.cpp). */
const initialThreshold = (args: NodeArgs): Severity => {
  if (args.quiet) return "FTL"
  return args.verbose ? "TRC" : "NFO"
}

/**
 * Reads the config file. Like rippled, a file that cannot be read is reported and the node goes
 * on with an empty config (which then fails at port setup because `[server]` is missing).
 */
const readConfigText = (configPath: string): string => {
  try {
    return fs.readFileSync(configPath, "utf8")
  } catch (error) {
    const code = (error as NodeJS.ErrnoException).code ?? "EIO"
    const errno = Math.abs((error as NodeJS.ErrnoException).errno ?? 5)
    process.stderr.write(`Failed to read '${configPath}'.${errno}: ${ERROR_TEXTS[code] ?? code}\n`)
    return ""
  }
}

const exitWith = (code: number, message: string): void => {
  process.stderr.write(message, () => process.exit(code))
}

void main()
