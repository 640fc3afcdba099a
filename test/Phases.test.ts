import { describe, expect, it } from "@effect/vitest"
import { Duration, Effect, Exit, Fiber, Ref, TestClock } from "effect"
import { monitor } from "../src/Programs/MonitoringPhase.js"
import { waitForSync } from "../src/Programs/SyncPhase.js"
import type { Handler } from "./services/ScriptedNode.js"
import { countsResult, makePhaseHarness, serverInfoWith } from "./services/ScriptedNode.js"

/** A `server_info` handler that walks through `replies`, repeating the last one. */
const serverInfoSequence = (replies: ReadonlyArray<readonly [string, string]>): Handler => {
  let next = 0
  return () => {
    const [state, ledgers] = replies[Math.min(next++, replies.length - 1)]!
    return Effect.succeed(serverInfoWith(state, ledgers))
  }
}

/** Lets forked fibers (the ledger consumer) run everything already queued for them. */
const settle = Effect.yieldNow().pipe(Effect.repeatN(50))

const syncSettings = { pollInterval: Duration.seconds(4), syncTimeout: Duration.seconds(30) }

const monitorSettings = {
  duration: Duration.seconds(20),
  sampleInterval: Duration.seconds(1),
  standalone: false,
  ledgerInterval: Duration.seconds(4)
}

const ok: Handler = () => Effect.succeed({})

/** Handlers of a synced node with the given `complete_ledgers`, plus `extra` handlers. */
const syncedNode = (completeLedgers: string, extra: Readonly<Record<string, Handler>> = {}) => ({
  server_info: serverInfoSequence([["full", completeLedgers]]),
  get_counts: () => Effect.succeed(countsResult),
  subscribe: ok,
  unsubscribe: ok,
  ...extra
})

type Harness = Effect.Effect.Success<ReturnType<typeof makePhaseHarness>>

const forkSync = (harness: Harness) =>
  waitForSync(harness.source, harness.target, syncSettings).pipe(Effect.provide(harness.layer), Effect.fork)

const forkMonitor = (harness: Harness, settings = monitorSettings) =>
  monitor(harness.source, harness.target, settings).pipe(Effect.provide(harness.layer), Effect.fork)

describe("sync phase", () => {
  it.scoped("polls until complete ledgers appear", () =>
    Effect.gen(function* () {
      const harness = yield* makePhaseHarness({
        server_info: serverInfoSequence([["connected", "empty"], ["full", "empty"], ["full", "2-5"]]),
        get_counts: () => Effect.succeed(countsResult)
      })
      const fiber = yield* forkSync(harness)
      yield* TestClock.adjust("8 seconds")
      yield* Fiber.join(fiber)

      const polls = harness.calls.filter((call) => call.command === "server_info")
      expect(polls.map((call) => call.at)).toEqual([0, 4000, 8000])
      const snapshots = harness.files.snapshots.get("xahaud-a")!
      expect(snapshots.map((snapshot) => snapshot.kind)).toEqual(["poll", "poll", "poll"])
      expect(snapshots.map((snapshot) => snapshot.complete_ledgers)).toEqual(["empty", "empty", "2-5"])
      expect(snapshots.map((snapshot) => snapshot.ledger_count)).toEqual([0, 0, 4])
      expect(snapshots[1]!.server_state).toBe("full")
      expect(snapshots[2]!.counts).toEqual(countsResult)
    }))

  it.scoped("never syncs on server_state alone", () =>
    Effect.gen(function* () {
      const harness = yield* makePhaseHarness({ server_info: serverInfoSequence([["full", "empty"]]) })
      const fiber = yield* forkSync(harness)
      yield* TestClock.adjust("29 seconds")
      expect(fiber.unsafePoll()).toBeNull()

      yield* TestClock.adjust("1 second")
      const exit = yield* Fiber.await(fiber)
      expect(Exit.isFailure(exit)).toBe(true)
      const error = yield* Effect.flip(Fiber.join(fiber))
      expect(error._tag).toBe("SyncTimedOut")
      expect(error.message).toContain("server_state: full")
      expect(error.message).toContain("complete_ledgers: empty")
    }))

  it.scoped("treats malformed complete_ledgers as not synced", () =>
    Effect.gen(function* () {
      const harness = yield* makePhaseHarness({
        server_info: serverInfoSequence([["full", "5-x"], ["full", "7"]])
      })
      const fiber = yield* forkSync(harness)
      yield* TestClock.adjust("4 seconds")
      yield* Fiber.join(fiber)

      const snapshots = harness.files.snapshots.get("xahaud-a")!
      expect(snapshots.map((snapshot) => snapshot.ledger_count)).toEqual([null, 1])
    }))

  it.scoped("keeps polling when server_info fails", () =>
    Effect.gen(function* () {
      let replies = 0
      const harness = yield* makePhaseHarness({
        server_info: () => (++replies < 3 ? Effect.succeed({ unexpected: true }) : Effect.succeed(serverInfoWith("full", "2")))
      })
      const fiber = yield* forkSync(harness)
      yield* TestClock.adjust("8 seconds")
      yield* Fiber.join(fiber)
      expect(replies).toBe(3)
    }))
})

describe("monitoring phase", () => {
  it.scoped("snapshots every ledger once and records gaps", () =>
    Effect.gen(function* () {
      const harness = yield* makePhaseHarness(syncedNode("2-10"))
      harness.recorder.setCompleteLedgers("2-10")
      const fiber = yield* forkMonitor(harness)
      yield* TestClock.adjust("1 second")
      yield* harness.closeLedger(11, 2)
      yield* settle
      yield* Ref.set(harness.rss, 150)
      yield* harness.closeLedger(12, 3)
      yield* harness.closeLedger(12, 3)
      yield* harness.closeLedger(15, 1)
      yield* TestClock.adjust("19 seconds")
      yield* Fiber.join(fiber)

      const snapshots = harness.files.snapshots.get("xahaud-a")!
      const ledgers = snapshots.filter((snapshot) => snapshot.kind === "ledger")
      expect(ledgers.map((snapshot) => snapshot.ledger_index)).toEqual([11, 12, 15])
      expect(ledgers.map((snapshot) => snapshot.cumulative_transactions)).toEqual([2, 5, 6])
      expect(ledgers[0]!.rss_mb).toBe(100)
      expect(ledgers[1]!.rss_mb).toBe(150)
      expect(ledgers[2]!.complete_ledgers).toBe("2-15")

      const result = harness.recorder.toResult(20_000, { stdout: [], stderr: [] })
      expect(result.total_ledgers).toBe(3)
      expect(result.total_transactions).toBe(6)
      expect(result.ledger_gaps).toEqual([
        { first_missing: 13, last_missing: 14, count: 2, detected_at: new Date(1000).toISOString() }
      ])
      expect(harness.calls.filter((call) => call.command === "subscribe")[0]!.params).toEqual({ streams: ["ledger"] })
      expect(harness.calls.at(-1)!.command).toBe("unsubscribe")
    }))

  it.scoped("samples memory between ledgers for the duration", () =>
    Effect.gen(function* () {
      const harness = yield* makePhaseHarness(syncedNode("2-10"))
      const fiber = yield* forkMonitor(harness)
      yield* TestClock.adjust("10 seconds")
      expect(fiber.unsafePoll()).toBeNull()
      yield* TestClock.adjust("10 seconds")
      yield* Fiber.join(fiber)

      const samples = harness.files.snapshots.get("xahaud-a")!.filter((snapshot) => snapshot.kind === "sample")
      // One at sync, then one per second until the 20 s duration ends.
      expect(samples.length).toBeGreaterThanOrEqual(20)
      expect(samples.length).toBeLessThanOrEqual(21)
      expect(samples.every((snapshot) => snapshot.counts === null)).toBe(true)
      expect(samples.every((snapshot) => snapshot.phase === "monitoring")).toBe(true)
    }))

  it.scoped("closes standalone ledgers every interval", () =>
    Effect.gen(function* () {
      const harness = yield* makePhaseHarness(
        syncedNode("2", { ledger_accept: () => Effect.succeed({ ledger_current_index: 4 }) })
      )
      const fiber = yield* forkMonitor(harness, { ...monitorSettings, standalone: true })
      yield* TestClock.adjust("19 seconds")
      const accepts = harness.calls.filter((call) => call.command === "ledger_accept")
      expect(accepts.map((call) => call.at)).toEqual([4000, 8000, 12000, 16000])
      yield* TestClock.adjust("1 second")
      yield* Fiber.join(fiber)
    }))

  it.scoped("does not close ledgers in network mode", () =>
    Effect.gen(function* () {
      const harness = yield* makePhaseHarness(syncedNode("2"))
      const fiber = yield* forkMonitor(harness)
      yield* TestClock.adjust("20 seconds")
      yield* Fiber.join(fiber)
      expect(harness.calls.some((call) => call.command === "ledger_accept")).toBe(false)
    }))

  it.scoped("asks catalogue_status once when unknown", () =>
    Effect.gen(function* () {
      const harness = yield* makePhaseHarness(syncedNode("2-10"))
      const fiber = yield* forkMonitor(harness)
      yield* TestClock.adjust("20 seconds")
      yield* Fiber.join(fiber)

      expect(harness.calls.filter((call) => call.command === "catalogue_status")).toHaveLength(1)
      expect(harness.calls.filter((call) => call.command === "get_counts").length).toBeGreaterThanOrEqual(9)
      expect(harness.recorder.catalogueStatus).toBeNull()
    }))

  it.scoped("keeps catalogue status where supported", () =>
    Effect.gen(function* () {
      const harness = yield* makePhaseHarness(
        syncedNode("2-10", { catalogue_status: () => Effect.succeed({ job_status: "no_job_running" }) })
      )
      const fiber = yield* forkMonitor(harness)
      yield* TestClock.adjust("20 seconds")
      yield* Fiber.join(fiber)

      expect(harness.calls.filter((call) => call.command === "catalogue_status").length).toBeGreaterThan(1)
      expect(harness.recorder.catalogueStatus).toEqual({ job_status: "no_job_running" })
    }))

  it.scoped("records lost and regained sync", () =>
    Effect.gen(function* () {
      const harness = yield* makePhaseHarness(
        syncedNode("2-10", { server_info: serverInfoSequence([["full", "2-10"], ["connected", "empty"], ["full", "2-12"]]) })
      )
      harness.recorder.setCompleteLedgers("2-10")
      const fiber = yield* forkMonitor(harness)
      yield* TestClock.adjust("20 seconds")
      yield* Fiber.join(fiber)

      const result = harness.recorder.toResult(20_000, { stdout: [], stderr: [] })
      expect(result.events.map((event) => event.type)).toEqual(["synced", "lost_sync", "regained_sync"])
      expect(result.events[1]!.time).toBe(new Date(2000).toISOString())
    }))
})
