/**
 * Process-level state that signal handlers need synchronously: the exit status the run decided on, and
 * the binary being tested, so that a second Ctrl-C (which exits at once) can still save its result.
 */
import { Effect } from "effect"
import type { ResultsStoreService } from "../Layers/ResultsStore.js"
import type { BinarySummaryLine } from "../Schema/Results.js"
import type { Recorder } from "./Recorder.js"
import { summaryLine } from "./TestBinary.js"
import type { ManifestBuilder } from "./RunAll.js"

let exitStatus = 0

export const ExitStatus = {
  set: (code: number) => Effect.sync(() => void (exitStatus = code)),
  get: () => exitStatus
}

let store: ResultsStoreService | null = null
let recorder: Recorder | null = null
let manifest: ManifestBuilder | null = null

let quit = false

export const emergency = {
  /** Records that the user asked the run to stop from the dashboard (`q` or Ctrl-C as a key). */
  noteQuit: () => {
    quit = true
  },
  quitRequested: () => quit,
  /** Remembers the binary being tested now. */
  track: (runStore: ResultsStoreService, current: Recorder) => {
    store = runStore
    recorder = current
  },
  /** Remembers how to build `run.json` for the run in progress. */
  trackRun: (runStore: ResultsStoreService, build: ManifestBuilder) => {
    store = runStore
    manifest = build
  },
  /**
   * Writes the current binary's result as `interrupted` unless it already has an ending, then `run.json`
   * with status `interrupted`. Snapshots are on disk already. The node's output tails are not available
   * here and are left empty.
   */
  saveSync: () => {
    if (store === null) return
    const now = Date.now()
    let unsaved: BinarySummaryLine | null = null
    if (recorder !== null && recorder.ending === null) {
      recorder.ending = { status: "interrupted", errorMessage: "interrupted by a second Ctrl-C; the node was killed" }
      recorder.forcedKill = true
      recorder.exit ??= { code: null, signal: "SIGKILL", exitedAt: now }
      const result = recorder.toResult(now, { stdout: [], stderr: [] })
      const file = Effect.runSync(store.writeResult(result).pipe(Effect.orElseSucceed(() => "")))
      unsaved = summaryLine(result, recorder.growthPerHour(), file)
    }
    if (manifest === null) return
    const written = manifest("interrupted", new Date(now).toISOString())
    const results = unsaved === null ? written.results : [...written.results, unsaved]
    Effect.runSync(store.writeManifest({ ...written, results }).pipe(Effect.ignore))
  }
}
