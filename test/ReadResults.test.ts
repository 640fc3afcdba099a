import { Effect } from "effect"
import { describe, expect, it } from "@effect/vitest"
import * as fs from "node:fs/promises"
import * as os from "node:os"
import * as path from "node:path"
import { parseSnapshotLines, readRunFolder } from "../src/Programs/ReadResults.js"
import type { Snapshot } from "../src/Schema/Results.js"

const snapshot = (index: number, rss: number, kind: Snapshot["kind"] = "ledger"): Snapshot => ({
  kind,
  phase: "monitoring",
  timestamp: new Date(Date.UTC(2026, 11, 4, 12, 0, index)).toISOString(),
  elapsed_seconds: 10 + index,
  monitoring_elapsed_seconds: index,
  ledger_index: kind === "ledger" ? 100 + index : null,
  ledger_hash: kind === "ledger" ? "A".repeat(64) : null,
  transaction_count: kind === "ledger" ? 0 : null,
  cumulative_transactions: 0,
  rss_mb: rss,
  vms_mb: rss * 4,
  memory_percent: 0.5,
  num_threads: 12,
  hwm_mb: rss,
  swap_mb: 0,
  pids: [4242],
  server_state: "full",
  complete_ledgers: `2-${100 + index}`,
  ledger_count: 99 + index,
  counts: null,
  object_counts: null,
  job_types: null
})

const ndjson = (snapshots: ReadonlyArray<Snapshot>) => snapshots.map((s) => JSON.stringify(s) + "\n").join("")

describe("parseSnapshotLines", () => {
  it("skips a torn last line", () => {
    const text = ndjson([snapshot(0, 100), snapshot(1, 110)]) + JSON.stringify(snapshot(2, 120)).slice(0, 40)
    const parsed = parseSnapshotLines(text)
    expect(parsed.snapshots.map((s) => s.rss_mb)).toEqual([100, 110])
    expect(parsed.skipped).toBe(1)
  })

  it("accepts a file without a final newline", () => {
    const text = ndjson([snapshot(0, 100)]).trimEnd()
    expect(parseSnapshotLines(text).snapshots).toHaveLength(1)
  })
})

describe("readRunFolder", () => {
  it.effect("summarizes an interrupted binary from its truncated snapshots", () =>
    Effect.gen(function* () {
      const folder = yield* Effect.promise(() => fs.mkdtemp(path.join(os.tmpdir(), "xm-read-")))
      const lines = [snapshot(0, 100), snapshot(1, 104, "sample"), snapshot(2, 108), snapshot(3, 112)]
      const torn = JSON.stringify(snapshot(4, 500)).slice(0, 25)
      yield* Effect.promise(() => fs.writeFile(path.join(folder, "rippled-a.snapshots.ndjson"), ndjson(lines) + torn))

      const run = yield* readRunFolder(folder)
      yield* Effect.promise(() => fs.rm(folder, { recursive: true }))

      expect(run.manifest).toBeNull()
      expect(run.binaries).toHaveLength(1)
      const binary = run.binaries[0]!
      expect(binary.binary_name).toBe("rippled-a")
      expect(binary.status).toBe("unfinished")
      expect(binary.snapshots).toBe(4)
      expect(binary.ledgers).toBe(3)
      expect(binary.peak_rss_mb).toBe(112)
      expect(binary.final_rss_mb).toBe(112)
      expect(binary.skipped_lines).toBe(1)
      // 4 MB per second over the monitoring snapshots.
      expect(binary.rss_growth_mb_per_hour).toBeCloseTo(4 * 3600, 6)
    })
  )

  it.effect("fails with the folder name when it does not exist", () =>
    Effect.gen(function* () {
      const error = yield* readRunFolder("/no/such/run").pipe(Effect.flip)
      expect(error.message).toContain("/no/such/run")
    })
  )
})
