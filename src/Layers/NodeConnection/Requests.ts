import { Deferred, Duration, Effect, Exit, FiberId } from "effect"
import { WebSocket } from "ws"
import type { ErrorResponse, Response } from "../../Schema/NodeMessages.js"
import { Disconnected, NodeRequestError, RequestTimeout } from "../NodeConnection.js"
import type { RequestFailure } from "../NodeConnection.js"

export interface RequestSettings {
  /** Added to every request as `api_version` when set. */
  readonly apiVersion: 1 | 2 | undefined
  readonly requestTimeout: Duration.Duration
}

/**
 * Requests waiting for their reply, keyed by id, and the socket they are sent on. Every method is
 * synchronous, so no fiber can run between reading the socket and registering a request.
 */
export interface RequestTable {
  /** Sends `{id, command, ...params}` and waits for the reply carrying the same id. */
  readonly send: (
    command: string,
    params?: Readonly<Record<string, unknown>>
  ) => Effect.Effect<unknown, RequestFailure>
  /** Completes the request the reply belongs to; false when no request with that id is waiting. */
  readonly settle: (reply: Response) => boolean
  /** Uses `socket` for the requests sent from now on. */
  readonly attach: (socket: WebSocket) => void
  /** Forgets the socket and fails every waiting request with `Disconnected`. */
  readonly detach: () => void
  /** Number of requests waiting for a reply. */
  readonly size: () => number
}

interface PendingRequest {
  readonly command: string
  readonly reply: Deferred.Deferred<unknown, NodeRequestError | Disconnected>
}

export const makeRequestTable = (settings: RequestSettings): RequestTable => {
  const pending = new Map<number, PendingRequest>()
  let socket: WebSocket | undefined
  let nextId = 1

  const complete = (id: number, exit: Exit.Exit<unknown, NodeRequestError | Disconnected>) => {
    const request = pending.get(id)
    if (request === undefined) return false
    pending.delete(id)
    Deferred.unsafeDone(request.reply, exit)
    return true
  }

  const send: RequestTable["send"] = (command, params = {}) =>
    Effect.suspend(() => {
      const target = socket
      if (target === undefined || target.readyState !== WebSocket.OPEN) {
        return Effect.fail(new Disconnected({ command }))
      }
      const id = nextId++
      const reply = Deferred.unsafeMake<unknown, NodeRequestError | Disconnected>(FiberId.none)
      pending.set(id, { command, reply })
      target.send(JSON.stringify(buildRequest(id, command, params, settings.apiVersion)), (error) => {
        if (error) complete(id, Exit.fail(new Disconnected({ command })))
      })

      return Deferred.await(reply).pipe(
        Effect.timeoutFail({
          duration: settings.requestTimeout,
          onTimeout: () => new RequestTimeout({ command, timeoutMs: Duration.toMillis(settings.requestTimeout) })
        }),
        Effect.ensuring(Effect.sync(() => pending.delete(id)))
      )
    })

  const settle: RequestTable["settle"] = (reply) => {
    const request = pending.get(reply.id)
    if (request === undefined) return false
    const exit =
      reply.status === "success" ? Exit.succeed(reply.result) : Exit.fail(toRequestError(request.command, reply))
    return complete(reply.id, exit)
  }

  const detach = () => {
    socket = undefined
    for (const [id, request] of pending) {
      complete(id, Exit.fail(new Disconnected({ command: request.command })))
    }
  }

  return {
    send,
    settle,
    attach: (next) => {
      socket = next
    },
    detach,
    size: () => pending.size
  }
}

/**
 * Builds the request object. `id` and `command` in `params` are ignored because replies are matched by
 * the id set here. `api_version` is left out entirely when no version is configured.
 */
export const buildRequest = (
  id: number,
  command: string,
  params: Readonly<Record<string, unknown>>,
  apiVersion: 1 | 2 | undefined
): Record<string, unknown> => {
  const request: Record<string, unknown> = { id, command }
  for (const [key, value] of Object.entries(params)) {
    if (key !== "id" && key !== "command") request[key] = value
  }
  if (apiVersion !== undefined) request.api_version = apiVersion
  return request
}

const toRequestError = (command: string, reply: ErrorResponse) =>
  new NodeRequestError({
    command,
    error: reply.error,
    errorCode: reply.error_code,
    errorMessage: reply.error_message
  })
