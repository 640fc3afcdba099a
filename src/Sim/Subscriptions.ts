import { randomBytes } from "node:crypto"
import * as os from "node:os"
import type { JsonObject } from "./Json.js"
import type { SimNode } from "./Node.js"
import { rpcError } from "./RpcErrors.js"
import { hostWord } from "./ServerInfo.js"
import type { Session } from "./Session.js"

/** Stream names rippled's subscribe handler accepts. */
const KNOWN_STREAMS = new Set([
  "server",
  "ledger",
  "transactions",
  "transactions_proposed",
  "rt_transactions",
  "validations",
  "manifests",
  "peer_status",
  "consensus",
  "book_changes"
])

/**
 * The subscribe handler (rippled Subscribe.cpp). Streams are added in request order, so a bad
 * name later in the list leaves the earlier ones subscribed, as in rippled. The `ledger` stream
 * adds the validated ledger's fields to the result, and `server` adds the server status.
 */
export const subscribeStreams = (node: SimNode, session: Session | undefined, request: JsonObject): JsonObject => {
  if (session === undefined) return rpcError("invalidParams")
  const result: JsonObject = {}
  if (request.streams === undefined) return result
  if (!Array.isArray(request.streams)) return rpcError("invalidParams")

  for (const stream of request.streams) {
    if (typeof stream !== "string" || !KNOWN_STREAMS.has(stream)) return rpcError("malformedStream")
    session.subscriptions.add(stream)
    if (stream === "ledger") {
      const validated = node.chain.validated
      if (validated !== undefined) Object.assign(result, node.ledgerFields(validated))
    }
    if (stream === "server") {
      Object.assign(result, {
        hostid: session.addressIsAdmin ? os.hostname() : hostWord(node.pubkeyNode),
        load_base: 256,
        load_factor: 256,
        pubkey_node: node.pubkeyNode,
        random: randomBytes(32).toString("hex").toUpperCase(),
        server_status: node.accounting.mode
      })
    }
  }
  return result
}

/** The unsubscribe handler: same checks as subscribe; streams never subscribed are fine. */
export const unsubscribeStreams = (session: Session | undefined, request: JsonObject): JsonObject => {
  if (session === undefined) return rpcError("invalidParams")
  if (request.streams === undefined) return {}
  if (!Array.isArray(request.streams)) return rpcError("invalidParams")
  for (const stream of request.streams) {
    if (typeof stream !== "string" || !KNOWN_STREAMS.has(stream)) return rpcError("malformedStream")
    session.subscriptions.delete(stream)
  }
  return {}
}
