/**
 * The monitor's own log: every log line goes to `monitor.log` in the run folder (logfmt-style, with
 * annotations such as binary and pid) and, from INFO up, to the run state for the dashboard pane and
 * the plain printer. Nothing is written to the console directly, so the dashboard's screen stays intact.
 */
import { Cause, Effect, HashMap, Layer, List, Logger, LogLevel } from "effect"
import * as fs from "node:fs"
import type { LogLine, RunStateService } from "./RunState.js"
import { RunEvent } from "./RunState.js"

export const makeMonitorLogger = (file: string, runState: RunStateService) => {
  const fd = fs.openSync(file, "a")
  const logger = Logger.make<unknown, void>(({ annotations, cause, date, logLevel, message, spans }) => {
    const text = messageText(message) + (Cause.isEmpty(cause) ? "" : ` ${Cause.pretty(cause)}`)
    const fields: Array<string> = []
    for (const [key, value] of HashMap.toEntries(annotations)) fields.push(`${key}=${fieldText(value)}`)
    for (const span of List.toArray(spans)) fields.push(`${span.label}=${date.getTime() - span.startTime}ms`)
    const line = `${date.toISOString()} ${logLevel.label.padEnd(5)} ${text}` +
      (fields.length > 0 ? ` ${fields.join(" ")}` : "")
    try {
      fs.writeSync(fd, line + "\n")
    } catch {
      // A full disk must not stop the monitor; the run state still gets the line.
    }
    if (LogLevel.greaterThanEqual(logLevel, LogLevel.Info)) {
      const suffix = fields.length > 0 ? ` (${fields.join(" ")})` : ""
      runState.unsafePublish(RunEvent.Logged({ line: { at: date.getTime(), level: levelOf(logLevel), message: text + suffix } }))
    }
  })
  return { logger, close: () => fs.closeSync(fd) }
}

/** Replaces the default logger for the run; the file is closed when the layer's scope closes. */
export const MonitorLoggerLive = (file: string, runState: RunStateService, minimum: LogLevel.LogLevel) =>
  Layer.merge(
    Logger.replaceScoped(
      Logger.defaultLogger,
      Effect.acquireRelease(
        Effect.sync(() => makeMonitorLogger(file, runState)),
        ({ close }) => Effect.sync(close)
      ).pipe(Effect.map(({ logger }) => logger))
    ),
    Logger.minimumLogLevel(minimum)
  )

const levelOf = (level: LogLevel.LogLevel): LogLine["level"] => {
  if (LogLevel.greaterThanEqual(level, LogLevel.Error)) return "ERROR"
  if (LogLevel.greaterThanEqual(level, LogLevel.Warning)) return "WARN"
  if (LogLevel.greaterThanEqual(level, LogLevel.Info)) return "INFO"
  return "DEBUG"
}

/** Joins the parts of a log message; a plain object part becomes `key=value` pairs. */
const messageText = (message: unknown): string => {
  const parts: ReadonlyArray<unknown> = Array.isArray(message) ? message : [message]
  return parts.map(partText).join(" ")
}

const partText = (part: unknown): string => {
  if (typeof part === "string") return part
  if (part !== null && typeof part === "object" && Object.getPrototypeOf(part) === Object.prototype) {
    return Object.entries(part).map(([key, value]) => `${key}=${fieldText(value)}`).join(" ")
  }
  return fieldText(part)
}

const fieldText = (value: unknown): string => {
  if (typeof value === "string") return /[\s="]/.test(value) ? JSON.stringify(value) : value
  if (value instanceof Error) return JSON.stringify(value.message)
  return JSON.stringify(value) ?? String(value)
}
