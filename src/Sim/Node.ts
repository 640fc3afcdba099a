import type { NodeArgs } from "./Args.js"
import type { JsonObject, RawJson } from "./Json.js"
import { toJsonText } from "./Json.js"
import { FEES, type LedgerHeader, LedgerChain } from "./Ledgers.js"
import { stopNode } from "./Lifecycle.js"
import type { Listeners } from "./Listeners.js"
import type { NodeLog } from "./Log.js"
import { MemoryBallast } from "./Memory.js"
import { writeLedgerCloseLines } from "./NodeLines.js"
import { nodePublicKey } from "./NodeKey.js"
import { PerfCounters } from "./PerfCounters.js"
import type { PortSpec } from "./Ports.js"
import { extendLastRange, formatRanges } from "./Ranges.js"
import type { SimSettings } from "./Settings.js"
import { StateAccounting } from "./StateAccounting.js"

/** The parts of the node config the simulation uses. */
export interface LoadedConfig {
  /** Absolute path of the config file. */
  readonly path: string
  readonly networkId: number | undefined
  readonly nodeSize: string
  /** `[beta_rpc_api] 1`: the beta API version is accepted too. */
  readonly betaRpcApi: boolean
  readonly databasePath: string | undefined
  readonly ports: ReadonlyArray<PortSpec>
}

export type StopReason = { readonly kind: "signal"; readonly signal: number } | { readonly kind: "rpc" }

/** Peers, proposers and quorum a synced network-mode node reports. */
const NETWORK_PEERS = 10
const NETWORK_PROPOSERS = 6
const NETWORK_QUORUM = 5

/** Time from the crash fault's last ledger close to the signal. */
const CRASH_DELAY_MS = 200

/**
 * State of one simulated node: its ledgers, operating mode, counters and held memory, plus the
 * ledger close that both `ledger_accept` and the network-mode timer use. Start-up and shutdown
 * are in Lifecycle.ts, timed faults in Faults.ts and the sockets in Listeners.ts.
 */
export class SimNode {
  readonly chain: LedgerChain
  readonly accounting = new StateAccounting()
  readonly counters = new PerfCounters()
  readonly ballast = new MemoryBallast()
  readonly pubkeyNode: string
  readonly standalone: boolean
  readonly startedAtMs = Date.now()

  ledgerCloses = 0
  totalTxns = 0
  lastConvergeSeconds = 0
  stopping = false
  hung = false
  listeners: Listeners | undefined

  private readonly timers = new Set<NodeJS.Timeout>()
  private readonly recentCloseTimesMs: Array<number> = []
  private serverInfoReplies = 0
  private closesAfterEmptyWindow = 0
  private crashScheduled = false

  constructor(
    readonly args: NodeArgs,
    readonly settings: SimSettings,
    readonly config: LoadedConfig,
    readonly log: NodeLog,
    readonly countsOverride: RawJson | undefined
  ) {
    this.standalone = args.standalone
    this.chain = new LedgerChain(`${settings.flavour}:${this.standalone ? "standalone" : "network"}`)
    this.pubkeyNode = nodePublicKey(`${settings.flavour}:${config.path}`)
  }

  /** Runs `action` once after `delayMs` unless the node stops first. */
  after(delayMs: number, action: () => void): void {
    const timer = setTimeout(() => {
      this.timers.delete(timer)
      action()
    }, delayMs)
    this.timers.add(timer)
  }

  /** Runs `action` every `intervalMs` until the node stops or hangs. */
  every(intervalMs: number, action: () => void): void {
    this.timers.add(setInterval(action, intervalMs))
  }

  clearTimers(): void {
    for (const timer of this.timers) clearTimeout(timer)
    this.timers.clear()
  }

  requestStop(reason: StopReason): void {
    stopNode(this, reason)
  }

  peers(): number {
    return this.standalone || this.accounting.mode === "disconnected" ? 0 : NETWORK_PEERS
  }

  proposers(): number {
    return !this.standalone && this.accounting.mode === "full" ? NETWORK_PROPOSERS : 0
  }

  validationQuorum(): number {
    return this.standalone ? 0 : NETWORK_QUORUM
  }

  /** `--net` makes a network node wait for a ledger from its peers until it first reaches `full`. */
  awaitingNetworkLedger(): boolean {
    return !this.standalone && this.args.net && this.accounting.initialSyncUs === undefined
  }

  subscriberCount(): number {
    return this.listeners?.sessionCount() ?? 0
  }

  /** Number of ledger closes within the last `windowMs`. */
  recentCloses(windowMs: number): number {
    const since = Date.now() - windowMs
    return this.recentCloseTimesMs.filter((time) => time >= since).length
  }

  /** Returns the `complete_ledgers` text, including the effect of the empty-ledgers fault. */
  completeLedgersText(): string {
    const { emptyLedgersMs, ledgersAfterEmpty } = this.settings.faults
    if (emptyLedgersMs !== undefined) {
      if (this.insideEmptyLedgersWindow()) return "empty"
      if (ledgersAfterEmpty !== undefined) return formatRanges(extendLastRange(ledgersAfterEmpty, this.closesAfterEmptyWindow))
    }
    return formatRanges(this.chain.completeRanges)
  }

  /** Returns `complete_ledgers` for the next server_info reply and steps the sequence fault. */
  takeServerInfoCompleteLedgers(): string {
    const sequence = this.settings.faults.completeLedgersSequence
    if (sequence === undefined || sequence.length === 0) return this.completeLedgersText()
    const value = sequence[Math.min(this.serverInfoReplies, sequence.length - 1)] ?? "empty"
    this.serverInfoReplies += 1
    return value
  }

  /**
   * Returns the `complete_ledgers` value server_info reported last (the first value of the sequence
   * fault before any reply), without stepping the sequence. Stream messages use it, because a real
   * node reports the same set in `validated_ledgers` as in server_info.
   */
  reportedCompleteLedgers(): string {
    const sequence = this.settings.faults.completeLedgersSequence
    if (sequence === undefined || sequence.length === 0) return this.completeLedgersText()
    return sequence[Math.min(Math.max(this.serverInfoReplies - 1, 0), sequence.length - 1)] ?? "empty"
  }

  /**
   * Fields of a validated ledger shared by the subscribe reply and `ledgerClosed` messages.
   * `fee_ref` is only sent while the XRPFees amendment is off, which is always the case for the
   * xahaud builds modelled here, and for rippled only in standalone runs without `--start`.
   */
  ledgerFields(ledger: LedgerHeader): JsonObject {
    const fields: JsonObject = {
      fee_base: FEES.base,
      ledger_hash: ledger.hash,
      ledger_index: ledger.index,
      ledger_time: ledger.ledgerTime,
      reserve_base: FEES.reserveBase,
      reserve_inc: FEES.reserveIncrement
    }
    const xrpFeesEnabled = this.settings.flavour === "rippled" && (!this.standalone || this.args.start)
    if (!xrpFeesEnabled) fields.fee_ref = FEES.reference
    if (this.accounting.isAtLeast("syncing") && !this.awaitingNetworkLedger()) {
      fields.validated_ledgers = this.reportedCompleteLedgers()
    }
    return fields
  }

  /**
   * Closes the open ledger, which becomes the validated tip, and grows memory by the configured
   * amount. Subscribers get a `ledgerClosed` message on the next turn of the event loop, because
   * rippled publishes from a separate job and the message may follow the `ledger_accept` reply.
   */
  closeLedger(): LedgerHeader {
    const previous = this.chain.validated
    const txnCount = Math.floor(Math.random() * (this.settings.maxTxnsPerLedger + 1))
    const ledger = this.chain.close(Date.now(), txnCount)

    this.ledgerCloses += 1
    this.totalTxns += txnCount
    this.recentCloseTimesMs.push(ledger.closedAtMs)
    if (this.recentCloseTimesMs.length > 20) this.recentCloseTimesMs.shift()
    if (this.settings.faults.emptyLedgersMs !== undefined && !this.insideEmptyLedgersWindow()) this.closesAfterEmptyWindow += 1
    this.lastConvergeSeconds = this.standalone ? 0.001 : 1.5 + Math.random()
    this.ballast.grow(this.settings.growthMbPerLedger)
    this.counters.recordJob("advanceLedger", 100 + Math.floor(Math.random() * 100))

    writeLedgerCloseLines(this, ledger, previous)
    setImmediate(() => this.publishLedgerClosed(ledger))
    return ledger
  }

  /** Sends `ledgerClosed` for `ledger` to the ledger stream, then checks the crash fault. */
  publishLedgerClosed(ledger: LedgerHeader): void {
    if (this.hung || this.stopping) return
    const message = { ...this.ledgerFields(ledger), txn_count: ledger.txnCount, type: "ledgerClosed" }
    this.listeners?.publish("ledger", `${toJsonText(message)}\n`)
    this.crashIfDue()
  }

  /**
   * Kills the process without a word once the crash fault's number of closes is reached. The signal
   * comes 200 ms later, so that the last `ledgerClosed` frame leaves the socket and a monitor on a busy
   * machine still has time to read the memory for it. Until then the node answers nothing, so no request
   * can close one more ledger than the fault allows.
   */
  private crashIfDue(): void {
    const { crashAfterLedgers, crashSignal } = this.settings.faults
    if (crashAfterLedgers === undefined || this.ledgerCloses < crashAfterLedgers || this.crashScheduled) return
    this.crashScheduled = true
    this.hung = true
    this.listeners?.hang()
    process.removeAllListeners(crashSignal)
    setTimeout(() => process.kill(process.pid, crashSignal), CRASH_DELAY_MS)
  }

  private insideEmptyLedgersWindow(): boolean {
    const window = this.settings.faults.emptyLedgersMs
    if (window === undefined) return false
    return window === "forever" || Date.now() - this.startedAtMs < window
  }
}
