import { createHash, randomBytes } from "node:crypto"
import * as path from "node:path"
import type { LedgerHeader } from "./Ledgers.js"
import type { SimNode, StopReason } from "./Node.js"
import { describePort, isServedPort } from "./Ports.js"

/**
 * Console output of a node at each stage, worded like xahaud/rippled's own log lines so that a
 * program reading a node's stderr gets the same line shapes. Only a representative subset of the
 * hundreds of real start-up lines is written.
 */

/** Amendments listed at DBG level during start-up (the real list has about 80 names). */
const AMENDMENT_NAMES = ["BalanceRewards", "CheckCashMakesTrustLine", "Checks", "DepositAuth", "DepositPreauth", "Escrow"]

/** Lines after `Loading:` up to `Process starting`; `--silent` turns the console off right after them. */
export const writeProcessStartLines = (node: SimNode): void => {
  const { log, settings } = node
  log.write("JobQueue", "NFO", "Using 1  threads")
  log.write("LedgerConsensus", "NFO", `Consensus engine started (cookie: ${randomCookie()})`)
  log.write("Application", "NFO", `Process starting: ${settings.flavour}-${settings.buildVersion}, Instance Cookie: ${randomCookie()}`)
}

/** Lines between `Process starting` and the ports opening. */
export const writeSetupLines = (node: SimNode, hadTrailingComments: boolean): void => {
  const { log } = node
  log.write("Application", "WRN", "Limited to a single I/O service thread by system configuration.")
  if (hadTrailingComments) {
    log.write("Application", "WRN", "Trailing comments were seen in your config file. Check that the config values are correct.")
  }
  for (const name of AMENDMENT_NAMES) {
    const id = createHash("sha512").update(name).digest().subarray(0, 32).toString("hex").toUpperCase()
    log.write("Amendments", "DBG", `Amendment ${id} (${name}) is supported and will be up voted by default if not enabled on the ledger.`)
  }
  if (node.settings.flavour === "xahaud") {
    log.write("Application", "WRN", "[import_vl_keys] section not specified validators file. Will attempt to use keys from ledger.")
  }
  if (node.args.start) log.write("Application", "NFO", "Starting new Ledger")

  const genesis = node.chain.validated
  if (genesis !== undefined) writeConsensusRoundLines(node, genesis, false)
}

/** Lines once the ports are open and the node is running. */
export const writePortsOpenedLines = (node: SimNode): void => {
  const { log } = node
  for (const port of node.config.ports.filter(isServedPort)) log.write("Server", "NFO", `Opened ${describePort(port)}`)
  if (node.standalone) log.write("Application", "WRN", "Running in standalone mode")
}

export const writeApplicationStartingLines = (node: SimNode): void => {
  const { log } = node
  log.write("Application", "NFO", `Application starting. Version is ${node.settings.buildVersion}`)
  if (node.config.databasePath !== undefined) {
    log.write("PeerFinder", "NFO", `Opening database at '${path.join(node.config.databasePath, "peerfinder.sqlite")}'`)
    log.write("PeerFinder", "NFO", "Opened version 0 database")
  }
}

/** Lines of one ledger close; standalone mode "simulates" consensus, as rippled logs it. */
export const writeLedgerCloseLines = (node: SimNode, ledger: LedgerHeader, previous: LedgerHeader | undefined): void => {
  const { log } = node
  if (node.standalone) {
    log.write("LedgerConsensus", "NFO", "Simulating consensus")
  } else {
    log.write("LedgerConsensus", "NFO", `Converge cutoff (${node.proposers()} participants)`)
  }
  log.write("LedgerConsensus", "NFO", `CNF buildLCL ${ledger.hash}`)
  log.write("LedgerConsensus", "NFO", `We closed at ${ledger.ledgerTime}`)
  log.write("LedgerConsensus", "NFO", `Our close offset is estimated at 0 (${node.standalone ? 1 : node.proposers()})`)
  if (node.standalone) log.write("LedgerConsensus", "NFO", "Simulation complete")
  if (previous !== undefined) writeConsensusRoundLines(node, ledger, true)
}

/** Lines of a stop request: the signal (if any), then `Server stopping`. */
export const writeStopRequestLines = (node: SimNode, reason: StopReason): void => {
  if (reason.kind === "signal") node.log.write("Application", "NFO", `Received signal ${reason.signal}`)
  node.log.write("Application", "WRN", "Server stopping")
}

/** Lines of the shutdown itself, ending with `Application:NFO Done.` as the last line. */
export const writeShutdownLines = (node: SimNode): void => {
  const { log } = node
  log.write("Resolver", "DBG", "Waiting to stop")
  log.write("Resolver", "DBG", "Stopped")
  log.write("LoadManager", "DBG", "Stopping")
  log.write("LedgerReplayer", "NFO", "Stopping...")
  log.write("LedgerReplayer", "NFO", "Stopped")
  log.write("LedgerCleaner", "NFO", "Stopping")
  log.write("NodeStore", "DBG", "Clearing read queue because of stop request")
  log.write("Application", "NFO", "Done.")
}

const writeConsensusRoundLines = (node: SimNode, lastClosed: LedgerHeader, synced: boolean): void => {
  const { log } = node
  log.write("NetworkOPs", "NFO", `Consensus time for #${lastClosed.index + 1} with LCL ${lastClosed.hash}`)
  log.write("LedgerConsensus", "NFO", `Entering consensus process, watching, synced=${synced ? "yes" : "no"}`)
  log.write("LedgerConsensus", "NFO", "Consensus mode change before=observing, after=observing")
}

/** A random unsigned 64-bit number in decimal, like rippled's instance and consensus cookies. */
const randomCookie = (): string => randomBytes(8).readBigUInt64BE().toString()
