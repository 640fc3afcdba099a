import { renderToString } from "ink"
import { createElement } from "react"
import { describe, expect, it } from "vitest"
import { Dashboard } from "../src/Ui/Dashboard/App.js"
import { DiagnosticsPanel } from "../src/Ui/Dashboard/DiagnosticsPanel.js"
import { Header } from "../src/Ui/Dashboard/Header.js"
import { LogPane } from "../src/Ui/Dashboard/LogPane.js"
import { MemoryGraph } from "../src/Ui/Dashboard/MemoryGraph.js"
import { GRAPH_WINDOWS } from "../src/Ui/Graph.js"
import { monitorDisplayLine, nodeDisplayLine } from "../src/Ui/LogLines.js"
import { MONITORING_ENDS_AT, NOW, runningEvents, SYNCED_AT, T0, viewOf } from "./fixtures/ui/RunEvents.js"

const view = viewOf(runningEvents())
const noActions = { quit: () => {}, skip: () => {}, clearLogs: () => {}, saveLog: async () => "" }

describe("Header", () => {
  const header = (now: number, events = runningEvents()) =>
    renderToString(createElement(Header, { view: viewOf(events), now, columns: 160 }), { columns: 160 })

  it("shows run, binary, pid and phase", () => {
    const text = header(NOW)
    expect(text).toContain("run 20261204-152500")
    expect(text).toContain("binary 1/2 xahaud-a")
    expect(text).toContain("pid 4242")
    expect(text).toContain("phase monitoring")
  })

  it("shows phase while syncing", () => {
    const syncing = runningEvents().slice(0, 3)
    const text = header(T0 + 12_500, syncing)
    expect(text).toContain("phase syncing")
    expect(text).toContain("syncing for 12.0s")
  })

  it("shows monitoring progress", () => {
    const text = header(NOW)
    expect(text).toMatch(/█+░+ monitoring 30\.0s of 1m 00s, 30\.0s left/)
    const bar = /(█+)(░+)/.exec(text)
    expect(bar?.[1]?.length).toBe(bar?.[2]?.length)
  })

  it("keeps bar full after monitoring", () => {
    const events = [...runningEvents(), { ...runningEvents()[2]!, phase: "stopping", at: MONITORING_ENDS_AT } as never]
    const text = header(MONITORING_ENDS_AT + 5_000, events)
    expect(text).toContain("monitoring 1m 00s of 1m 00s, 0.0s left (stopping)")
    expect(text).toContain("phase stopping")
    expect(text).not.toContain("░")
  })

  it("shows memory and ledger figures", () => {
    const text = header(NOW)
    expect(text).toContain("RSS 520.0 MB")
    expect(text).toContain("peak 900.0 MB")
    expect(text).toContain("of RAM 3.2%")
    expect(text).toContain("threads 42")
    expect(text).toContain("ledger 8")
    expect(text).toContain("complete_ledgers 2-8 (7 ledgers)")
    expect(text).toContain("server_state full")
  })

  it("shows times without rounding carry", () => {
    const text = header(SYNCED_AT + 59_950)
    expect(text).toContain("total 1m 09s")
    expect(text).toContain("sync 10.0s")
    expect(text).toContain("monitoring 59.9s")
  })

  it("waits for the first binary", () => {
    const text = header(T0, runningEvents().slice(0, 1))
    expect(text).toContain("binary none yet")
    expect(text).toContain("waiting for the first binary")
  })
})

describe("MemoryGraph", () => {
  const graph = (windowIndex: number) =>
    renderToString(
      createElement(MemoryGraph, {
        view,
        now: NOW,
        box: { width: 60, height: 12 },
        window: GRAPH_WINDOWS[windowIndex]!,
        focused: false
      }),
      { columns: 60 }
    )

  it("labels window, minimum and maximum", () => {
    const text = graph(4)
    expect(text).toContain("1 memory RSS · window all")
    expect(text).toContain("900.0 MB")
    expect(text).toContain("480.0 MB")
    expect(text).toContain("▲sync")
  })

  it("limits samples to the window", () => {
    const text = graph(0)
    expect(text).toContain("window 1m")
    expect(text).toContain("-1m")
    expect(text).toContain("480.0 MB")
    const lines = text.split("\n")
    expect(lines).toHaveLength(12)
    for (const line of lines) expect(line).toHaveLength(60)
  })
})

describe("DiagnosticsPanel", () => {
  const panel = (width: number) =>
    renderToString(createElement(DiagnosticsPanel, { view, box: { width, height: 18 }, focused: true }), {
      columns: width
    })

  it("strips namespace, shows change", () => {
    const text = panel(180)
    expect(text).toMatch(/SHAMapInnerNode\s+1,016\s+\+1,000/)
    expect(text).toMatch(/HashRouter::Entry\s+6\s+0/)
    expect(text).not.toContain("ripple::")
    expect(text).not.toContain("xrpl::")
  })

  it("shows other sections with units", () => {
    const text = panel(180)
    expect(text).toMatch(/SLE_hit_rate\s+95\.3%/)
    expect(text).toMatch(/ledger_hit_rate\s+100\.0%/)
    expect(text).toMatch(/node_reads_total\s+12,345,678,901,234,567,890/)
    expect(text).toMatch(/clientWebsocket\s+1\s+-\s+1/)
    expect(text).toContain("catalogue")
    expect(text).toContain("idle")
    expect(text).toContain("2 diagnostics ─")
  })

  it("names sections that do not fit", () => {
    const text = panel(60)
    expect(text).toContain("hidden: caches")
    expect(text).toContain("job types")
  })
})

describe("LogPane", () => {
  const pane = (lines: ReturnType<typeof nodeDisplayLine>[], paused = false) =>
    renderToString(
      createElement(LogPane, {
        title: "4 node output",
        box: { width: 100, height: 24 },
        lines,
        focused: true,
        paused,
        scrollBack: 0
      }),
      { columns: 100 }
    )

  it("labels streams, keeps brackets", () => {
    const text = pane(view.nodeLog.toArray().map(nodeDisplayLine))
    expect(text).toMatch(/stdout \[stdout\] printed by the node \[\/x\] as is/)
    expect(text).toMatch(/stderr 15:25:05 Application:WRN \[import_vl_keys\] section/)
    expect(text).toMatch(/stderr 15:25:40 NodeObject:ERR read failed/)
  })

  it("shows the newest lines", () => {
    const lines = Array.from({ length: 50 }, (_, i) =>
      nodeDisplayLine({ stream: "stderr", text: `line ${i}`, receivedAt: 0 })
    )
    const text = pane(lines)
    expect(text).toContain("line 49")
    expect(text).toContain("line 28")
    expect(text).not.toContain("line 27")
  })

  it("shows monitor log levels", () => {
    const text = pane(view.monitorLog.toArray().map(monitorDisplayLine))
    expect(text).toMatch(/WARN\s+\d\d:\d\d:\d\d ledger gap \[\/x\] 9 to 9/)
    expect(text).toMatch(/ERROR\s+\d\d:\d\d:\d\d request failed: ⏎ get_counts timed out/)
  })

  it("marks a paused pane", () => {
    expect(pane([], true)).toContain("4 node output · paused")
  })
})

describe("Dashboard", () => {
  it.each([[80, 24], [120, 40], [200, 60]] as const)("fits a %d x %d terminal", (columns, rows) => {
    const text = renderToString(createElement(Dashboard, { view, now: NOW, columns, rows, actions: noActions }), {
      columns
    })
    const lines = text.split("\n")
    expect(lines).toHaveLength(rows - 1)
    for (const line of lines) expect(line.length).toBeLessThanOrEqual(columns)
    expect(text).toContain("phase monitoring")
    expect(text).toContain("1 memory RSS")
    expect(text).toContain("4 node output")
  })

  it("asks for a bigger terminal", () => {
    const props = { view, now: NOW, columns: 50, rows: 15, actions: noActions }
    const text = renderToString(createElement(Dashboard, props), { columns: 50 })
    expect(text).toContain("enlarge the terminal")
    expect(text).toContain("phase monitoring")
  })
})
