/**
 * Process-level state that signal handlers need synchronously: the exit status the run decided on, and
 * the binary being tested, so that a second Ctrl-C (which exits at once) can still save its result.
 */
import { Effect } from "effect"
import type { ResultsStoreService } from "../Layers/ResultsStore.js"
import type { Recorder } from "./Recorder.js"

let exitStatus = 0

export const ExitStatus = {
  set: (code: number) => Effect.sync(() => void (exitStatus = code)),
  get: () => exitStatus
}

let current: { readonly store: ResultsStoreService; readonly recorder: Recorder } | null = null

export const emergency = {
  track: (store: ResultsStoreService, recorder: Recorder) => {
    current = { store, recorder }
  },
  /**
   * Writes the current binary's result as `interrupted` unless it already has an ending. Its snapshots
   * are on disk already; the node's output tails are not available here and are left empty.
   */
  saveSync: () => {
    if (current === null || current.recorder.ending !== null) return
    const { recorder, store } = current
    recorder.ending = { status: "interrupted", errorMessage: "interrupted by a second Ctrl-C; the node was killed" }
    const result = recorder.toResult(Date.now(), { stdout: [], stderr: [] })
    Effect.runSync(store.writeResult(result).pipe(Effect.ignore))
  }
}
