import * as os from "node:os"
import * as path from "node:path"
import { type NodeConfigText, singleValue } from "./ConfigFile.js"
import { readPorts } from "./Ports.js"
import type { LoadedConfig } from "./Node.js"

const NODE_SIZES = ["tiny", "small", "medium", "large", "huge"] as const

/** Named `[network_id]` values (rippled Config.cpp). */
const NETWORK_NAMES: Record<string, number> = { main: 0, testnet: 1, devnet: 2 }

const GIB = 1024 ** 3

export interface ConfigReadResult {
  readonly config: LoadedConfig
  /** Message of an invalid `[server]` setup; the node reports it when it sets up its ports. */
  readonly portsError: string | undefined
  readonly rpcStartup: ReadonlyArray<string>
  /** `[debug_logfile]` resolved against the config directory. */
  readonly debugLogfile: string | undefined
}

export type ConfigValueError = { readonly ok: false; readonly message: string }

/**
 * Extracts what the simulated node uses from a parsed config. Relative paths are resolved against
 * the config file's directory, as rippled does when `--conf` is given.
 */
export const readLoadedConfig = (
  text: NodeConfigText,
  configPath: string,
  standalone: boolean
): ({ readonly ok: true } & ConfigReadResult) | ConfigValueError => {
  const configDir = path.dirname(configPath)
  const resolve = (value: string | undefined) => (value === undefined ? undefined : path.resolve(configDir, value))

  const nodeSize = readNodeSize(singleValue(text, "node_size"), standalone)
  if (nodeSize === undefined) {
    return { ok: false, message: `Invalid value '${singleValue(text, "node_size")}' in section [node_size]` }
  }
  const networkId = readNetworkId(singleValue(text, "network_id"))
  if (networkId === "invalid") {
    return { ok: false, message: `Invalid value '${singleValue(text, "network_id")}' in section [network_id]` }
  }

  const ports = readPorts(text, standalone)
  return {
    ok: true,
    config: {
      path: configPath,
      networkId,
      nodeSize,
      betaRpcApi: singleValue(text, "beta_rpc_api") === "1",
      databasePath: resolve(singleValue(text, "database_path")),
      ports: ports.ok ? ports.ports : []
    },
    portsError: ports.ok ? undefined : ports.message,
    rpcStartup: text.sections.get("rpc_startup")?.lines ?? [],
    debugLogfile: resolve(singleValue(text, "debug_logfile"))
  }
}

/**
 * `[node_size]` by name (any case) or index 0..4. Without the section a standalone node is `tiny`;
 * a network node picks a size from memory and cores as rippled's autodetection does.
 */
const readNodeSize = (value: string | undefined, standalone: boolean): string | undefined => {
  if (value === undefined) return standalone ? "tiny" : detectNodeSize()
  const lower = value.toLowerCase()
  if ((NODE_SIZES as ReadonlyArray<string>).includes(lower)) return lower
  return /^[0-4]$/.test(value) ? NODE_SIZES[Number(value)] : undefined
}

const detectNodeSize = (): string => {
  const memoryGib = os.totalmem() / GIB
  const sizeLimits = [8, 12, 16, 24]
  let bySize = sizeLimits.findIndex((limit) => memoryGib < limit)
  if (bySize === -1) bySize = NODE_SIZES.length - 1

  const cores = os.availableParallelism()
  let byCores = NODE_SIZES.length - 1
  if (cores <= 1) byCores = 0
  else if (cores < 4) byCores = 1
  return NODE_SIZES[Math.min(bySize, byCores)] ?? "tiny"
}

const readNetworkId = (value: string | undefined): number | undefined | "invalid" => {
  if (value === undefined) return undefined
  const named = NETWORK_NAMES[value.toLowerCase()]
  if (named !== undefined) return named
  return /^\d+$/.test(value) && Number(value) <= 0xffffffff ? Number(value) : "invalid"
}
