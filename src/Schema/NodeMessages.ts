import { Either, ParseResult, Schema } from "effect"

/**
 * Frames a rippled or xahaud node sends on its WebSocket API. Field names are the node's own
 * (rippled `ServerHandler.cpp` builds the reply envelopes, `NetworkOPs.cpp` `pubLedger` builds the
 * `ledgerClosed` stream message).
 */

/** Reply to a request that the node handled. `result` contains the command's output. */
export const SuccessResponse = Schema.Struct({
  type: Schema.Literal("response"),
  id: Schema.Number,
  status: Schema.Literal("success"),
  result: Schema.Unknown
})
export type SuccessResponse = typeof SuccessResponse.Type

/**
 * Reply with `status: "error"`. The node lifts the error fields to the top level. `error_code` and
 * `error_message` are missing for errors raised before dispatch (`invalid_API_version`,
 * `missingCommand`) and for some handler errors (`notStandAlone`).
 */
export const ErrorResponse = Schema.Struct({
  type: Schema.Literal("response"),
  id: Schema.Number,
  status: Schema.Literal("error"),
  error: Schema.String,
  error_code: Schema.optionalWith(Schema.Number, { exact: true }),
  error_message: Schema.optionalWith(Schema.String, { exact: true })
})
export type ErrorResponse = typeof ErrorResponse.Type

/** One message of the `ledger` stream, sent for each validated ledger in ledger order. */
export const LedgerClosed = Schema.Struct({
  type: Schema.Literal("ledgerClosed"),
  ledger_index: Schema.Int,
  ledger_hash: Schema.String,
  /** Seconds since 2000-01-01T00:00:00Z (the XRPL epoch). */
  ledger_time: Schema.Int,
  fee_base: Schema.Number,
  /** Present only while the XRPFees amendment is not enabled. */
  fee_ref: Schema.optionalWith(Schema.Number, { exact: true }),
  reserve_base: Schema.Number,
  reserve_inc: Schema.Number,
  txn_count: Schema.optionalWith(Schema.Int, { exact: true }),
  /** The node's `complete_ledgers` range, present once the node is syncing or better. */
  validated_ledgers: Schema.optionalWith(Schema.String, { exact: true })
})
export type LedgerClosed = typeof LedgerClosed.Type

/** The node could not parse a frame it received (`error: "jsonInvalid"`, `value` is the raw text). */
export const ErrorFrame = Schema.Struct({
  type: Schema.Literal("error"),
  error: Schema.String,
  value: Schema.optionalWith(Schema.Unknown, { exact: true })
})
export type ErrorFrame = typeof ErrorFrame.Type

const handledTypes: ReadonlyArray<string> = ["response", "ledgerClosed", "error"]
const otherStreamTypeProblem = "a stream message type other than response, ledgerClosed and error"

/** A message of a stream this client does not read (types `serverStatus`, `transaction`, `validationReceived`, ...). */
export const OtherStreamMessage = Schema.Struct({
  type: Schema.String.pipe(
    Schema.filter((type) => !handledTypes.includes(type), {
      message: () => otherStreamTypeProblem
    })
  )
})
export type OtherStreamMessage = typeof OtherStreamMessage.Type

/**
 * Either reply. The outer struct makes `type: "response"` the only key a `NodeMessage` union member is
 * picked by, so a `ledgerClosed` frame with a bad field is not also reported as a reply without `status`.
 */
export const Response = Schema.compose(
  Schema.Struct({ type: Schema.Literal("response") }, Schema.Record({ key: Schema.String, value: Schema.Unknown })),
  Schema.Union(SuccessResponse, ErrorResponse),
  { strict: false }
)
export type Response = typeof Response.Type

export const NodeMessage = Schema.Union(Response, LedgerClosed, ErrorFrame, OtherStreamMessage)
export type NodeMessage = typeof NodeMessage.Type

// `OtherStreamMessage` rejects the three handled `type` values, so `type` alone identifies the member.
export const isResponse = (message: NodeMessage): message is Response => message.type === "response"
export const isLedgerClosed = (message: NodeMessage): message is LedgerClosed => message.type === "ledgerClosed"
export const isErrorFrame = (message: NodeMessage): message is ErrorFrame => message.type === "error"

/** A text frame from the node: JSON (a trailing newline is allowed) holding one `NodeMessage`. */
export const NodeFrame = Schema.parseJson(NodeMessage)

const decodeNodeFrame = Schema.decodeUnknownEither(NodeFrame, { errors: "all", onExcessProperty: "preserve" })

/**
 * Decodes one text frame. Keys the schema does not list are kept, so a `ledgerClosed` message
 * carries every field the node sent. The failure is a one-line description of the first problems.
 */
export const decodeFrame = (text: string): Either.Either<NodeMessage, string> =>
  Either.mapLeft(decodeNodeFrame(text), describeParseError)

const maxIssuesShown = 3

const describeParseError = (error: ParseResult.ParseError): string => {
  const allIssues = ParseResult.ArrayFormatter.formatErrorSync(error)
  // A frame with a known `type` also fails the catch-all member; that issue only adds noise.
  const relevant = allIssues.filter((issue) => issue.message !== otherStreamTypeProblem)
  const issues = relevant.length > 0 ? relevant : allIssues
  const lines = [...new Set(issues.map(describeIssue))]
  const shownLines = lines.slice(0, maxIssuesShown)
  const more = lines.length > maxIssuesShown ? ` (and ${lines.length - maxIssuesShown} more)` : ""
  return shownLines.join("; ") + more
}

const describeIssue = (issue: ParseResult.ArrayFormatterIssue) =>
  issue.path.length > 0 ? `${issue.path.join(".")}: ${issue.message}` : issue.message
