import { accessSync, constants, statSync } from "node:fs"
import { access, open, stat } from "node:fs/promises"
import { delimiter, join } from "node:path"
import { Duration, Effect, Option } from "effect"
import type { Scope } from "effect"

/** Append-only log of a node's output lines. `write` buffers in memory when the disk is slow, so no line is dropped. */
export interface LogFile {
  readonly write: (text: string) => void
}

const logFileCloseLimit = Duration.seconds(10)

/**
 * Checks that `binaryPath` names an executable regular file, searching PATH when it contains no `/`
 * the way spawn does. Fails with an Error whose message names the problem with the file.
 */
export const checkExecutable = (binaryPath: string): Effect.Effect<void, Error> =>
  Effect.tryPromise({
    try: async () => {
      const resolved = binaryPath.includes("/") ? binaryPath : findExecutableOnPath(binaryPath)
      if (resolved === undefined) throw new Error("not found in any PATH directory; give the full path")
      const info = await stat(resolved)
      if (!info.isFile()) throw new Error("not a regular file")
      await access(resolved, constants.X_OK)
    },
    catch: describeFileError
  })

/** Returns the first executable regular file called `name` in a PATH directory. */
export const findExecutableOnPath = (name: string): string | undefined => {
  for (const directory of (process.env["PATH"] ?? "").split(delimiter)) {
    const candidate = join(directory === "" ? "." : directory, name)
    try {
      accessSync(candidate, constants.X_OK)
      if (statSync(candidate).isFile()) return candidate
    } catch {
      continue
    }
  }
  return undefined
}

/**
 * Opens `path` for appending. Closing the scope flushes every buffered line and closes the file,
 * waiting at most 10 s, and logs a write error if one happened.
 */
export const openLogFile = (path: string): Effect.Effect<LogFile, Error, Scope.Scope> =>
  Effect.acquireRelease(
    Effect.tryPromise({
      try: async () => {
        const stream = (await open(path, "a")).createWriteStream()
        const failure: { error?: unknown } = {}
        // Without a listener a write error would crash the monitor.
        stream.on("error", (error) => {
          failure.error ??= error
        })
        return { stream, failure }
      },
      catch: (cause) => new Error(`cannot open log file ${path}: ${cause instanceof Error ? cause.message : String(cause)}`)
    }),
    ({ failure, stream }) =>
      Effect.gen(function* () {
        const closed = yield* Effect.async<void>((resume) => {
          stream.once("close", () => resume(Effect.void))
          stream.end()
        }).pipe(Effect.interruptible, Effect.timeoutOption(logFileCloseLimit))
        if (Option.isNone(closed)) yield* Effect.logError("node log file did not close within 10 s; lines may be missing")
        if (failure.error !== undefined) {
          yield* Effect.logError("writing the node log file failed; lines may be missing").pipe(
            Effect.annotateLogs("error", String(failure.error))
          )
        }
      }).pipe(Effect.annotateLogs("logFile", path))
  ).pipe(Effect.map(({ stream }): LogFile => ({ write: (text) => void stream.write(text) })))

const describeFileError = (cause: unknown): Error => {
  const code = typeof cause === "object" && cause !== null && "code" in cause ? cause.code : undefined
  switch (code) {
    case "ENOENT":
      return new Error("no such file; check the path")
    case "EACCES":
      return new Error("permission denied; make the file executable (chmod +x) and its directories searchable")
    case "EISDIR":
      return new Error("is a directory, not a file")
    default:
      return cause instanceof Error ? cause : new Error(String(cause))
  }
}
