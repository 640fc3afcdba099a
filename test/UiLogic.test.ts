import { describe, expect, it } from "vitest"
import {
  cachesSection,
  catalogueSection,
  jobsSection,
  nodeStoreSection,
  objectsSection,
  packSections
} from "../src/Ui/Diagnostics.js"
import { bucketByTime, carryForward, drawMemoryGraph, GRAPH_WINDOWS, graphWindowAt } from "../src/Ui/Graph.js"
import { commandForKey, initialScreenState, updateScreen } from "../src/Ui/Keys.js"
import { planLayout } from "../src/Ui/Layout.js"
import { plainText } from "../src/Ui/Styled.js"
import {
  compactRippledTimestamp,
  nodeDisplayLine,
  rippledSeverity,
  severityTone,
  visibleWindow
} from "../src/Ui/LogLines.js"
import { countsAtStart, countsLater, jobTypes, NOW, runningEvents, viewOf } from "./fixtures/ui/RunEvents.js"

describe("bucketByTime", () => {
  it("fits any width, keeps spikes", () => {
    const start = 1_000_000
    const points = Array.from({ length: 7200 }, (_, i) => ({ at: start + i * 1000, rssMb: i === 4321 ? 2000 : 500 }))
    for (const width of [1, 7, 40, 213]) {
      const buckets = bucketByTime(points, start, start + 7199 * 1000, width)
      expect(buckets).toHaveLength(width)
      expect(buckets.every((range) => range !== null)).toBe(true)
      expect(Math.max(...buckets.map((range) => range?.max ?? 0))).toBe(2000)
    }
  })

  it("keeps each column's minimum and maximum", () => {
    const buckets = bucketByTime([{ at: 0, rssMb: 10 }, { at: 1, rssMb: 30 }, { at: 9, rssMb: 20 }], 0, 10, 2)
    expect(buckets).toEqual([{ min: 10, max: 30 }, { min: 20, max: 20 }])
  })

  it("ignores samples outside the window", () => {
    const buckets = bucketByTime([{ at: -5, rssMb: 99 }, { at: 5, rssMb: 1 }, { at: 15, rssMb: 99 }], 0, 10, 2)
    expect(buckets).toEqual([null, { min: 1, max: 1 }])
  })

  it("fills short gaps only", () => {
    const range = { min: 1, max: 2 }
    expect(carryForward([range, null, null, null], 2)).toEqual([range, range, range, null])
    expect(carryForward([null, range], 2)).toEqual([null, range])
  })
})

describe("drawMemoryGraph", () => {
  const now = 10_000_000
  const points = Array.from({ length: 3600 }, (_, i) => ({ at: now - (3599 - i) * 1000, rssMb: 400 + i / 10 }))

  it("draws lines at exact width", () => {
    const lines = drawMemoryGraph(points, { width: 50, height: 6, window: GRAPH_WINDOWS[1]!, now, syncedAt: null })
    expect(lines).toHaveLength(7)
    for (const line of lines) expect(line).toHaveLength(50)
  })

  it("labels the visible minimum and maximum", () => {
    const lines = drawMemoryGraph(points, { width: 50, height: 6, window: GRAPH_WINDOWS[0]!, now, syncedAt: null })
    expect(lines[0]).toMatch(/^ 759\.9 MB /)
    expect(lines[5]).toMatch(/^ 753\.9 MB /)
  })

  it("labels axis and sync moment", () => {
    const lines = drawMemoryGraph(points, {
      width: 60,
      height: 4,
      window: GRAPH_WINDOWS[3]!,
      now,
      syncedAt: now - 1_800_000
    })
    const axis = lines[4] ?? ""
    expect(axis).toContain("-1h")
    expect(axis).toContain("now")
    expect(axis).toContain("▲sync")
    expect(axis.indexOf("▲")).toBeGreaterThan(30)
    expect(axis.indexOf("▲")).toBeLessThan(40)
  })

  it("draws rising memory as a rising area", () => {
    const lines = drawMemoryGraph(points, { width: 40, height: 4, window: GRAPH_WINDOWS[4]!, now, syncedAt: null })
    const top = lines[0]!.slice(10)
    expect(top.trimEnd().endsWith("█")).toBe(true)
    expect(top.startsWith(" ")).toBe(true)
  })

  it("says so when there are no samples", () => {
    const lines = drawMemoryGraph([], { width: 40, height: 4, window: GRAPH_WINDOWS[4]!, now, syncedAt: null })
    expect(lines.join("\n")).toContain("waiting for memory samples")
  })

  it("cycles windows in order and wraps", () => {
    expect(GRAPH_WINDOWS.map((window) => window.label)).toEqual(["1m", "5m", "15m", "1h", "all"])
    expect(graphWindowAt(5).label).toBe("1m")
  })
})

describe("diagnostics sections", () => {
  it("strips namespace, shows change", () => {
    const section = objectsSection(countsLater, countsAtStart)
    const text = section.lines.join("\n")
    expect(text).not.toContain("ripple::")
    expect(text).not.toContain("xrpl::")
    expect(section.lines[0]).toMatch(/^SHAMapInnerNode\s+1,016\s+\+1,000$/)
    expect(text).toMatch(/NewThing\s+3\s+new/)
    expect(text).toMatch(/HashRouter::Entry\s+6\s+0/)
  })

  it("shows a dash for changes before sync", () => {
    const section = objectsSection(countsAtStart, null)
    expect(section.lines[0]).toMatch(/^SHAMapInnerNode\s+16\s+-$/)
  })

  it("shows SLE_hit_rate as percent", () => {
    const lines = cachesSection(countsLater).lines.join("\n")
    expect(lines).toMatch(/SLE_hit_rate\s+95\.3%/)
    expect(lines).toMatch(/ledger_hit_rate\s+100\.0%/)
    expect(lines).toMatch(/AL_hit_rate\s+45\.5%/)
    expect(lines).toMatch(/treenode_cache_size\s+13/)
  })

  it("keeps node store digits", () => {
    const lines = nodeStoreSection(countsLater).lines.join("\n")
    expect(lines).toMatch(/node_reads_total\s+12,345,678,901,234,567,890/)
    expect(lines).toMatch(/node_writes\s+19/)
    expect(lines).toMatch(/node_written_bytes\s+5\.0 MB/)
    expect(lines).toMatch(/dbKBTotal\s+0\.6 MB/)
    expect(lines).toMatch(/read_threads\s+0\/4/)
  })

  it("lists job types busiest first", () => {
    const section = jobsSection(jobTypes)
    expect(section.lines[0]).toMatch(/^job type\s+run\s+wait\s+\/s\s+avg ms\s+peak ms$/)
    expect(section.lines[1]).toMatch(/^clientWebsocket\s+1\s+-\s+1\s+-\s+-$/)
    expect(section.lines[2]).toMatch(/^WriteNode\s+-\s+-\s+2\s+-\s+-$/)
  })

  it("shows catalogue idle and progress", () => {
    expect(catalogueSection({ job_status: "no_job_running" })?.lines).toEqual(["idle"])
    expect(catalogueSection(null)).toBeNull()
    const running = catalogueSection({
      job_status: "job_in_progress",
      job_type: "catalogue_load",
      min_ledger: 100,
      max_ledger: 199,
      current_ledger: 149,
      percent_complete: 50,
      elapsed_seconds: 75,
      estimated_time_remaining: "1 minute",
      file: "/data/cat/ledgers.cat",
      file_size_human: "1.2 GB"
    })
    expect(running?.lines).toEqual([
      "catalogue_load 50%",
      "ledgers 50 of 100 (100-199)",
      "elapsed 1m 15s",
      "remaining 1 minute",
      "file ledgers.cat",
      "size 1.2 GB"
    ])
  })

  it("packs sections into columns", () => {
    const sections = [
      { title: "a", lines: ["1111111111", "2"] },
      { title: "b", lines: ["3"] },
      { title: "c", lines: ["4", "5", "6"] },
      { title: "d", lines: ["7777777777777777777777"] }
    ]
    const packed = packSections(sections, 30, 5)
    expect(packed.rows.map(plainText)).toEqual([
      "a           b  c",
      "1111111111  3  4",
      "2              5",
      "               6",
      ""
    ])
    expect(packed.rows[0]?.map((part) => part.style?.bold === true)).toEqual([true, true, true])
    expect(packed.rows[1]?.some((part) => part.style?.bold === true)).toBe(false)
    expect(packed.hidden).toEqual(["d"])
  })

  it("stacks sections that fit", () => {
    const packed = packSections([{ title: "a", lines: ["1", "2"] }, { title: "b", lines: ["3"] }], 30, 6)
    expect(packed.rows.map(plainText)).toEqual(["a", "1", "2", "", "b", "3"])
    expect(packed.hidden).toEqual([])
  })
})

describe("log lines", () => {
  it("finds the rippled severity field", () => {
    expect(rippledSeverity("2026-Dec-04 15:25:05.680584385 UTC Application:WRN Limited")).toBe("WRN")
    expect(rippledSeverity("NodeObject:ERR read failed")).toBe("ERR")
    expect(rippledSeverity("x Application:FTL Startup RPC")).toBe("FTL")
    expect(rippledSeverity("Loading: \"/etc/xahaud.cfg\"")).toBeNull()
    expect(severityTone("FTL")).toBe("fatal")
    expect(severityTone("DBG")).toBe("quiet")
  })

  it("shortens the rippled timestamp", () => {
    expect(compactRippledTimestamp("2026-Dec-04 15:25:05.669736947 UTC JobQueue:NFO Using 1  threads"))
      .toBe("15:25:05 JobQueue:NFO Using 1  threads")
    expect(compactRippledTimestamp("Loading: x")).toBe("Loading: x")
  })

  it("labels streams, keeps brackets", () => {
    const line = nodeDisplayLine({ stream: "stdout", text: "[stdout] [/x] \u001B[1mbold", receivedAt: 0 })
    expect(line.label).toBe("stdout")
    expect(line.text).toBe("[stdout] [/x] bold")
  })

  it("shows the newest lines or scrolls back", () => {
    const lines = [1, 2, 3, 4, 5, 6]
    expect(visibleWindow(lines, 3, 0)).toEqual([4, 5, 6])
    expect(visibleWindow(lines, 3, 2)).toEqual([2, 3, 4])
    expect(visibleWindow(lines, 3, 99)).toEqual([1, 2, 3])
    expect(visibleWindow(lines, 10, 0)).toEqual(lines)
  })
})

describe("keys and screen state", () => {
  const view = viewOf(runningEvents())
  const heights = { monitorLog: 4, nodeLog: 6 }

  it("maps keys to commands", () => {
    expect(commandForKey("q", {}, 10)).toEqual({ _tag: "Quit" })
    expect(commandForKey("c", { ctrl: true }, 10)).toEqual({ _tag: "Quit" })
    expect(commandForKey("c", {}, 10)).toEqual({ _tag: "ClearLogs" })
    expect(commandForKey("s", {}, 10)).toEqual({ _tag: "Skip" })
    expect(commandForKey(" ", {}, 10)).toEqual({ _tag: "TogglePause" })
    expect(commandForKey("3", {}, 10)).toEqual({ _tag: "Focus", panel: "monitorLog" })
    expect(commandForKey("", { tab: true }, 10)).toEqual({ _tag: "FocusNext" })
    expect(commandForKey("", { pageUp: true }, 10)).toEqual({ _tag: "Scroll", lines: 10 })
    expect(commandForKey("x", {}, 10)).toBeNull()
  })

  it("pause freezes the panes", () => {
    const paused = updateScreen(initialScreenState, { _tag: "TogglePause" }, view, heights)
    const before = paused.frozen?.nodeLog.length
    view.nodeLog.push({ stream: "stdout", text: "after pause", receivedAt: NOW })
    expect(paused.frozen?.nodeLog.length).toBe(before)
    expect(view.nodeLog.toArray().at(-1)?.text).toBe("after pause")
    expect(updateScreen(paused, { _tag: "TogglePause" }, view, heights).frozen).toBeNull()
  })

  it("scrolling pauses the pane", () => {
    const scrolled = updateScreen(initialScreenState, { _tag: "Scroll", lines: 5 }, view, heights)
    expect(scrolled.frozen).not.toBeNull()
    expect(scrolled.scrollBack.nodeLog).toBe(5)
    const back = updateScreen(scrolled, { _tag: "Scroll", lines: -99 }, view, heights)
    expect(back.scrollBack.nodeLog).toBe(0)
    expect(updateScreen(scrolled, { _tag: "ScrollToEnd" }, view, heights).frozen).toBeNull()
    const lineCount = view.nodeLog.size
    const top = updateScreen(initialScreenState, { _tag: "Scroll", lines: 999 }, view, heights)
    expect(top.scrollBack.nodeLog).toBe(lineCount - heights.nodeLog)
  })

  it("cycles focus and graph windows", () => {
    const next = updateScreen(initialScreenState, { _tag: "FocusNext" }, view, heights)
    expect(next.focus).toBe("graph")
    const window = updateScreen(initialScreenState, { _tag: "CycleWindow" }, view, heights)
    expect(graphWindowAt(window.windowIndex).label).toBe("1m")
  })

  it("layout fills all but one row", () => {
    for (const [columns, rows] of [[80, 24], [120, 40], [200, 60]] as const) {
      const layout = planLayout(columns, rows, "nodeLog")
      expect(layout.tooSmall).toBe(false)
      expect(4 + layout.graph.height + layout.nodeLog.height + 1).toBe(rows - 1)
      expect(layout.graph.width + layout.diagnostics.width).toBe(columns)
      expect(layout.monitorLog.width + layout.nodeLog.width).toBe(columns)
      expect(layout.nodeLog.width).toBeGreaterThan(layout.monitorLog.width)
    }
    expect(planLayout(59, 40, "graph").tooSmall).toBe(true)
    expect(planLayout(120, 40, "diagnostics").diagnostics.width).toBe(90)
  })
})
