/**
 * The live terminal dashboard. Effect owns the timing: a loop reads the run view at most ten times a second
 * and hands it to Ink only when something changed, so a flood of events costs one redraw per frame.
 */
import { Clock, Console, Effect, Runtime, Schedule } from "effect"
import { render } from "ink"
import type { Instance } from "ink"
import { RunState } from "../Layers/RunState.js"
import type { RunStateService } from "../Layers/RunState.js"
import type { DashboardActions } from "./Dashboard/App.js"
import { Dashboard } from "./Dashboard/App.js"
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
   * Called when quit is pressed a second time while the run is still stopping. The process terminal raises
   * SIGINT on the monitor itself, so the entry point's second-Ctrl-C handling takes over.
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

    const screen = (now: number) => (
      <Dashboard
        view={runState.unsafeView()}
        now={now}
        columns={terminal.stdout.columns || DEFAULT_COLUMNS}
        rows={terminal.stdout.rows || DEFAULT_ROWS}
        actions={actions}
      />
    )

    const mount = Effect.gen(function* () {
      const now = yield* Clock.currentTimeMillis
      terminal.stdout.write(ENTER_ALTERNATE_SCREEN)
      return render(screen(now), {
        stdout: terminal.stdout,
        stdin: terminal.stdin,
        stderr: terminal.stderr,
        exitOnCtrlC: false,
        patchConsole: true
      })
    })

    const unmount = (instance: Instance) =>
      Effect.sync(() => {
        instance.unmount()
        instance.cleanup()
        if (terminal.stdin.isTTY && terminal.stdin.isRaw) terminal.stdin.setRawMode(false)
        terminal.stdout.write(LEAVE_ALTERNATE_SCREEN)
      })

    yield* Effect.scoped(
      Effect.gen(function* () {
        const instance = yield* Effect.acquireRelease(mount, unmount)
        let drawn = frameKey(runState.unsafeView().version, yield* Clock.currentTimeMillis, terminal)

        const frame = Effect.gen(function* () {
          const now = yield* Clock.currentTimeMillis
          const view = runState.unsafeView()
          const key = frameKey(view.version, now, terminal)
          if (key !== drawn) {
            instance.rerender(screen(now))
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

/** At most ten frames a second. */
const frameSchedule = Schedule.spaced("100 millis")

/** Terminal size used when the stream reports none. */
const DEFAULT_COLUMNS = 100
const DEFAULT_ROWS = 30

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
          return `saved ${file}`
        }).pipe(Effect.catchTag("LogSaveError", (error) => Effect.succeed(error.message)))
      )
  }
}
