import { Effect } from "effect"
import * as os from "node:os"
import type { SystemInfo } from "../Schema/Results.js"

export const TOOL_VERSION = "0.1.0"

/** Facts about this machine for `run.json` and each result. */
export const readSystemInfo = Effect.sync(
  (): SystemInfo => ({
    platform: os.platform(),
    platform_version: `${os.type()} ${os.release()} ${os.arch()}`,
    kernel: os.release(),
    hostname: os.hostname(),
    cpu_count: os.cpus().length,
    cpu_model: os.cpus()[0]?.model.trim() ?? "unknown",
    total_memory_gb: Math.round((os.totalmem() / 1024 ** 3) * 100) / 100,
    node_version: process.version,
    tool_version: TOOL_VERSION
  })
)
