import type { JsonObject } from "./Json.js"

/** Error tokens with their codes and messages, as in rippled `ErrorCodes.cpp`. */
const RPC_ERRORS = {
  forbidden: [3, "Bad credentials."],
  noPermission: [6, "You don't have permission for this command."],
  noClosed: [15, "Closed ledger is unavailable."],
  noCurrent: [16, "Current ledger is unavailable."],
  noNetwork: [17, "Not synced to the network."],
  notSynced: [18, "Not synced to the network."],
  invalidParams: [31, "Invalid parameters."],
  unknownCmd: [32, "Unknown method."],
  malformedStream: [71, "Stream malformed."],
  internal: [73, "Internal error."]
} as const

export type RpcErrorToken = keyof typeof RPC_ERRORS

/** A handler error result (`rpcError` in rippled); the envelope later moves it to the top level. */
export const rpcError = (token: RpcErrorToken): JsonObject => {
  const [code, message] = RPC_ERRORS[token]
  return { error: token, error_code: code, error_message: message }
}

/** True when a handler result is an error that must be lifted out of `result`. */
export const isErrorResult = (result: JsonObject): boolean => "error" in result
