/**
 * Text formatting shared by the dashboard, the plain line printer and the summary table. Every function is
 * pure and returns `-` for a value that is unknown.
 */

export const UNKNOWN = "-"

/** Formats MiB as `512.3 MB` below 1024 MiB and as `1.25 GB` from there, choosing the unit after rounding. */
export const formatMemory = (mb: number | null | undefined): string => {
  if (mb === null || mb === undefined || !Number.isFinite(mb)) return UNKNOWN
  const tenths = Math.round(mb * 10) / 10
  if (Math.abs(tenths) < 1024) return `${tenths.toFixed(1)} MB`
  return `${(mb / 1024).toFixed(2)} GB`
}

/** Formats a change in MiB with its sign, such as `+12.3 MB` or `-0.5 MB`. */
export const formatMemoryChange = (mb: number | null | undefined): string => {
  if (mb === null || mb === undefined || !Number.isFinite(mb)) return UNKNOWN
  const text = formatMemory(Math.abs(mb))
  return Math.round(mb * 10) < 0 ? `-${text}` : `+${text}`
}

/** Formats a growth rate in MiB per hour, such as `+3.2 MB/h`. */
export const formatGrowthPerHour = (mbPerHour: number | null | undefined): string => {
  const text = formatMemoryChange(mbPerHour)
  return text === UNKNOWN ? UNKNOWN : `${text}/h`
}

/**
 * Formats seconds as `59.9s`, `4m 05s` or `2h 03m 04s`. The value is cut, never rounded up, to whole tenths
 * (under a minute) or whole seconds, so 59.95 s shows as `59.9s` and 3599.9 s as `59m 59s`. Negative values
 * show as zero.
 */
export const formatDuration = (seconds: number | null | undefined): string => {
  if (seconds === null || seconds === undefined || !Number.isFinite(seconds)) return UNKNOWN
  const clamped = Math.max(0, seconds)
  if (clamped < 60) {
    const tenths = Math.floor(clamped * 10 + FLOAT_SLACK)
    return `${Math.floor(tenths / 10)}.${tenths % 10}s`
  }

  const whole = Math.floor(clamped + FLOAT_SLACK)
  const hours = Math.floor(whole / 3600)
  const minutes = Math.floor((whole % 3600) / 60)
  const secs = whole % 60
  if (hours === 0) return `${minutes}m ${pad2(secs)}s`
  return `${hours}h ${pad2(minutes)}m ${pad2(secs)}s`
}

/** Formats `value / base` as `1.00x`; `-` when either is unknown or the base is not positive. */
export const formatFactor = (value: number | null | undefined, base: number | null | undefined): string => {
  if (value === null || value === undefined || base === null || base === undefined) return UNKNOWN
  if (!Number.isFinite(value) || !Number.isFinite(base) || base <= 0) return UNKNOWN
  return `${(value / base).toFixed(2)}x`
}

/** Formats a percentage with one decimal, such as `3.2%`. */
export const formatPercent = (percent: number | null | undefined, decimals = 1): string => {
  if (percent === null || percent === undefined || !Number.isFinite(percent)) return UNKNOWN
  return `${percent.toFixed(decimals)}%`
}

/**
 * Formats a counter with thousands separators. rippled sends its 64-bit node store counters as digit strings,
 * which are grouped digit by digit so no precision is lost. Any other text is returned unchanged.
 */
export const formatCount = (value: number | string | null | undefined): string => {
  if (value === null || value === undefined) return UNKNOWN
  if (typeof value === "string") {
    const trimmed = value.trim()
    return DIGITS.test(trimmed) ? groupDigits(trimmed.replace(/^0+(?=\d)/, "")) : value
  }
  if (!Number.isFinite(value)) return UNKNOWN
  if (!Number.isInteger(value)) return value.toFixed(2)
  return value < 0 ? `-${groupDigits(String(-value))}` : groupDigits(String(value))
}

/** Formats a signed count change, such as `+1,024` or `-3`; `0` stays unsigned. */
export const formatCountChange = (change: number | null | undefined): string => {
  if (change === null || change === undefined || !Number.isFinite(change)) return UNKNOWN
  if (change === 0) return "0"
  return change > 0 ? `+${formatCount(change)}` : formatCount(change)
}

/** Reads a number or a digit string as a number; `null` for anything else, such as `"2 seconds"`. */
export const toNumber = (value: unknown): number | null => {
  if (typeof value === "number") return Number.isFinite(value) ? value : null
  if (typeof value === "string" && DIGITS.test(value.trim())) return Number(value.trim())
  return null
}

/** Formats a byte count in binary units: `512 B`, `4.8 KB`, `12.3 MB`, `1.25 GB`. */
export const formatBytes = (bytes: number | null | undefined): string => {
  if (bytes === null || bytes === undefined || !Number.isFinite(bytes)) return UNKNOWN
  if (Math.abs(bytes) < 1024) return `${bytes} B`
  if (Math.abs(bytes) < 1024 * 1024 - 51.2) return `${(bytes / 1024).toFixed(1)} KB`
  return formatMemory(bytes / (1024 * 1024))
}

/** Formats epoch milliseconds as local `HH:MM:SS`. */
export const formatClock = (epochMs: number): string => {
  const date = new Date(epochMs)
  return `${pad2(date.getHours())}:${pad2(date.getMinutes())}:${pad2(date.getSeconds())}`
}

/** Formats epoch milliseconds as local `HHMMSS`, for file names. */
export const formatFileClock = (epochMs: number): string => formatClock(epochMs).replaceAll(":", "")

/** Cuts `text` to `width` columns, ending with `…` when something was cut. Counts UTF-16 units, not cells. */
export const truncate = (text: string, width: number): string => {
  if (width <= 0) return ""
  if (text.length <= width) return text
  return width === 1 ? "…" : `${text.slice(0, width - 1)}…`
}

export const padRight = (text: string, width: number): string => truncate(text, width).padEnd(width)

export const padLeft = (text: string, width: number): string => truncate(text, width).padStart(width)

/**
 * Makes one line of foreign text safe to draw: removes ANSI escape sequences, expands tabs to spaces and
 * replaces other control characters with `?`, so a node's output cannot move the cursor or break the layout.
 */
export const sanitizeLine = (text: string): string =>
  text
    .replace(ANSI_ESCAPE, "")
    .replace(/\t/g, "    ")
    .replace(/\r$/, "")
    .replace(CONTROL_CHARACTER, "?")

/** Added before cutting to tenths or whole seconds, so 2.3 (stored as 2.2999...) still shows as 2.3. */
const FLOAT_SLACK = 1e-9

const DIGITS = /^\d+$/

const ANSI_ESCAPE = /\u001B(?:\[[0-?]*[ -/]*[@-~]|\][^\u0007\u001B]*(?:\u0007|\u001B\\)|[@-Z\\-_])/g

const CONTROL_CHARACTER = /[\u0000-\u001F\u007F-\u009F]/g

const pad2 = (value: number): string => String(value).padStart(2, "0")

const groupDigits = (digits: string): string => digits.replace(/\B(?=(\d{3})+(?!\d))/g, ",")
