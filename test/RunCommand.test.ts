import { Schema } from "effect"
import { afterAll, beforeAll, describe, expect, it } from "vitest"
import * as fs from "node:fs/promises"
import * as os from "node:os"
import * as path from "node:path"
import { BinaryResult, RunManifest, Snapshot } from "../src/Schema/Results.js"
import { isAlive, runCli } from "./support/RunCli.js"
import { writeSimBinary, writeSimConfig } from "./support/SimFixtures.js"

const decodeResult = Schema.decodeUnknownSync(BinaryResult)
const decodeManifest = Schema.decodeUnknownSync(RunManifest)
const decodeSnapshot = Schema.decodeUnknownSync(Snapshot)

let workDir: string

beforeAll(async () => {
  workDir = await fs.mkdtemp(path.join(os.tmpdir(), "xm-run-"))
})

afterAll(async () => {
  await fs.rm(workDir, { recursive: true, force: true })
})

/** Returns the single run folder under `outputDir`. */
const runFolder = async (outputDir: string) => {
  const entries = await fs.readdir(outputDir)
  expect(entries).toHaveLength(1)
  return path.join(outputDir, entries[0]!)
}

const readJson = async (file: string): Promise<unknown> => JSON.parse(await fs.readFile(file, "utf8"))

const readNdjson = async (file: string) =>
  (await fs.readFile(file, "utf8")).trimEnd().split("\n").map((line) => decodeSnapshot(JSON.parse(line)))

describe("run in standalone mode", () => {
  let run: Awaited<ReturnType<typeof runCli>>
  let dir: string
  let results: string

  beforeAll(async () => {
    dir = await fs.mkdtemp(path.join(workDir, "standalone-"))
    const build = path.join(dir, "build")
    await fs.mkdir(build)
    const { configPath } = await writeSimConfig(dir)
    await writeSimBinary(build, "rippled-baseline", { SIM_GROWTH_MB_PER_LEDGER: "0.5", SIM_START_DELAY_MS: "300" })
    await writeSimBinary(build, "rippled-leaky", { SIM_GROWTH_MB_PER_LEDGER: "6", SIM_START_DELAY_MS: "300" })
    results = path.join(dir, "results")
    run = await runCli(
      [
        "run",
        "-c", configPath,
        "-s",
        "-d", "5s",
        "--ledger-interval", "700ms",
        "--sample-interval", "500ms",
        "--cooldown", "0",
        "--build-dir", build,
        "--output-dir", results
      ],
      { cwd: dir, timeoutMs: 60_000 }
    )
  }, 70_000)

  it("exits 0 and prints the summary", () => {
    expect(run.stderr).toBe("")
    expect(run.code).toBe(0)
    expect(run.stdout).toMatch(/rippled-baseline\s+completed/)
    expect(run.stdout).toMatch(/rippled-leaky\s+completed/)
  })

  it("writes a result per binary that decodes", async () => {
    const folder = await runFolder(results)
    for (const name of ["rippled-baseline", "rippled-leaky"]) {
      const result = decodeResult(await readJson(path.join(folder, `${name}.json`)))
      expect(result.binary_name).toBe(name)
      expect(result.status).toBe("completed")
      expect(result.exit_code).toBe(0)
      expect(result.exit_signal).toBeNull()
      expect(result.forced_kill).toBe(false)
      expect(result.node_version).toBe("2024.10.15-release+1020")
      expect(result.sync_time).not.toBeNull()
      expect(result.test_configuration.standalone_mode).toBe(true)
      expect(result.total_ledgers).toBeGreaterThanOrEqual(3)
      expect(result.stderr_tail.at(-1)).toMatch(/Application:NFO Done\.$/)
    }
  })

  it("records one snapshot per ledger, in order", async () => {
    const folder = await runFolder(results)
    const result = decodeResult(await readJson(path.join(folder, "rippled-baseline.json")))
    const ledgers = result.snapshots.filter((snapshot) => snapshot.kind === "ledger")
    expect(ledgers).toHaveLength(result.total_ledgers)
    const indexes = ledgers.map((snapshot) => snapshot.ledger_index)
    expect(indexes[0]).toBe(3)
    expect(indexes).toEqual(indexes.map((_, i) => 3 + i))
    for (const snapshot of ledgers) {
      expect(snapshot.phase).toBe("monitoring")
      expect(snapshot.ledger_hash).toMatch(/^[0-9A-F]{64}$/)
      expect(snapshot.rss_mb).toBeGreaterThan(10)
      expect(snapshot.pids[0]).toBe(result.node_pid)
      expect(snapshot.counts).not.toBeNull()
      expect(snapshot.job_types).not.toBeNull()
    }
    expect(result.snapshots.some((snapshot) => snapshot.kind === "sample")).toBe(true)
    expect(result.snapshots[0]!.kind).toBe("poll")
  })

  it("appends the same snapshots to the NDJSON file", async () => {
    const folder = await runFolder(results)
    const result = decodeResult(await readJson(path.join(folder, "rippled-leaky.json")))
    const lines = await readNdjson(path.join(folder, "rippled-leaky.snapshots.ndjson"))
    expect(lines).toEqual(result.snapshots)
  })

  it("measures more growth for the leaky binary", async () => {
    const folder = await runFolder(results)
    const baseline = decodeResult(await readJson(path.join(folder, "rippled-baseline.json")))
    const leaky = decodeResult(await readJson(path.join(folder, "rippled-leaky.json")))
    const baselineGrowth = baseline.monitoring_summary.rss_growth_mb_per_1000_ledgers!
    const leakyGrowth = leaky.monitoring_summary.rss_growth_mb_per_1000_ledgers!
    expect(leakyGrowth).toBeGreaterThan(baselineGrowth + 2000)
    expect(leaky.peak_memory_rss_mb!).toBeGreaterThan(baseline.peak_memory_rss_mb!)
  })

  it("writes run.json, node logs and the monitor log", async () => {
    const folder = await runFolder(results)
    const manifest = decodeManifest(await readJson(path.join(folder, "run.json")))
    expect(manifest.status).toBe("completed")
    expect(manifest.results.map((line) => line.binary_name)).toEqual(["rippled-baseline", "rippled-leaky"])
    const nodeLog = await fs.readFile(path.join(folder, "rippled-baseline.log"), "utf8")
    expect(nodeLog).toMatch(/^\S+Z stderr Loading: "/)
    const monitorLog = await fs.readFile(path.join(folder, "monitor.log"), "utf8")
    expect(monitorLog).toContain("synced; monitoring")
  })

  it("leaves no node process behind", async () => {
    const folder = await runFolder(results)
    for (const name of ["rippled-baseline", "rippled-leaky"]) {
      const result = decodeResult(await readJson(path.join(folder, `${name}.json`)))
      expect(isAlive(result.node_pid!)).toBe(false)
    }
  })
})

describe("run in network mode", () => {
  it("polls until complete ledgers appear, then follows closes", async () => {
    const dir = await fs.mkdtemp(path.join(workDir, "network-"))
    const { configPath } = await writeSimConfig(dir, { mode: "network" })
    const binary = await writeSimBinary(dir, "xahaud-net", {
      SIM_SYNC_DELAY_MS: "2500",
      SIM_CLOSE_INTERVAL_MS: "600",
      SIM_START_DELAY_MS: "200"
    })
    const results = path.join(dir, "results")
    const run = await runCli(
      ["run", "-c", configPath, "-b", binary, "-d", "4s", "--poll-interval", "500ms", "--output-dir", results],
      { cwd: dir, timeoutMs: 60_000 }
    )
    expect(run.code).toBe(0)

    const folder = await runFolder(results)
    const result = decodeResult(await readJson(path.join(folder, "xahaud-net.json")))
    expect(result.status).toBe("completed")
    expect(result.test_configuration.standalone_mode).toBe(false)
    expect(result.sync_duration_seconds!).toBeGreaterThan(2)
    const polls = result.snapshots.filter((snapshot) => snapshot.kind === "poll")
    expect(polls.length).toBeGreaterThanOrEqual(3)
    expect(polls[0]!.complete_ledgers).toBe("empty")
    expect(polls[0]!.ledger_count).toBe(0)
    expect(polls.at(-1)!.ledger_count).toBeGreaterThan(0)
    expect(result.total_ledgers).toBeGreaterThanOrEqual(4)
    expect(result.ledger_gaps).toEqual([])
  }, 70_000)
})

describe("list", () => {
  it("prints discovered binaries sorted by name", async () => {
    const dir = await fs.mkdtemp(path.join(workDir, "list-"))
    await writeSimBinary(dir, "xahaud-b", {})
    await writeSimBinary(dir, "rippled-a", {})
    await fs.writeFile(path.join(dir, "notes.txt"), "not a binary")
    const run = await runCli(["list", "--build-dir", dir])
    expect(run.code).toBe(0)
    const rows = run.stdout.trimEnd().split("\n")
    expect(rows[0]).toMatch(/^NAME\s+PATH\s+SIZE\s+MODIFIED$/)
    expect(rows.slice(1).map((row) => row.split(/\s+/)[0])).toEqual(["rippled-a", "xahaud-b"])
  })

  it("says where it looked when the build folder is missing", async () => {
    const missing = path.join(workDir, "no-such-build")
    const run = await runCli(["list", "--build-dir", missing])
    expect(run.code).toBe(2)
    expect(run.stderr).toContain(missing)
  })
})
