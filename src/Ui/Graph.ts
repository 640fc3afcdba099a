/**
 * The memory graph as plain text: RSS samples bucketed by time into one column per character, drawn as an
 * area chart of each column's maximum with eighth-block characters, so a one-sample spike stays visible
 * however many samples share a column.
 */
import type { MemoryPoint } from "../Layers/RunState.js"
import { formatMemory, padLeft } from "./Format.js"

export interface GraphWindow {
  readonly label: string
  /** Width of the window in milliseconds; null shows every sample still kept. */
  readonly ms: number | null
}

const ALL_SAMPLES: GraphWindow = { label: "all", ms: null }

export const GRAPH_WINDOWS: ReadonlyArray<GraphWindow> = [
  { label: "1m", ms: 60_000 },
  { label: "5m", ms: 300_000 },
  { label: "15m", ms: 900_000 },
  { label: "1h", ms: 3_600_000 },
  ALL_SAMPLES
]

/** The window at `index`, wrapping around, so a stored index can be advanced with `index + 1`. */
export const graphWindowAt = (index: number): GraphWindow =>
  GRAPH_WINDOWS[((index % GRAPH_WINDOWS.length) + GRAPH_WINDOWS.length) % GRAPH_WINDOWS.length] ?? ALL_SAMPLES

/** Lowest and highest RSS of the samples in one column; null when no sample fell in it. */
export type ColumnRange = { readonly min: number; readonly max: number } | null

/**
 * Splits `[from, to]` into `columns` equal slices of time and returns the RSS range of each. Samples outside
 * the span are ignored. When `from === to`, every sample lands in the last column.
 */
export const bucketByTime = (
  points: ReadonlyArray<MemoryPoint>,
  from: number,
  to: number,
  columns: number
): Array<ColumnRange> => {
  const buckets: Array<ColumnRange> = new Array<ColumnRange>(Math.max(0, columns)).fill(null)
  if (columns <= 0) return buckets
  const span = to - from
  for (const point of points) {
    if (point.at < from || point.at > to) continue
    const column = span <= 0 ? columns - 1 : Math.min(columns - 1, Math.floor(((point.at - from) / span) * columns))
    const range = buckets[column] ?? null
    buckets[column] = range === null
      ? { min: point.rssMb, max: point.rssMb }
      : { min: Math.min(range.min, point.rssMb), max: Math.max(range.max, point.rssMb) }
  }
  return buckets
}

/**
 * Fills each empty column with the range of the last filled column to its left, for at most `maxColumns`
 * columns. With samples a second apart and a column narrower than a second, this keeps the area chart
 * solid; a longer silence (no samples) stays blank.
 */
export const carryForward = (buckets: ReadonlyArray<ColumnRange>, maxColumns: number): Array<ColumnRange> => {
  const filled: Array<ColumnRange> = []
  let last: ColumnRange = null
  let gap = 0
  for (const range of buckets) {
    if (range !== null) {
      last = range
      gap = 0
      filled.push(range)
    } else {
      gap++
      filled.push(last !== null && gap <= maxColumns ? last : null)
    }
  }
  return filled
}

export interface GraphOptions {
  /** Total width in columns, labels included. */
  readonly width: number
  /** Plot rows; the time axis adds one more line. */
  readonly height: number
  readonly window: GraphWindow
  /** Epoch milliseconds at the right edge. */
  readonly now: number
  readonly syncedAt: number | null
}

/** Draws the graph as `height + 1` lines of exactly `width` characters: the plot rows, then the time axis. */
export const drawMemoryGraph = (points: ReadonlyArray<MemoryPoint>, options: GraphOptions): Array<string> => {
  const { height, now, syncedAt, width } = options
  const plotWidth = Math.max(1, width - LABEL_WIDTH - 1)
  const first = points[0]
  if (first === undefined) {
    const blank = " ".repeat(width)
    const lines = new Array<string>(height).fill(blank)
    lines[Math.floor(height / 2)] = "waiting for memory samples".padStart(Math.floor((width + 26) / 2)).padEnd(width)
    return [...lines, blank]
  }

  const from = options.window.ms === null ? Math.min(first.at, now) : now - options.window.ms
  const msPerColumn = Math.max(1, (now - from) / plotWidth)
  const buckets = carryForward(bucketByTime(points, from, now, plotWidth), Math.ceil(MAX_GAP_MS / msPerColumn))
  const filled = buckets.filter((range): range is NonNullable<ColumnRange> => range !== null)
  const low = filled.length === 0 ? 0 : Math.min(...filled.map((range) => range.min))
  const high = filled.length === 0 ? 0 : Math.max(...filled.map((range) => range.max))
  const top = Math.max(high, low + MIN_SPAN_MB)
  const base = Math.max(0, low - (top - low) * BASE_MARGIN)
  const levels = buckets.map((range) =>
    range === null ? 0 : Math.max(1, Math.round(((range.max - base) / (top - base)) * height * 8))
  )

  const rows: Array<string> = []
  for (let row = height - 1; row >= 0; row--) {
    let label = ""
    if (row === height - 1) label = formatMemory(high)
    else if (row === 0) label = formatMemory(low)
    const cells = levels.map((level) => BLOCKS[Math.max(0, Math.min(8, level - row * 8))] ?? " ").join("")
    rows.push(`${padLeft(label, LABEL_WIDTH)} ${cells}`)
  }
  const syncColumn = syncedAt === null || syncedAt < from || syncedAt > now || now === from
    ? null
    : Math.min(plotWidth - 1, Math.floor(((syncedAt - from) / (now - from)) * plotWidth))
  rows.push(`${" ".repeat(LABEL_WIDTH)} ${drawAxis(plotWidth, spanLabel(now - from), syncColumn)}`)
  return rows.map((line) => line.slice(0, width).padEnd(width))
}

/** Width of the RSS labels left of the plot, enough for `1023.9 MB`. */
export const LABEL_WIDTH = 9

/** Maximum time without samples that is still drawn as a continuous area. */
const MAX_GAP_MS = 10_000

/** Smallest RSS range the vertical axis shows, so small wobbles do not fill the plot. */
const MIN_SPAN_MB = 4

/** Fraction of the range left below the lowest sample, so it still draws as a low bar. */
const BASE_MARGIN = 0.1

const BLOCKS = [" ", "▁", "▂", "▃", "▄", "▅", "▆", "▇", "█"]

const drawAxis = (plotWidth: number, leftLabel: string, syncColumn: number | null): string => {
  const axis = Array.from({ length: plotWidth }, () => "─")
  const put = (text: string, at: number) => {
    for (let i = 0; i < text.length; i++) {
      if (at + i >= 0 && at + i < plotWidth) axis[at + i] = text[i] ?? "─"
    }
  }
  put(leftLabel, 0)
  put("now", plotWidth - 3)
  if (syncColumn !== null) {
    const marker = syncColumn + 5 <= plotWidth - 4 ? "▲sync" : "▲"
    put(marker, syncColumn)
  }
  return axis.join("")
}

/** Labels the left end of the axis with how long ago it is, such as `-5m` or `-1.5h`. */
const spanLabel = (ms: number): string => {
  const seconds = Math.max(0, Math.round(ms / 1000))
  if (seconds < 60) return `-${seconds}s`
  if (seconds < 3600) return `-${Math.round(seconds / 60)}m`
  return `-${Number((seconds / 3600).toFixed(1))}h`
}
