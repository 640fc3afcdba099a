/** Requests for `server_info`, `get_counts` and `catalogue_status`, and recording of their replies. */
import { Clock, Effect, Either, Option, Ref } from "effect"
import type { Connection, NodeRequestError, RequestFailure } from "../Layers/NodeConnection.js"
import { RunEvent, RunState } from "../Layers/RunState.js"
import type { ServerInfoInfo } from "../Schema/ServerInfo.js"
import { decodeCatalogueStatus, decodeGetCounts, decodeServerInfo } from "../Schema/ServerInfo.js"
import { NodeRejected } from "./Outcomes.js"
import type { Recorder } from "./Recorder.js"

export interface DiagnosticsSource {
  readonly connection: Connection
  readonly recorder: Recorder
  /** Time of the last reply or stream message from the node, for stall detection. */
  readonly lastHeardAt: Ref.Ref<number>
  /** Added to admin requests: the port's admin credentials when the config sets them. */
  readonly adminParams: Readonly<Record<string, string>>
  /** `undefined` until requested; false once the node replied `unknownCmd`. */
  readonly catalogueSupported: Ref.Ref<boolean | undefined>
}

/**
 * Node errors that repeating the request cannot fix: the api_version is not supported, or the port does not
 * grant admin rights (`get_counts` and `ledger_accept` are admin commands).
 */
const REJECTIONS = new Set(["invalid_API_version", "forbidden", "noPermission"])

/**
 * Sends one request and records that the node replied. A rejection from `REJECTIONS` and `unknownCmd` fail;
 * any other failure (timeout, disconnect, other node error) is logged and gives `None`.
 */
export const ask = (source: DiagnosticsSource, command: string, params?: Readonly<Record<string, unknown>>) =>
  source.connection.request(command, params).pipe(
    Effect.tap(() => Clock.currentTimeMillis.pipe(Effect.flatMap((now) => Ref.set(source.lastHeardAt, now)))),
    Effect.map(Option.some),
    Effect.catchAll((failure: RequestFailure): Effect.Effect<Option.Option<unknown>, NodeRequestError | NodeRejected> => {
      if (failure._tag === "NodeRequestError" && REJECTIONS.has(failure.error)) {
        return Effect.fail(new NodeRejected({ command, error: failure.error, detail: failure.errorMessage }))
      }
      if (failure._tag === "NodeRequestError" && failure.error === "unknownCmd") return Effect.fail(failure)
      return Effect.logWarning(failure.message).pipe(Effect.as(Option.none<unknown>()))
    })
  )

/** Treats `unknownCmd` as no reply; rejections still fail. */
const noneWhenUnknown = <R>(request: Effect.Effect<Option.Option<unknown>, NodeRequestError | NodeRejected, R>) =>
  request.pipe(Effect.catchTag("NodeRequestError", () => Effect.succeed(Option.none<unknown>())))

/** Polls `server_info` once and records state, ledgers, job types and version. */
export const refreshServerInfo = (source: DiagnosticsSource) =>
  Effect.gen(function* () {
    const reply = yield* noneWhenUnknown(ask(source, "server_info"))
    if (Option.isNone(reply)) return Option.none<ServerInfoInfo>()
    const decoded = decodeServerInfo(reply.value)
    if (Either.isLeft(decoded)) {
      yield* Effect.logWarning("server_info reply ignored: unexpected shape", truncate(JSON.stringify(reply.value)))
      return Option.none<ServerInfoInfo>()
    }
    const info = decoded.right.info
    const recorder = source.recorder
    recorder.lastServerInfo = info
    recorder.nodeVersion = info.build_version ?? recorder.nodeVersion
    recorder.diagnostics.serverState = info.server_state
    recorder.diagnostics.jobTypes = info.load?.job_types ?? []
    const problem = recorder.setCompleteLedgers(info.complete_ledgers)
    if (problem !== null) yield* Effect.logWarning("complete_ledgers not understood", problem)
    yield* publishDiagnostics(source)
    return Option.some(info)
  })

/** Asks for `get_counts` and records the whole result, every key and value as sent. */
export const refreshCounts = (source: DiagnosticsSource) =>
  Effect.gen(function* () {
    const reply = yield* noneWhenUnknown(ask(source, "get_counts", source.adminParams))
    if (Option.isNone(reply)) return
    const decoded = decodeGetCounts(reply.value)
    if (Either.isLeft(decoded)) {
      yield* Effect.logWarning("get_counts reply ignored: unexpected shape", truncate(JSON.stringify(reply.value)))
      return
    }
    source.recorder.diagnostics.counts = decoded.right
    yield* publishDiagnostics(source)
  })

/**
 * Asks for `catalogue_status` (xahaud 2025 and later). The first `unknownCmd` reply means the node does
 * not have the command, and it is never asked again.
 */
export const refreshCatalogue = (source: DiagnosticsSource) =>
  Effect.gen(function* () {
    if ((yield* Ref.get(source.catalogueSupported)) === false) return
    const reply = yield* ask(source, "catalogue_status", source.adminParams).pipe(
      Effect.catchTag("NodeRequestError", () =>
        Ref.set(source.catalogueSupported, false).pipe(
          Effect.zipRight(Effect.logInfo("node has no catalogue_status command; not asking again")),
          Effect.as(Option.none<unknown>())
        )
      )
    )
    if (Option.isNone(reply)) return
    yield* Ref.set(source.catalogueSupported, true)
    const decoded = decodeCatalogueStatus(reply.value)
    if (Either.isRight(decoded)) {
      source.recorder.catalogueStatus = decoded.right
      yield* publishDiagnostics(source)
    }
  })

const publishDiagnostics = (source: DiagnosticsSource) =>
  Effect.flatMap(RunState, (runState) => {
    const diagnostics = source.recorder.diagnostics
    return runState.publish(
      RunEvent.DiagnosticsUpdated({
        serverState: diagnostics.serverState,
        completeLedgers: diagnostics.completeLedgers,
        ledgerCount: diagnostics.ledgerCount,
        counts: diagnostics.counts,
        jobTypes: diagnostics.jobTypes,
        catalogue: source.recorder.catalogueStatus
      })
    )
  })

const truncate = (text: string, max = 500) => (text.length > max ? `${text.slice(0, max)}...` : text)
