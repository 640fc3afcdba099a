/**
 * The files of a run, under `<output-dir>/<run-id>/`. Snapshots are appended one line at a time with a
 * synchronous write, so a monitor killed with SIGKILL loses at most the line being written. Results and
 * `run.json` are replaced atomically (temporary file, then rename).
 */
import { Context, Data, Effect, Layer } from "effect"
import type { Scope } from "effect"
import * as fs from "node:fs"
import * as path from "node:path"
import type { BinaryResult, RunManifest, Snapshot } from "../Schema/Results.js"

export class OutputDirError extends Data.TaggedError("OutputDirError")<{
  readonly dir: string
  readonly cause: unknown
}> {
  override get message() {
    return `output folder ${this.dir} is not writable (${errorText(this.cause)}); ` +
      `choose another with --output-dir or fix its permissions`
  }
}

export class WriteError extends Data.TaggedError("WriteError")<{
  readonly file: string
  readonly cause: unknown
}> {
  override get message() {
    return `could not write ${this.file}: ${errorText(this.cause)}`
  }
}

export interface SnapshotLog {
  readonly file: string
  readonly append: (snapshot: Snapshot) => Effect.Effect<void, WriteError>
}

export interface ResultsStoreService {
  readonly runId: string
  readonly runDir: string
  readonly monitorLogFile: string
  readonly nodeLogFile: (binaryName: string) => string
  /** Opens `<binary>.snapshots.ndjson` for appending; closed with the scope. */
  readonly openSnapshotLog: (binaryName: string) => Effect.Effect<SnapshotLog, WriteError, Scope.Scope>
  /** Writes `<binary>.json` atomically and returns its path. */
  readonly writeResult: (result: BinaryResult) => Effect.Effect<string, WriteError>
  readonly writeManifest: (manifest: RunManifest) => Effect.Effect<void, WriteError>
  /** Writes a free-form text file into the run folder (log pane exports) and returns its path. */
  readonly writeText: (fileName: string, text: string) => Effect.Effect<string, WriteError>
}

export class ResultsStore extends Context.Tag("xahaud-monitor/ResultsStore")<ResultsStore, ResultsStoreService>() {}

/** Run ids are local wall-clock time `YYYYMMDD_HHMMSS`, as the earlier tool wrote them. */
export const formatRunId = (date: Date): string => {
  const pad = (value: number) => String(value).padStart(2, "0")
  return `${date.getFullYear()}${pad(date.getMonth() + 1)}${pad(date.getDate())}_` +
    `${pad(date.getHours())}${pad(date.getMinutes())}${pad(date.getSeconds())}`
}

/** Characters other than letters, digits, `.`, `_` and `-` are replaced so a binary name is a safe file name. */
export const fileSafeName = (name: string) => name.replace(/[^A-Za-z0-9._-]/g, "_")

/** File names the run itself uses: `run.json` and `monitor.log`. */
const RESERVED_FILE_NAMES = new Set(["run", "monitor"])

export class FileNameClash extends Data.TaggedError("FileNameClash")<{
  readonly names: ReadonlyArray<string>
  readonly fileName: string
}> {
  override get message() {
    const quotedNames = this.names.map((name) => `"${name}"`).join(" and ")
    return RESERVED_FILE_NAMES.has(this.fileName)
      ? `binary ${quotedNames} would be saved as ${this.fileName}.*, which the run itself uses; give it another name ` +
        `(for example through a symlink)`
      : `binaries ${quotedNames} would be saved under the same file name ${this.fileName}.*; rename one ` +
        `(for example through a symlink), using letters, digits, ".", "_" and "-"`
  }
}

/** Fails when two binaries map to the same result file names, or one maps to a file the run itself writes. */
export const checkFileNames = (names: ReadonlyArray<string>) =>
  Effect.gen(function* () {
    const byFileName = new Map<string, Array<string>>()
    for (const name of names) {
      const fileName = fileSafeName(name)
      byFileName.set(fileName, [...(byFileName.get(fileName) ?? []), name])
    }
    for (const [fileName, sharing] of byFileName) {
      if (sharing.length > 1 || RESERVED_FILE_NAMES.has(fileName)) {
        return yield* Effect.fail(new FileNameClash({ names: sharing, fileName }))
      }
    }
  })

/**
 * Creates `<outputDir>/<runId>` (with parents), checking that files can be written there before any node
 * starts. When the folder already exists (two runs in the same second), a suffix `-2`, `-3`, ... is added.
 */
export const makeResultsStore = (outputDir: string, runId: string) =>
  Effect.gen(function* () {
    const { runDir, finalRunId } = yield* Effect.try({
      try: () => createRunDir(path.resolve(outputDir), runId),
      catch: (cause) => new OutputDirError({ dir: outputDir, cause })
    })

    const writeAtomic = (file: string, text: string) =>
      Effect.try({
        try: () => {
          const temporary = `${file}.tmp-${process.pid}`
          try {
            fs.writeFileSync(temporary, text)
            fs.renameSync(temporary, file)
          } catch (error) {
            fs.rmSync(temporary, { force: true })
            throw error
          }
          return file
        },
        catch: (cause) => new WriteError({ file, cause })
      })

    return ResultsStore.of({
      runId: finalRunId,
      runDir,
      monitorLogFile: path.join(runDir, "monitor.log"),
      nodeLogFile: (binaryName) => path.join(runDir, `${fileSafeName(binaryName)}.log`),
      openSnapshotLog: (binaryName) => {
        const file = path.join(runDir, `${fileSafeName(binaryName)}.snapshots.ndjson`)
        return Effect.acquireRelease(
          Effect.try({ try: () => fs.openSync(file, "a"), catch: (cause) => new WriteError({ file, cause }) }),
          (fd) => Effect.sync(() => fs.closeSync(fd))
        ).pipe(
          Effect.map((fd) => ({
            file,
            append: (snapshot: Snapshot) =>
              Effect.try({
                try: () => void fs.writeSync(fd, JSON.stringify(snapshot) + "\n"),
                catch: (cause) => new WriteError({ file, cause })
              })
          }))
        )
      },
      writeResult: (result) =>
        writeAtomic(path.join(runDir, `${fileSafeName(result.binary_name)}.json`), JSON.stringify(result, null, 2) + "\n"),
      writeManifest: (manifest) =>
        writeAtomic(path.join(runDir, "run.json"), JSON.stringify(manifest, null, 2) + "\n").pipe(Effect.asVoid),
      writeText: (fileName, text) => writeAtomic(path.join(runDir, fileSafeName(fileName)), text)
    })
  })

export const ResultsStoreLive = (outputDir: string, runId: string) =>
  Layer.effect(ResultsStore, makeResultsStore(outputDir, runId))

/** Files kept in memory, for tests of the programs. */
export interface MemoryFiles {
  readonly snapshots: Map<string, Array<Snapshot>>
  readonly results: Map<string, BinaryResult>
  readonly manifests: Array<RunManifest>
  readonly texts: Map<string, string>
}

export const makeMemoryResultsStore = (runId = "20261204_120000") =>
  Effect.sync(() => {
    const files: MemoryFiles = { snapshots: new Map(), results: new Map(), manifests: [], texts: new Map() }
    const runDir = `/memory/${runId}`
    const store = ResultsStore.of({
      runId,
      runDir,
      monitorLogFile: `${runDir}/monitor.log`,
      nodeLogFile: (binaryName) => `${runDir}/${fileSafeName(binaryName)}.log`,
      openSnapshotLog: (binaryName) =>
        Effect.sync(() => {
          const lines = files.snapshots.get(binaryName) ?? []
          files.snapshots.set(binaryName, lines)
          return {
            file: `${runDir}/${binaryName}.snapshots.ndjson`,
            append: (snapshot: Snapshot) => Effect.sync(() => void lines.push(snapshot))
          }
        }),
      writeResult: (result) =>
        Effect.sync(() => {
          files.results.set(result.binary_name, result)
          return `${runDir}/${result.binary_name}.json`
        }),
      writeManifest: (manifest) => Effect.sync(() => void files.manifests.push(manifest)),
      writeText: (fileName, text) =>
        Effect.sync(() => {
          files.texts.set(fileName, text)
          return `${runDir}/${fileName}`
        })
    })
    return { store, files }
  })

const createRunDir = (outputDir: string, runId: string) => {
  fs.mkdirSync(outputDir, { recursive: true })
  fs.accessSync(outputDir, fs.constants.W_OK)
  for (let attempt = 1; ; attempt++) {
    const candidate = attempt === 1 ? runId : `${runId}-${attempt}`
    const runDir = path.join(outputDir, candidate)
    try {
      fs.mkdirSync(runDir)
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code === "EEXIST") continue
      throw error
    }
    const probe = path.join(runDir, ".write-test")
    fs.writeFileSync(probe, "")
    fs.rmSync(probe)
    return { runDir, finalRunId: candidate }
  }
}

const errorText = (cause: unknown) => (cause instanceof Error ? cause.message : String(cause))
