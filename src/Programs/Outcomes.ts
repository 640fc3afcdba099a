/** Ways a binary's test can end early. Each maps to one result status. */
import { Data } from "effect"
import type { ProcessExit } from "../Layers/NodeProcess.js"
import type { BinaryStatus } from "../Schema/Results.js"

export class NodeExited extends Data.TaggedError("NodeExited")<{
  readonly beforeConnect: boolean
  readonly exit: ProcessExit
}> {
  override get message() {
    const how = this.exit.signal !== null ? `was killed by ${this.exit.signal}` : `exited with code ${this.exit.code}`
    return this.beforeConnect ? `the node ${how} before its WebSocket port opened` : `the node ${how}`
  }
}

export class StartupTimedOut extends Data.TaggedError("StartupTimedOut")<{
  readonly url: string
  readonly waitedMs: number
}> {
  override get message() {
    return `the node did not open ${this.url} within ${Math.round(this.waitedMs / 1000)} s; ` +
      `raise --startup-timeout for nodes that load a large database`
  }
}

export class SyncTimedOut extends Data.TaggedError("SyncTimedOut")<{
  readonly waitedMs: number
  readonly serverState: string | null
  readonly completeLedgers: string | null
}> {
  override get message() {
    return `the node reported no complete ledgers within ${Math.round(this.waitedMs / 1000)} s ` +
      `(last server_state: ${this.serverState ?? "unknown"}, complete_ledgers: ${this.completeLedgers ?? "unknown"}); ` +
      `raise --sync-timeout or check the node's network connection`
  }
}

export class NodeStalled extends Data.TaggedError("NodeStalled")<{
  readonly silentMs: number
}> {
  override get message() {
    return `the node stalled: no reply and no ledger for ${Math.round(this.silentMs / 1000)} s ` +
      `while its process stayed alive`
  }
}

export class PortInUse extends Data.TaggedError("PortInUse")<{
  readonly host: string
  readonly port: number
  readonly holder: string | null
}> {
  override get message() {
    return `port ${this.port} on ${this.host} is already in use` +
      (this.holder ? ` by ${this.holder}` : "") +
      `; stop that process or give the node another port in its config`
  }
}

export class NodeRejected extends Data.TaggedError("NodeRejected")<{
  readonly command: string
  readonly error: string
  readonly detail: string | undefined
}> {
  override get message() {
    const fix = this.error === "invalid_API_version"
      ? "leave out --api-version or choose one the node supports"
      : "use a WebSocket port whose admin list covers 127.0.0.1 (and set admin_user/admin_password if it has them)"
    return `the node rejected ${this.command} with ${this.error}` + (this.detail ? ` (${this.detail})` : "") + `; ${fix}`
  }
}

export class SkipRequested extends Data.TaggedError("SkipRequested")<{}> {
  override get message() {
    return "skipped by the user"
  }
}

export type EarlyEnd =
  | NodeExited
  | StartupTimedOut
  | SyncTimedOut
  | NodeStalled
  | NodeRejected
  | PortInUse
  | SkipRequested

export const statusOf = (end: EarlyEnd | { readonly _tag: "SpawnError" | "WriteError" }): BinaryStatus => {
  switch (end._tag) {
    case "NodeExited":
      return end.beforeConnect ? "failed_to_start" : "crashed"
    case "StartupTimedOut":
      return "startup_timeout"
    case "SyncTimedOut":
      return "sync_timeout"
    case "NodeStalled":
    case "NodeRejected":
    case "WriteError":
      return "error"
    case "PortInUse":
    case "SpawnError":
      return "failed_to_start"
    case "SkipRequested":
      return "skipped"
  }
}
