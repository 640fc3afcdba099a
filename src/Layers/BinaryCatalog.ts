import { constants } from "node:fs"
import type { Stats } from "node:fs"
import * as fs from "node:fs/promises"
import * as path from "node:path"
import { Context, Data, Effect, Either, Layer, Option } from "effect"

/** A node binary to run. */
export interface Binary {
  /** File name as the user or the build directory gave it. A symlink keeps its own name, not its target's. */
  readonly name: string
  /** Path as given: joined to the build directory for a bare name, otherwise unchanged (relative to cwd). */
  readonly path: string
  /** Size of the file the path points to, after following symlinks. */
  readonly sizeBytes: number
  readonly modifiedAt: Date
}

/** File names that discovery accepts start with one of these. */
export const binaryNamePrefixes: ReadonlyArray<string> = ["rippled", "xahaud"]

export class BuildDirNotFound extends Data.TaggedError("BuildDirNotFound")<{
  readonly dir: string
  readonly reason: "missing" | "not a directory"
}> {
  override get message() {
    const problem = this.reason === "missing" ? "does not exist" : "is not a directory"
    return `build directory ${this.dir} ${problem}; pass --build-dir with the directory that contains the binaries`
  }
}

export class BuildDirUnreadable extends Data.TaggedError("BuildDirUnreadable")<{
  readonly dir: string
  readonly cause: unknown
}> {
  override get message() {
    return `failed to read build directory ${this.dir}: ${String(this.cause)}; check its permissions`
  }
}

export class NoBinariesFound extends Data.TaggedError("NoBinariesFound")<{
  readonly dir: string
}> {
  override get message() {
    const patterns = binaryNamePrefixes.map((prefix) => `${prefix}*`).join(" or ")
    return (
      `no executable file named ${patterns} in ${this.dir}; ` +
      `build one there, pass --build-dir with another directory, or list the binaries with --binaries`
    )
  }
}

export class NoBinariesGiven extends Data.TaggedError("NoBinariesGiven")<{
  readonly entries: ReadonlyArray<string>
}> {
  override get message() {
    return "the binary list is empty; give binary names or paths separated by commas"
  }
}

export class BinaryNotFound extends Data.TaggedError("BinaryNotFound")<{
  readonly entry: string
  readonly path: string
}> {
  override get message() {
    return this.entry === this.path
      ? `binary not found at ${this.path}; check the path`
      : `binary "${this.entry}" not found at ${this.path}; check the name and --build-dir, or give its path`
  }
}

export class BinaryIsDirectory extends Data.TaggedError("BinaryIsDirectory")<{
  readonly entry: string
  readonly path: string
}> {
  override get message() {
    return `binary "${this.entry}" is a directory (${this.path}); give the path of the executable inside it`
  }
}

export class BinaryNotRegularFile extends Data.TaggedError("BinaryNotRegularFile")<{
  readonly entry: string
  readonly path: string
}> {
  override get message() {
    return `binary "${this.entry}" is not a regular file (${this.path}); give the path of the built executable`
  }
}

export class BinaryNotExecutable extends Data.TaggedError("BinaryNotExecutable")<{
  readonly entry: string
  readonly path: string
}> {
  override get message() {
    return `binary "${this.entry}" is not executable; run chmod +x ${shellQuote(this.path)}`
  }
}

export class BinaryUnreadable extends Data.TaggedError("BinaryUnreadable")<{
  readonly entry: string
  readonly path: string
  readonly cause: unknown
}> {
  override get message() {
    return `failed to check binary "${this.entry}" at ${this.path}: ${String(this.cause)}; check the permissions`
  }
}

export class DuplicateBinary extends Data.TaggedError("DuplicateBinary")<{
  readonly entry: string
  readonly firstEntry: string
  /** `name` if both entries have the same file name, `file` if both resolve to the same real path. */
  readonly reason: "name" | "file"
  readonly realPath: string
}> {
  override get message() {
    if (this.entry === this.firstEntry) return `binary "${this.entry}" is listed twice; list each binary once`
    return this.reason === "name"
      ? `binary "${this.entry}" has the same name as "${this.firstEntry}"; binary names must be unique, ` +
          `so rename one or give it a symlink with another name`
      : `binary "${this.entry}" is the same file as "${this.firstEntry}" (${this.realPath}); list each binary once`
  }
}

export type BinaryProblem =
  | BinaryNotFound
  | BinaryIsDirectory
  | BinaryNotRegularFile
  | BinaryNotExecutable
  | BinaryUnreadable
  | DuplicateBinary

/** Every problem found in a binary list, so the user can fix them all in one go. */
export class InvalidBinaries extends Data.TaggedError("InvalidBinaries")<{
  readonly problems: ReadonlyArray<BinaryProblem>
}> {
  override get message() {
    return this.problems.map((problem) => problem.message).join("\n")
  }
}

export interface BinaryCatalogService {
  /**
   * Lists the executable regular files at the top level of `buildDir` whose names start with a prefix in
   * `binaryNamePrefixes`, sorted by name. Symlinks are followed but keep their own name.
   */
  readonly discover: (
    buildDir: string
  ) => Effect.Effect<ReadonlyArray<Binary>, BuildDirNotFound | BuildDirUnreadable | NoBinariesFound>
  /**
   * Checks the binaries the user listed, in order. An entry without `/` is a file name in `buildDir`, and any
   * other entry is a path. Entries may still contain commas, and empty pieces are ignored.
   */
  readonly resolve: (
    entries: ReadonlyArray<string>,
    buildDir: string
  ) => Effect.Effect<ReadonlyArray<Binary>, InvalidBinaries | NoBinariesGiven>
}

export class BinaryCatalog extends Context.Tag("xahaud-monitor/BinaryCatalog")<BinaryCatalog, BinaryCatalogService>() {}

const discover = (buildDir: string) =>
  Effect.gen(function* () {
    const dirStats = yield* fsCall(() => fs.stat(buildDir)).pipe(
      Effect.mapError((cause) =>
        isMissingError(cause)
          ? new BuildDirNotFound({ dir: buildDir, reason: "missing" })
          : new BuildDirUnreadable({ dir: buildDir, cause })
      )
    )
    if (!dirStats.isDirectory()) {
      return yield* new BuildDirNotFound({ dir: buildDir, reason: "not a directory" })
    }

    const names = yield* fsCall(() => fs.readdir(buildDir)).pipe(
      Effect.mapError((cause) => new BuildDirUnreadable({ dir: buildDir, cause }))
    )
    const candidates = names.filter((name) => binaryNamePrefixes.some((prefix) => name.startsWith(prefix))).sort()

    const binaries: Array<Binary> = []
    for (const name of candidates) {
      const binaryPath = path.join(buildDir, name)
      const checked = yield* Effect.either(checkExecutable(binaryPath))
      if (Either.isRight(checked)) {
        binaries.push(toBinary(name, binaryPath, checked.right))
      }
    }

    if (binaries.length === 0) {
      return yield* new NoBinariesFound({ dir: buildDir })
    }
    return binaries
  })

const resolve = (entries: ReadonlyArray<string>, buildDir: string) =>
  Effect.gen(function* () {
    const pieces = entries.flatMap((entry) => entry.split(",")).map((piece) => piece.trim())
    const given = pieces.filter((piece) => piece.length > 0)
    if (given.length === 0) {
      return yield* new NoBinariesGiven({ entries })
    }

    const problems: Array<BinaryProblem> = []
    const accepted: Array<{ readonly entry: string; readonly binary: Binary; readonly realPath: string }> = []
    for (const entry of given) {
      const binaryPath = entry.includes("/") ? entry : path.join(buildDir, entry)
      const checked = yield* Effect.either(checkExecutable(binaryPath))
      if (Either.isLeft(checked)) {
        problems.push(toProblem(entry, binaryPath, checked.left))
        continue
      }

      const binary = toBinary(path.basename(entry), binaryPath, checked.right)
      const realPath = yield* fsCall(() => fs.realpath(binaryPath)).pipe(Effect.orElseSucceed(() => binaryPath))
      const sameName = accepted.find((earlier) => earlier.binary.name === binary.name)
      const sameFile = accepted.find((earlier) => earlier.realPath === realPath)
      const duplicateOf = Option.fromNullable(sameName ?? sameFile)
      if (Option.isSome(duplicateOf)) {
        const reason = sameName === undefined ? "file" : "name"
        problems.push(new DuplicateBinary({ entry, firstEntry: duplicateOf.value.entry, reason, realPath }))
        continue
      }
      accepted.push({ entry, binary, realPath })
    }

    if (problems.length > 0) {
      return yield* new InvalidBinaries({ problems })
    }
    return accepted.map((item) => item.binary)
  })

export const BinaryCatalogLive: Layer.Layer<BinaryCatalog> = Layer.succeed(
  BinaryCatalog,
  BinaryCatalog.of({ discover, resolve })
)

/** Reason a path cannot be run as a binary. */
type CheckFailure =
  | { readonly kind: "missing" }
  | { readonly kind: "directory" }
  | { readonly kind: "not regular file" }
  | { readonly kind: "not executable" }
  | { readonly kind: "unreadable"; readonly cause: unknown }

/** Stats `binaryPath` (following symlinks) and checks that it is a regular file this user may execute. */
const checkExecutable = (binaryPath: string): Effect.Effect<Stats, CheckFailure> =>
  Effect.gen(function* () {
    const stats = yield* fsCall(() => fs.stat(binaryPath)).pipe(
      Effect.mapError((cause): CheckFailure =>
        isMissingError(cause) ? { kind: "missing" } : { kind: "unreadable", cause }
      )
    )
    if (stats.isDirectory()) {
      return yield* Effect.fail<CheckFailure>({ kind: "directory" })
    }
    if (!stats.isFile()) {
      return yield* Effect.fail<CheckFailure>({ kind: "not regular file" })
    }
    yield* fsCall(() => fs.access(binaryPath, constants.X_OK)).pipe(
      Effect.mapError((): CheckFailure => ({ kind: "not executable" }))
    )
    return stats
  })

const toProblem = (entry: string, binaryPath: string, failure: CheckFailure): BinaryProblem => {
  switch (failure.kind) {
    case "missing":
      return new BinaryNotFound({ entry, path: binaryPath })
    case "directory":
      return new BinaryIsDirectory({ entry, path: binaryPath })
    case "not regular file":
      return new BinaryNotRegularFile({ entry, path: binaryPath })
    case "not executable":
      return new BinaryNotExecutable({ entry, path: binaryPath })
    case "unreadable":
      return new BinaryUnreadable({ entry, path: binaryPath, cause: failure.cause })
  }
}

const toBinary = (name: string, binaryPath: string, stats: Stats): Binary => ({
  name,
  path: binaryPath,
  sizeBytes: stats.size,
  modifiedAt: stats.mtime
})

const fsCall = <A>(call: () => Promise<A>): Effect.Effect<A, NodeJS.ErrnoException> =>
  Effect.tryPromise({ try: call, catch: (cause) => cause as NodeJS.ErrnoException })

/** ENOTDIR means a path component is a file, which for the user is the same as a missing path. */
const isMissingError = (error: NodeJS.ErrnoException): boolean => error.code === "ENOENT" || error.code === "ENOTDIR"

const shellQuote = (text: string): string => (/^[\w./+-]+$/.test(text) ? text : `'${text.replaceAll("'", "'\\''")}'`)

/** Returns the binaries named on the command line, or every binary discovered in `buildDir` when none is named. */
export const selectBinaries = (entries: ReadonlyArray<string>, buildDir: string) =>
  Effect.gen(function* () {
    const catalog = yield* BinaryCatalog
    if (entries.length > 0) return yield* catalog.resolve(entries, buildDir)
    return yield* catalog.discover(buildDir)
  })
