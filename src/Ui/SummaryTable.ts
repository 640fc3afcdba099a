/** The end-of-run table that both output modes print, one row per binary that finished. */
import type { BinarySummaryLine } from "../Schema/Results.js"
import { formatCount, formatDuration, formatFactor, formatGrowthPerHour, formatMemory } from "./Format.js"

/**
 * Formats the summary as an aligned text table. The `vs first` columns divide each binary's peak and final
 * RSS by those of the first binary, so `0.82x` means 18% less memory, and show `-` when either value is
 * unknown. Error messages follow the table, one line per binary that has one.
 */
export const formatSummaryTable = (lines: ReadonlyArray<BinarySummaryLine>): string => {
  if (lines.length === 0) return "No binary finished."
  const first = lines[0]
  const rows = lines.map((line) => [
    line.binary_name,
    line.status,
    formatDuration(line.sync_duration_seconds),
    formatCount(line.total_ledgers),
    formatMemory(line.peak_memory_rss_mb),
    formatMemory(line.final_memory_rss_mb),
    formatGrowthPerHour(line.rss_growth_mb_per_hour),
    formatFactor(line.peak_memory_rss_mb, first?.peak_memory_rss_mb),
    formatFactor(line.final_memory_rss_mb, first?.final_memory_rss_mb)
  ])
  const widths = HEADERS.map((header, column) =>
    Math.max(header.length, ...rows.map((row) => (row[column] ?? "").length))
  )
  const formatRow = (cells: ReadonlyArray<string>) =>
    cells
      .map((cell, column) => (column < 2 ? cell.padEnd(widths[column] ?? 0) : cell.padStart(widths[column] ?? 0)))
      .join("  ")
      .trimEnd()

  const table = [
    formatRow(HEADERS),
    widths.map((width) => "-".repeat(width)).join("  "),
    ...rows.map(formatRow)
  ]
  const errors = lines
    .filter((line) => line.error_message !== null && line.error_message !== "")
    .map((line) => `${line.binary_name}: ${line.status}: ${line.error_message}`)
  return [...table, ...(errors.length === 0 ? [] : ["", ...errors])].join("\n")
}

const HEADERS = [
  "binary",
  "status",
  "sync time",
  "ledgers",
  "peak RSS",
  "final RSS",
  "RSS growth",
  "peak vs first",
  "final vs first"
]
