import * as os from "node:os"
import { Context, Effect, Layer, Option, Ref } from "effect"
import pidusage from "pidusage"
import * as ProcFs from "./ProcFs.js"

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

/** The /proc reads that one Linux sample makes. Tests pass their own to simulate processes that vanish. */
export interface ProcSource {
  readonly readStatus: (pid: number) => Effect.Effect<Option.Option<ProcFs.ProcStatus>, ProcFs.ProcReadError>
  readonly readParentTable: Effect.Effect<ReadonlyMap<number, number>, ProcFs.ProcReadError>
}

export const liveProcSource: ProcSource = {
  readStatus: ProcFs.readStatus,
  readParentTable: ProcFs.readParentTable
}

/**
 * Samples `rootPid` and its descendants from /proc. Returns `None` when the root has exited or is a zombie.
 * A descendant that exits between the tree scan and its status read, or is a zombie, is left out.
 */
export const sampleProcessTree = (
  rootPid: number,
  source: ProcSource
): Effect.Effect<Option.Option<MemorySample>, ProcFs.ProcReadError> =>
  Effect.gen(function* () {
    const rootStatus = yield* source.readStatus(rootPid)
    if (Option.isNone(rootStatus) || isZombie(rootStatus.value)) {
      return Option.none()
    }

    const parents = yield* source.readParentTable
    const counted: Array<{ readonly pid: number; readonly status: ProcFs.ProcStatus }> = [
      { pid: rootPid, status: rootStatus.value }
    ]
    for (const pid of descendantsBelow(rootPid, parents)) {
      const status = yield* source.readStatus(pid)
      if (Option.isSome(status) && !isZombie(status.value)) {
        counted.push({ pid, status: status.value })
      }
    }

    return Option.some(summarize(counted, os.totalmem()))
  })

/** Samples the root pid only, with pidusage. Any pidusage failure, such as an exited pid, gives `None`. */
export const samplePidusage = (rootPid: number): Effect.Effect<Option.Option<MemorySample>> =>
  Effect.tryPromise(() => pidusage(rootPid)).pipe(
    Effect.map((stat) => {
      const rssBytes = stat.memory
      // NOTE: pidusage reports only RSS, so outside Linux the descendants of a wrapper script are not counted,
      // vms_mb and num_threads are 0, and hwm_mb and swap_mb are null.
      return Option.some<MemorySample>({
        rss_mb: round2(rssBytes / MIB),
        vms_mb: 0,
        memory_percent: round2((rssBytes / os.totalmem()) * 100),
        num_threads: 0,
        hwm_mb: null,
        swap_mb: null,
        pids: [rootPid]
      })
    }),
    Effect.orElseSucceed(() => Option.none())
  )

/**
 * Samples the root pid and its descendants from /proc. A /proc read that fails for a reason other than the process
 * exiting gives `None` and is logged once per layer, so a broken /proc does not log a line per sample.
 */
export const MemorySamplerProcFs: Layer.Layer<MemorySampler> = Layer.effect(
  MemorySampler,
  Effect.gen(function* () {
    const warned = yield* Ref.make(false)
    const warnOnce = (rootPid: number, error: ProcFs.ProcReadError) =>
      Effect.gen(function* () {
        const alreadyWarned = yield* Ref.getAndSet(warned, true)
        if (!alreadyWarned) {
          yield* Effect.logWarning("memory sampling failed, later failures are not logged").pipe(
            Effect.annotateLogs({ pid: rootPid, error: error.message })
          )
        }
      })

    return MemorySampler.of({
      sample: (rootPid) =>
        sampleProcessTree(rootPid, liveProcSource).pipe(
          Effect.catchTag("ProcReadError", (error) => warnOnce(rootPid, error).pipe(Effect.as(Option.none())))
        )
    })
  })
)

/** Samples the root pid with pidusage. Closing the scope clears pidusage's cached file descriptors. */
export const MemorySamplerPidusage: Layer.Layer<MemorySampler> = Layer.scoped(
  MemorySampler,
  Effect.gen(function* () {
    yield* Effect.addFinalizer(() => Effect.sync(() => pidusage.clear()))
    return MemorySampler.of({ sample: samplePidusage })
  })
)

/**
 * Uses /proc on Linux, which covers the root and its descendants, and pidusage elsewhere, which covers the root only.
 */
export const MemorySamplerLive: Layer.Layer<MemorySampler> =
  process.platform === "linux" ? MemorySamplerProcFs : MemorySamplerPidusage

const MIB = 1024 * 1024

const isZombie = (status: ProcFs.ProcStatus): boolean => status.state === "Z"

const descendantsBelow = (rootPid: number, parents: ReadonlyMap<number, number>): ReadonlyArray<number> =>
  ProcFs.descendantsOf(rootPid, parents).slice(1)

const summarize = (
  counted: ReadonlyArray<{ readonly pid: number; readonly status: ProcFs.ProcStatus }>,
  totalMemoryBytes: number
): MemorySample => {
  const statuses = counted.map((entry) => entry.status)
  const rssKb = sum(statuses.map((status) => status.rssKb))
  return {
    rss_mb: kbToMib(rssKb),
    vms_mb: kbToMib(sum(statuses.map((status) => status.vmSizeKb))),
    memory_percent: round2(((rssKb * 1024) / totalMemoryBytes) * 100),
    num_threads: sum(statuses.map((status) => status.threads)),
    hwm_mb: sumReported(statuses.map((status) => status.hwmKb)),
    swap_mb: sumReported(statuses.map((status) => status.swapKb)),
    pids: counted.map((entry) => entry.pid)
  }
}

/** Sums the reported values in MiB, or returns null when no process reported the field. */
const sumReported = (values: ReadonlyArray<number | undefined>): number | null => {
  const reported = values.filter((value): value is number => value !== undefined)
  return reported.length === 0 ? null : kbToMib(sum(reported))
}

const sum = (values: ReadonlyArray<number>): number => values.reduce((total, value) => total + value, 0)

const kbToMib = (kb: number): number => round2(kb / 1024)

const round2 = (value: number): number => Math.round(value * 100) / 100
