import { spawn } from "node:child_process"
import * as path from "node:path"

/** Absolute path of the compiled command-line entry point. */
export const MAIN_JS = path.resolve(import.meta.dirname, "../../dist/Main.js")

export interface CliRun {
  readonly code: number | null
  readonly signal: NodeJS.Signals | null
  readonly stdout: string
  readonly stderr: string
}

export interface CliOptions {
  readonly cwd?: string
  readonly env?: Readonly<Record<string, string>>
  /** Kill the monitor (and fail the wait) after this many milliseconds. */
  readonly timeoutMs?: number
  /** Called once per stdout chunk, e.g. to send a signal when a line appears. */
  readonly onStdout?: (text: string, pid: number) => void
}

/** Runs `node dist/Main.js ...args` as a real child process and collects its output. */
export const runCli = (args: ReadonlyArray<string>, options: CliOptions = {}): Promise<CliRun> =>
  new Promise((resolve, reject) => {
    const child = spawn(process.execPath, [MAIN_JS, ...args], {
      cwd: options.cwd ?? process.cwd(),
      env: { ...process.env, CI: "true", ...options.env },
      stdio: ["ignore", "pipe", "pipe"]
    })
    let stdout = ""
    let stderr = ""
    child.stdout.setEncoding("utf8").on("data", (chunk: string) => {
      stdout += chunk
      options.onStdout?.(chunk, child.pid!)
    })
    child.stderr.setEncoding("utf8").on("data", (chunk: string) => (stderr += chunk))
    const timer = setTimeout(() => {
      child.kill("SIGKILL")
      reject(new Error(`monitor did not exit within ${options.timeoutMs} ms\nstdout:\n${stdout}\nstderr:\n${stderr}`))
    }, options.timeoutMs ?? 60_000)
    child.on("error", reject)
    child.on("close", (code, signal) => {
      clearTimeout(timer)
      resolve({ code, signal, stdout, stderr })
    })
  })

/** True when a process with this pid exists (zombies included). */
export const isAlive = (pid: number) => {
  try {
    process.kill(pid, 0)
    return true
  } catch {
    return false
  }
}
