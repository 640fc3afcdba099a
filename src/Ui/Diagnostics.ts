/**
 * The diagnostics panel as plain text sections: object counts, caches, node store, job types and catalogue
 * status, packed into as many columns as the panel has room for.
 */
import type { GetCountsResult } from "../Schema/ServerInfo.js"
import { objectCounts } from "../Schema/ServerInfo.js"
import type { JobType } from "../Schema/Results.js"
import {
  formatBytes,
  formatCount,
  formatCountChange,
  formatDuration,
  formatMemory,
  formatPercent,
  padLeft,
  padRight,
  toNumber,
  UNKNOWN
} from "./Format.js"
import type { Segment, StyledLine } from "./Styled.js"
import { segment } from "./Styled.js"

export interface Section {
  readonly title: string
  readonly lines: ReadonlyArray<string>
}

/**
 * Lists object counts, largest first, with the C++ namespace (`ripple::`, `xrpl::`) stripped and each count's
 * change since the node synced. The change is `-` before sync and `new` for a type that had no count at sync.
 */
export const objectsSection = (counts: GetCountsResult | null, countsAtSync: GetCountsResult | null): Section => {
  if (counts === null) return { title: "objects", lines: ["waiting for get_counts"] }
  const now = objectCounts(counts)
  const atSync = countsAtSync === null ? null : objectCounts(countsAtSync)
  const rows = Object.entries(now)
    .sort(([nameA, a], [nameB, b]) => b - a || nameA.localeCompare(nameB))
    .map(([name, count]) => {
      return [name, formatCount(count), changeSinceSync(count, atSync === null ? null : atSync[name])] as const
    })
  if (rows.length === 0) return { title: "objects", lines: ["no object counts"] }
  return { title: "objects (change since sync)", lines: table(rows, [OBJECT_NAME_WIDTH, 0, 0]) }
}

/** Lists cache sizes and hit rates. `SLE_hit_rate` is a 0-1 fraction and is shown times 100; the others are percent. */
export const cachesSection = (counts: GetCountsResult | null): Section => {
  if (counts === null) return { title: "caches", lines: [UNKNOWN] }
  const rows: Array<readonly [string, string]> = []
  for (const key of ["treenode_cache_size", "treenode_track_size", "AL_size", "fullbelow_size"]) {
    if (key in counts) rows.push([key, formatCount(counts[key])])
  }
  const sle = toNumber(counts["SLE_hit_rate"])
  if (sle !== null) rows.push(["SLE_hit_rate", formatPercent(sle * 100)])
  for (const key of ["ledger_hit_rate", "AL_hit_rate"]) {
    const rate = toNumber(counts[key])
    if (rate !== null) rows.push([key, formatPercent(rate)])
  }
  return { title: "caches", lines: rows.length === 0 ? [UNKNOWN] : table(rows, [0, 0]) }
}

/** Lists database sizes, read and write queues and node store counters. Byte counters are shown in binary units. */
export const nodeStoreSection = (counts: GetCountsResult | null): Section => {
  if (counts === null) return { title: "node store", lines: [UNKNOWN] }
  const rows: Array<readonly [string, string]> = []
  for (const key of ["dbKBTotal", "dbKBLedger", "dbKBTransaction"]) {
    const kb = toNumber(counts[key])
    if (kb !== null) rows.push([key, formatMemory(kb / 1024)])
  }
  for (const key of ["read_queue", "write_load"]) {
    if (key in counts) rows.push([key, formatCount(counts[key])])
  }
  const running = counts["read_threads_running"]
  const total = counts["read_threads_total"]
  if (running !== undefined && total !== undefined) {
    rows.push(["read_threads", `${formatCount(running)}/${formatCount(total)}`])
  }
  for (const key of ["node_reads_total", "node_reads_hit", "node_writes"]) {
    if (key in counts) rows.push([key, formatCount(counts[key])])
  }
  for (const key of ["node_read_bytes", "node_written_bytes"]) {
    const bytes = toNumber(counts[key])
    if (bytes !== null) rows.push([key, formatBytes(bytes)])
  }
  const readMicros = toNumber(counts["node_reads_duration_us"])
  if (readMicros !== null) rows.push(["node_reads_duration", formatDuration(readMicros / 1_000_000)])
  return { title: "node store", lines: rows.length === 0 ? [UNKNOWN] : table(rows, [0, 0]) }
}

/**
 * Formats the `load.job_types` table, busiest first. rippled leaves out fields that are zero, so a missing
 * field shows as `-`. Times are in milliseconds, and `!` after a name marks a job type over its latency target.
 */
export const jobsSection = (jobTypes: ReadonlyArray<JobType> | null): Section => {
  if (jobTypes === null) return { title: "job types", lines: ["waiting for server_info"] }
  if (jobTypes.length === 0) return { title: "job types", lines: ["no jobs"] }
  const sorted = [...jobTypes].sort((a, b) =>
    activity(b) - activity(a) || (b.per_second ?? 0) - (a.per_second ?? 0) || a.job_type.localeCompare(b.job_type)
  )
  const rows = sorted.map((job) => [
    job.over_target === true ? `${job.job_type}!` : job.job_type,
    optionalCount(job.in_progress),
    optionalCount(job.waiting),
    optionalCount(job.per_second),
    optionalCount(job.avg_time),
    optionalCount(job.peak_time)
  ] as const)
  const header = ["job type", "run", "wait", "/s", "avg ms", "peak ms"] as const
  return { title: "job types", lines: table([header, ...rows], [JOB_NAME_WIDTH, 0, 0, 0, 0, 0]) }
}

/**
 * Describes the reply of the xahaud `catalogue_status` command, showing `no_job_running` as idle. Returns null
 * when the node does not support the command.
 */
export const catalogueSection = (catalogue: Readonly<Record<string, unknown>> | null): Section | null => {
  if (catalogue === null) return null
  const status = catalogue["job_status"]
  if (status === "no_job_running") return { title: "catalogue", lines: ["idle"] }
  if (status !== "job_in_progress") return { title: "catalogue", lines: [String(status ?? UNKNOWN)] }

  const min = toNumber(catalogue["min_ledger"])
  const max = toNumber(catalogue["max_ledger"])
  const current = toNumber(catalogue["current_ledger"])
  const percent = formatPercent(toNumber(catalogue["percent_complete"]), 0)
  const lines = [`${String(catalogue["job_type"] ?? "job")} ${percent}`]
  if (min !== null && max !== null) {
    const done = current === null ? UNKNOWN : formatCount(current - min + 1)
    lines.push(`ledgers ${done} of ${formatCount(max - min + 1)} (${min}-${max})`)
  }
  lines.push(`elapsed ${formatDuration(toNumber(catalogue["elapsed_seconds"]))}`)
  const remaining = catalogue["estimated_time_remaining"]
  if (typeof remaining === "string") lines.push(`remaining ${remaining}`)
  const file = catalogue["file"]
  if (typeof file === "string") lines.push(`file ${file.split("/").pop() ?? file}`)
  const size = catalogue["file_size_human"]
  if (typeof size === "string") lines.push(`size ${size}`)
  return { title: "catalogue", lines }
}

export interface PackedSections {
  /** Exactly `height` lines, each at most `width` cells; section titles are bold. */
  readonly rows: ReadonlyArray<StyledLine>
  /** Titles of the sections that did not fit. */
  readonly hidden: ReadonlyArray<string>
}

/**
 * Places sections top to bottom in columns, starting a new column when the next section does not fit under
 * the previous one, and cuts a section taller than the panel to its height. Only the first column may be
 * cut to the width. A later section that is wider than the room left is listed in `hidden` instead.
 */
export const packSections = (sections: ReadonlyArray<Section>, width: number, height: number): PackedSections => {
  const columns: Array<{ readonly cells: Array<Cell>; readonly width: number }> = []
  const hidden: Array<string> = []
  let column: Array<Cell> = []
  let usedWidth = 0
  let columnWidth = 0

  const closeColumn = () => {
    if (column.length === 0) return
    columns.push({ cells: column, width: columnWidth })
    usedWidth += columnWidth + COLUMN_GAP
    column = []
    columnWidth = 0
  }

  for (const section of sections) {
    const block: Array<Cell> = [
      { text: section.title, title: true },
      ...section.lines.map((text) => ({ text, title: false }))
    ]
    const sectionWidth = Math.max(...block.map((cell) => cell.text.length))
    const fitsBelow = column.length > 0 && column.length + 1 + block.length <= height
    if (!fitsBelow && column.length > 0) {
      if (width - (usedWidth + columnWidth + COLUMN_GAP) < sectionWidth) {
        hidden.push(section.title)
        continue
      }
      closeColumn()
    }
    const available = width - usedWidth
    const firstColumn = usedWidth === 0
    if (firstColumn ? available < Math.min(sectionWidth, MIN_SECTION_WIDTH) : available < sectionWidth) {
      hidden.push(section.title)
      continue
    }
    if (column.length > 0) column.push({ text: "", title: false })
    const room = height - column.length
    column.push(...block.slice(0, room).map((cell) => ({ ...cell, text: cell.text.slice(0, available) })))
    columnWidth = Math.min(available, Math.max(columnWidth, sectionWidth))
  }
  closeColumn()

  const rows: Array<StyledLine> = []
  for (let row = 0; row < height; row++) {
    const line: Array<Segment> = []
    columns.forEach(({ cells, width: cellWidth }, index) => {
      const cell = cells[row]
      const text = `${index > 0 ? " ".repeat(COLUMN_GAP) : ""}${(cell?.text ?? "").padEnd(cellWidth)}`
      line.push(cell?.title === true ? segment(text, { bold: true }) : segment(text))
    })
    rows.push(trimEnd(line))
  }
  return { rows, hidden }
}

/** One line of a packed column; section titles are drawn bold. */
interface Cell {
  readonly text: string
  readonly title: boolean
}

/** Drops trailing blanks, which Ink would otherwise have to parse cell by cell. */
const trimEnd = (line: ReadonlyArray<Segment>): StyledLine => {
  const trimmed = [...line]
  for (let last = trimmed.at(-1); last !== undefined; last = trimmed.at(-1)) {
    const text = last.text.trimEnd()
    if (text !== "") {
      trimmed[trimmed.length - 1] = { ...last, text }
      break
    }
    trimmed.pop()
  }
  return trimmed
}

const OBJECT_NAME_WIDTH = 22
const JOB_NAME_WIDTH = 20
const COLUMN_GAP = 2
const MIN_SECTION_WIDTH = 16

/** `-` before sync (`atSync` null), `new` for a type absent at sync, otherwise the signed change. */
const changeSinceSync = (count: number, atSync: number | undefined | null): string => {
  if (atSync === null) return UNKNOWN
  if (atSync === undefined) return "new"
  return formatCountChange(count - atSync)
}

const activity = (job: JobType): number => (job.in_progress ?? 0) + (job.waiting ?? 0)

const optionalCount = (value: number | undefined): string => (value === undefined ? UNKNOWN : formatCount(value))

/**
 * Aligns rows into columns: the first column left-aligned, the others right-aligned. A positive entry in
 * `maxWidths` cuts that column to the given width.
 */
const table = (rows: ReadonlyArray<ReadonlyArray<string>>, maxWidths: ReadonlyArray<number>): Array<string> => {
  const widths = maxWidths.map((max, column) => {
    const natural = Math.max(...rows.map((row) => (row[column] ?? "").length))
    return max > 0 ? Math.min(max, natural) : natural
  })
  return rows.map((row) =>
    row.map((cell, column) => {
      const cellWidth = widths[column] ?? cell.length
      return column === 0 ? padRight(cell, cellWidth) : padLeft(cell, cellWidth)
    }).join(" ")
  )
}
