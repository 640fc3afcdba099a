import { formatUptimeText } from "./Clock.js"
import type { JsonObject } from "./Json.js"
import type { SimNode } from "./Node.js"
import { nodestoreCounters } from "./ServerInfo.js"

/** `min_count` when the request has none (rippled GetCounts.cpp). */
export const DEFAULT_MIN_COUNT = 10

/** Ledgers a `tiny` node keeps in memory; larger sizes keep more (rippled `sizedItems`). */
const LEDGERS_CACHED: Record<string, number> = { tiny: 32, small: 32, medium: 64, large: 256, huge: 384 }

/**
 * Builds the get_counts result. Object counts (demangled `ripple::` type names) follow a simple
 * model that grows with closed ledgers and transactions, and only those of at least `minCount`
 * are listed. The other keys are always present; node store counters are digit strings and
 * `uptime` is text, as in rippled.
 */
export const buildCounts = (node: SimNode, minCount: number): JsonObject => {
  const result: JsonObject = {}
  for (const [name, count] of Object.entries(objectCounts(node))) {
    if (count >= minCount) result[name] = count
  }

  const closes = node.ledgerCloses
  const ledgersInMemory = Math.min(closes + 1, LEDGERS_CACHED[node.config.nodeSize] ?? 32)
  Object.assign(result, nodestoreCounters(node), {
    AL_hit_rate: 45.45454406738281,
    AL_size: ledgersInMemory,
    SLE_hit_rate: 0,
    dbKBLedger: 21 + Math.floor(closes / 8),
    dbKBTotal: 617 + Math.floor(closes / 2),
    dbKBTransaction: 38 + Math.floor(node.totalTxns / 4),
    fullbelow_size: 0,
    historical_perminute: 0,
    ledger_hit_rate: 100,
    treenode_cache_size: 3 + 2 * closes + 2 * node.totalTxns,
    treenode_track_size: 3 + 2 * closes + 2 * node.totalTxns,
    uptime: formatUptimeText((Date.now() - node.startedAtMs) / 1000),
    write_load: 0
  })
  return result
}

/** Live object counts by type name, as CountedObject would report them. */
const objectCounts = (node: SimNode): Record<string, number> => {
  const closes = node.ledgerCloses
  const txns = node.totalTxns
  const ledgers = Math.min(closes + 2, (LEDGERS_CACHED[node.config.nodeSize] ?? 32) + 2)
  return {
    "ripple::AcceptedLedger": ledgers - 1,
    "ripple::AcceptedLedgerTx": txns,
    "ripple::CanonicalTXSet": 1,
    "ripple::HashRouter::Entry": closes + 1 + txns,
    "ripple::InfoSub": node.subscriberCount(),
    "ripple::Job": 1,
    "ripple::Ledger": ledgers,
    "ripple::LedgerHolder": 2,
    "ripple::NodeObject": 3 * txns,
    "ripple::SHAMapAccountStateLeafNode": closes + 3 + txns,
    "ripple::SHAMapInnerNode": 6 + 2 * closes + 2 * txns,
    "ripple::SHAMapItem": closes + 3 + 2 * txns,
    "ripple::SHAMapTxPlusMetaLeafNode": txns,
    "ripple::STLedgerEntry": 2 * txns,
    "ripple::STObject": 4 * txns,
    "ripple::STTx": txns,
    "ripple::Transaction": txns
  }
}
