/**
 * Cost of recording one snapshot, early in a run and after 100,000 snapshots, to check that the work per
 * snapshot does not grow with the run (running sums, one appended line, no rescans). Also the cost of the
 * run-state reducer for one line of node output, the hottest path during an output flood.
 */
import { Effect } from "effect"
import * as fs from "node:fs"
import * as os from "node:os"
import * as path from "node:path"
import { bench, describe } from "vitest"
import { RunEvent, makeRunState } from "../src/Layers/RunState.js"
import type { MemorySample } from "../src/Layers/MemorySampler.js"
import { Recorder } from "../src/Programs/Recorder.js"
import type { RecorderContext } from "../src/Programs/Recorder.js"

const context = {
  runId: "20261204_120000",
  configuredDurationSeconds: 3600,
  testConfiguration: {} as RecorderContext["testConfiguration"],
  systemInfo: {} as RecorderContext["systemInfo"]
} satisfies RecorderContext

const memory: MemorySample = {
  rss_mb: 1024,
  vms_mb: 4096,
  memory_percent: 4.2,
  num_threads: 40,
  hwm_mb: 1100,
  swap_mb: 0,
  pids: [4242]
}

const counts = Object.fromEntries(Array.from({ length: 40 }, (_, i) => [`ripple::Type${i}`, i * 1000]))

const recorderWith = (snapshots: number) => {
  const recorder = new Recorder({ name: "rippled-a", path: "build/rippled-a", sizeBytes: 1 }, context, 0)
  recorder.diagnostics.counts = counts
  recorder.markSynced(0)
  for (let i = 0; i < snapshots; i++) recorder.addSnapshot("sample", i * 1000, memory)
  return recorder
}

const file = path.join(fs.mkdtempSync(path.join(os.tmpdir(), "xm-bench-")), "snapshots.ndjson")
const fd = fs.openSync(file, "a")

describe("record one ledger snapshot and append it", () => {
  const early = recorderWith(1_000)
  const late = recorderWith(100_000)
  let index = 0
  const ledger = () => ({
    type: "ledgerClosed" as const,
    ledger_index: ++index,
    ledger_hash: "A".repeat(64),
    ledger_time: index,
    txn_count: 3
  })

  bench("after 1,000 snapshots", () => {
    const snapshot = early.addSnapshot("ledger", index * 1000, memory, ledger())
    fs.writeSync(fd, JSON.stringify(snapshot) + "\n")
  })

  bench("after 100,000 snapshots", () => {
    const snapshot = late.addSnapshot("ledger", index * 1000, memory, ledger())
    fs.writeSync(fd, JSON.stringify(snapshot) + "\n")
  })
})

describe("publish one line of node output", () => {
  const runState = Effect.runSync(makeRunState)
  runState.unsafePublish(RunEvent.BinaryStarted({ index: 0, name: "rippled-a", pid: 1, at: 0 }))
  const line = { stream: "stderr" as const, receivedAt: 0, text: "2026-Dec-04 15:25:05.669736947 UTC JobQueue:NFO Using 1 threads" }

  bench("reducer and listeners", () => {
    runState.unsafePublish(RunEvent.NodeOutput({ lines: [line] }))
  })
})
