import { spawn } from "node:child_process"
import type { ChildProcess } from "node:child_process"
import { readFileSync } from "node:fs"
import * as os from "node:os"
import { describe, expect, it, layer } from "@effect/vitest"
import { Duration, Effect, Option, Schedule } from "effect"
import type { Scope } from "effect"
import {
  MemorySampler,
  MemorySamplerLive,
  MemorySamplerPidusage,
  sampleProcessTree
} from "../src/Layers/MemorySampler.js"
import type { ProcSource } from "../src/Layers/MemorySampler.js"
import { descendantsOf, parseStatLine, parseStatus, ProcReadError } from "../src/Layers/ProcFs.js"
import type { ProcStatus } from "../src/Layers/ProcFs.js"

/** Fills 80 MiB so every page is resident, then idles until killed. */
const allocatingScript =
  "const buffer = Buffer.alloc(80 * 1024 * 1024, 1); console.log('ready'); setInterval(() => buffer[0], 60_000)"

const idleScript = "console.log('ready'); setInterval(() => {}, 60_000)"

const startupTimeout = Duration.seconds(15)
const zombiePolling = Schedule.spaced(Duration.millis(50))

const onLinux = process.platform === "linux"

describe("ProcFs parsers", () => {
  it("parseStatLine reads a real stat line", () => {
    const fields = parseStatLine(
      "4564 (cat) R 4559 4559 2900 0 -1 4194304 100 0 0 0 0 0 0 0 20 0 1 0 39717 3133440 359 18446744073709551615"
    )

    expect(fields).toEqual(Option.some({ pid: 4564, comm: "cat", state: "R", ppid: 4559 }))
  })

  it("parseStatLine keeps spaces and parentheses in comm", () => {
    const fields = parseStatLine("4242 (a) S 5 (b c) R 17 4242 4242 0 -1 4194560 120 0 0 0")

    expect(fields).toEqual(Option.some({ pid: 4242, comm: "a) S 5 (b c", state: "R", ppid: 17 }))
  })

  it("parseStatLine rejects malformed lines", () => {
    expect(parseStatLine("")).toEqual(Option.none())
    expect(parseStatLine("12 cat R 1")).toEqual(Option.none())
    expect(parseStatLine("12 (cat)")).toEqual(Option.none())
    expect(parseStatLine("x (cat) R 1")).toEqual(Option.none())
  })

  it("parseStatus reads sizes in kB and threads", () => {
    const status = parseStatus(
      [
        "Name:\tnode",
        "State:\tS (sleeping)",
        "VmSize:\t  1200000 kB",
        "VmHWM:\t    90000 kB",
        "VmRSS:\t    85000 kB",
        "VmSwap:\t      12 kB",
        "Threads:\t7",
        ""
      ].join("\n")
    )

    expect(status).toEqual({
      state: "S",
      rssKb: 85000,
      vmSizeKb: 1200000,
      hwmKb: 90000,
      swapKb: 12,
      threads: 7
    })
  })

  it("parseStatus of a zombie has no sizes", () => {
    const status = parseStatus("Name:\tsleep\nState:\tZ (zombie)\nThreads:\t1\n")

    expect(status.state).toBe("Z")
    expect(status.rssKb).toBe(0)
    expect(status.vmSizeKb).toBe(0)
    expect(status.hwmKb).toBeUndefined()
    expect(status.swapKb).toBeUndefined()
  })

  it("descendantsOf walks the tree root first", () => {
    const parents = new Map([
      [1, 0],
      [10, 1],
      [20, 10],
      [21, 10],
      [30, 20],
      [40, 1]
    ])

    expect(descendantsOf(10, parents)).toEqual([10, 20, 21, 30])
    expect(descendantsOf(40, parents)).toEqual([40])
    expect(descendantsOf(99, parents)).toEqual([99])
  })
})

describe("sampleProcessTree", () => {
  const status = (overrides: Partial<ProcStatus>): ProcStatus => ({
    state: "S",
    rssKb: 1024,
    vmSizeKb: 2048,
    hwmKb: 1024,
    swapKb: 0,
    threads: 2,
    ...overrides
  })

  const sourceOf = (statuses: ReadonlyMap<number, ProcStatus>, parents: ReadonlyMap<number, number>): ProcSource => ({
    readStatus: (pid) => Effect.succeed(Option.fromNullable(statuses.get(pid))),
    readParentTable: Effect.succeed(parents)
  })

  it.effect("skips vanished and zombie children", () =>
    Effect.gen(function* () {
      const statuses = new Map([
        [100, status({ rssKb: 1024 })],
        [101, status({ rssKb: 2048, swapKb: 512 })],
        [103, status({ state: "Z", rssKb: 0 })]
      ])
      // 102 is in the scan but gone when its status is read.
      const parents = new Map([
        [100, 1],
        [101, 100],
        [102, 100],
        [103, 101]
      ])

      const sample = yield* sampleProcessTree(100, sourceOf(statuses, parents))

      const value = Option.getOrThrow(sample)
      expect(value.pids).toEqual([100, 101])
      expect(value.rss_mb).toBe(3)
      expect(value.vms_mb).toBe(4)
      expect(value.swap_mb).toBe(0.5)
      expect(value.num_threads).toBe(4)
    })
  )

  it.effect("returns None for a missing or zombie root", () =>
    Effect.gen(function* () {
      const parents = new Map([[200, 1]])
      const zombie = new Map([[200, status({ state: "Z" })]])

      expect(yield* sampleProcessTree(200, sourceOf(new Map(), parents))).toEqual(Option.none())
      expect(yield* sampleProcessTree(200, sourceOf(zombie, parents))).toEqual(Option.none())
    })
  )

  it.effect("reports null hwm and swap when no process has them", () =>
    Effect.gen(function* () {
      const statuses = new Map([[300, status({ hwmKb: undefined, swapKb: undefined })]])

      const sample = yield* sampleProcessTree(300, sourceOf(statuses, new Map([[300, 1]])))

      const value = Option.getOrThrow(sample)
      expect(value.hwm_mb).toBeNull()
      expect(value.swap_mb).toBeNull()
    })
  )

  it.effect("fails on an unexpected read error", () =>
    Effect.gen(function* () {
      const failing: ProcSource = {
        readStatus: () => Effect.fail(new ProcReadError({ path: "/proc/1/status", cause: new Error("EACCES") })),
        readParentTable: Effect.succeed(new Map())
      }

      const error = yield* Effect.flip(sampleProcessTree(1, failing))

      expect(error._tag).toBe("ProcReadError")
      expect(error.message).toContain("/proc/1/status")
    })
  )
})

describe.skipIf(!onLinux)("MemorySamplerLive on Linux", () => {
  layer(MemorySamplerLive, { excludeTestServices: true })((it) => {
    it.scoped("samples a node child holding 80 MB", () =>
      Effect.gen(function* () {
        const child = yield* startProcess(process.execPath, ["-e", allocatingScript])
        yield* waitForOutput(child, "ready")
        const sampler = yield* MemorySampler

        const sample = Option.getOrThrow(yield* sampler.sample(child.pid!))

        expect(sample.pids).toEqual([child.pid])
        expect(sample.rss_mb).toBeGreaterThanOrEqual(70)
        expect(sample.vms_mb).toBeGreaterThanOrEqual(sample.rss_mb)
        expect(sample.hwm_mb).toBeGreaterThanOrEqual(70)
        expect(sample.swap_mb).not.toBeNull()
        expect(sample.num_threads).toBeGreaterThanOrEqual(1)
        const expectedPercent = ((sample.rss_mb * 1024 * 1024) / os.totalmem()) * 100
        expect(sample.memory_percent).toBeCloseTo(expectedPercent, 1)
      })
    )

    it.scoped("sums a wrapper script and its node child", () =>
      Effect.gen(function* () {
        const wrapper = yield* startProcess("sh", ["-c", '"$0" -e "$1" & wait', process.execPath, allocatingScript])
        yield* waitForOutput(wrapper, "ready")
        const sampler = yield* MemorySampler

        const sample = Option.getOrThrow(yield* sampler.sample(wrapper.pid!))

        expect(sample.pids).toHaveLength(2)
        expect(sample.pids[0]).toBe(wrapper.pid)
        const nodePid = sample.pids[1]!
        expect(parentOf(nodePid)).toBe(wrapper.pid)
        expect(sample.rss_mb).toBeGreaterThanOrEqual(70)
        expect(sample.num_threads).toBeGreaterThanOrEqual(2)
      })
    )

    it.scoped("returns None once the child is killed and reaped", () =>
      Effect.gen(function* () {
        const child = yield* startProcess(process.execPath, ["-e", idleScript])
        yield* waitForOutput(child, "ready")
        const sampler = yield* MemorySampler
        expect(Option.isSome(yield* sampler.sample(child.pid!))).toBe(true)

        child.kill("SIGKILL")
        yield* waitForExit(child)

        expect(yield* sampler.sample(child.pid!)).toEqual(Option.none())
      })
    )

    it.scoped("returns None for a zombie and skips zombie children", () =>
      Effect.gen(function* () {
        // The background sleep exits after the shell has exec'd into `sleep 1000`, which never reaps it.
        const parent = yield* startProcess("sh", ["-c", "sleep 0.3 & echo $!; exec sleep 1000"])
        const zombiePid = Number((yield* waitForOutput(parent, "\n")).trim())
        expect(Number.isInteger(zombiePid)).toBe(true)
        yield* waitForZombie(zombiePid)
        const sampler = yield* MemorySampler

        const zombieSample = yield* sampler.sample(zombiePid)
        const parentSample = yield* sampler.sample(parent.pid!)

        expect(zombieSample).toEqual(Option.none())
        expect(Option.getOrThrow(parentSample).pids).toEqual([parent.pid])
      })
    )
  })
})

layer(MemorySamplerPidusage, { excludeTestServices: true })("MemorySamplerPidusage", (it) => {
  it.scoped("samples the root RSS only", () =>
    Effect.gen(function* () {
      const child = yield* startProcess(process.execPath, ["-e", allocatingScript])
      yield* waitForOutput(child, "ready")
      const sampler = yield* MemorySampler

      const sample = Option.getOrThrow(yield* sampler.sample(child.pid!))

      expect(sample.pids).toEqual([child.pid])
      expect(sample.rss_mb).toBeGreaterThanOrEqual(70)
      expect(sample.hwm_mb).toBeNull()
      expect(sample.swap_mb).toBeNull()
    })
  )

  it.scoped("returns None for an exited pid", () =>
    Effect.gen(function* () {
      const child = yield* startProcess(process.execPath, ["-e", "console.log('ready')"])
      yield* waitForOutput(child, "ready")
      yield* waitForExit(child)
      const sampler = yield* MemorySampler

      expect(yield* sampler.sample(child.pid!)).toEqual(Option.none())
    })
  )
})

/** Starts a process in its own process group. Closing the scope kills the group and waits for the exit. */
const startProcess = (command: string, args: ReadonlyArray<string>): Effect.Effect<ChildProcess, never, Scope.Scope> =>
  Effect.acquireRelease(
    Effect.sync(() => spawn(command, args, { detached: true, stdio: ["ignore", "pipe", "inherit"] })),
    (child) =>
      Effect.gen(function* () {
        if (child.exitCode !== null || child.signalCode !== null) {
          return
        }
        yield* Effect.sync(() => killGroup(child.pid!))
        yield* waitForExit(child)
      })
  )

const killGroup = (pid: number): void => {
  try {
    process.kill(-pid, "SIGKILL")
  } catch {
    // The group is already gone.
  }
}

/** Waits until the child's stdout contains `text`, and returns the output read so far. */
const waitForOutput = (child: ChildProcess, text: string): Effect.Effect<string> =>
  Effect.async<string>((resume) => {
    let output = ""
    const onData = (chunk: Buffer) => {
      output += chunk.toString("utf8")
      if (output.includes(text)) {
        child.stdout!.off("data", onData)
        resume(Effect.succeed(output))
      }
    }
    child.stdout!.on("data", onData)
    return Effect.sync(() => child.stdout!.off("data", onData))
  }).pipe(
    Effect.timeoutFail({ duration: startupTimeout, onTimeout: () => new Error(`timed out waiting for "${text}"`) }),
    Effect.orDie
  )

const waitForExit = (child: ChildProcess): Effect.Effect<void> =>
  Effect.async<void>((resume) => {
    if (child.exitCode !== null || child.signalCode !== null) {
      resume(Effect.void)
      return
    }
    child.once("exit", () => resume(Effect.void))
  })

const waitForZombie = (pid: number): Effect.Effect<void> =>
  Effect.sync(() => stateOf(pid)).pipe(
    Effect.repeat({ schedule: zombiePolling, until: (state) => state === "Z" }),
    Effect.timeoutFail({
      duration: startupTimeout,
      onTimeout: () => new Error(`timed out waiting for process ${pid} to become a zombie`)
    }),
    Effect.orDie,
    Effect.asVoid
  )

const statFieldsOf = (pid: number) => parseStatLine(readFileSync(`/proc/${pid}/stat`, "utf8"))

const stateOf = (pid: number): string | undefined => Option.getOrUndefined(statFieldsOf(pid))?.state

const parentOf = (pid: number): number | undefined => Option.getOrUndefined(statFieldsOf(pid))?.ppid
