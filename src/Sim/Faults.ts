import * as fs from "node:fs"
import { isJsonObject, minifyJson, RawJson } from "./Json.js"
import { formatLogLine } from "./Log.js"
import type { SimNode } from "./Node.js"

/** Number of pieces the output flood is split into, spread over the first second. */
const FLOOD_PIECES = 10

/** Fatal-exit filler: lines a struggling node logs before it dies. */
const STRUGGLE_LINES: ReadonlyArray<readonly [string, "WRN" | "ERR", string]> = [
  ["LoadMonitor", "WRN", "Job: WriteNode run: 1214ms wait: 3ms"],
  ["JobQueue", "WRN", "Job: clientWebsocket run: 1532ms wait: 0ms"],
  ["NodeObject", "ERR", "Unable to write node: Resource temporarily unavailable"],
  ["LedgerMaster", "WRN", "Ledger fetch stalled, retrying"]
]

/**
 * Reads the get_counts replacement for SIM_COUNTS_FILE; the file must hold one JSON object. Keys,
 * key order and number spelling are kept (large integers lose no digits); whitespace is dropped.
 */
export const loadCountsFile = (path: string): { ok: true; counts: RawJson } | { ok: false; message: string } => {
  let text: string
  try {
    text = fs.readFileSync(path, "utf8")
  } catch (error) {
    return { ok: false, message: `cannot read SIM_COUNTS_FILE '${path}': ${(error as Error).message}` }
  }
  try {
    if (!isJsonObject(JSON.parse(text))) return { ok: false, message: `SIM_COUNTS_FILE '${path}' must contain a JSON object` }
  } catch {
    return { ok: false, message: `SIM_COUNTS_FILE '${path}' is not valid JSON` }
  }
  return { ok: true, counts: new RawJson(minifyJson(text)) }
}

/**
 * Schedules the time-based faults: output flood, fatal exit and hang. The flood is written in
 * whole lines, so it never splits a log line of the node.
 */
export const scheduleFaults = (node: SimNode): void => {
  const faults = node.settings.faults
  scheduleFlood(node, process.stdout, faults.floodStdoutBytes, (index) => `sim node stdout flood line ${index}\n`)
  scheduleFlood(node, process.stderr, faults.floodStderrBytes, (index) =>
    formatLogLine("LedgerMaster", "DBG", `output flood line ${index}`)
  )

  const fatalAfter = faults.fatalExitAfterMs
  if (fatalAfter !== undefined) node.after(fatalAfter, () => exitFatally(faults.fatalStderrBytes, faults.fatalExitCode))

  const hangAfter = faults.hangAfterMs
  if (hangAfter !== undefined) {
    node.after(hangAfter, () => {
      node.hung = true
      node.listeners?.hang()
    })
  }
}

/**
 * Lines from `makeLine` that add up to exactly `bytes` bytes; the last line is cut to fit and
 * still ends with a newline. `makeLine` must return ASCII text ending with a newline.
 */
export const fillLines = (bytes: number, makeLine: (index: number) => string): Array<string> => {
  const lines: Array<string> = []
  let size = 0
  for (let index = 1; size < bytes; index++) {
    const line = makeLine(index)
    if (size + line.length <= bytes) {
      lines.push(line)
      size += line.length
      continue
    }
    const remaining = bytes - size
    lines.push(remaining === 1 ? "\n" : `${line.slice(0, remaining - 1)}\n`)
    size = bytes
  }
  return lines
}

const scheduleFlood = (node: SimNode, stream: NodeJS.WriteStream, bytes: number, makeLine: (index: number) => string): void => {
  if (bytes <= 0) return
  const lines = fillLines(bytes, makeLine)
  const linesPerPiece = Math.ceil(lines.length / FLOOD_PIECES)
  for (let piece = 0; piece < FLOOD_PIECES; piece++) {
    const chunk = lines.slice(piece * linesPerPiece, (piece + 1) * linesPerPiece).join("")
    if (chunk !== "") node.after(piece * (1000 / FLOOD_PIECES), () => stream.write(chunk))
  }
}

/**
 * Writes `bytes` bytes of log lines ending with an `Application:FTL` line, then exits with
 * `exitCode` once stderr has taken all of it (the fatal-exit fault).
 */
const exitFatally = (bytes: number, exitCode: number): void => {
  const fatalLine = formatLogLine("Application", "FTL", "Unrecoverable error: std::bad_alloc")
  const filler = fillLines(Math.max(0, bytes - fatalLine.length), (index) => {
    const [partition, severity, message] = STRUGGLE_LINES[index % STRUGGLE_LINES.length] ?? ["Application", "WRN", ""]
    return formatLogLine(partition, severity, message)
  })
  process.stderr.write(filler.join("") + fatalLine, () => process.exit(exitCode))
}
