import { Context, Effect, Option } from "effect"

/** Memory of a node process and all its descendants at one moment. Sizes in MiB (1024 * 1024 bytes). */
export interface MemorySample {
  readonly rss_mb: number
  readonly vms_mb: number
  /** RSS as a percentage of the machine's physical memory. */
  readonly memory_percent: number
  readonly num_threads: number
  /** Sum of each process's peak RSS (`VmHWM`); null where /proc is not available. */
  readonly hwm_mb: number | null
  readonly swap_mb: number | null
  /** Every pid counted in this sample, the root first. */
  readonly pids: ReadonlyArray<number>
}

export interface MemorySamplerService {
  /** Samples `rootPid` and its descendants; `None` when the root process has already exited. */
  readonly sample: (rootPid: number) => Effect.Effect<Option.Option<MemorySample>>
}

export class MemorySampler extends Context.Tag("xahaud-monitor/MemorySampler")<MemorySampler, MemorySamplerService>() {}
