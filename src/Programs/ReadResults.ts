/**
 * Reads a run folder back, including one whose monitor was interrupted or killed: a binary without a
 * final `<binary>.json` is summarized from its snapshots file, where a torn last line is skipped.
 */
import { Data, Effect, Either, Schema } from "effect"
import * as fs from "node:fs/promises"
import * as path from "node:path"
import { addMemorySample, addPoint, changeOver, emptyLinearTrend, emptyMemoryStats } from "../Domain/Statistics.js"
import type { BinaryStatus, Snapshot } from "../Schema/Results.js"
import { BinaryResult, RunManifest, Snapshot as SnapshotSchema } from "../Schema/Results.js"

export class RunFolderError extends Data.TaggedError("RunFolderError")<{
  readonly folder: string
  readonly cause: unknown
}> {
  override get message() {
    return `cannot read run folder ${this.folder}: ${this.cause instanceof Error ? this.cause.message : String(this.cause)}`
  }
}

/** Summary of one binary of a run. `status` is `unfinished` when only snapshots were saved. */
export interface BinaryRecord {
  readonly binary_name: string
  readonly status: BinaryStatus | "unfinished"
  readonly snapshots: number
  readonly ledgers: number
  readonly peak_rss_mb: number | null
  readonly final_rss_mb: number | null
  readonly rss_growth_mb_per_hour: number | null
  /** Lines of the snapshots file that were not valid snapshots (normally only a torn last line). */
  readonly skipped_lines: number
}

export interface RunRecord {
  readonly folder: string
  readonly manifest: RunManifest | null
  readonly binaries: ReadonlyArray<BinaryRecord>
}

const SNAPSHOTS_SUFFIX = ".snapshots.ndjson"
const decodeResult = Schema.decodeUnknownEither(Schema.parseJson(BinaryResult))
const decodeManifest = Schema.decodeUnknownEither(Schema.parseJson(RunManifest))
const decodeSnapshot = Schema.decodeUnknownEither(Schema.parseJson(SnapshotSchema))

/** Parses NDJSON snapshot text; lines that are not valid snapshots are counted, not fatal. */
export const parseSnapshotLines = (text: string) => {
  const snapshots: Array<Snapshot> = []
  let skipped = 0
  for (const line of text.split("\n")) {
    if (line.trim() === "") continue
    const decoded = decodeSnapshot(line)
    if (Either.isRight(decoded)) snapshots.push(decoded.right)
    else skipped++
  }
  return { snapshots, skipped }
}

/** Summarizes snapshots the way a finished result does: peak, final, ledgers and monitoring growth per hour. */
export const summarizeSnapshots = (
  name: string,
  snapshots: ReadonlyArray<Snapshot>,
  skipped: number,
  status: BinaryRecord["status"]
): BinaryRecord => {
  let stats = emptyMemoryStats
  let trend = emptyLinearTrend
  const ledgers = new Set<number>()
  for (const snapshot of snapshots) {
    stats = addMemorySample(stats, snapshot.rss_mb)
    if (snapshot.phase === "monitoring") trend = addPoint(trend, snapshot.elapsed_seconds, snapshot.rss_mb)
    if (snapshot.kind === "ledger" && snapshot.ledger_index !== null) ledgers.add(snapshot.ledger_index)
  }
  return {
    binary_name: name,
    status,
    snapshots: snapshots.length,
    ledgers: ledgers.size,
    peak_rss_mb: stats.peak ?? null,
    final_rss_mb: stats.final ?? null,
    rss_growth_mb_per_hour: changeOver(trend, 3600),
    skipped_lines: skipped
  }
}

export const readRunFolder = (folder: string) =>
  Effect.gen(function* () {
    const read = (file: string) =>
      Effect.tryPromise({ try: () => fs.readFile(path.join(folder, file), "utf8"), catch: (cause) => cause })
    const entries = yield* Effect.tryPromise({
      try: () => fs.readdir(folder),
      catch: (cause) => new RunFolderError({ folder, cause })
    })

    const manifestText = yield* read("run.json").pipe(Effect.option)
    const manifest = manifestText._tag === "Some" ? Either.getOrNull(decodeManifest(manifestText.value)) : null

    const binaries: Array<BinaryRecord> = []
    for (const entry of entries.filter((name) => name.endsWith(SNAPSHOTS_SUFFIX)).sort()) {
      const name = entry.slice(0, -SNAPSHOTS_SUFFIX.length)
      const resultText = yield* read(`${name}.json`).pipe(Effect.option)
      const result = resultText._tag === "Some" ? Either.getOrNull(decodeResult(resultText.value)) : null
      if (result !== null) {
        binaries.push(summarizeSnapshots(result.binary_name, result.snapshots, 0, result.status))
        continue
      }
      const lines = parseSnapshotLines(yield* read(entry).pipe(Effect.orElseSucceed(() => "")))
      binaries.push(summarizeSnapshots(name, lines.snapshots, lines.skipped, "unfinished"))
    }
    return { folder, manifest, binaries } satisfies RunRecord
  })
