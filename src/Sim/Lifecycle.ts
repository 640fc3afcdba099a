import { type Caller, runCommand } from "./Commands.js"
import { scheduleFaults } from "./Faults.js"
import { handleJsonRpc } from "./HttpRpc.js"
import { parseJsonObject, toJsonText } from "./Json.js"
import { Listeners } from "./Listeners.js"
import type { SimNode, StopReason } from "./Node.js"
import {
  writeApplicationStartingLines,
  writePortsOpenedLines,
  writeProcessStartLines,
  writeSetupLines,
  writeShutdownLines,
  writeStopRequestLines
} from "./NodeLines.js"
import { isServedPort, type PortSpec } from "./Ports.js"
import { handleWebSocketFrame } from "./Protocol.js"
import type { OperatingMode } from "./StateAccounting.js"

/** Index of the ledger a standalone node validates right after genesis (ledger 1). */
const STANDALONE_FIRST_LEDGER = 2

/** Exit status of a node whose setup failed (rippled's `run()` returns -1). */
const SETUP_FAILURE_EXIT_CODE = 255

/** Start-up input that comes from the config file but is only acted on during setup. */
export interface StartupInput {
  readonly hadTrailingComments: boolean
  /** rippled's message for an invalid `[server]` setup, or undefined when the ports are fine. */
  readonly portsError: string | undefined
  /** JSON command lines from `[rpc_startup]`. */
  readonly rpcStartup: ReadonlyArray<string>
}

/**
 * Starts the node in rippled's order: console lines, signal handlers, memory, genesis ledger, a
 * start-up delay with no port open, then the ports, then `full` (standalone) or the climb
 * through the network states. Exits with status 255 when a port cannot be set up.
 */
export const startNode = async (node: SimNode, input: StartupInput): Promise<void> => {
  installSignalHandlers(node)
  writeProcessStartLines(node)
  if (node.args.silent) node.log.silence()
  scheduleFaults(node)
  node.ballast.grow(node.settings.baseMb)
  if (node.standalone) node.chain.begin(STANDALONE_FIRST_LEDGER, Date.now())
  writeSetupLines(node, input.hadTrailingComments)

  await delay(node.settings.startDelayMs)
  if (node.stopping) return
  if (input.portsError !== undefined) {
    node.log.write("Application", "ERR", input.portsError)
    return failSetup(node, "std::exception")
  }

  const listeners = createListeners(node)
  const opened = await listeners.open(node.config.ports.filter(isServedPort))
  if (!opened.ok) {
    const message = socketErrorText(opened.error)
    node.log.write("Server", "ERR", `Bind port '${opened.port.name}' failed:${message}`)
    return failSetup(node, `bind: ${message}`)
  }
  node.listeners = listeners
  writePortsOpenedLines(node)

  if (node.standalone || node.args.valid) {
    enterMode(node, "full")
    if (!node.standalone) beginNetworkLedgers(node)
  } else {
    scheduleNetworkSync(node)
  }
  writeApplicationStartingLines(node)
  runStartupCommands(node, input.rpcStartup)
}

/**
 * Shuts the node down like rippled's `signalStop`. It runs once, so later signals and stop
 * requests are ignored. New requests are rejected with close code 1001. After the stop delay the
 * sockets close, `Application:NFO Done.` is written last and the process exits with status 0.
 */
export const stopNode = (node: SimNode, reason: StopReason): void => {
  if (node.stopping) return
  node.stopping = true
  writeStopRequestLines(node, reason)
  node.clearTimers()
  setTimeout(async () => {
    await node.listeners?.close()
    writeShutdownLines(node)
    await node.log.flush()
    process.exit(0)
  }, node.settings.stopDelayMs)
}

const installSignalHandlers = (node: SimNode): void => {
  const onSignal = (signal: number) => () => {
    if (!node.settings.faults.ignoreSigterm) node.requestStop({ kind: "signal", signal })
  }
  process.on("SIGTERM", onSignal(15))
  process.on("SIGINT", onSignal(2))
}

const createListeners = (node: SimNode): Listeners => {
  const system = node.settings.flavour === "xahaud" ? "xahaud" : "rippled"
  return new Listeners({
    serverHeader: `${system}-${node.settings.buildVersion}`,
    pingIntervalMs: node.settings.pingIntervalMs,
    slowClientAfter: node.settings.faults.slowClientAfter,
    statusPage:
      `<!DOCTYPE html><html><head><title>${system} Test page for rippled</title></head>` +
      `<body><h1>${system} Test</h1><p>This page shows rippled http(s) connectivity is working.</p></body></html>`,
    isStopping: () => node.stopping,
    onFrame: (session, text) => {
      const caller: Caller = { port: session.port, addressIsAdmin: session.addressIsAdmin, session, jobType: "clientWebsocket" }
      const reply = handleWebSocketFrame(node, caller, text)
      session.send(reply.text)
      reply.after?.()
    },
    onHttpRequest: (port, addressIsAdmin, body) => handleJsonRpc(node, port, addressIsAdmin, body)
  })
}

/**
 * Schedules the network-mode climb `disconnected` → `connected` → `syncing` → `tracking` →
 * `full` over the sync delay. At `full` the first network ledger is validated and ledgers start
 * closing.
 */
const scheduleNetworkSync = (node: SimNode): void => {
  const total = node.settings.syncDelayMs
  node.log.write("NetworkOPs", "WRN", "Node count (0) has fallen below required minimum (1).")
  node.after(total * 0.2, () => enterMode(node, "connected"))
  node.after(total * 0.4, () => enterMode(node, "syncing"))
  node.after(total * 0.7, () => enterMode(node, "tracking"))
  node.after(total, () => {
    enterMode(node, "full")
    beginNetworkLedgers(node)
  })
}

const beginNetworkLedgers = (node: SimNode): void => {
  const first = node.chain.begin(node.settings.networkFirstLedger, Date.now())
  setImmediate(() => node.publishLedgerClosed(first))
  node.every(node.settings.closeIntervalMs, () => {
    if (!node.hung && !node.stopping) node.closeLedger()
  })
}

const enterMode = (node: SimNode, mode: OperatingMode): void => {
  if (node.accounting.enter(mode)) node.log.write("NetworkOPs", "NFO", `STATE->${mode}`)
}

/**
 * Runs `[rpc_startup]` commands as admin and echoes them at FTL level unless quiet, like rippled.
 * NOTE: rippled may write the echoed JSON over several lines (JsonCpp styled output); here it is one line.
 */
const runStartupCommands = (node: SimNode, lines: ReadonlyArray<string>): void => {
  const startupPort: PortSpec = {
    name: "rpc_startup",
    ip: "127.0.0.1",
    port: 0,
    protocols: [],
    adminNets: [],
    adminUser: undefined,
    adminPassword: undefined,
    sendQueueLimit: 100,
    limit: 0
  }
  const caller: Caller = { port: startupPort, addressIsAdmin: true, session: undefined, jobType: "clientRPC" }
  const quiet = node.args.quiet || node.args.silent
  for (const line of lines) {
    const request = parseJsonObject(line)
    if (!quiet) node.log.write("Application", "FTL", `Startup RPC: ${line}`)
    if (request === undefined || typeof request.command !== "string") continue
    const outcome = runCommand(node, caller, request.command, request, 1)
    if (!quiet) node.log.write("Application", "FTL", `Result: ${toJsonText(outcome.result)}`)
  }
}

const failSetup = async (node: SimNode, reason: string): Promise<void> => {
  node.log.write("Application", "FTL", `Unable to setup server handler: ${reason}`)
  await node.log.flush()
  process.exit(SETUP_FAILURE_EXIT_CODE)
}

/** Maps a socket error to the text boost.asio prints for it. */
const socketErrorText = (error: NodeJS.ErrnoException): string => {
  switch (error.code) {
    case "EADDRINUSE":
      return "Address already in use"
    case "EACCES":
      return "Permission denied"
    case "EADDRNOTAVAIL":
      return "Cannot assign requested address"
    default:
      return error.message
  }
}

const delay = (ms: number): Promise<void> => new Promise((resolve) => setTimeout(resolve, ms))
