import { buildCounts, DEFAULT_MIN_COUNT } from "./Counts.js"
import { type JsonObject, RawJson } from "./Json.js"
import { severityFromName, severityLabel } from "./Log.js"
import type { SimNode } from "./Node.js"
import type { PortSpec } from "./Ports.js"
import { isErrorResult, rpcError } from "./RpcErrors.js"
import { buildServerInfo, buildServerState } from "./ServerInfo.js"
import { subscribeStreams, unsubscribeStreams } from "./Subscriptions.js"
import type { Session } from "./Session.js"

/** Sender of a request: its port, whether its address is an admin one, and its session. */
export interface Caller {
  readonly port: PortSpec
  /** The client address lies in the port's admin networks. */
  readonly addressIsAdmin: boolean
  /** The WebSocket session, or undefined for HTTP JSON-RPC. */
  readonly session: Session | undefined
  readonly jobType: "clientWebsocket" | "clientRPC"
}

export interface CommandOutcome {
  /** The handler's result object; an `error` member makes it an error reply. */
  readonly result: JsonObject | RawJson
  /** Work to run after the reply has been sent, such as shutting down after `stop`. */
  readonly after?: () => void
}

interface CommandContext {
  readonly node: SimNode
  readonly caller: Caller
  /** Admin role: an admin address and, when the port sets them, matching admin credentials. */
  readonly admin: boolean
  readonly request: JsonObject
  readonly apiVersion: number
}

/** Preconditions checked before a handler runs (rippled `RPC::Condition`). */
type Condition = "none" | "needsCurrentLedger" | "needsClosedLedger"

interface CommandSpec {
  readonly role: "admin" | "user"
  readonly condition: Condition
  readonly run: (context: CommandContext) => CommandOutcome
}

/** A validated ledger older than this makes ledger-dependent commands fail outside standalone. */
const MAX_VALIDATED_LEDGER_AGE_MS = 120_000

/**
 * Runs one command with rippled's checks in order: known method, role, precondition, handler.
 * Unknown commands are checked with the user role, so they fail with `unknownCmd`, not `forbidden`.
 */
export const runCommand = (node: SimNode, caller: Caller, name: string, request: JsonObject, apiVersion: number): CommandOutcome => {
  const spec = commandSpec(node, name)
  if (spec === undefined) return { result: rpcError("unknownCmd") }
  const admin = caller.addressIsAdmin && adminCredentialsMatch(caller.port, request)
  if (spec.role === "admin" && !admin) return { result: rpcError("forbidden") }

  const unmet = conditionError(node, spec.condition, apiVersion)
  if (unmet !== undefined) return { result: unmet }

  const startedUs = performance.now()
  node.counters.startMethod(name)
  const outcome = spec.run({ node, caller, admin, request, apiVersion })
  const durationUs = Math.max(1, Math.round((performance.now() - startedUs) * 1000))
  node.counters.finishMethod(name, durationUs, !(outcome.result instanceof RawJson) && isErrorResult(outcome.result))
  node.counters.recordJob(caller.jobType, durationUs)
  return outcome
}

const COMMANDS: Record<string, CommandSpec> = {
  server_info: {
    role: "user",
    condition: "none",
    run: ({ node, caller, admin, request }) => ({
      result: buildServerInfo(node, { admin, counters: request.counters === true, jobType: caller.jobType })
    })
  },
  server_state: {
    role: "user",
    condition: "none",
    run: ({ node, caller, admin, request }) => ({
      result: buildServerState(node, { admin, counters: request.counters === true, jobType: caller.jobType })
    })
  },
  ping: {
    role: "user",
    condition: "none",
    run: ({ caller, admin }) => {
      const result: JsonObject = admin ? { role: "admin" } : {}
      if (admin && caller.session !== undefined) result.unlimited = true
      return { result }
    }
  },
  subscribe: { role: "user", condition: "none", run: ({ node, caller, request }) => ({ result: subscribeStreams(node, caller.session, request) }) },
  unsubscribe: { role: "user", condition: "none", run: ({ caller, request }) => ({ result: unsubscribeStreams(caller.session, request) }) },
  ledger_current: {
    role: "user",
    condition: "needsCurrentLedger",
    run: ({ node }) => ({ result: { ledger_current_index: node.chain.currentIndex ?? 0 } })
  },
  ledger_closed: {
    role: "user",
    condition: "needsClosedLedger",
    run: ({ node }) => ({ result: { ledger_hash: node.chain.validated?.hash ?? "", ledger_index: node.chain.validated?.index ?? 0 } })
  },
  get_counts: { role: "admin", condition: "none", run: runGetCounts },
  ledger_accept: {
    role: "admin",
    condition: "needsCurrentLedger",
    run: ({ node }) => {
      if (!node.standalone) return { result: { error: "notStandAlone" } }
      node.closeLedger()
      return { result: { ledger_current_index: node.chain.currentIndex ?? 0 } }
    }
  },
  stop: {
    role: "admin",
    condition: "none",
    run: ({ node }) => ({
      result: { message: `${node.settings.flavour === "xahaud" ? "xahau" : "ripple"} server stopping` },
      after: () => {
        if (!node.settings.faults.ignoreStop) node.requestStop({ kind: "rpc" })
      }
    })
  },
  log_level: { role: "admin", condition: "none", run: runLogLevel },
  catalogue_status: { role: "admin", condition: "none", run: () => ({ result: { job_status: "no_job_running" } }) }
}

/** With `admin_user`/`admin_password` on the port, admin requests must carry both, matching. */
const adminCredentialsMatch = (port: PortSpec, request: JsonObject): boolean => {
  if (port.adminUser === undefined && port.adminPassword === undefined) return true
  return request.admin_user === (port.adminUser ?? "") && request.admin_password === (port.adminPassword ?? "")
}

const commandSpec = (node: SimNode, name: string): CommandSpec | undefined => {
  if (!Object.hasOwn(COMMANDS, name)) return undefined
  const cataloguePresent = node.settings.flavour === "xahaud" && node.settings.catalogue
  if (name === "catalogue_status" && !cataloguePresent) return undefined
  return COMMANDS[name]
}

/**
 * Checks a command's precondition like rippled's `RPC::conditionMet`. API version 1 has one error
 * per cause, and version 2 reports all of them as `notSynced`.
 */
const conditionError = (node: SimNode, condition: Condition, apiVersion: number): JsonObject | undefined => {
  if (condition === "none") return undefined
  const validated = node.chain.validated
  if (condition === "needsClosedLedger") {
    if (validated !== undefined) return undefined
    return rpcError(apiVersion === 1 ? "noClosed" : "notSynced")
  }
  if (node.standalone) return undefined
  const tooOld = validated === undefined || Date.now() - validated.closedAtMs > MAX_VALIDATED_LEDGER_AGE_MS
  return tooOld ? rpcError(apiVersion === 1 ? "noCurrent" : "notSynced") : undefined
}

function runGetCounts({ node, request }: CommandContext): CommandOutcome {
  if (node.countsOverride !== undefined) return { result: node.countsOverride }
  const minCount = request.min_count ?? DEFAULT_MIN_COUNT
  if (typeof minCount !== "number" || !Number.isInteger(minCount) || minCount < 0) return { result: rpcError("invalidParams") }
  return { result: buildCounts(node, minCount) }
}

function runLogLevel({ node, request }: CommandContext): CommandOutcome {
  const { severity, partition } = request
  if (severity === undefined) {
    const levels: JsonObject = { base: severityLabel(node.log.threshold) }
    for (const [name, level] of node.log.partitionLevels()) levels[name] = severityLabel(level)
    return { result: { levels } }
  }
  const parsed = typeof severity === "string" ? severityFromName(severity) : undefined
  if (parsed === undefined) return { result: rpcError("invalidParams") }
  if (partition === undefined || partition === "base") node.log.setThreshold(parsed)
  else if (typeof partition === "string") node.log.setPartitionThreshold(partition, parsed)
  else return { result: rpcError("invalidParams") }
  return { result: {} }
}
