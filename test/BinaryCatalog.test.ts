import { execFileSync } from "node:child_process"
import * as fs from "node:fs/promises"
import * as os from "node:os"
import * as path from "node:path"
import { describe, expect, layer } from "@effect/vitest"
import { Effect } from "effect"
import type { Scope } from "effect"
import { BinaryCatalog, BinaryCatalogLive } from "../src/Layers/BinaryCatalog.js"

const script = "#!/bin/sh\nexit 0\n"

layer(BinaryCatalogLive)("BinaryCatalog", (it) => {
  describe("discover", () => {
    it.scoped("finds executable rippled and xahaud files sorted by name", () =>
      Effect.gen(function* () {
        const root = yield* tempDir
        const buildDir = path.join(root, "build")
        yield* Effect.promise(async () => {
          await fs.mkdir(buildDir)
          await fs.mkdir(path.join(root, "elsewhere"))
          await writeFile(path.join(buildDir, "xahaud-b"), 0o755)
          await writeFile(path.join(buildDir, "rippled-a"), 0o755)
          await writeFile(path.join(buildDir, "xahaud"), 0o755)
          await writeFile(path.join(buildDir, "other-node"), 0o755)
          await writeFile(path.join(buildDir, "xahaud-plain"), 0o644)
          await fs.mkdir(path.join(buildDir, "xahaud-dir"))
          await writeFile(path.join(root, "elsewhere", "real-binary"), 0o755, "#!/bin/sh\n# a longer file\nexit 0\n")
          await fs.symlink(path.join(root, "elsewhere", "real-binary"), path.join(buildDir, "xahaud-link"))
          await fs.symlink(path.join(root, "elsewhere", "missing"), path.join(buildDir, "xahaud-broken"))
        })
        const catalog = yield* BinaryCatalog

        const binaries = yield* catalog.discover(buildDir)

        expect(binaries.map((binary) => binary.name)).toEqual(["rippled-a", "xahaud", "xahaud-b", "xahaud-link"])
        const link = binaries.find((binary) => binary.name === "xahaud-link")!
        expect(link.path).toBe(path.join(buildDir, "xahaud-link"))
        expect(link.sizeBytes).toBe(Buffer.byteLength("#!/bin/sh\n# a longer file\nexit 0\n"))
        expect(link.modifiedAt).toBeInstanceOf(Date)
        expect(binaries[0]!.sizeBytes).toBe(Buffer.byteLength(script))
      })
    )

    it.scoped("fails on a missing build directory", () =>
      Effect.gen(function* () {
        const root = yield* tempDir
        const buildDir = path.join(root, "no-such-dir")
        const catalog = yield* BinaryCatalog

        const error = yield* Effect.flip(catalog.discover(buildDir))

        expect(error._tag).toBe("BuildDirNotFound")
        expect(error.message).toContain(buildDir)
        expect(error.message).toContain("does not exist")
        expect(error.message).toContain("--build-dir")
      })
    )

    it.scoped("fails when the build directory is a file", () =>
      Effect.gen(function* () {
        const root = yield* tempDir
        const file = path.join(root, "xahaud")
        yield* Effect.promise(() => writeFile(file, 0o755))
        const catalog = yield* BinaryCatalog

        const error = yield* Effect.flip(catalog.discover(file))

        expect(error._tag).toBe("BuildDirNotFound")
        expect(error.message).toContain("is not a directory")
      })
    )

    it.scoped("fails on a directory without binaries", () =>
      Effect.gen(function* () {
        const root = yield* tempDir
        yield* Effect.promise(() => writeFile(path.join(root, "xahaud-plain"), 0o644))
        const catalog = yield* BinaryCatalog

        const error = yield* Effect.flip(catalog.discover(root))

        expect(error._tag).toBe("NoBinariesFound")
        expect(error.message).toContain(root)
        expect(error.message).toContain("rippled* or xahaud*")
        expect(error.message).toContain("--build-dir")
        expect(error.message).toContain("--binaries")
      })
    )

    it.scoped("fails on an empty directory", () =>
      Effect.gen(function* () {
        const root = yield* tempDir
        const catalog = yield* BinaryCatalog

        const error = yield* Effect.flip(catalog.discover(root))

        expect(error._tag).toBe("NoBinariesFound")
      })
    )
  })

  describe("resolve", () => {
    it.scoped("looks up bare names in the build directory", () =>
      Effect.gen(function* () {
        const buildDir = yield* populatedBuildDir
        const catalog = yield* BinaryCatalog

        const binaries = yield* catalog.resolve(["xahaud", "rippled-a"], buildDir)

        expect(binaries.map((binary) => binary.name)).toEqual(["xahaud", "rippled-a"])
        expect(binaries.map((binary) => binary.path)).toEqual([
          path.join(buildDir, "xahaud"),
          path.join(buildDir, "rippled-a")
        ])
      })
    )

    it.scoped("uses paths as given", () =>
      Effect.gen(function* () {
        const buildDir = yield* populatedBuildDir
        const relative = path.relative(process.cwd(), path.join(buildDir, "xahaud"))
        const absolute = path.join(buildDir, "rippled-a")
        const catalog = yield* BinaryCatalog

        const binaries = yield* catalog.resolve([relative, absolute], "/no/such/build/dir")

        expect(binaries.map((binary) => binary.path)).toEqual([relative, absolute])
        expect(binaries.map((binary) => binary.name)).toEqual(["xahaud", "rippled-a"])
      })
    )

    it.scoped("keeps the given name of a symlink", () =>
      Effect.gen(function* () {
        const buildDir = yield* populatedBuildDir
        const linkPath = path.join(buildDir, "xahaud-link")
        const catalog = yield* BinaryCatalog

        const binaries = yield* catalog.resolve([linkPath], buildDir)

        expect(binaries).toHaveLength(1)
        expect(binaries[0]!.name).toBe("xahaud-link")
        expect(binaries[0]!.path).toBe(linkPath)
      })
    )

    it.scoped("splits comma-separated entries", () =>
      Effect.gen(function* () {
        const buildDir = yield* populatedBuildDir
        const catalog = yield* BinaryCatalog

        const binaries = yield* catalog.resolve(["xahaud,rippled-a", ",", " "], buildDir)

        expect(binaries.map((binary) => binary.name)).toEqual(["xahaud", "rippled-a"])
      })
    )

    it.scoped("fails on an empty list", () =>
      Effect.gen(function* () {
        const buildDir = yield* populatedBuildDir
        const catalog = yield* BinaryCatalog

        const error = yield* Effect.flip(catalog.resolve([",", ""], buildDir))

        expect(error._tag).toBe("NoBinariesGiven")
      })
    )

    it.scoped("reports each problem kind", () =>
      Effect.gen(function* () {
        const buildDir = yield* populatedBuildDir
        const fifo = path.join(buildDir, "xahaud-fifo")
        execFileSync("mkfifo", [fifo])
        const catalog = yield* BinaryCatalog
        const cases = [
          { entry: "xahaud-missing", tag: "BinaryNotFound", text: path.join(buildDir, "xahaud-missing") },
          { entry: "xahaud-dir", tag: "BinaryIsDirectory", text: "is a directory" },
          { entry: "xahaud-fifo", tag: "BinaryNotRegularFile", text: "not a regular file" },
          { entry: "xahaud-plain", tag: "BinaryNotExecutable", text: `chmod +x ${path.join(buildDir, "xahaud-plain")}` }
        ]

        for (const { entry, tag, text } of cases) {
          const error = yield* Effect.flip(catalog.resolve([entry], buildDir))
          expect(error._tag, entry).toBe("InvalidBinaries")
          const problems = error._tag === "InvalidBinaries" ? error.problems : []
          expect(problems.map((problem) => problem._tag), entry).toEqual([tag])
          expect(error.message, entry).toContain(text)
          expect(error.message, entry).toContain(`"${entry}"`)
        }
      })
    )

    it.scoped("reports a name given twice", () =>
      Effect.gen(function* () {
        const buildDir = yield* populatedBuildDir
        const otherCopy = path.join(buildDir, "elsewhere", "xahaud")
        const catalog = yield* BinaryCatalog

        const error = yield* Effect.flip(catalog.resolve(["xahaud", otherCopy], buildDir))

        const problem = error._tag === "InvalidBinaries" ? error.problems[0] : undefined
        expect(problem?._tag).toBe("DuplicateBinary")
        expect(problem?._tag === "DuplicateBinary" ? problem.reason : undefined).toBe("name")
        expect(error.message).toContain(otherCopy)
      })
    )

    it.scoped("reports the same file under two names", () =>
      Effect.gen(function* () {
        const buildDir = yield* populatedBuildDir
        const catalog = yield* BinaryCatalog

        const error = yield* Effect.flip(catalog.resolve(["rippled-a", "rippled-alias"], buildDir))

        const problem = error._tag === "InvalidBinaries" ? error.problems[0] : undefined
        expect(problem?._tag).toBe("DuplicateBinary")
        expect(problem?._tag === "DuplicateBinary" ? problem.reason : undefined).toBe("file")
        expect(error.message).toContain("rippled-alias")
        expect(error.message).toContain(yield* Effect.promise(() => fs.realpath(path.join(buildDir, "rippled-a"))))
      })
    )

    it.scoped("reports several problems at once", () =>
      Effect.gen(function* () {
        const buildDir = yield* populatedBuildDir
        const catalog = yield* BinaryCatalog

        const error = yield* Effect.flip(
          catalog.resolve(["xahaud,xahaud-missing", "xahaud-plain", "xahaud-dir,xahaud"], buildDir)
        )

        const problems = error._tag === "InvalidBinaries" ? error.problems : []
        expect(problems.map((problem) => problem._tag)).toEqual([
          "BinaryNotFound",
          "BinaryNotExecutable",
          "BinaryIsDirectory",
          "DuplicateBinary"
        ])
        expect(error.message.split("\n")).toHaveLength(4)
      })
    )
  })
})

/** A fresh directory under the system temp dir, removed when the scope closes. */
const tempDir: Effect.Effect<string, never, Scope.Scope> = Effect.acquireRelease(
  Effect.promise(() => fs.mkdtemp(path.join(os.tmpdir(), "binary-catalog-"))),
  (dir) => Effect.promise(() => fs.rm(dir, { recursive: true, force: true }))
)

/**
 * A build directory with `xahaud`, `rippled-a` and symlinks to them (`xahaud-link`, `rippled-alias`), a
 * non-executable `xahaud-plain`, a directory `xahaud-dir`, and a second `xahaud` under `elsewhere/`.
 */
const populatedBuildDir: Effect.Effect<string, never, Scope.Scope> = Effect.gen(function* () {
  const buildDir = yield* tempDir
  yield* Effect.promise(async () => {
    await writeFile(path.join(buildDir, "xahaud"), 0o755)
    await writeFile(path.join(buildDir, "rippled-a"), 0o755)
    await writeFile(path.join(buildDir, "xahaud-plain"), 0o644)
    await fs.mkdir(path.join(buildDir, "xahaud-dir"))
    await fs.mkdir(path.join(buildDir, "elsewhere"))
    await writeFile(path.join(buildDir, "elsewhere", "xahaud"), 0o755)
    await fs.symlink(path.join(buildDir, "xahaud"), path.join(buildDir, "xahaud-link"))
    await fs.symlink("rippled-a", path.join(buildDir, "rippled-alias"))
  })
  return buildDir
})

const writeFile = async (filePath: string, mode: number, content = script): Promise<void> => {
  await fs.writeFile(filePath, content)
  await fs.chmod(filePath, mode)
}
