/**
 * Dashboard keys and the screen state they change (focus, pause, scroll position, graph window), kept apart
 * from Ink so the rules can be tested as plain functions. Commands that act on the run (quit, skip, clear,
 * save) are carried out by the dashboard component.
 */
import type { Key } from "ink"
import type { LogLine, RunView } from "../Layers/RunState.js"
import type { OutputLine } from "../Layers/NodeProcess.js"
import { GRAPH_WINDOWS } from "./Graph.js"
import type { StyledLine } from "./Styled.js"
import { segment } from "./Styled.js"

export type Panel = "graph" | "diagnostics" | "monitorLog" | "nodeLog"

/** Panels in the order `tab` visits them; keys `1` to `4` select by position. */
export const PANELS: ReadonlyArray<Panel> = ["graph", "diagnostics", "monitorLog", "nodeLog"]

export const PANEL_TITLES: Readonly<Record<Panel, string>> = {
  graph: "memory",
  diagnostics: "diagnostics",
  monitorLog: "monitor log",
  nodeLog: "node output"
}

export type LogPane = "monitorLog" | "nodeLog"

export type Command =
  | { readonly _tag: "Quit" }
  | { readonly _tag: "Skip" }
  | { readonly _tag: "TogglePause" }
  | { readonly _tag: "CycleWindow" }
  | { readonly _tag: "FocusNext" }
  | { readonly _tag: "Focus"; readonly panel: Panel }
  | { readonly _tag: "ClearLogs" }
  | { readonly _tag: "SaveLog" }
  | { readonly _tag: "Scroll"; readonly lines: number }
  | { readonly _tag: "ScrollToEnd" }

/** Maps a key press to a command; null for keys the dashboard does not use. `pageLines` sizes PgUp/PgDn. */
export const commandForKey = (input: string, key: Partial<Key>, pageLines: number): Command | null => {
  if (key.ctrl === true) return input === "c" ? { _tag: "Quit" } : null
  if (key.tab === true) return { _tag: "FocusNext" }
  if (key.upArrow === true) return { _tag: "Scroll", lines: 1 }
  if (key.downArrow === true) return { _tag: "Scroll", lines: -1 }
  if (key.pageUp === true) return { _tag: "Scroll", lines: pageLines }
  if (key.pageDown === true) return { _tag: "Scroll", lines: -pageLines }
  if (key.end === true) return { _tag: "ScrollToEnd" }
  switch (input) {
    case "q":
      return { _tag: "Quit" }
    case "s":
      return { _tag: "Skip" }
    case " ":
      return { _tag: "TogglePause" }
    case "w":
      return { _tag: "CycleWindow" }
    case "c":
      return { _tag: "ClearLogs" }
    case "y":
      return { _tag: "SaveLog" }
    case "1":
    case "2":
    case "3":
    case "4": {
      const panel = PANELS[Number(input) - 1]
      return panel === undefined ? null : { _tag: "Focus", panel }
    }
    default:
      return null
  }
}

/** Log lines held while the panes are paused; new lines still reach the run state's rings. */
export interface FrozenLogs {
  readonly monitorLog: ReadonlyArray<LogLine>
  readonly nodeLog: ReadonlyArray<OutputLine>
}

export interface ScreenState {
  readonly focus: Panel
  /** Index into `GRAPH_WINDOWS`. */
  readonly windowIndex: number
  readonly frozen: FrozenLogs | null
  /** Lines scrolled back from the newest, per log pane; only used while paused. */
  readonly scrollBack: Readonly<Record<LogPane, number>>
  /** A short note for the footer, such as the path of a saved log. */
  readonly notice: string | null
}

export const initialScreenState: ScreenState = {
  focus: "nodeLog",
  windowIndex: GRAPH_WINDOWS.length - 1,
  frozen: null,
  scrollBack: { monitorLog: 0, nodeLog: 0 },
  notice: null
}

export const isLogPane = (panel: Panel): panel is LogPane => panel === "monitorLog" || panel === "nodeLog"

/**
 * Applies a command to the screen state. Pausing copies the visible rings, so the panes stop moving while
 * the rings keep filling. Scrolling back pauses too, and stops when the oldest line reaches the top of a pane
 * of `paneHeights` lines. `space` or `End` returns to the newest lines.
 */
export const updateScreen = (
  state: ScreenState,
  command: Command,
  view: RunView,
  paneHeights: Readonly<Record<LogPane, number>>
): ScreenState => {
  switch (command._tag) {
    case "TogglePause":
      return state.frozen === null
        ? { ...state, frozen: freeze(view) }
        : { ...state, frozen: null, scrollBack: { monitorLog: 0, nodeLog: 0 } }
    case "CycleWindow":
      return { ...state, windowIndex: (state.windowIndex + 1) % GRAPH_WINDOWS.length }
    case "FocusNext":
      return { ...state, focus: PANELS[(PANELS.indexOf(state.focus) + 1) % PANELS.length] ?? "graph" }
    case "Focus":
      return { ...state, focus: command.panel }
    case "ClearLogs":
      return {
        ...state,
        frozen: state.frozen === null ? null : { monitorLog: [], nodeLog: [] },
        scrollBack: { monitorLog: 0, nodeLog: 0 }
      }
    case "Scroll": {
      const pane = state.focus
      if (!isLogPane(pane)) return state
      const frozen = state.frozen ?? freeze(view)
      const limit = Math.max(0, frozen[pane].length - paneHeights[pane])
      const back = Math.max(0, Math.min(limit, state.scrollBack[pane] + command.lines))
      return { ...state, frozen, scrollBack: { ...state.scrollBack, [pane]: back } }
    }
    case "ScrollToEnd":
      return { ...state, frozen: null, scrollBack: { monitorLog: 0, nodeLog: 0 } }
    case "Quit":
    case "Skip":
    case "SaveLog":
      return state
  }
}

/** Key hints for the footer, in the order they are listed. */
export const KEY_HINTS: ReadonlyArray<readonly [string, string]> = [
  ["q", "quit"],
  ["s", "skip binary"],
  ["space", "pause"],
  ["w", "graph window"],
  ["tab/1-4", "focus"],
  ["↑↓ PgUp PgDn", "scroll"],
  ["c", "clear logs"],
  ["y", "save log"]
]

/** Builds the footer: the notice (if any) in yellow, then the key hints, or a warning when keys are off. */
export const footerLine = (notice: string | null, keysEnabled: boolean): StyledLine => {
  if (!keysEnabled) return [segment("keys are off because stdin is not a terminal; stop with Ctrl-C", { dim: true })]
  const hints = KEY_HINTS.flatMap(([key, action], index) => [
    segment(`${index > 0 ? " " : ""}`),
    segment(` ${key} `, { inverse: true }),
    segment(` ${action}`, { dim: true })
  ])
  return notice === null ? hints : [segment(`${notice}  `, { color: "yellow" }), ...hints]
}

const freeze = (view: RunView): FrozenLogs => ({
  monitorLog: view.monitorLog.toArray(),
  nodeLog: view.nodeLog.toArray()
})
