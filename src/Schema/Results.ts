/**
 * The files a run writes under `results/<run-id>/`. Field names are snake_case and match the earlier
 * Python tool, because users' analysis scripts read them; fields marked "new" were added here.
 */
import { Schema } from "effect"

const NullableNumber = Schema.NullOr(Schema.Number)
const NullableString = Schema.NullOr(Schema.String)

/** `get_counts` values exactly as the node sent them: numbers, digit strings and text such as `uptime`. */
export const CountsRecord = Schema.Record({ key: Schema.String, value: Schema.Union(Schema.Number, Schema.String) })

/** One entry of `server_info.info.load.job_types`; unknown keys are kept. */
export const JobType = Schema.Struct(
  {
    job_type: Schema.String,
    per_second: Schema.optional(Schema.Number),
    peak_time: Schema.optional(Schema.Number),
    avg_time: Schema.optional(Schema.Number),
    in_progress: Schema.optional(Schema.Number),
    waiting: Schema.optional(Schema.Number),
    over_target: Schema.optional(Schema.Boolean)
  },
  Schema.Record({ key: Schema.String, value: Schema.Unknown })
)
export type JobType = typeof JobType.Type

export const SnapshotKind = Schema.Literal("poll", "ledger", "sample")
export type SnapshotKind = typeof SnapshotKind.Type

export const Phase = Schema.Literal("syncing", "monitoring")
export type Phase = typeof Phase.Type

/** One line of `<binary>.snapshots.ndjson`, and one element of `snapshots` in `<binary>.json`. */
export const Snapshot = Schema.Struct({
  /** New: `poll` (server_info during sync), `ledger` (a ledgerClosed event), `sample` (memory between ledgers). */
  kind: SnapshotKind,
  /** New. */
  phase: Phase,
  /** ISO 8601 in UTC. */
  timestamp: Schema.String,
  /** Seconds since the binary was started. */
  elapsed_seconds: Schema.Number,
  /** Seconds since sync; null before sync. */
  monitoring_elapsed_seconds: NullableNumber,
  ledger_index: NullableNumber,
  ledger_hash: NullableString,
  transaction_count: NullableNumber,
  cumulative_transactions: Schema.Number,
  /** Sizes in MiB (1024 * 1024 bytes), summed over the node process and its descendants. */
  rss_mb: Schema.Number,
  vms_mb: Schema.Number,
  memory_percent: Schema.Number,
  num_threads: Schema.Number,
  /** New: sum of each process's peak RSS (`VmHWM`); null where /proc is unavailable. */
  hwm_mb: NullableNumber,
  /** New: swapped-out memory (`VmSwap`); null where /proc is unavailable. */
  swap_mb: NullableNumber,
  /** New: the pids counted in this sample, the node's own pid first. */
  pids: Schema.Array(Schema.Number),
  /** New. */
  server_state: NullableString,
  complete_ledgers: NullableString,
  ledger_count: NullableNumber,
  /** The latest `get_counts` result, on `poll` and `ledger` snapshots; null on `sample` snapshots. */
  counts: Schema.NullOr(CountsRecord),
  /** New: object counts from `counts` with the C++ namespace (`ripple::`, `xrpl::`) stripped. */
  object_counts: Schema.NullOr(Schema.Record({ key: Schema.String, value: Schema.Number })),
  job_types: Schema.NullOr(Schema.Array(JobType))
})
export type Snapshot = typeof Snapshot.Type

export const BinaryStatus = Schema.Literal(
  "completed",
  "crashed",
  "failed_to_start",
  "startup_timeout",
  "sync_timeout",
  "interrupted",
  "skipped",
  "error"
)
export type BinaryStatus = typeof BinaryStatus.Type

/** Memory figures of one phase, in MiB. Growth rates are least-squares slopes; null with too few points. */
export const PhaseSummary = Schema.Struct({
  samples: Schema.Number,
  peak_rss_mb: NullableNumber,
  mean_rss_mb: NullableNumber,
  final_rss_mb: NullableNumber,
  rss_growth_mb_per_hour: NullableNumber,
  rss_growth_mb_per_1000_ledgers: NullableNumber
})
export type PhaseSummary = typeof PhaseSummary.Type

/** Something notable during a binary's test, in time order. */
export const RunEventRecord = Schema.Struct({
  type: Schema.Literal(
    "synced",
    "lost_sync",
    "regained_sync",
    "ledger_gap",
    "disconnected",
    "reconnected",
    "stalled",
    "invalid_message",
    "request_failed",
    "forced_kill"
  ),
  time: Schema.String,
  elapsed_seconds: Schema.Number,
  message: Schema.String,
  details: Schema.optional(Schema.Record({ key: Schema.String, value: Schema.Unknown }))
})
export type RunEventRecord = typeof RunEventRecord.Type

/** A range of ledgers the monitor did not see a `ledgerClosed` message for. */
export const LedgerGap = Schema.Struct({
  first_missing: Schema.Number,
  last_missing: Schema.Number,
  count: Schema.Number,
  detected_at: Schema.String
})
export type LedgerGap = typeof LedgerGap.Type

export const TestConfiguration = Schema.Struct({
  test_duration_minutes: Schema.Number,
  configured_duration_seconds: Schema.Number,
  poll_interval_seconds: Schema.Number,
  sample_interval_seconds: Schema.Number,
  ledger_interval_seconds: NullableNumber,
  websocket_url: Schema.String,
  rippled_config_path: Schema.String,
  api_version: NullableNumber,
  standalone_mode: Schema.Boolean,
  node_args: Schema.Array(Schema.String),
  script_version: Schema.String
})
export type TestConfiguration = typeof TestConfiguration.Type

export const SystemInfo = Schema.Struct({
  platform: Schema.String,
  platform_version: Schema.String,
  kernel: Schema.String,
  hostname: Schema.String,
  cpu_count: Schema.Number,
  cpu_model: Schema.String,
  total_memory_gb: Schema.Number,
  node_version: Schema.String,
  tool_version: Schema.String
})
export type SystemInfo = typeof SystemInfo.Type

/** `<binary>.json`: the complete result of one binary, written atomically when it finishes. */
export const BinaryResult = Schema.Struct({
  test_run_id: Schema.String,
  binary_name: Schema.String,
  binary_path: Schema.String,
  binary_size_mb: Schema.Number,
  start_time: Schema.String,
  sync_time: NullableString,
  end_time: Schema.String,
  configured_duration_seconds: Schema.Number,
  actual_duration_seconds: Schema.Number,
  sync_duration_seconds: NullableNumber,
  monitoring_duration_seconds: NullableNumber,
  status: BinaryStatus,
  error_message: NullableString,
  exit_code: NullableNumber,
  /** New: the signal that ended the node, such as `SIGKILL`; null when it exited by itself or still ran. */
  exit_signal: NullableString,
  /** New: true when the node ignored SIGTERM and was killed after `--stop-timeout`. */
  forced_kill: Schema.Boolean,
  /** New: `server_info.build_version`. */
  node_version: NullableString,
  node_pid: NullableNumber,
  final_memory_rss_mb: NullableNumber,
  peak_memory_rss_mb: NullableNumber,
  average_memory_rss_mb: NullableNumber,
  total_transactions: Schema.Number,
  /** Number of `ledgerClosed` events received, each ledger index counted once. */
  total_ledgers: Schema.Number,
  final_complete_ledgers: NullableString,
  sync_summary: PhaseSummary,
  monitoring_summary: PhaseSummary,
  ledger_gaps: Schema.Array(LedgerGap),
  events: Schema.Array(RunEventRecord),
  /** New: the last `server_info` reply's `info`, kept when the binary did not sync. */
  last_server_info: Schema.NullOr(Schema.Record({ key: Schema.String, value: Schema.Unknown })),
  /** New: null when the node does not support `catalogue_status` (older xahaud, rippled). */
  catalogue_status: Schema.NullOr(Schema.Record({ key: Schema.String, value: Schema.Unknown })),
  test_configuration: TestConfiguration,
  system_info: SystemInfo,
  snapshots: Schema.Array(Snapshot),
  stdout_tail: Schema.Array(Schema.String),
  stderr_tail: Schema.Array(Schema.String)
})
export type BinaryResult = typeof BinaryResult.Type

/** One line per binary in `run.json`. */
export const BinarySummaryLine = Schema.Struct({
  binary_name: Schema.String,
  binary_path: Schema.String,
  status: BinaryStatus,
  error_message: NullableString,
  sync_duration_seconds: NullableNumber,
  total_ledgers: Schema.Number,
  peak_memory_rss_mb: NullableNumber,
  final_memory_rss_mb: NullableNumber,
  rss_growth_mb_per_hour: NullableNumber,
  result_file: Schema.String
})
export type BinarySummaryLine = typeof BinarySummaryLine.Type

/** `run.json`: the run's configuration and one summary line per finished binary, rewritten after each binary. */
export const RunManifest = Schema.Struct({
  test_run_id: Schema.String,
  started_at: Schema.String,
  finished_at: NullableString,
  status: Schema.Literal("running", "completed", "interrupted"),
  binaries_planned: Schema.Array(Schema.String),
  test_configuration: TestConfiguration,
  system_info: SystemInfo,
  results: Schema.Array(BinarySummaryLine)
})
export type RunManifest = typeof RunManifest.Type
