import { describe, expect, it } from "@effect/vitest"
import { Effect, Fiber } from "effect"
import { makeRunState, RunEvent, RunState } from "../src/Layers/RunState.js"
import { formatClock } from "../src/Ui/Format.js"
import { initialPrinterState, plainLines, runPlainPrinter } from "../src/Ui/PlainPrinter.js"
import { makeCapturingConsole } from "./fixtures/ui/CapturingConsole.js"
import {
  ledgerSnapshot,
  memorySample,
  MONITORING_ENDS_AT,
  runningEvents,
  SYNCED_AT,
  summaryLine,
  T0
} from "./fixtures/ui/RunEvents.js"

/** Publishes a probe warning until the printer has printed it, so no later event can be missed. */
describe("runPlainPrinter", () => {
  it.scoped("prints events, then the summary", () =>
    Effect.gen(function* () {
      const runState = yield* makeRunState
      const capture = makeCapturingConsole()
      // Subscribing before anything is published guarantees that the printer receives the first event.
      const events = yield* runState.subscribe
      const printer = yield* runPlainPrinter(events).pipe(
        Effect.provideService(RunState, runState),
        Effect.withConsole(capture.console),
        Effect.fork
      )

      for (const event of runningEvents()) yield* runState.publish(event)
      yield* runState.publish(
        RunEvent.BinaryFinished({
          index: 0,
          status: "crashed",
          summary: summaryLine({ status: "crashed", error_message: "exited with code 1" })
        })
      )
      yield* runState.publish(RunEvent.RunFinished({ at: MONITORING_ENDS_AT, interrupted: false }))
      yield* Fiber.join(printer)

      const lines = capture.lines()
      expect(lines[0]).toMatch(/^\d\d:\d\d:\d\d run 20261204-152500 dir=results\/20261204-152500 binaries=2$/)
      expect(lines.slice(1, 8)).toEqual([
        `${formatClock(T0)} start 1/2 xahaud-a pid=4242`,
        `${formatClock(T0 + 500)} phase xahaud-a syncing`,
        `${formatClock(SYNCED_AT)} synced xahaud-a complete_ledgers=2-7 `
          + `monitoring_until=${formatClock(MONITORING_ENDS_AT)}`,
        `${formatClock(SYNCED_AT)} phase xahaud-a monitoring`,
        `${formatClock(SYNCED_AT + 6000)} ledger xahaud-a index=8 txns=3 rss_mb=512.3 since_sync_mb=+12.3`,
        `${formatClock(SYNCED_AT + 7000)} WARN ledger gap [/x] 9 to 9`,
        `${formatClock(SYNCED_AT + 8000)} ERROR request failed:\\nget_counts timed out`
      ])
      expect(lines[8]).toMatch(/^\d\d:\d\d:\d\d end 1\/2 xahaud-a status=crashed reason=exited with code 1$/)
      expect(lines[9]).toBe(`${formatClock(MONITORING_ENDS_AT)} finished run=20261204-152500 interrupted=false`)
      expect(lines[10]).toBe("")
      expect(lines[11]).toMatch(/^binary\s+status\s+sync time/)
      expect(lines[13]?.split(/\s{2,}/)).toEqual([
        "xahaud-a", "crashed", "10.0s", "61", "900.0 MB", "520.0 MB", "+12.5 MB/h", "1.00x", "1.00x"
      ])
      expect(lines[15]).toBe("xahaud-a: crashed: exited with code 1")
      expect(lines.join("\n")).not.toContain("INFO")
      expect(lines.join("\n")).not.toContain("NodeObject:ERR")
    })
  )
})

describe("plainLines", () => {
  it("numbers binaries i/N", () => {
    const started = plainLines(
      initialPrinterState,
      RunEvent.RunStarted({ runId: "r", runDir: "d", binaries: ["a", "b", "c"] }),
      T0
    ).state
    const second = plainLines(started, RunEvent.BinaryStarted({ index: 1, name: "b", pid: 7, at: T0 }), T0)
    expect(second.lines).toEqual([`${formatClock(T0)} start 2/3 b pid=7`])
  })

  it("names the finished binary during cooldown", () => {
    const started = plainLines(initialPrinterState, RunEvent.BinaryStarted({ index: 0, name: "a", pid: 7, at: T0 }), T0)
    const finished = plainLines(
      started.state,
      RunEvent.BinaryFinished({ index: 0, status: "completed", summary: summaryLine({ binary_name: "a" }) }),
      T0
    )
    const cooldown = plainLines(finished.state, RunEvent.PhaseChanged({ phase: "cooldown", at: T0 }), T0)
    expect(finished.lines).toEqual([`${formatClock(T0)} end 1/1 a status=completed`])
    expect(cooldown.lines).toEqual([`${formatClock(T0)} phase a cooldown`])
  })

  it("prints a dash before sync", () => {
    const { lines } = plainLines(
      { ...initialPrinterState, current: "a" },
      RunEvent.SnapshotTaken({ snapshot: ledgerSnapshot(5, 99.96, T0), rssAtSync: null }),
      T0
    )
    expect(lines).toEqual([`${formatClock(T0)} ledger a index=5 txns=3 rss_mb=100.0 since_sync_mb=-`])
  })

  it("signs a memory drop", () => {
    const { lines } = plainLines(
      { ...initialPrinterState, current: "a" },
      RunEvent.SnapshotTaken({ snapshot: ledgerSnapshot(5, 480, T0), rssAtSync: 500.04 }),
      T0
    )
    expect(lines[0]).toMatch(/since_sync_mb=-20\.0$/)
  })

  it("skips quiet events", () => {
    const quiet = [
      RunEvent.MemorySampled({ at: T0, sample: memorySample(1) }),
      RunEvent.SnapshotTaken({ snapshot: { ...ledgerSnapshot(5, 1, T0), kind: "poll" }, rssAtSync: null }),
      RunEvent.NodeOutput({ lines: [{ stream: "stderr", text: "x:ERR y", receivedAt: T0 }] }),
      RunEvent.Logged({ line: { level: "INFO", message: "m", at: T0 } }),
      RunEvent.Logged({ line: { level: "DEBUG", message: "m", at: T0 } })
    ]
    for (const event of quiet) {
      expect(plainLines(initialPrinterState, event, T0).lines).toEqual([])
    }
  })
})
