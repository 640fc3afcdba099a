import { mkdtemp, readdir, readFile, rm } from "node:fs/promises"
import { tmpdir } from "node:os"
import * as path from "node:path"
import { describe, expect, it } from "@effect/vitest"
import { Effect, Fiber, Option } from "effect"
import { render } from "ink-testing-library"
import { createElement } from "react"
import { afterEach, vi } from "vitest"
import { makeRunState, reduce, RunEvent, RunState } from "../src/Layers/RunState.js"
import type { RunView } from "../src/Layers/RunState.js"
import type { DashboardActions } from "../src/Ui/Dashboard/App.js"
import { Dashboard } from "../src/Ui/Dashboard/App.js"
import { runDashboardOn } from "../src/Ui/Dashboard.js"
import { saveLogPane } from "../src/Ui/SaveLog.js"
import { makeCapturingConsole } from "./fixtures/ui/CapturingConsole.js"
import { makeFakeTerminal } from "./fixtures/ui/FakeTerminal.js"
import {
  MONITORING_ENDS_AT,
  nodeLine,
  NOW,
  RUN_ID,
  runningEvents,
  summaryLine,
  viewOf
} from "./fixtures/ui/RunEvents.js"

const UP_ARROW = "\u001B[A"
const CTRL_C = "\u0003"

interface Recorded {
  readonly calls: Array<string>
  readonly actions: DashboardActions
}

const recordingActions = (): Recorded => {
  const calls: Array<string> = []
  return {
    calls,
    actions: {
      quit: () => void calls.push("quit"),
      skip: () => void calls.push("skip"),
      clearLogs: () => void calls.push("clearLogs"),
      saveLog: async (pane) => {
        calls.push(`saveLog ${pane}`)
        return `saved /tmp/${pane}.log`
      }
    }
  }
}

const mount = (view: RunView) => {
  const recorded = recordingActions()
    // ink-testing-library's stdout is 100 columns wide.
  const props = { view, now: NOW, columns: 100, rows: 40, actions: recorded.actions }
  const screen = render(createElement(Dashboard, props))
  return {
    ...recorded,
    screen,
    rerender: (next: RunView) => screen.rerender(createElement(Dashboard, { ...props, view: next })),
    frame: () => screen.lastFrame() ?? ""
  }
}

const mounted: Array<{ readonly screen: { readonly unmount: () => void } }> = []
afterEach(() => {
  for (const app of mounted.splice(0)) app.screen.unmount()
})

describe("Dashboard keys", () => {
  it("space freezes the log panes", async () => {
    const view = viewOf(runningEvents())
    const app = mount(view)
    mounted.push(app)
    await vi.waitFor(() => expect(app.frame()).toContain("4 node output"))

    app.screen.stdin.write(" ")
    await vi.waitFor(() => expect(app.frame()).toContain("4 node output · paused"))

    const next = reduce(view, nodeLine("stdout", "arrived while paused", NOW))
    app.rerender(next)
    expect(next.nodeLog.toArray().at(-1)?.text).toBe("arrived while paused")
    await new Promise((resolve) => setTimeout(resolve, 50))
    expect(app.frame()).not.toContain("arrived while paused")

    app.screen.stdin.write(" ")
    await vi.waitFor(() => expect(app.frame()).toContain("arrived while paused"))
    expect(app.frame()).not.toContain("· paused")
  })

  it("w cycles the graph window", async () => {
    const app = mount(viewOf(runningEvents()))
    mounted.push(app)
    await vi.waitFor(() => expect(app.frame()).toContain("window all"))
    for (const label of ["1m", "5m", "15m", "1h", "all"]) {
      app.screen.stdin.write("w")
      await vi.waitFor(() => expect(app.frame()).toContain(`window ${label}`))
    }
  })

  it("y saves the focused pane", async () => {
    const app = mount(viewOf(runningEvents()))
    mounted.push(app)
    app.screen.stdin.write("y")
    await vi.waitFor(() => expect(app.frame()).toContain("saved /tmp/nodeLog.log"))
    app.screen.stdin.write("3")
    app.screen.stdin.write("y")
    await vi.waitFor(() => expect(app.frame()).toContain("saved /tmp/monitorLog.log"))
    app.screen.stdin.write("1")
    app.screen.stdin.write("y")
    await vi.waitFor(() => expect(app.frame()).toContain("focus a log pane (3 or 4) to save it"))
    expect(app.calls).toEqual(["saveLog nodeLog", "saveLog monitorLog"])
  })

  it("q, Ctrl-C, s and c reach the run", async () => {
    const app = mount(viewOf(runningEvents()))
    mounted.push(app)
    for (const key of ["s", "c", "q", CTRL_C]) app.screen.stdin.write(key)
    await vi.waitFor(() => expect(app.calls).toEqual(["skip", "clearLogs", "quit", "quit"]))
    await vi.waitFor(() => expect(app.frame()).toContain("stopping"))
  })

  it("focus keys and scrolling", async () => {
    const extra = Array.from({ length: 40 }, (_, i) => nodeLine("stderr", `filler ${i}`, NOW))
    const app = mount(viewOf([...runningEvents(), ...extra]))
    mounted.push(app)
    app.screen.stdin.write("2")
    await vi.waitFor(() => expect(app.frame()).not.toContain("press 2 to widen"))
    app.screen.stdin.write("\t")
    app.screen.stdin.write("\t")
    app.screen.stdin.write(UP_ARROW)
    await vi.waitFor(() => expect(app.frame()).toContain("4 node output · paused, 1 lines back"))
    expect(app.frame()).toContain("filler 38")
    expect(app.frame()).not.toContain("filler 39")
  })
})

describe("runDashboardOn", () => {
  let runDir = ""
  afterEach(async () => {
    if (runDir !== "") await rm(runDir, { recursive: true, force: true })
    runDir = ""
  })

  it.live("draws, saves, quits and prints summary", () =>
    Effect.gen(function* () {
      runDir = yield* Effect.promise(() => mkdtemp(path.join(tmpdir(), "ui-dashboard-")))
      const runState = yield* makeRunState
      const terminal = makeFakeTerminal(120, 40)
      const capture = makeCapturingConsole()
      for (const event of runningEvents()) {
        yield* runState.publish(event._tag === "RunStarted" ? { ...event, runDir } : event)
      }

      const dashboard = yield* runDashboardOn(terminal).pipe(
        Effect.provideService(RunState, runState),
        Effect.withConsole(capture.console),
        Effect.fork
      )
      yield* waitUntil(() => terminal.fakeStdin.isRaw)
      expect(terminal.fakeStdout.output).toContain("\u001B[?1049h")

      terminal.fakeStdin.press("y")
      const saved = yield* waitForFile(runDir, /^node-output-\d{6}\.log$/)
      const text = yield* Effect.promise(() => readFile(path.join(runDir, saved), "utf8"))
      expect(text).toMatch(/Z stdout \[stdout\] printed by the node \[\/x\] as is\n/)
      expect(text).toMatch(/Z stderr 2026-Dec-04 15:25:05\.\d+ UTC Application:WRN \[import_vl_keys\]/)

      terminal.fakeStdin.press("q")
      const quit = yield* runState.awaitQuit.pipe(Effect.timeout("5 seconds"), Effect.option)
      expect(Option.isSome(quit)).toBe(true)
      terminal.fakeStdin.press("q")
      yield* waitUntil(() => terminal.quitAgainCalls.count === 1)

      const summary = summaryLine({ status: "interrupted" })
      yield* runState.publish(RunEvent.BinaryFinished({ index: 0, status: "interrupted", summary }))
      yield* runState.publish(RunEvent.RunFinished({ at: MONITORING_ENDS_AT, interrupted: true }))
      yield* Fiber.join(dashboard)

      expect(terminal.fakeStdin.isRaw).toBe(false)
      expect(terminal.fakeStdout.output).toContain("binary 1/2 xahaud-a")
      expect(terminal.fakeStdout.output.endsWith("\u001B[?1049l")).toBe(true)
      const lines = capture.lines()
      const saveLogLine = /message="saved log pane" path=.*node-output-\d{6}\.log pane=nodeLog/
      expect(lines.some((line) => saveLogLine.test(line))).toBe(true)
      const table = lines.findIndex((line) => /^binary\s+status/.test(line))
      expect(table).toBeGreaterThanOrEqual(0)
      expect(lines[table + 2]).toMatch(/^xahaud-a\s+interrupted\s+10\.0s/)
    })
  )

  it.live("restores terminal when interrupted", () =>
    Effect.gen(function* () {
      const runState = yield* makeRunState
      const terminal = makeFakeTerminal(100, 30)
      const capture = makeCapturingConsole()
      for (const event of runningEvents()) yield* runState.publish(event)

      const dashboard = yield* runDashboardOn(terminal).pipe(
        Effect.provideService(RunState, runState),
        Effect.withConsole(capture.console),
        Effect.fork
      )
      yield* waitUntil(() => terminal.fakeStdin.isRaw)
      yield* Fiber.interrupt(dashboard)

      expect(terminal.fakeStdin.isRaw).toBe(false)
      expect(terminal.fakeStdout.output.endsWith("\u001B[?1049l")).toBe(true)
      expect(capture.lines()).toEqual(["No binary finished."])
    })
  )
})

describe("saveLogPane", () => {
  it.live("keeps earlier saves", () =>
    Effect.gen(function* () {
      const dir = yield* Effect.promise(() => mkdtemp(path.join(tmpdir(), "ui-save-")))
      const started = RunEvent.RunStarted({ runId: RUN_ID, runDir: dir, binaries: ["a"] })
      const view = viewOf([started, ...runningEvents().slice(1)])
      const first = yield* saveLogPane("monitorLog", view, NOW)
      const second = yield* saveLogPane("monitorLog", view, NOW)
      const files = yield* Effect.promise(() => readdir(dir))
      yield* Effect.promise(() => rm(dir, { recursive: true, force: true }))

      expect(path.basename(first)).toMatch(/^monitor-log-\d{6}\.log$/)
      expect(second).toBe(first.replace(/\.log$/, "-2.log"))
      expect(files.sort()).toEqual([path.basename(first), path.basename(second)].sort())
    })
  )

  it.live("reports a missing directory", () =>
    Effect.gen(function* () {
      const started = RunEvent.RunStarted({ runId: RUN_ID, runDir: "/nonexistent/ui-test", binaries: ["a"] })
      const error = yield* saveLogPane("nodeLog", viewOf([started]), NOW).pipe(Effect.flip)
      expect(error._tag).toBe("LogSaveError")
      expect(error.message).toMatch(/^failed to write \/nonexistent\/ui-test\/node-output-\d{6}\.log: ENOENT/)
    })
  )
})

/** Polls `condition` every 10 ms for up to 10 s. */
const waitUntil = (condition: () => boolean) =>
  Effect.gen(function* () {
    for (let attempt = 0; attempt < 1000 && !condition(); attempt++) yield* Effect.sleep("10 millis")
    expect(condition()).toBe(true)
  })

const waitForFile = (dir: string, pattern: RegExp) =>
  Effect.gen(function* () {
    let found: string | undefined
    yield* waitUntil(() => found !== undefined).pipe(
      Effect.race(
        Effect.gen(function* () {
          for (;;) {
            const files = yield* Effect.promise(() => readdir(dir))
            found = files.find((file) => pattern.test(file))
            if (found !== undefined) return
            yield* Effect.sleep("10 millis")
          }
        })
      )
    )
    return found ?? ""
  })
