import { spawn } from "node:child_process"
import { existsSync } from "node:fs"
import { mkdtemp, rm } from "node:fs/promises"
import { tmpdir } from "node:os"
import * as path from "node:path"
import { afterEach, describe, expect, it } from "vitest"
import { isAlive, MAIN_JS } from "./support/RunCli.js"
import { writeSimBinary, writeSimConfig } from "./support/SimFixtures.js"

const SCRIPT = "/usr/bin/script"
const ROOT = path.resolve(import.meta.dirname, "..")

const stripAnsi = (text: string) =>
  text.replace(/\u001B(?:\[[0-?]*[ -/]*[@-~]|\][^\u0007\u001B]*(?:\u0007|\u001B\\)|[@-Z\\-_])/g, "")

const shellQuote = (word: string) => `'${word.replaceAll("'", "'\\''")}'`

interface Session {
  readonly output: () => string
  readonly press: (keys: string) => void
  readonly waitFor: (check: (screen: string) => boolean, timeoutMs: number) => Promise<string>
  readonly exit: Promise<number | null>
  readonly kill: () => void
}

/**
 * Runs the monitor inside `script`, which gives it a pseudo-terminal of 120 x 40, so stdout and stdin are
 * terminals and the dashboard is used. Keys written to `script`'s stdin reach the monitor as typed input.
 */
const startInTerminal = (args: ReadonlyArray<string>): Session => {
  const command = `stty cols 120 rows 40; exec ${[process.execPath, MAIN_JS, ...args].map(shellQuote).join(" ")}`
  const env: Record<string, string> = { ...(process.env as Record<string, string>), TERM: "xterm-256color" }
  delete env["CI"]
  delete env["CONTINUOUS_INTEGRATION"]
  delete env["NO_COLOR"]
  const child = spawn(SCRIPT, ["--quiet", "--return", "--command", command, "/dev/null"], {
    cwd: ROOT,
    env,
    stdio: ["pipe", "pipe", "pipe"]
  })
  let raw = ""
  child.stdout.setEncoding("utf8").on("data", (chunk: string) => (raw += chunk))
  child.stderr.setEncoding("utf8").on("data", (chunk: string) => (raw += chunk))
  const exit = new Promise<number | null>((resolve) => child.on("close", (code) => resolve(code)))

  return {
    output: () => raw,
    press: (keys) => void child.stdin.write(keys),
    waitFor: async (check, timeoutMs) => {
      const deadline = Date.now() + timeoutMs
      while (Date.now() < deadline) {
        const screen = stripAnsi(raw)
        if (check(screen)) return screen
        await new Promise((resolve) => setTimeout(resolve, 50))
      }
      throw new Error(`screen did not show the expected text within ${timeoutMs} ms:\n${stripAnsi(raw).slice(-4000)}`)
    },
    exit,
    kill: () => {
      if (child.exitCode === null && child.pid !== undefined) child.kill("SIGKILL")
    }
  }
}

describe.skipIf(!existsSync(SCRIPT))("dashboard in a terminal", () => {
  const cleanups: Array<() => Promise<void> | void> = []
  afterEach(async () => {
    for (const cleanup of cleanups.splice(0).reverse()) await cleanup()
  })

  it("shows the run and quits on q", async () => {
    const workDir = await mkdtemp(path.join(tmpdir(), "ui-terminal-"))
    cleanups.push(() => rm(workDir, { recursive: true, force: true }))
    const outputDir = path.join(workDir, "results")
    // A config on a free port, so a demo running on the example config's fixed port cannot collide.
    const { configPath } = await writeSimConfig(workDir)
    const binary = await writeSimBinary(workDir, "rippled-baseline", { SIM_GROWTH_MB_PER_LEDGER: "0.2" })
    const session = startInTerminal([
      "run",
      "--config", configPath,
      "--standalone",
      "--binaries", binary,
      "--duration", "5m",
      "--ledger-interval", "1s",
      "--cooldown", "1s",
      "--output-dir", outputDir
    ])
    let nodePid: number | undefined
    cleanups.push(() => {
      session.kill()
      if (nodePid !== undefined && isAlive(nodePid)) process.kill(nodePid, "SIGKILL")
    })

    const screen = await session.waitFor(
      (text) => /ledger [1-9]\d*/.test(text) && /RSS \d+\.\d MB/.test(text) && /pid \d+/.test(text),
      20_000
    )
    nodePid = Number(/pid (\d+)/.exec(screen)?.[1])
    expect(screen).toContain("binary 1/1 rippled-baseline")
    expect(screen).toContain("phase monitoring")
    expect(screen).toContain("4 node output")
    expect(session.output()).toContain("\u001B[?1049h")

    session.press("q")
    const code = await Promise.race([
      session.exit,
      new Promise<"timeout">((resolve) => setTimeout(() => resolve("timeout"), 20_000))
    ])

    expect(code).toBe(130)
    expect(isAlive(nodePid)).toBe(false)
    const afterDashboard = stripAnsi(session.output().slice(session.output().lastIndexOf("\u001B[?1049l")))
    expect(afterDashboard).toMatch(/binary\s+status\s+sync time/)
    expect(afterDashboard).toMatch(/rippled-baseline\s+interrupted/)
  }, 45_000)
})
