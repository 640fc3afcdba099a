/**
 * The live terminal dashboard. Effect owns the timing: a loop reads the run view ten times a second and hands
 * it to Ink only when something changed, so a flood of events costs one redraw per frame. Ink 6.8 needs
 * about 3 to 4 µs per screen cell to draw a frame, so the loop also waits after each frame until drawing has
 * used at most `DRAW_BUDGET` of the elapsed time.
 */
import { Clock, Console, Effect, Runtime, Schedule } from "effect"
import { RunState } from "../Layers/RunState.js"
import type { RunStateService } from "../Layers/RunState.js"
import type { DashboardActions } from "./Dashboard/App.js"
import type { MountedDashboard } from "./Dashboard/Mount.js"
import { finishedSummaries } from "./PlainPrinter.js"
import { saveLogPane } from "./SaveLog.js"
import { formatSummaryTable } from "./SummaryTable.js"

export { shouldUseDashboard } from "./OutputMode.js"

/** The streams the dashboard draws on and reads keys from; tests pass fakes. */
export interface DashboardTerminal {
  readonly stdout: NodeJS.WriteStream
  readonly stdin: NodeJS.ReadStream
  readonly stderr: NodeJS.WriteStream
  /**
   * Called when quit is pressed again while the run is still stopping. The process terminal sends SIGINT to
   * the monitor itself, because in raw mode Ctrl-C arrives as a key. The entry point counts that signal as the
   * second request after `q`, so it kills every node at once.
   */
  readonly onQuitAgain: () => void
}

/**
 * Shows the dashboard on the process terminal until the run publishes `RunFinished` or this effect is
 * interrupted, then restores the terminal and prints the summary table.
 */
export const runDashboard: Effect.Effect<void, never, RunState> = Effect.suspend(() =>
  runDashboardOn({
    stdout: process.stdout,
    stdin: process.stdin,
    stderr: process.stderr,
    onQuitAgain: () => process.kill(process.pid, "SIGINT")
  })
)

/**
 * Shows the dashboard on `terminal`. Mounting and unmounting are an acquire/release pair, so an interrupt
 * or a defect still unmounts Ink, leaves the alternate screen and turns raw mode off. The summary table is
 * printed in every case.
 */
export const runDashboardOn = (terminal: DashboardTerminal): Effect.Effect<void, never, RunState> =>
  Effect.gen(function* () {
    const runState = yield* RunState
    const runtime = yield* Effect.runtime<never>()
    const actions = makeActions(runState, runtime, terminal)
    const { mountDashboard } = yield* loadInk

    const mount = Effect.gen(function* () {
      const now = yield* Clock.currentTimeMillis
      const options = { ...terminal, view: runState.unsafeView, actions, colors: supportsColor(terminal.stdout) }
      terminal.stdout.write(ENTER_ALTERNATE_SCREEN)
      try {
        return mountDashboard(options, now)
      } catch (error) {
        terminal.stdout.write(LEAVE_ALTERNATE_SCREEN)
        throw error
      }
    })

    const unmount = (dashboard: MountedDashboard) =>
      Effect.sync(() => {
        try {
          dashboard.unmount()
        } finally {
          if (terminal.stdin.isTTY && terminal.stdin.isRaw) terminal.stdin.setRawMode(false)
          terminal.stdout.write(LEAVE_ALTERNATE_SCREEN)
        }
      })

    yield* Effect.scoped(
      Effect.gen(function* () {
        const dashboard = yield* Effect.acquireRelease(mount, unmount)
        let drawn = frameKey(runState.unsafeView().version, yield* Clock.currentTimeMillis, terminal)
        let nextDrawAt = 0

        const frame = Effect.gen(function* () {
          const now = yield* Clock.currentTimeMillis
          const view = runState.unsafeView()
          const key = frameKey(view.version, now, terminal)
          if (key !== drawn && now >= nextDrawAt) {
            dashboard.draw(now)
            const took = (yield* Clock.currentTimeMillis) - now
            nextDrawAt = now + took / DRAW_BUDGET
            drawn = key
          }
          return view.finished
        })
        yield* Effect.repeat(frame, { schedule: frameSchedule, until: (finished) => finished })
      })
    )
  }).pipe(
    Effect.ensuring(
      Effect.gen(function* () {
        const runState = yield* RunState
        yield* Console.log(formatSummaryTable(finishedSummaries(runState.unsafeView())))
      })
    )
  )

/**
 * Loads React and Ink with React's production build. React picks its build from `NODE_ENV` when it is first
 * loaded. Its development build kept about 150 kB per dashboard frame in a 3000-frame run on Node 20, so
 * `NODE_ENV` is set even when the user's shell has another value. Setting it has no effect when React was
 * loaded before, as in tests that import the components.
 */
const loadInk = Effect.promise(() => {
  process.env["NODE_ENV"] = "production"
  return import("./Dashboard/Mount.js")
})

/** Colours follow the terminal (`NO_COLOR`, `FORCE_COLOR`, `TERM`); a stream that cannot tell gets none. */
const supportsColor = (stdout: NodeJS.WriteStream): boolean =>
  typeof stdout.hasColors === "function" ? stdout.hasColors() : false

/** Checks for changes ten times a second. */
const frameSchedule = Schedule.spaced("100 millis")

/** Share of wall time the dashboard may spend drawing: a frame that took 30 ms delays the next by 300 ms. */
const DRAW_BUDGET = 0.1

/** xterm alternate screen: the dashboard gets its own screen, and leaving it restores the user's scrollback. */
const ENTER_ALTERNATE_SCREEN = "\u001B[?1049h\u001B[H"
const LEAVE_ALTERNATE_SCREEN = "\u001B[?1049l"

/**
 * Builds the key of a frame from the view version, the wall-clock second (because elapsed times and the graph
 * move on even when no event arrives) and the terminal size. A frame is drawn only when its key changes.
 */
const frameKey = (version: number, now: number, terminal: DashboardTerminal): string =>
  `${version}:${Math.floor(now / 1000)}:${terminal.stdout.columns}x${terminal.stdout.rows}`

const makeActions = (
  runState: RunStateService,
  runtime: Runtime.Runtime<never>,
  terminal: DashboardTerminal
): DashboardActions => {
  const fork = Runtime.runFork(runtime)
  let quitPresses = 0
  return {
    quit: () => {
      quitPresses++
      if (quitPresses === 1) fork(runState.requestQuit)
      else terminal.onQuitAgain()
    },
    skip: () => void fork(runState.requestSkip),
    clearLogs: () => void fork(runState.clearLogs),
    saveLog: (pane) =>
      Runtime.runPromise(runtime)(
        Effect.gen(function* () {
          const now = yield* Clock.currentTimeMillis
          const file = yield* saveLogPane(pane, runState.unsafeView(), now)
          yield* Effect.logInfo("saved log pane").pipe(Effect.annotateLogs({ pane, path: file }))
          return `saved ${file}`
        }).pipe(
          Effect.catchTag("LogSaveError", (error) =>
            Effect.logWarning("saving log pane failed").pipe(
              Effect.annotateLogs({ pane, path: error.path, error: error.message }),
              Effect.as(error.message)
            )
          )
        )
      )
  }
}
