import { Redacted } from "effect"
import type { Duration } from "effect"

/** Everything `run` needs, after the command line, environment and node config have been checked. */
export interface RunSettings {
  readonly configPath: string
  /** From `--websocket-url`, or read from the node config. */
  readonly websocketUrl: string
  /** Origin of `websocketUrl` for logs: the port section and config file, or "--websocket-url". */
  readonly websocketSource: string
  readonly apiVersion: 1 | 2 | undefined
  /** The port's `admin_user` and `admin_password`, which rippled requires in every admin request when set. */
  readonly adminCredentials: { readonly user: string; readonly password: Redacted.Redacted<string> } | undefined
  readonly standalone: boolean
  /** Monitoring time per binary, counted from sync. */
  readonly duration: Duration.Duration
  /** Standalone only: how often the monitor calls `ledger_accept`. */
  readonly ledgerInterval: Duration.Duration
  readonly pollInterval: Duration.Duration
  readonly sampleInterval: Duration.Duration
  readonly startupTimeout: Duration.Duration
  readonly syncTimeout: Duration.Duration
  readonly stopTimeout: Duration.Duration
  readonly stallTimeout: Duration.Duration
  readonly requestTimeout: Duration.Duration
  readonly cooldown: Duration.Duration
  readonly nodeArgs: ReadonlyArray<string>
  readonly failFast: boolean
}

/** Period of `server_info` and `get_counts` requests while monitoring. */
export const DIAGNOSTICS_INTERVAL = "2 seconds"

/** Fields to add to admin requests (`get_counts`, `ledger_accept`, `catalogue_status`): none, or the credentials. */
export const adminParams = (settings: Pick<RunSettings, "adminCredentials">): Record<string, string> =>
  settings.adminCredentials === undefined
    ? {}
    : { admin_user: settings.adminCredentials.user, admin_password: Redacted.value(settings.adminCredentials.password) }
