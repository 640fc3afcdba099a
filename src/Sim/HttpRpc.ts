import { runCommand } from "./Commands.js"
import { isJsonObject, type JsonObject, RawJson, toJsonText, withRawMember } from "./Json.js"
import type { HttpReply } from "./Listeners.js"
import type { SimNode } from "./Node.js"
import type { PortSpec } from "./Ports.js"
import { envelope, requestApiVersion } from "./Protocol.js"

/**
 * Handles a JSON-RPC POST (`{"method": ..., "params": [{...}]}`) like rippled's HTTP handler. The
 * status and, for errors, the echoed request go inside `result`. An admin command from a
 * non-admin address gets a plain 403, and the body ends with a newline.
 */
export const handleJsonRpc = (node: SimNode, port: PortSpec, addressIsAdmin: boolean, body: string): HttpReply => {
  let parsed: unknown
  try {
    parsed = JSON.parse(body)
  } catch {
    return plain(400, "Unable to parse request: invalid JSON")
  }
  if (!isJsonObject(parsed)) return plain(400, "Unable to parse request: not an object")
  if (parsed.method === undefined || parsed.method === null) return plain(400, "Null method")
  if (typeof parsed.method !== "string") return plain(400, "method is not string")

  const params = parsed.params === undefined ? [{}] : parsed.params
  const request = Array.isArray(params) && params.length === 1 && isJsonObject(params[0]) ? params[0] : undefined
  if (request === undefined) return plain(400, "params unparseable")

  const apiVersion = requestApiVersion(node, request)
  if (apiVersion === undefined) return plain(400, "invalid_API_version")

  const caller = { port, addressIsAdmin, session: undefined, jobType: "clientRPC" } as const
  const outcome = runCommand(node, caller, parsed.method, request, apiVersion)
  const handlerResult = outcome.result
  if (!(handlerResult instanceof RawJson) && handlerResult.error === "forbidden") return plain(403, "Forbidden")

  const reply: JsonObject = { result: httpResult(request, handlerResult) }
  if ("id" in parsed) reply.id = parsed.id
  if (outcome.after !== undefined) setImmediate(outcome.after)
  return { status: 200, contentType: "application/json", body: `${toJsonText(reply)}\n` }
}

/** Builds the HTTP form of a result, which keeps `status` (and, for errors, `request`) inside it. */
const httpResult = (request: JsonObject, handlerResult: JsonObject | RawJson): JsonObject | RawJson => {
  if (handlerResult instanceof RawJson) return withRawMember(handlerResult, "status", "success")
  const wrapped = envelope(request, handlerResult)
  return "result" in wrapped ? { ...handlerResult, status: "success" } : wrapped
}

const plain = (status: number, body: string): HttpReply => ({ status, contentType: "text/plain", body })
