/** Log pane lines as plain text: labels, severity tones, scrolling windows and the text saved by the `y` key. */
import type { LogLine } from "../Layers/RunState.js"
import type { OutputLine } from "../Layers/NodeProcess.js"
import { formatClock, sanitizeLine } from "./Format.js"
import type { Style, StyledLine } from "./Styled.js"
import { segment } from "./Styled.js"

/** rippled and xahaud log severities, from the `Partition:SEV` field of a log line. */
export type Severity = "FTL" | "ERR" | "WRN" | "NFO" | "DBG" | "TRC"

/** Emphasis of a line, which the components map to a colour. */
export type Tone = "fatal" | "error" | "warning" | "normal" | "quiet"

export interface DisplayLine {
  /** `stdout` or `stderr` for node output, the level for monitor log lines. */
  readonly label: string
  readonly labelTone: "stdout" | "stderr" | Tone
  /** Sanitized text, safe to draw as is. */
  readonly text: string
  readonly tone: Tone
}

/** Finds the first `Partition:SEV` field, such as `NetworkOPs:WRN`; null when the line has none. */
export const rippledSeverity = (text: string): Severity | null => {
  const match = SEVERITY_FIELD.exec(text)
  return match === null ? null : (match[1] as Severity)
}

/**
 * Shortens the leading rippled timestamp (`2026-Dec-04 15:25:05.669736947 UTC `) to `15:25:05 `, which keeps
 * about 26 more columns of the message on screen. Other lines are returned unchanged.
 */
export const compactRippledTimestamp = (text: string): string => text.replace(RIPPLED_TIMESTAMP, "$1 ")

export const nodeDisplayLine = (line: OutputLine): DisplayLine => {
  const text = compactRippledTimestamp(sanitizeLine(line.text))
  return { label: line.stream, labelTone: line.stream, text, tone: severityTone(rippledSeverity(text)) }
}

/** Prepares a monitor log line for one row, showing line breaks in the message as ` ⏎ `. */
export const monitorDisplayLine = (line: LogLine): DisplayLine => {
  const tone = levelTone(line.level)
  const message = sanitizeLine(line.message.replace(/\r?\n/g, " ⏎ "))
  return { label: line.level, labelTone: tone, text: `${formatClock(line.at)} ${message}`, tone }
}

/** Draws a display line as its label, padded to the widest label (`stdout`, `stderr`, `ERROR`), and its text. */
export const styledLogLine = (line: DisplayLine): StyledLine => [
  segment(line.label.padEnd(LABEL_WIDTH), toneStyle(line.labelTone)),
  segment(" "),
  segment(line.text, toneStyle(line.tone))
]

/**
 * Selects the `height` lines a pane shows: the newest lines, or older ones when scrolled back by `scrollBack`
 * lines. `scrollBack` is clamped to the lines available.
 */
export const visibleWindow = <A>(lines: ReadonlyArray<A>, height: number, scrollBack: number): ReadonlyArray<A> => {
  if (height <= 0) return []
  const back = clampScroll(lines.length, height, scrollBack)
  const end = lines.length - back
  return lines.slice(Math.max(0, end - height), end)
}

/** Largest useful scroll-back for a pane: the point where the oldest line reaches the top. */
export const clampScroll = (lineCount: number, height: number, scrollBack: number): number =>
  Math.max(0, Math.min(scrollBack, lineCount - height))

/** One saved node output line: receive time in ISO 8601, the stream, then the text exactly as received. */
export const nodeFileLine = (line: OutputLine): string =>
  `${new Date(line.receivedAt).toISOString()} ${line.stream} ${line.text}`

/** One saved monitor log line: time in ISO 8601, the level, then the message. */
export const monitorFileLine = (line: LogLine): string =>
  `${new Date(line.at).toISOString()} ${line.level} ${line.message}`

export const severityTone = (severity: Severity | null): Tone => {
  switch (severity) {
    case "FTL":
      return "fatal"
    case "ERR":
      return "error"
    case "WRN":
      return "warning"
    case "DBG":
    case "TRC":
      return "quiet"
    default:
      return "normal"
  }
}

const LABEL_WIDTH = 6

const toneStyle = (tone: Tone | "stdout" | "stderr"): Style | undefined => {
  switch (tone) {
    case "stdout":
      return { color: "green" }
    case "stderr":
      return { color: "magenta" }
    case "fatal":
      return { color: "red", bold: true }
    case "error":
      return { color: "red" }
    case "warning":
      return { color: "yellow" }
    case "quiet":
      return { dim: true }
    case "normal":
      return undefined
  }
}

const levelTone = (level: LogLine["level"]): Tone => {
  switch (level) {
    case "ERROR":
      return "error"
    case "WARN":
      return "warning"
    case "DEBUG":
      return "quiet"
    case "INFO":
      return "normal"
  }
}

const SEVERITY_FIELD = /(?:^|\s)[A-Za-z][\w.]*:(FTL|ERR|WRN|NFO|DBG|TRC)(?=\s|$)/

const RIPPLED_TIMESTAMP = /^\d{4}-[A-Z][a-z]{2}-\d{2} (\d{2}:\d{2}:\d{2})(?:\.\d+)? [A-Z]{2,5} /
