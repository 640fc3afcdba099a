/** Mounting the dashboard with Ink, kept in its own module so React and Ink load only when the dashboard runs. */
import { render } from "ink"
import type { RunView } from "../../Layers/RunState.js"
import type { DashboardActions } from "./App.js"
import { Dashboard } from "./App.js"

export interface MountOptions {
  readonly stdout: NodeJS.WriteStream
  readonly stdin: NodeJS.ReadStream
  readonly stderr: NodeJS.WriteStream
  readonly view: () => RunView
  readonly actions: DashboardActions
  readonly colors: boolean
}

export interface MountedDashboard {
  /** Redraws from the current view; `now` is epoch milliseconds. */
  readonly draw: (now: number) => void
  readonly unmount: () => void
}

/** Terminal size used when the stream reports none. */
const DEFAULT_COLUMNS = 100
const DEFAULT_ROWS = 30

export const mountDashboard = (options: MountOptions, now: number): MountedDashboard => {
  const screen = (at: number) => (
    <Dashboard
      view={options.view()}
      now={at}
      columns={options.stdout.columns || DEFAULT_COLUMNS}
      rows={options.stdout.rows || DEFAULT_ROWS}
      actions={options.actions}
      colors={options.colors}
    />
  )
  const instance = render(screen(now), {
    stdout: options.stdout,
    stdin: options.stdin,
    stderr: options.stderr,
    exitOnCtrlC: false,
    patchConsole: true
  })
  return {
    draw: (at) => instance.rerender(screen(at)),
    unmount: () => {
      instance.unmount()
      instance.cleanup()
    }
  }
}
