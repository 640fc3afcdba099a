/**
 * The dashboard screen. It draws whatever view it is given; the caller decides when to redraw. Screen state
 * (focus, pause, scroll, graph window, footer notice) lives here, and commands that act on the run go to
 * `actions`.
 */
import { Box, useInput, useStdin } from "ink"
import { useRef, useState } from "react"
import type { RunView } from "../../Layers/RunState.js"
import { graphWindowAt } from "../Graph.js"
import type { Command, LogPane as LogPaneName, ScreenState } from "../Keys.js"
import { commandForKey, initialScreenState, isLogPane, PANEL_TITLES, updateScreen } from "../Keys.js"
import { innerSize, MIN_COLUMNS, MIN_ROWS, planLayout } from "../Layout.js"
import { clampScroll, monitorDisplayLine, nodeDisplayLine, visibleWindow } from "../LogLines.js"
import { segment } from "../Styled.js"
import { DiagnosticsPanel } from "./DiagnosticsPanel.js"
import { Footer } from "./Footer.js"
import { Header } from "./Header.js"
import { LogPane } from "./LogPane.js"
import { ColorsContext, Lines } from "./Lines.js"
import { MemoryGraph } from "./MemoryGraph.js"

export interface DashboardActions {
  readonly quit: () => void
  readonly skip: () => void
  readonly clearLogs: () => void
  /** Writes a log pane to a file; resolves to the footer notice (the path, or why it failed). */
  readonly saveLog: (pane: LogPaneName) => Promise<string>
}

export interface DashboardProps {
  readonly view: RunView
  /** Epoch milliseconds used for elapsed times and the graph's right edge. */
  readonly now: number
  readonly columns: number
  readonly rows: number
  readonly actions: DashboardActions
  /** Draw with ANSI colours; tests leave it off to read plain text. */
  readonly colors?: boolean
}

export const Dashboard = ({ actions, colors = false, columns, now, rows, view }: DashboardProps) => {
  // The ref contains the newest screen state, so keys that arrive before React redraws (a paste, fast typing)
  // still see the effect of the keys before them.
  const screenRef = useRef<ScreenState>(initialScreenState)
  const [screen, setScreenState] = useState<ScreenState>(initialScreenState)
  const setScreen = (update: (state: ScreenState) => ScreenState) => {
    screenRef.current = update(screenRef.current)
    setScreenState(screenRef.current)
  }
  const viewRef = useRef(view)
  viewRef.current = view
  const layout = planLayout(columns, rows, screen.focus)
  const paneHeights = { monitorLog: innerSize(layout.monitorLog).height, nodeLog: innerSize(layout.nodeLog).height }
  const { isRawModeSupported } = useStdin()

  const run = (command: Command) => {
    setScreen((state) => updateScreen(state, command, viewRef.current, paneHeights))
    switch (command._tag) {
      case "Quit":
        setScreen((state) => ({ ...state, notice: "stopping: the run ends once the node has stopped" }))
        return actions.quit()
      case "Skip":
        setScreen((state) => ({ ...state, notice: "skipping the current binary" }))
        return actions.skip()
      case "ClearLogs":
        return actions.clearLogs()
      case "SaveLog": {
        const focus = screenRef.current.focus
        const pane = isLogPane(focus) ? focus : undefined
        if (pane === undefined) {
          setScreen((state) => ({ ...state, notice: "focus a log pane (3 or 4) to save it" }))
          return
        }
        void actions.saveLog(pane).then((notice) => setScreen((state) => ({ ...state, notice })))
        return
      }
      default:
        return
    }
  }

  const focus = screen.focus
  const pageLines = Math.max(1, (isLogPane(focus) ? paneHeights[focus] : paneHeights.nodeLog) - 1)
  useInput(
    (input, key) => {
      // Keys typed quickly or over a slow link can arrive as one chunk ("ww"); each one counts.
      const plainKeys = input.length > 1 && !key.ctrl && !key.meta && /^[ -~]+$/.test(input)
      for (const keyInput of plainKeys ? [...input] : [input]) {
        const command = commandForKey(keyInput, key, pageLines)
        if (command !== null) run(command)
      }
    },
    { isActive: isRawModeSupported }
  )

  const paused = screen.frozen !== null
  const monitorHeight = paneHeights.monitorLog
  const nodeHeight = paneHeights.nodeLog
  const monitorLines = screen.frozen?.monitorLog ?? view.monitorLog.toArray(monitorHeight)
  const nodeLines = screen.frozen?.nodeLog ?? view.nodeLog.toArray(nodeHeight)
  const monitorBack = clampScroll(monitorLines.length, monitorHeight, screen.scrollBack.monitorLog)
  const nodeBack = clampScroll(nodeLines.length, nodeHeight, screen.scrollBack.nodeLog)
  const footer = <Footer notice={screen.notice} keysEnabled={isRawModeSupported} columns={columns} />

  if (layout.tooSmall) {
    return (
      <ColorsContext.Provider value={colors}>
        <Box flexDirection="column" width={columns}>
          <Header view={view} now={now} columns={columns} />
          <Lines lines={[[segment(TOO_SMALL, { color: "yellow" })]]} width={columns} />
          {footer}
        </Box>
      </ColorsContext.Provider>
    )
  }

  return (
    <ColorsContext.Provider value={colors}>
      <Box flexDirection="column" width={columns} height={rows - 1}>
        <Header view={view} now={now} columns={columns} />
        <Box flexDirection="row">
          <MemoryGraph
            view={view}
            now={now}
            box={layout.graph}
            window={graphWindowAt(screen.windowIndex)}
            focused={screen.focus === "graph"}
          />
          <DiagnosticsPanel view={view} box={layout.diagnostics} focused={screen.focus === "diagnostics"} />
        </Box>
        <Box flexDirection="row">
          <LogPane
            title={`3 ${PANEL_TITLES.monitorLog}`}
            box={layout.monitorLog}
            lines={visibleWindow(monitorLines, monitorHeight, monitorBack).map(monitorDisplayLine)}
            focused={screen.focus === "monitorLog"}
            paused={paused}
            scrollBack={monitorBack}
          />
          <LogPane
            title={`4 ${PANEL_TITLES.nodeLog}`}
            box={layout.nodeLog}
            lines={visibleWindow(nodeLines, nodeHeight, nodeBack).map(nodeDisplayLine)}
            focused={screen.focus === "nodeLog"}
            paused={paused}
            scrollBack={nodeBack}
          />
        </Box>
        {footer}
      </Box>
    </ColorsContext.Provider>
  )
}

const TOO_SMALL = `enlarge the terminal to at least ${MIN_COLUMNS} x ${MIN_ROWS} to see the panels`
