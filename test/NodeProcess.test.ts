import { mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs"
import { tmpdir } from "node:os"
import { join } from "node:path"
import { fileURLToPath } from "node:url"
import { describe, expect, layer } from "@effect/vitest"
import { Chunk, Deferred, Duration, Effect, Fiber, Option, Schedule, Stream } from "effect"
import { NodeProcess, NodeProcessLive } from "../src/Layers/NodeProcess.js"
import type { OutputLine, RunningNode } from "../src/Layers/NodeProcess.js"
import { findExecutableOnPath } from "../src/Layers/NodeProcess/Files.js"
import { liveProcessGroups } from "../src/Layers/ProcessGroups.js"

const fixture = (name: string) => fileURLToPath(new URL(`./fixtures/processes/${name}`, import.meta.url))

const hasSetpriv = process.platform === "linux" && findExecutableOnPath("setpriv") !== undefined

// Without the test services, so timeouts and polling use the real clock that the child processes live by.
layer(NodeProcessLive, { excludeTestServices: true })("NodeProcess", (it) => {
  describe("output", () => {
    it.scoped("splits and tags lines of both streams", () =>
      Effect.gen(function* () {
        const dir = yield* tempDir
        const goFile = join(dir, "go")
        const logFile = join(dir, "node.log")

        const { lines, exit } = yield* Effect.scoped(
          Effect.gen(function* () {
            const node = yield* start({ binaryPath: fixture("mixed-output.sh"), args: [goFile], logFile })
            const collecting = yield* Effect.fork(Stream.runCollect(node.lines))
            // The script writes nothing until the go file exists, so the subscription sees every line.
            yield* Effect.sleep("100 millis")
            writeFileSync(goFile, "")
            const lines = Chunk.toReadonlyArray(yield* Fiber.join(collecting))
            return { lines, exit: yield* node.exit }
          })
        )

        const expectedStdout = ["out one", "out two", "before", "bad \uFFFD byte", "after", "no newline at end"]
        const expectedStderr = ["err one", "err two"]
        expect(textsOf(lines, "stdout")).toEqual(expectedStdout)
        expect(textsOf(lines, "stderr")).toEqual(expectedStderr)
        expect(exit.code).toBe(0)

        const logged = readLog(logFile)
        expect(logged.every((entry) => entry.time !== "")).toBe(true)
        expect(textsOf(logged, "stdout")).toEqual(expectedStdout)
        expect(textsOf(logged, "stderr")).toEqual(expectedStderr)
      })
    )

    it.scoped("keeps draining a flood of output", () =>
      Effect.gen(function* () {
        const dir = yield* tempDir
        const logFile = join(dir, "node.log")

        const tails = yield* Effect.scoped(
          Effect.gen(function* () {
            const node = yield* start({ binaryPath: fixture("flood.sh"), args: [], logFile })
            yield* waitForLine(node, "stdout", (text) => text === "ready", "15 seconds")
            return yield* node.tails
          })
        )

        expect(tails.stdout).toHaveLength(100)
        expect(tails.stdout.at(-1)).toBe("ready")
        expect(tails.stderr).toHaveLength(100)

        const logged = readLog(logFile)
        const stdout = textsOf(logged, "stdout")
        const stderr = textsOf(logged, "stderr")
        expect(stdout).toHaveLength(50_001)
        expect(stderr).toHaveLength(2_000)
        expect(stdout.slice(0, -1).every((text) => text === "0".repeat(99))).toBe(true)
        expect(stderr.every((text) => text === "0".repeat(99))).toBe(true)
      })
    )

    it.scoped("late subscriber sees the end", () =>
      Effect.gen(function* () {
        const dir = yield* tempDir
        const node = yield* start({ binaryPath: "/bin/sh", args: ["-c", "echo gone"], logFile: join(dir, "node.log") })
        yield* node.exit
        const lines = yield* Stream.runCollect(node.lines).pipe(Effect.timeout("5 seconds"))
        expect(Chunk.size(lines)).toBe(0)
      })
    )
  })

  describe("exit", () => {
    it.scoped("records the exit code", () =>
      Effect.gen(function* () {
        const dir = yield* tempDir
        const node = yield* start({ binaryPath: "/bin/sh", args: ["-c", "exit 3"], logFile: join(dir, "node.log") })
        const exit = yield* node.exit
        expect(exit.code).toBe(3)
        expect(exit.signal).toBeNull()
        expect(yield* node.exitNow).toEqual(Option.some(exit))
      })
    )

    it.scoped("records the exit signal", () =>
      Effect.gen(function* () {
        const dir = yield* tempDir
        const node = yield* start({ binaryPath: "/bin/sh", args: ["-c", "kill -KILL $$"], logFile: join(dir, "node.log") })
        const exit = yield* node.exit
        expect(exit.code).toBeNull()
        expect(exit.signal).toBe("SIGKILL")
      })
    )

    it.scoped("tails hold the line written before exit", () =>
      Effect.gen(function* () {
        const dir = yield* tempDir
        const node = yield* start({ binaryPath: fixture("last-words.sh"), args: [], logFile: join(dir, "node.log") })
        const exit = yield* node.exit
        const tails = yield* node.tails
        expect(exit.code).toBe(1)
        expect(tails.stderr).toHaveLength(100)
        expect(tails.stderr.at(-1)).toBe("fatal: last line before exit")
        expect(tails.stderr.at(-2)).toBe("0".repeat(63))
      })
    )
  })

  describe("stop", () => {
    it.scoped("graceful node exits on SIGTERM", () =>
      Effect.gen(function* () {
        const dir = yield* tempDir
        const node = yield* start({ binaryPath: fixture("graceful.sh"), args: [], logFile: join(dir, "node.log") })
        yield* waitForLine(node, "stdout", (text) => text === "ready")

        const [first, second] = yield* Effect.all([node.stop, node.stop], { concurrency: 2 })
        const again = yield* node.stop

        expect(first.forced).toBe(false)
        expect(first.exit.code).toBe(0)
        expect(second).toEqual(first)
        expect(again).toEqual(first)
        expect((yield* node.tails).stdout).toContain("stopping on SIGTERM")
        expect(isRunning(node.pid)).toBe(false)
      })
    )

    it.scoped("SIGKILL after the stop timeout", () =>
      Effect.gen(function* () {
        const dir = yield* tempDir
        const node = yield* start({ binaryPath: fixture("ignore-term.sh"), args: [], logFile: join(dir, "node.log") })
        yield* waitForLine(node, "stdout", (text) => text === "ready")

        const outcome = yield* node.stop

        expect(outcome.forced).toBe(true)
        expect(outcome.exit.signal).toBe("SIGKILL")
        expect(isRunning(node.pid)).toBe(false)
        expect(liveProcessGroups()).not.toContain(node.pid)
      })
    )

    it.scoped("kills the grandchild of a wrapper", () =>
      Effect.gen(function* () {
        const dir = yield* tempDir
        const node = yield* start({ binaryPath: fixture("wrapper.sh"), args: [], logFile: join(dir, "node.log") })
        const childLine = yield* waitForLine(node, "stdout", (text) => text.startsWith("child "))
        yield* waitForLine(node, "stdout", (text) => text === "ready")
        const grandchild = Number(childLine.slice("child ".length))

        const outcome = yield* node.stop

        expect(outcome.forced).toBe(true)
        expect(outcome.exit.signal).toBe("SIGTERM")
        expect(isRunning(node.pid)).toBe(false)
        expect(isRunning(grandchild)).toBe(false)
      })
    )

    it.effect("closing the scope stops the node", () =>
      Effect.gen(function* () {
        const dir = yield* tempDir
        const pid = yield* Effect.scoped(
          Effect.gen(function* () {
            const node = yield* start({ binaryPath: fixture("ignore-term.sh"), args: [], logFile: join(dir, "node.log") })
            yield* waitForLine(node, "stdout", (text) => text === "ready")
            return node.pid
          })
        )
        expect(isRunning(pid)).toBe(false)
      }).pipe(Effect.scoped)
    )

    it.scoped("interrupting the fiber stops the node", () =>
      Effect.gen(function* () {
        const dir = yield* tempDir
        const started = yield* Deferred.make<RunningNode>()
        const fiber = yield* Effect.fork(
          Effect.scoped(
            Effect.gen(function* () {
              const node = yield* start({ binaryPath: fixture("ignore-term.sh"), args: [], logFile: join(dir, "node.log") })
              yield* Deferred.succeed(started, node)
              return yield* Effect.never
            })
          )
        )
        const node = yield* Deferred.await(started)
        yield* waitForLine(node, "stdout", (text) => text === "ready")

        yield* Fiber.interrupt(fiber)

        expect(isRunning(node.pid)).toBe(false)
        const exit = yield* node.exit
        expect(exit.signal).toBe("SIGKILL")
      })
    )

    it.scoped("killAll sends SIGKILL to every group", () =>
      Effect.gen(function* () {
        const dir = yield* tempDir
        const processes = yield* NodeProcess
        const node = yield* start({ binaryPath: fixture("ignore-term.sh"), args: [], logFile: join(dir, "node.log") })
        yield* waitForLine(node, "stdout", (text) => text === "ready")
        expect(liveProcessGroups()).toContain(node.pid)

        yield* processes.killAll

        const exit = yield* node.exit.pipe(Effect.timeout("10 seconds"))
        expect(exit.signal).toBe("SIGKILL")
      })
    )
  })

  describe("spawn errors", () => {
    it.scoped("missing binary", () =>
      Effect.gen(function* () {
        const dir = yield* tempDir
        const binaryPath = join(dir, "no-such-xahaud")
        const error = yield* Effect.flip(start({ binaryPath, args: [], logFile: join(dir, "node.log") }))
        expect(error._tag).toBe("SpawnError")
        expect(error.binaryPath).toBe(binaryPath)
        expect(error.message).toContain(binaryPath)
        expect(error.message).toContain("no such file")
      })
    )

    it.scoped("file that is not executable", () =>
      Effect.gen(function* () {
        const dir = yield* tempDir
        const binaryPath = join(dir, "xahaud")
        writeFileSync(binaryPath, "#!/bin/sh\necho never\n", { mode: 0o644 })
        const error = yield* Effect.flip(start({ binaryPath, args: [], logFile: join(dir, "node.log") }))
        expect(error._tag).toBe("SpawnError")
        expect(error.message).toContain(binaryPath)
        expect(error.message).toContain("permission denied")
      })
    )

    it.scoped("log file that cannot be opened", () =>
      Effect.gen(function* () {
        const dir = yield* tempDir
        const logFile = join(dir, "missing-directory", "node.log")
        const error = yield* Effect.flip(start({ binaryPath: "/bin/sh", args: ["-c", "exit 0"], logFile }))
        expect(error._tag).toBe("SpawnError")
        expect(error.message).toContain(logFile)
      })
    )
  })

  describe("parent death", () => {
    it.scoped.runIf(hasSetpriv)("node gets SIGTERM when the monitor is SIGKILLed", () =>
      Effect.gen(function* () {
        const dir = yield* tempDir
        const marker = join(dir, "marker")
        const parent = yield* start({
          binaryPath: process.execPath,
          args: [fixture("pdeathsig-parent.mjs"), marker, join(dir, "child.log")],
          logFile: join(dir, "parent.log")
        })
        const argvLine = yield* waitForLine(parent, "stdout", (text) => text.startsWith("argv "), "20 seconds")
        const childLine = yield* waitForLine(parent, "stdout", (text) => text.startsWith("child "), "20 seconds")
        const child = Number(childLine.slice("child ".length))
        yield* Effect.addFinalizer(() => Effect.sync(() => killIfRunning(child)))
        yield* waitUntil(() => readMarker(marker).includes("started"), "10 seconds")
        expect(argvLine).toContain("--pdeathsig TERM -- ")

        process.kill(parent.pid, "SIGKILL")

        yield* waitUntil(() => !isRunning(child), "15 seconds")
        expect(readMarker(marker).split("\n")).toContain("SIGTERM")
        expect((yield* parent.exit).signal).toBe("SIGKILL")
      })
    )
  })
})

interface StartOptions {
  readonly binaryPath: string
  readonly args: ReadonlyArray<string>
  readonly logFile: string
}

const start = (options: StartOptions) =>
  Effect.flatMap(NodeProcess, (processes) => processes.start({ ...options, stopTimeout: "1 second" }))

const tempDir = Effect.acquireRelease(
  Effect.sync(() => mkdtempSync(join(tmpdir(), "node-process-test-"))),
  (dir) => Effect.sync(() => rmSync(dir, { recursive: true, force: true }))
)

const pollInterval = Schedule.spaced("50 millis")

/** Polls `check` until it returns true; fails after `limit`. */
const waitUntil = (check: () => boolean, limit: Duration.DurationInput) =>
  Effect.sync(check).pipe(
    Effect.repeat({ schedule: pollInterval, until: (done) => done }),
    Effect.timeoutFail({
      duration: limit,
      onTimeout: () => new Error(`condition not met within ${Duration.format(Duration.decode(limit))}`)
    })
  )

/** Polls the node's tail of `stream` until a line matches; returns that line. */
const waitForLine = (
  node: RunningNode,
  stream: OutputLine["stream"],
  matches: (text: string) => boolean,
  limit: Duration.DurationInput = "10 seconds"
) =>
  node.tails.pipe(
    Effect.flatMap((tails) => Option.fromNullable(tails[stream].find(matches))),
    Effect.retry(pollInterval),
    Effect.timeoutFail({
      duration: limit,
      onTimeout: () => new Error(`no matching ${stream} line within ${Duration.format(Duration.decode(limit))}`)
    })
  )

const textsOf = (lines: ReadonlyArray<{ readonly stream: string; readonly text: string }>, stream: string) =>
  lines.filter((line) => line.stream === stream).map((line) => line.text)

/** Parses a node log file into its `<ISO time> <stream> <text>` entries. */
const readLog = (path: string) =>
  readFileSync(path, "utf8")
    .split("\n")
    .slice(0, -1)
    .map((line) => {
      const match = /^(\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d{3}Z) (stdout|stderr) (.*)$/s.exec(line)
      return { time: match?.[1] ?? "", stream: match?.[2] ?? "", text: match?.[3] ?? line }
    })

const readMarker = (path: string) => {
  try {
    return readFileSync(path, "utf8")
  } catch {
    return ""
  }
}

/** True while `pid` exists and is not a zombie (an orphan stays a zombie until init reaps it). */
const isRunning = (pid: number) => {
  try {
    const stat = readFileSync(`/proc/${pid}/stat`, "utf8")
    return stat.slice(stat.lastIndexOf(")") + 2, stat.lastIndexOf(")") + 3) !== "Z"
  } catch {
    return false
  }
}

const killIfRunning = (pid: number) => {
  if (!isRunning(pid)) return
  try {
    process.kill(-pid, "SIGKILL")
  } catch {
    process.kill(pid, "SIGKILL")
  }
}
