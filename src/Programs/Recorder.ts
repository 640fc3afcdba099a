/**
 * Everything recorded about one binary while it runs, turned into `<binary>.json` at the end. Each
 * snapshot costs constant work: running sums are updated, nothing collected so far is re-read.
 */
import { Either } from "effect"
import { parseRangeSet } from "../Domain/RangeSet.js"
import type { LinearTrend, MemoryStats } from "../Domain/Statistics.js"
import { addMemorySample, addPoint, changeOver, emptyLinearTrend, emptyMemoryStats } from "../Domain/Statistics.js"
import type { MemorySample } from "../Layers/MemorySampler.js"
import type { LedgerClosedMessage } from "../Layers/NodeConnection.js"
import type { ProcessExit } from "../Layers/NodeProcess.js"
import type {
  BinaryResult,
  BinaryStatus,
  JobType,
  LedgerGap,
  Phase,
  PhaseSummary,
  RunEventRecord,
  Snapshot,
  SnapshotKind,
  SystemInfo,
  TestConfiguration
} from "../Schema/Results.js"
import type { GetCountsResult } from "../Schema/ServerInfo.js"
import { objectCounts } from "../Schema/ServerInfo.js"

export interface BinaryIdentity {
  readonly name: string
  readonly path: string
  readonly sizeBytes: number
}

export interface RecorderContext {
  readonly runId: string
  readonly configuredDurationSeconds: number
  readonly testConfiguration: TestConfiguration
  readonly systemInfo: SystemInfo
}

export interface Diagnostics {
  serverState: string | null
  completeLedgers: string | null
  ledgerCount: number | null
  counts: GetCountsResult | null
  jobTypes: ReadonlyArray<JobType> | null
}

export interface Ending {
  readonly status: BinaryStatus
  readonly errorMessage: string | null
}

class PhaseRecord {
  private stats: MemoryStats = emptyMemoryStats
  private perSecond: LinearTrend = emptyLinearTrend
  private perLedger: LinearTrend = emptyLinearTrend

  add(snapshot: Snapshot) {
    this.stats = addMemorySample(this.stats, snapshot.rss_mb)
    this.perSecond = addPoint(this.perSecond, snapshot.elapsed_seconds, snapshot.rss_mb)
    if (snapshot.kind === "ledger" && snapshot.ledger_index !== null) {
      this.perLedger = addPoint(this.perLedger, snapshot.ledger_index, snapshot.rss_mb)
    }
  }

  summary(): PhaseSummary {
    return {
      samples: this.stats.count,
      peak_rss_mb: roundOrNull(this.stats.peak),
      mean_rss_mb: roundOrNull(this.stats.mean),
      final_rss_mb: roundOrNull(this.stats.final),
      rss_growth_mb_per_hour: roundOrNull(changeOver(this.perSecond, 3600)),
      rss_growth_mb_per_1000_ledgers: roundOrNull(changeOver(this.perLedger, 1000))
    }
  }
}

export class Recorder {
  readonly diagnostics: Diagnostics = {
    serverState: null,
    completeLedgers: null,
    ledgerCount: null,
    counts: null,
    jobTypes: null
  }
  phase: Phase = "syncing"
  pid: number | null = null
  nodeVersion: string | null = null
  syncedAt: number | null = null
  /** RSS of the last snapshot before sync, the base for "change since sync". */
  rssAtSync: number | null = null
  lastServerInfo: Readonly<Record<string, unknown>> | null = null
  catalogueStatus: Readonly<Record<string, unknown>> | null = null
  exit: ProcessExit | null = null
  forcedKill = false
  ending: Ending | null = null

  private readonly snapshots: Array<Snapshot> = []
  private readonly events: Array<RunEventRecord> = []
  private readonly gaps: Array<LedgerGap> = []
  private readonly seenLedgers = new Set<number>()
  private allPhases: MemoryStats = emptyMemoryStats
  private readonly syncing = new PhaseRecord()
  private readonly monitoring = new PhaseRecord()
  private highestLedger: number | null = null
  private cumulativeTransactions = 0

  constructor(
    readonly binary: BinaryIdentity,
    readonly context: RecorderContext,
    readonly startedAt: number
  ) {}

  get ledgersSeen() {
    return this.seenLedgers.size
  }

  /** Applies new `complete_ledgers` text; returns the parse problem when it is malformed. */
  setCompleteLedgers(text: string): string | null {
    const parsed = parseRangeSet(text)
    this.diagnostics.completeLedgers = text
    if (Either.isLeft(parsed)) {
      this.diagnostics.ledgerCount = null
      return parsed.left.message
    }
    this.diagnostics.ledgerCount = parsed.right.count
    return null
  }

  markSynced(at: number) {
    this.syncedAt = at
    this.rssAtSync = this.snapshots.at(-1)?.rss_mb ?? null
    this.phase = "monitoring"
  }

  /**
   * Registers a `ledgerClosed` message. Returns false for a ledger already seen (each ledger counts
   * once), and records the ledgers skipped since the highest one seen as a gap.
   */
  acceptLedger(message: LedgerClosedMessage, at: number): { readonly isNew: boolean; readonly gap: LedgerGap | null } {
    const index = message.ledger_index
    if (this.seenLedgers.has(index)) return { isNew: false, gap: null }
    this.seenLedgers.add(index)
    let gap: LedgerGap | null = null
    if (this.highestLedger !== null && index > this.highestLedger + 1) {
      gap = {
        first_missing: this.highestLedger + 1,
        last_missing: index - 1,
        count: index - 1 - this.highestLedger,
        detected_at: new Date(at).toISOString()
      }
      this.gaps.push(gap)
    }
    if (this.highestLedger === null || index > this.highestLedger) this.highestLedger = index
    return { isNew: true, gap }
  }

  addSnapshot(
    kind: SnapshotKind,
    at: number,
    memory: MemorySample,
    ledger?: LedgerClosedMessage
  ): Snapshot {
    const transactions = ledger ? (ledger.txn_count ?? 0) : null
    if (transactions !== null) this.cumulativeTransactions += transactions
    const withDiagnostics = kind !== "sample"
    const counts = withDiagnostics ? this.diagnostics.counts : null
    const snapshot: Snapshot = {
      kind,
      phase: this.phase,
      timestamp: new Date(at).toISOString(),
      elapsed_seconds: seconds(at - this.startedAt),
      monitoring_elapsed_seconds: this.syncedAt === null ? null : seconds(at - this.syncedAt),
      ledger_index: ledger?.ledger_index ?? null,
      ledger_hash: ledger?.ledger_hash ?? null,
      transaction_count: transactions,
      cumulative_transactions: this.cumulativeTransactions,
      rss_mb: memory.rss_mb,
      vms_mb: memory.vms_mb,
      memory_percent: memory.memory_percent,
      num_threads: memory.num_threads,
      hwm_mb: memory.hwm_mb,
      swap_mb: memory.swap_mb,
      pids: memory.pids,
      server_state: this.diagnostics.serverState,
      complete_ledgers: this.diagnostics.completeLedgers,
      ledger_count: this.diagnostics.ledgerCount,
      counts,
      object_counts: counts === null ? null : objectCounts(counts),
      job_types: withDiagnostics ? this.diagnostics.jobTypes : null
    }
    this.snapshots.push(snapshot)
    this.allPhases = addMemorySample(this.allPhases, snapshot.rss_mb)
    ;(this.phase === "syncing" ? this.syncing : this.monitoring).add(snapshot)
    return snapshot
  }

  addEvent(type: RunEventRecord["type"], at: number, message: string, details?: Record<string, unknown>) {
    const event: RunEventRecord = {
      type,
      time: new Date(at).toISOString(),
      elapsed_seconds: seconds(at - this.startedAt),
      message,
      ...(details ? { details } : {})
    }
    this.events.push(event)
    return event
  }

  /** Returns the monitoring phase's RSS growth per hour, for run.json and the summary table. */
  growthPerHour() {
    return this.monitoring.summary().rss_growth_mb_per_hour
  }

  toResult(endedAt: number, tails: { readonly stdout: ReadonlyArray<string>; readonly stderr: ReadonlyArray<string> }): BinaryResult {
    const ending = this.ending ?? { status: "error", errorMessage: "the test ended without a recorded outcome" }
    return {
      test_run_id: this.context.runId,
      binary_name: this.binary.name,
      binary_path: this.binary.path,
      binary_size_mb: round(this.binary.sizeBytes / 1024 / 1024),
      start_time: new Date(this.startedAt).toISOString(),
      sync_time: this.syncedAt === null ? null : new Date(this.syncedAt).toISOString(),
      end_time: new Date(endedAt).toISOString(),
      configured_duration_seconds: this.context.configuredDurationSeconds,
      actual_duration_seconds: seconds(endedAt - this.startedAt),
      sync_duration_seconds: this.syncedAt === null ? null : seconds(this.syncedAt - this.startedAt),
      monitoring_duration_seconds: this.syncedAt === null ? null : seconds(endedAt - this.syncedAt),
      status: ending.status,
      error_message: ending.errorMessage,
      exit_code: this.exit?.code ?? null,
      exit_signal: this.exit?.signal ?? null,
      forced_kill: this.forcedKill,
      node_version: this.nodeVersion,
      node_pid: this.pid,
      final_memory_rss_mb: roundOrNull(this.allPhases.final),
      peak_memory_rss_mb: roundOrNull(this.allPhases.peak),
      average_memory_rss_mb: roundOrNull(this.allPhases.mean),
      total_transactions: this.cumulativeTransactions,
      total_ledgers: this.seenLedgers.size,
      final_complete_ledgers: this.diagnostics.completeLedgers,
      sync_summary: this.syncing.summary(),
      monitoring_summary: this.monitoring.summary(),
      ledger_gaps: this.gaps,
      events: this.events,
      last_server_info: this.lastServerInfo,
      catalogue_status: this.catalogueStatus,
      test_configuration: this.context.testConfiguration,
      system_info: this.context.systemInfo,
      snapshots: this.snapshots,
      stdout_tail: [...tails.stdout],
      stderr_tail: [...tails.stderr]
    }
  }
}

const seconds = (ms: number) => Math.round(ms) / 1000

const round = (value: number) => Math.round(value * 1000) / 1000

const roundOrNull = (value: number | null | undefined) => (value === null || value === undefined ? null : round(value))
