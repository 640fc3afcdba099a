import { type Caller, runCommand } from "./Commands.js"
import { isJsonObject, type JsonObject, parseJsonObject, RawJson, toJsonText } from "./Json.js"
import type { SimNode } from "./Node.js"
import { isErrorResult } from "./RpcErrors.js"

/** Frames larger than this are rejected as `jsonInvalid`, as rippled does. */
const MAX_REQUEST_BYTES = 1_000_000

/** Request fields whose values are replaced by `<masked>` when a request is echoed in an error. */
const SECRET_FIELDS = ["passphrase", "secret", "seed", "seed_hex"]

export interface WebSocketReply {
  /** The frame to send. Replies carry no trailing newline, a `jsonInvalid` frame does. */
  readonly text: string
  readonly after?: () => void
}

/**
 * Builds the reply to one WebSocket frame the way rippled `ServerHandler::processSession` does.
 * Unparsable frames get a `jsonInvalid` error frame. A bad `api_version` or a missing command
 * gets an error without `error_code`. Handler errors move to the top level next to the echoed
 * `request`.
 */
export const handleWebSocketFrame = (node: SimNode, caller: Caller, text: string): WebSocketReply => {
  const request = text.length > MAX_REQUEST_BYTES ? undefined : parseJsonObject(text)
  if (request === undefined) return { text: `${toJsonText({ error: "jsonInvalid", type: "error", value: text })}\n` }

  const apiVersion = requestApiVersion(node, request)
  const command = requestCommand(request)
  if (apiVersion === undefined || command === undefined) {
    const reply: JsonObject = {
      error: apiVersion === undefined ? "invalid_API_version" : "missingCommand",
      request,
      status: "error",
      type: "response"
    }
    copyEchoedFields(request, reply)
    return { text: toJsonText(reply) }
  }

  const outcome = runCommand(node, caller, command, request, apiVersion)
  const reply: JsonObject = envelope(request, outcome.result)
  copyEchoedFields(request, reply)
  reply.type = "response"
  return outcome.after === undefined ? { text: toJsonText(reply) } : { text: toJsonText(reply), after: outcome.after }
}

/**
 * Wraps a handler result. Errors are lifted to the top level next to the echoed request, with
 * secrets masked, and successes go under `result`.
 */
export const envelope = (request: JsonObject, result: JsonObject | RawJson): JsonObject => {
  if (!(result instanceof RawJson) && isErrorResult(result)) {
    return { ...result, request: maskSecrets(request), status: "error" }
  }
  return { result, status: "success" }
}

/**
 * Returns the request's API version, or undefined when it is invalid. Without `api_version` the
 * version is 1. xahaud 2024 accepts only 1 (and 2 with `[beta_rpc_api] 1`), while rippled 2.x
 * accepts 1 and 2 (and 3 with beta).
 */
export const requestApiVersion = (node: SimNode, request: JsonObject): number | undefined => {
  if (!("api_version" in request)) return 1
  const version = request.api_version
  if (typeof version !== "number" || !Number.isInteger(version)) return undefined
  const stableMax = node.settings.flavour === "xahaud" ? 1 : 2
  const max = node.config.betaRpcApi ? stableMax + 1 : stableMax
  return version >= 1 && version <= max ? version : undefined
}

/** Returns `command` or `method`, which must be strings and, when both are present, equal. */
const requestCommand = (request: JsonObject): string | undefined => {
  const { command, method } = request
  if (command === undefined && method === undefined) return undefined
  if (command !== undefined && typeof command !== "string") return undefined
  if (method !== undefined && typeof method !== "string") return undefined
  if (command !== undefined && method !== undefined && command !== method) return undefined
  return (command ?? method) as string
}

const copyEchoedFields = (request: JsonObject, reply: JsonObject): void => {
  for (const field of ["id", "jsonrpc", "ripplerpc", "api_version"]) {
    if (field in request) reply[field] = request[field]
  }
}

const maskSecrets = (request: JsonObject): JsonObject => {
  if (!isJsonObject(request)) return request
  const masked = { ...request }
  for (const field of SECRET_FIELDS) {
    if (field in masked) masked[field] = "<masked>"
  }
  return masked
}
