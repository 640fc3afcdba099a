import * as fs from "node:fs"
import { formatNodeTime, wallNanos } from "./Clock.js"

/** rippled's three-letter severity tags, from the most to the least verbose. */
export type Severity = "TRC" | "DBG" | "NFO" | "WRN" | "ERR" | "FTL"

const SEVERITY_RANK: Record<Severity, number> = { TRC: 0, DBG: 1, NFO: 2, WRN: 3, ERR: 4, FTL: 5 }

/** Names used by the `log_level` command, in both directions (rippled `Logs::fromString`). */
const SEVERITY_BY_NAME: Record<string, Severity> = {
  trace: "TRC",
  debug: "DBG",
  info: "NFO",
  information: "NFO",
  warn: "WRN",
  warning: "WRN",
  warnings: "WRN",
  error: "ERR",
  errors: "ERR",
  fatal: "FTL",
  fatals: "FTL"
}

const SEVERITY_LABEL: Record<Severity, string> = {
  TRC: "Trace",
  DBG: "Debug",
  NFO: "Info",
  WRN: "Warning",
  ERR: "Error",
  FTL: "Fatal"
}

export const severityFromName = (name: string): Severity | undefined => SEVERITY_BY_NAME[name.toLowerCase()]

export const severityLabel = (severity: Severity): string => SEVERITY_LABEL[severity]

/**
 * Writes log lines in rippled's console format, `<time> <Partition>:<SEV> <message>`, to stderr and
 * to the `[debug_logfile]` when one is configured. Like rippled, a line passes when its severity is
 * at least the partition's threshold, and `silence()` switches the console off but not the file.
 */
export class NodeLog {
  private baseThreshold: Severity
  private readonly partitionThresholds = new Map<string, Severity>()
  private consoleOn = true
  private fileDescriptor: number | undefined

  constructor(threshold: Severity) {
    this.baseThreshold = threshold
    process.stderr.on("error", () => {
      this.consoleOn = false
    })
  }

  /** Opens the debug log file in append mode; returns false when it cannot be opened. */
  openFile(path: string): boolean {
    try {
      this.fileDescriptor = fs.openSync(path, "a")
      return true
    } catch {
      return false
    }
  }

  get threshold(): Severity {
    return this.baseThreshold
  }

  /** Sets the threshold of every partition, as `log_level` without `partition` does. */
  setThreshold(severity: Severity): void {
    this.baseThreshold = severity
    this.partitionThresholds.clear()
  }

  setPartitionThreshold(partition: string, severity: Severity): void {
    this.partitionThresholds.set(partition, severity)
  }

  partitionLevels(): ReadonlyMap<string, Severity> {
    return this.partitionThresholds
  }

  silence(): void {
    this.consoleOn = false
  }

  enabled(partition: string, severity: Severity): boolean {
    const threshold = this.partitionThresholds.get(partition) ?? this.baseThreshold
    return SEVERITY_RANK[severity] >= SEVERITY_RANK[threshold]
  }

  write(partition: string, severity: Severity, message: string): void {
    if (!this.enabled(partition, severity)) return
    const line = formatLogLine(partition, severity, message)
    if (this.consoleOn) process.stderr.write(line)
    if (this.fileDescriptor !== undefined) fs.writeSync(this.fileDescriptor, line)
  }

  /** Writes a line without a timestamp to the console only (rippled's `Loading: "..."`). */
  writePlain(text: string): void {
    if (this.consoleOn) process.stderr.write(`${text}\n`)
  }

  /** Resolves once everything written to stderr so far has been handed to the operating system. */
  flush(): Promise<void> {
    return new Promise((resolve) => {
      if (!this.consoleOn) return resolve()
      process.stderr.write("", () => resolve())
    })
  }
}

/** Formats one log line including its trailing newline. */
export const formatLogLine = (partition: string, severity: Severity, message: string): string =>
  `${formatNodeTime(wallNanos(), 9)} ${partition}:${severity} ${message}\n`
