/**
 * The parts of `server_info` and `get_counts` replies the monitor reads. Unknown keys are kept, because
 * rippled and xahaud versions differ in what they add.
 */
import { Schema } from "effect"
import { CountsRecord, JobType } from "./Results.js"

const Extra = Schema.Record({ key: Schema.String, value: Schema.Unknown })

export const ServerInfoInfo = Schema.Struct(
  {
    build_version: Schema.optional(Schema.String),
    server_state: Schema.String,
    complete_ledgers: Schema.String,
    load: Schema.optional(Schema.Struct({ job_types: Schema.optional(Schema.Array(JobType)) }, Extra)),
    validated_ledger: Schema.optional(Schema.Struct({ seq: Schema.Number }, Extra)),
    closed_ledger: Schema.optional(Schema.Struct({ seq: Schema.Number }, Extra))
  },
  Extra
)
export type ServerInfoInfo = typeof ServerInfoInfo.Type

/** The `result` of a `server_info` reply. */
export const ServerInfoResult = Schema.Struct({ info: ServerInfoInfo }, Extra)
export type ServerInfoResult = typeof ServerInfoResult.Type

/** The `result` of a `get_counts` reply: every key kept exactly as sent. */
export const GetCountsResult = CountsRecord
export type GetCountsResult = typeof GetCountsResult.Type

/** The `result` of a `ledger_accept` reply in standalone mode. */
export const LedgerAcceptResult = Schema.Struct({ ledger_current_index: Schema.Number }, Extra)

export const CatalogueStatusResult = Schema.Struct({ job_status: Schema.String }, Extra)
export type CatalogueStatusResult = typeof CatalogueStatusResult.Type

export const decodeServerInfo = Schema.decodeUnknownEither(ServerInfoResult)
export const decodeGetCounts = Schema.decodeUnknownEither(GetCountsResult)
export const decodeLedgerAccept = Schema.decodeUnknownEither(LedgerAcceptResult)
export const decodeCatalogueStatus = Schema.decodeUnknownEither(CatalogueStatusResult)

/**
 * Returns the object counts of a `get_counts` result. Current builds name C++ types with a namespace
 * (`ripple::Ledger`, `xrpl::Ledger`, `ripple::HashRouter::Entry`), which is stripped once. Older rippled
 * builds used bare names (`Ledger`, `NodeObject`), so any other numeric key that is not a known node-store,
 * cache or database figure also counts as an object.
 */
export const objectCounts = (counts: GetCountsResult): Record<string, number> => {
  const objects: Record<string, number> = {}
  for (const [key, value] of Object.entries(counts)) {
    if (typeof value !== "number") continue
    const separator = key.indexOf("::")
    if (separator > 0) objects[key.slice(separator + 2)] = value
    else if (!isNodeFigure(key)) objects[key] = value
  }
  return objects
}

/** `get_counts` keys that are not object counts (rippled GetCounts.cpp and NodeStore Database.cpp). */
const nodeFigures = new Set([
  "dbKBTotal",
  "dbKBLedger",
  "dbKBTransaction",
  "local_txs",
  "write_load",
  "historical_perminute",
  "SLE_hit_rate",
  "ledger_hit_rate",
  "AL_hit_rate",
  "AL_size",
  "fullbelow_size",
  "treenode_cache_size",
  "treenode_track_size",
  "uptime",
  "read_queue",
  "read_threads_total",
  "read_threads_running",
  "read_request_bundle"
])

const isNodeFigure = (key: string) => nodeFigures.has(key) || key.startsWith("node_")
