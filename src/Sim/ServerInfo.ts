import { createHash } from "node:crypto"
import * as os from "node:os"
import { formatNodeTime, wallNanos } from "./Clock.js"
import type { JsonObject } from "./Json.js"
import { FEES } from "./Ledgers.js"
import type { SimNode } from "./Node.js"
import { isHttpPort, isWebSocketPort } from "./Ports.js"

const DROPS_PER_XRP = 1_000_000

/** rippled's load base, the unit of the load factors in the machine form of server_state. */
const LOAD_BASE = 256

export interface ServerInfoRequest {
  readonly admin: boolean
  /** `counters: true` in the request: adds perf counters and current activities. */
  readonly counters: boolean
  /** Job type of the request being served (`clientWebsocket` or `clientRPC`). */
  readonly jobType: string
}

/**
 * Builds the `server_info` result, the "human" form of rippled `NetworkOPs::getServerInfo`: drop
 * amounts in XRP, `last_close.converge_time_s` in seconds, admin-only fields only for admins.
 */
export const buildServerInfo = (node: SimNode, request: ServerInfoRequest): JsonObject => {
  const info = commonFields(node, request)
  info.complete_ledgers = node.takeServerInfoCompleteLedgers()
  info.last_close = { converge_time_s: node.lastConvergeSeconds, proposers: node.proposers() }
  info.load_factor = 1

  const validated = node.chain.validated
  if (validated !== undefined) {
    const amounts: JsonObject = {
      age: Math.max(0, Math.floor((Date.now() - validated.closedAtMs) / 1000)),
      base_fee_xrp: FEES.base / DROPS_PER_XRP,
      hash: validated.hash,
      reserve_base_xrp: FEES.reserveBase / DROPS_PER_XRP,
      reserve_inc_xrp: FEES.reserveIncrement / DROPS_PER_XRP,
      seq: validated.index
    }
    if (node.settings.flavour === "xahaud") {
      amounts.base_fee_native = amounts.base_fee_xrp
      amounts.reserve_base_native = amounts.reserve_base_xrp
      amounts.reserve_inc_native = amounts.reserve_inc_xrp
    }
    info.validated_ledger = amounts
  }

  if (request.counters) {
    info.counters = {
      job_queue: node.counters.jobQueueJson(),
      nodestore: nodestoreCounters(node),
      rpc: node.counters.rpcJson()
    }
    info.current_activities = {
      jobs: [{ duration_us: `${40 + Math.floor(Math.random() * 80)}`, job: request.jobType }],
      methods: [{ duration_us: `${20 + Math.floor(Math.random() * 60)}`, method: "server_info" }]
    }
  }

  const result: JsonObject = { info }
  if (node.settings.flavour === "xahaud") result.native_currency_code = "XAH"
  return result
}

/** Builds the `server_state` result: the machine form, with drops and load factors as integers. */
export const buildServerState = (node: SimNode, request: ServerInfoRequest): JsonObject => {
  const state = commonFields(node, request)
  state.complete_ledgers = node.reportedCompleteLedgers()
  state.last_close = { converge_time: Math.round(node.lastConvergeSeconds * 1000), proposers: node.proposers() }
  state.load_base = LOAD_BASE
  state.load_factor = LOAD_BASE
  state.load_factor_fee_escalation = LOAD_BASE
  state.load_factor_fee_queue = LOAD_BASE
  state.load_factor_fee_reference = LOAD_BASE
  state.load_factor_server = LOAD_BASE

  const validated = node.chain.validated
  if (validated !== undefined) {
    state.validated_ledger = {
      base_fee: FEES.base,
      close_time: validated.ledgerTime,
      hash: validated.hash,
      reserve_base: FEES.reserveBase,
      reserve_inc: FEES.reserveIncrement,
      seq: validated.index
    }
  }
  return { state }
}

/** Builds the node store counters shared by get_counts and server_info's `counters.nodestore`. */
export const nodestoreCounters = (node: SimNode): JsonObject => {
  const writes = Math.max(0, 4 * node.ledgerCloses - 1) + 3 * node.totalTxns
  return {
    node_read_bytes: "0",
    node_reads_duration_us: "0",
    node_reads_hit: "0",
    node_reads_total: "0",
    node_writes: `${writes}`,
    node_written_bytes: `${writes * 260}`,
    read_queue: 0,
    read_request_bundle: 4,
    read_threads_running: 0,
    read_threads_total: 4
  }
}

const commonFields = (node: SimNode, request: ServerInfoRequest): JsonObject => {
  const fields: JsonObject = {
    build_version: node.settings.buildVersion,
    hostid: request.admin ? os.hostname() : hostWord(node.pubkeyNode),
    io_latency_ms: 1,
    jq_trans_overflow: "0",
    peer_disconnects: "0",
    peer_disconnects_resources: "0",
    peers: node.peers(),
    pubkey_node: node.pubkeyNode,
    server_state: node.accounting.mode,
    server_state_duration_us: `${node.accounting.currentDurationUs()}`,
    state_accounting: node.accounting.toJson(),
    time: formatNodeTime(wallNanos(), 6),
    uptime: Math.floor((Date.now() - node.startedAtMs) / 1000),
    validation_quorum: node.validationQuorum()
  }

  const initialSync = node.accounting.initialSyncUs
  if (initialSync !== undefined) fields.initial_sync_duration_us = `${initialSync}`
  if (node.config.networkId !== undefined) fields.network_id = node.config.networkId
  if (node.awaitingNetworkLedger()) fields.network_ledger = "waiting"
  if (node.settings.flavour === "rippled") fields.ports = portsList(node, request.admin)

  if (request.admin) {
    fields.load = { job_types: jobTypes(node, request.jobType), threads: 1 }
    fields.node_size = node.config.nodeSize
    fields.pubkey_validator = "none"
    fields.validator_list = node.standalone
      ? { count: 0, expiration: "unknown", status: "unknown" }
      : { count: 1, expiration: formatNodeTime(BigInt(node.startedAtMs + 90 * 86_400_000) * 1_000_000n, 9), status: "active" }
  }
  return fields
}

/** Only job types with activity are listed, as rippled's JobQueue does. */
const jobTypes = (node: SimNode, requestJobType: string): Array<JsonObject> => [
  { in_progress: 1, job_type: requestJobType },
  { job_type: "WriteNode", per_second: 1 + node.recentCloses(1000) }
]

/** Lists the ports like rippled 2.x does, showing admin ports to admins only. */
const portsList = (node: SimNode, admin: boolean): Array<JsonObject> =>
  node.config.ports
    .filter((port) => admin || port.adminNets.length === 0)
    .filter((port) => isWebSocketPort(port) || isHttpPort(port) || port.protocols.includes("peer"))
    .map((port) => ({ port: `${port.port}`, protocol: [...port.protocols] }))

const HOST_WORDS = ["ABEL", "BEAT", "CASK", "DOME", "FAWN", "GLUT", "HOOK", "JUTE", "KNOB", "LIMA", "MOAT", "NOUN"]

/** Non-admins see a word derived from the node key instead of the host name (rippled `getHostId`). */
export const hostWord = (pubkeyNode: string): string => {
  const digest = createHash("sha256").update(pubkeyNode).digest()
  return HOST_WORDS[(digest[0] ?? 0) % HOST_WORDS.length] ?? "ABEL"
}
