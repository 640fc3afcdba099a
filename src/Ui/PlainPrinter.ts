/**
 * Plain output for pipes, CI logs and `--plain`: one line per notable event, printed through effect's
 * `Console`. Every line starts with the local time and a keyword, and values are `key=value` pairs, so the
 * output can be filtered with grep and awk:
 *
 *   15:25:05 run 20261204-152505 dir=results/20261204-152505 binaries=2
 *   15:25:05 start 1/2 xahaud-a pid=4242
 *   15:25:05 phase xahaud-a syncing
 *   15:25:09 synced xahaud-a complete_ledgers=2-7 monitoring_until=15:35:09
 *   15:25:10 ledger xahaud-a index=8 txns=3 rss_mb=512.3 since_sync_mb=+12.3
 *   15:25:11 WARN reconnecting to ws://127.0.0.1:6006
 *   15:35:12 end 1/2 xahaud-a status=crashed reason=exited with code 1
 *   15:35:12 phase xahaud-a cooldown
 *   15:35:20 finished run=20261204-152505 interrupted=false
 *
 * `since_sync_mb` is `-` until the RSS at sync is known. `reason` is present only when the binary has an
 * error message, and takes the rest of the line. Log messages are printed for WARN and ERROR only, with line
 * breaks written as `\n`. After `finished` comes a blank line and the summary table.
 */
import { Clock, Console, Effect, Stream } from "effect"
import type { RunEvent, RunView } from "../Layers/RunState.js"
import { RunState } from "../Layers/RunState.js"
import { formatClock, sanitizeLine } from "./Format.js"
import { formatSummaryTable } from "./SummaryTable.js"

/**
 * Prints run events until `RunFinished`, then the summary table. `events` comes from `RunState.subscribe`,
 * called before the run starts, so that the printer receives `RunStarted`.
 */
export const runPlainPrinter = (events: Stream.Stream<RunEvent>): Effect.Effect<void, never, RunState> =>
  Effect.gen(function* () {
    const runState = yield* RunState
    let state = initialPrinterState

    yield* events.pipe(
      Stream.takeUntil((event) => event._tag === "RunFinished"),
      Stream.runForEach((event) =>
        Effect.gen(function* () {
          const now = yield* Clock.currentTimeMillis
          const result = plainLines(state, event, now)
          state = result.state
          for (const line of result.lines) yield* Console.log(line)
          if (event._tag === "RunFinished") {
            yield* Console.log("")
            yield* Console.log(formatSummaryTable(finishedSummaries(runState.unsafeView())))
          }
        })
      )
    )
  })

/** Printer memory between events: the run id, the number of planned binaries and the last one started. */
export interface PrinterState {
  readonly runId: string
  readonly binaryCount: number
  readonly current: string
}

export const initialPrinterState: PrinterState = { runId: "-", binaryCount: 0, current: "-" }

/** Turns one event into the lines it prints (often none). `now` dates events that carry no time. */
export const plainLines = (
  state: PrinterState,
  event: RunEvent,
  now: number
): { readonly state: PrinterState; readonly lines: ReadonlyArray<string> } => {
  const at = (epochMs: number, text: string) => `${formatClock(epochMs)} ${text}`
  const position = (index: number) => `${index + 1}/${Math.max(state.binaryCount, index + 1)}`

  switch (event._tag) {
    case "RunStarted":
      return {
        state: { runId: event.runId, binaryCount: event.binaries.length, current: "-" },
        lines: [at(now, `run ${event.runId} dir=${event.runDir} binaries=${event.binaries.length}`)]
      }
    case "BinaryStarted":
      return {
        state: { ...state, current: event.name },
        lines: [at(event.at, `start ${position(event.index)} ${event.name} pid=${event.pid}`)]
      }
    case "PhaseChanged":
      return { state, lines: [at(event.at, `phase ${state.current} ${event.phase}`)] }
    case "Synced":
      return {
        state,
        lines: [
          at(
            event.at,
            `synced ${state.current} complete_ledgers=${event.completeLedgers || "-"} `
              + `monitoring_until=${formatClock(event.monitoringEndsAt)}`
          )
        ]
      }
    case "SnapshotTaken": {
      const snapshot = event.snapshot
      if (snapshot.kind !== "ledger") return { state, lines: [] }
      const time = Date.parse(snapshot.timestamp)
      const sinceSync = event.rssAtSync === null ? "-" : formatNumberChange(snapshot.rss_mb - event.rssAtSync)
      const text = `ledger ${state.current} index=${snapshot.ledger_index ?? "-"} `
        + `txns=${snapshot.transaction_count ?? "-"} rss_mb=${snapshot.rss_mb.toFixed(1)} since_sync_mb=${sinceSync}`
      return { state, lines: [at(Number.isNaN(time) ? now : time, text)] }
    }
    case "Logged": {
      const { level, message } = event.line
      if (level !== "WARN" && level !== "ERROR") return { state, lines: [] }
      return { state, lines: [at(event.line.at, `${level} ${oneLine(message)}`)] }
    }
    case "BinaryFinished": {
      const name = event.summary.binary_name
      const reason = event.summary.error_message
      const text = `end ${position(event.index)} ${name} status=${event.status}`
        + (reason === null || reason === "" ? "" : ` reason=${oneLine(reason)}`)
      return { state, lines: [at(now, text)] }
    }
    case "RunFinished":
      return { state, lines: [at(event.at, `finished run=${state.runId} interrupted=${event.interrupted}`)] }
    case "MemorySampled":
    case "DiagnosticsUpdated":
    case "NodeOutput":
      return { state, lines: [] }
  }
}

/** Summary lines of the binaries that finished, in run order. */
export const finishedSummaries = (view: RunView) =>
  view.binaries.flatMap((binary) => (binary.summary === null ? [] : [binary.summary]))

/** Formats a change in MiB with one decimal and its sign, such as `+12.3` or `-0.4`; one that rounds to 0 is `+0.0`. */
const formatNumberChange = (mb: number): string => {
  const tenths = Math.round(mb * 10)
  return `${tenths < 0 ? "-" : "+"}${(Math.abs(tenths) / 10).toFixed(1)}`
}

const oneLine = (text: string): string => sanitizeLine(text.replace(/\r?\n/g, "\\n"))
