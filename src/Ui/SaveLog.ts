/** Writing a log pane to a file in the run directory, for the dashboard's `y` key. */
import { writeFile } from "node:fs/promises"
import * as path from "node:path"
import { Data, Effect } from "effect"
import type { RunView } from "../Layers/RunState.js"
import type { LogPane } from "./Keys.js"
import { formatFileClock } from "./Format.js"
import { monitorFileLine, nodeFileLine } from "./LogLines.js"

export class LogSaveError extends Data.TaggedError("LogSaveError")<{
  readonly path: string
  readonly cause: unknown
}> {
  override get message() {
    const reason = this.cause instanceof Error ? this.cause.message : String(this.cause)
    return `failed to write ${this.path}: ${reason}; check that the run directory exists and is writable`
  }
}

/** File name stem per pane: `monitor-log-153012.log`, `node-output-153012.log`. */
export const PANE_FILE_STEMS: Readonly<Record<LogPane, string>> = {
  monitorLog: "monitor-log",
  nodeLog: "node-output"
}

/** Every line the pane's ring still holds, oldest first, with full timestamps and unshortened text. */
export const paneFileLines = (pane: LogPane, view: RunView): Array<string> =>
  pane === "monitorLog" ? view.monitorLog.toArray().map(monitorFileLine) : view.nodeLog.toArray().map(nodeFileLine)

/**
 * Writes the pane to `<runDir>/<stem>-<HHMMSS>.log` and returns the path. An existing file is never
 * overwritten: a second save in the same second gets `-2`, then `-3`, and so on. Before the run directory
 * is known, the file goes to the working directory.
 */
export const saveLogPane = (pane: LogPane, view: RunView, now: number): Effect.Effect<string, LogSaveError> =>
  Effect.gen(function* () {
    const directory = view.runDir === "" ? "." : view.runDir
    const stem = path.join(directory, `${PANE_FILE_STEMS[pane]}-${formatFileClock(now)}`)
    const lines = paneFileLines(pane, view)
    const text = lines.length === 0 ? "" : `${lines.join("\n")}\n`

    for (let attempt = 1; attempt <= MAX_NAME_ATTEMPTS; attempt++) {
      const file = attempt === 1 ? `${stem}.log` : `${stem}-${attempt}.log`
      const written = yield* Effect.tryPromise({
        try: () => writeFile(file, text, { flag: "wx" }).then(() => true),
        catch: (cause) => new LogSaveError({ path: file, cause })
      }).pipe(Effect.catchIf(isAlreadyExists, () => Effect.succeed(false)))
      if (written) return file
    }
    return yield* new LogSaveError({ path: `${stem}.log`, cause: `${MAX_NAME_ATTEMPTS} files of that name exist` })
  })

const MAX_NAME_ATTEMPTS = 100

const isAlreadyExists = (error: LogSaveError): boolean =>
  typeof error.cause === "object" && error.cause !== null && "code" in error.cause && error.cause.code === "EEXIST"
