/** The header, progress bar and status lines, computed from a run view and the current time. */
import type { CurrentBinaryView, RunPhase, RunView } from "../Layers/RunState.js"
import { formatCount, formatDuration, formatMemory, formatPercent, UNKNOWN } from "./Format.js"
import type { Color, StyledLine } from "./Styled.js"
import { segment } from "./Styled.js"

/** Lines above the panels: run and binary, monitoring progress, memory and ledger figures, and times. */
export const HEADER_LINES = 4

/** Builds the `HEADER_LINES` lines above the panels; the progress bar takes a quarter of `width` (10 to 40 cells). */
export const headerLines = (view: RunView, now: number, width: number): Array<StyledLine> => {
  const phase = view.current?.phase
  const current = progress(view, now)
  const barWidth = Math.max(10, Math.min(40, Math.floor(width / 4)))
  const progressLine: StyledLine = current.ratio === null
    ? [segment(current.text)]
    : [segment(progressBar(current.ratio, barWidth), { color: "green" }), segment(` ${current.text}`)]
  return [
    fieldsLine(headerFields(view), phase === undefined || view.finished ? {} : { phase: PHASE_COLORS[phase] }),
    progressLine,
    fieldsLine(memoryFields(view)),
    fieldsLine(timeFields(view, now))
  ]
}

/** Lays out fields as `label value  label value`, labels dim and values bold, some values in a colour. */
export const fieldsLine = (fields: ReadonlyArray<Field>, colors: Readonly<Record<string, Color>> = {}): StyledLine =>
  fields.flatMap(([label, value], index) => {
    const color = colors[label]
    return [
      segment(`${index > 0 ? "  " : ""}${label} `, { dim: true }),
      segment(value, color === undefined ? { bold: true } : { bold: true, color })
    ]
  })

/** A label and its value, such as `RSS` and `512.3 MB`; the status line draws labels dim. */
export type Field = readonly [label: string, value: string]

/** Binary `i/N` and name, phase, node pid and run id, most important first so a narrow terminal cuts the least. */
export const headerFields = (view: RunView): Array<Field> => {
  const current = view.current
  const run: Field = ["run", view.runId || UNKNOWN]
  if (current === null) return [["binary", view.finished ? "none (run finished)" : "none yet"], run]
  return [
    ["binary", `${current.index + 1}/${Math.max(view.binaries.length, current.index + 1)} ${current.name}`],
    ["phase", view.finished ? "finished" : current.phase],
    ["pid", String(current.pid)],
    run
  ]
}

export interface Progress {
  /** 0 to 1: the share of the monitoring phase that has passed; null before sync. */
  readonly ratio: number | null
  readonly text: string
}

/**
 * Progress of the monitoring phase, from the sync time to the planned end. Before sync the text shows how
 * long the current phase has lasted; after the planned end the bar stays full.
 */
export const progress = (view: RunView, now: number): Progress => {
  const current = view.current
  if (current === null) return { ratio: null, text: view.finished ? "run finished" : "waiting for the first binary" }
  const { monitoringEndsAt, phase, phaseSince, syncedAt } = current
  if (syncedAt === null || monitoringEndsAt === null) {
    return { ratio: null, text: `${phase} for ${formatDuration((now - phaseSince) / 1000)}` }
  }

  const total = Math.max(1, monitoringEndsAt - syncedAt)
  const end = monitoringEnd(current, now)
  const elapsed = Math.max(0, Math.min(total, end - syncedAt))
  const remaining = phase === "monitoring" ? Math.max(0, monitoringEndsAt - now) : 0
  const text = `monitoring ${formatDuration(elapsed / 1000)} of ${formatDuration(total / 1000)}, `
    + `${formatDuration(remaining / 1000)} left`
  return { ratio: elapsed / total, text: phase === "monitoring" ? text : `${text} (${phase})` }
}

/** Draws a bar of `width` cells, such as `█████░░░░░`. */
export const progressBar = (ratio: number, width: number): string => {
  const clamped = Math.max(0, Math.min(1, ratio))
  const full = Math.floor(clamped * width)
  return "█".repeat(full) + "░".repeat(Math.max(0, width - full))
}

/** Memory, ledger and node state figures of the current binary. */
export const memoryFields = (view: RunView): Array<Field> => {
  const current = view.current
  const memory = current?.memory ?? null
  const ledgerCount = current?.ledgerCount ?? null
  const complete = current?.completeLedgers ?? null
  return [
    ["RSS", formatMemory(memory?.rss_mb)],
    ["peak", formatMemory(current?.peakRssMb)],
    ["of RAM", formatPercent(memory?.memory_percent)],
    ["threads", memory === null || memory.num_threads === 0 ? UNKNOWN : String(memory.num_threads)],
    ["ledger", current?.ledgerIndex == null ? UNKNOWN : formatCount(current.ledgerIndex)],
    ["complete_ledgers", completeLedgersText(complete, ledgerCount)],
    ["server_state", current?.serverState ?? UNKNOWN]
  ]
}

/** Time since the binary started, time it took to sync (so far, while syncing) and time spent monitoring. */
export const timeFields = (view: RunView, now: number): Array<Field> => {
  const current = view.current
  if (current === null) return [["total", UNKNOWN], ["sync", UNKNOWN], ["monitoring", UNKNOWN]]
  const sync = current.syncedAt === null
    ? current.phase === "starting" || current.phase === "syncing" ? now - current.startedAt : null
    : current.syncedAt - current.startedAt
  const monitoring = current.syncedAt === null ? null : monitoringEnd(current, now) - current.syncedAt
  return [
    ["total", formatDuration((now - current.startedAt) / 1000)],
    ["sync", sync === null ? UNKNOWN : formatDuration(sync / 1000)],
    ["monitoring", monitoring === null ? UNKNOWN : formatDuration(monitoring / 1000)],
    ["ledgers seen", formatCount(current.ledgers)]
  ]
}

/** `2-8 (7 ledgers)`; the count is left out when unknown. */
const completeLedgersText = (complete: string | null, ledgerCount: number | null): string => {
  if (complete === null) return UNKNOWN
  if (ledgerCount === null) return complete
  return `${complete} (${formatCount(ledgerCount)} ${ledgerCount === 1 ? "ledger" : "ledgers"})`
}

const PHASE_COLORS: Readonly<Record<RunPhase, Color>> = {
  starting: "blue",
  syncing: "yellow",
  monitoring: "green",
  stopping: "magenta",
  cooldown: "magenta"
}

/**
 * When monitoring stopped: now while monitoring, otherwise the start of the current phase, capped at the
 * planned end. NOTE: during the cooldown this is the cooldown start, a little after monitoring stopped.
 */
const monitoringEnd = (current: CurrentBinaryView, now: number): number => {
  if (current.phase === "monitoring") return now
  const planned = current.monitoringEndsAt ?? current.phaseSince
  return Math.min(current.phaseSince, planned)
}
