/**
 * Panel sizes for a terminal of a given size. The dashboard draws one line less than the terminal height:
 * Ink clears the whole screen on every frame once its output fills the terminal, which flickers.
 */
import type { Panel } from "./Keys.js"

export interface PanelBox {
  /** Outer size in terminal cells, border included. */
  readonly width: number
  readonly height: number
}

export interface Layout {
  readonly columns: number
  readonly rows: number
  /** True when the terminal is below `MIN_COLUMNS` x `MIN_ROWS`; only the header, status and footer are drawn. */
  readonly tooSmall: boolean
  readonly graph: PanelBox
  readonly diagnostics: PanelBox
  readonly monitorLog: PanelBox
  readonly nodeLog: PanelBox
}

export const MIN_COLUMNS = 60
export const MIN_ROWS = 20

/** Lines drawn above the panels (header and status) and below them (footer). */
export const HEADER_ROWS = 4
export const FOOTER_ROWS = 1

/**
 * Splits the terminal into a middle row (graph and diagnostics) and a bottom row (the two log panes). The
 * focused panel of each row gets the larger share; focusing the diagnostics panel widens it so that more
 * of its sections fit.
 */
export const planLayout = (columns: number, rows: number, focus: Panel): Layout => {
  const tooSmall = columns < MIN_COLUMNS || rows < MIN_ROWS
  const panelRows = Math.max(0, rows - 1 - HEADER_ROWS - FOOTER_ROWS)
  const middleHeight = Math.min(MAX_MIDDLE_ROWS, Math.max(MIN_MIDDLE_ROWS, Math.round(panelRows * 0.45)))
  const logHeight = Math.max(0, panelRows - middleHeight)

  const graphWidth = focus === "diagnostics"
    ? Math.max(MIN_GRAPH_COLUMNS, Math.floor(columns * 0.25))
    : Math.max(MIN_GRAPH_COLUMNS, Math.floor(columns * 0.45))
  const monitorShare = focus === "monitorLog" ? 0.62 : 0.38
  const monitorWidth = Math.floor(columns * monitorShare)

  return {
    columns,
    rows,
    tooSmall,
    graph: { width: graphWidth, height: middleHeight },
    diagnostics: { width: Math.max(0, columns - graphWidth), height: middleHeight },
    monitorLog: { width: monitorWidth, height: logHeight },
    nodeLog: { width: columns - monitorWidth, height: logHeight }
  }
}

/** Inner size of a bordered panel. */
export const innerSize = (box: PanelBox): PanelBox => ({
  width: Math.max(0, box.width - 2),
  height: Math.max(0, box.height - 2)
})

const MIN_MIDDLE_ROWS = 8
const MAX_MIDDLE_ROWS = 20
const MIN_GRAPH_COLUMNS = 24
