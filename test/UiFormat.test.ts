import { describe, expect, it } from "vitest"
import {
  formatBytes,
  formatCount,
  formatCountChange,
  formatDuration,
  formatFactor,
  formatGrowthPerHour,
  formatMemory,
  formatMemoryChange,
  sanitizeLine,
  toNumber,
  truncate
} from "../src/Ui/Format.js"
import { formatSummaryTable } from "../src/Ui/SummaryTable.js"
import { shouldUseDashboard } from "../src/Ui/OutputMode.js"
import { summaryLine } from "./fixtures/ui/RunEvents.js"

describe("formatMemory", () => {
  it.each([
    [0, "0.0 MB"],
    [512.34, "512.3 MB"],
    [1023.9, "1023.9 MB"],
    [1023.96, "1.00 GB"],
    [1024, "1.00 GB"],
    [1280, "1.25 GB"],
    [20_480, "20.00 GB"]
  ])("formats %d MiB as %s", (mb, text) => {
    expect(formatMemory(mb)).toBe(text)
  })

  it("shows unknown values as a dash", () => {
    expect(formatMemory(null)).toBe("-")
    expect(formatMemory(undefined)).toBe("-")
    expect(formatMemory(Number.NaN)).toBe("-")
  })

  it("signs changes", () => {
    expect(formatMemoryChange(12.34)).toBe("+12.3 MB")
    expect(formatMemoryChange(-0.5)).toBe("-0.5 MB")
    expect(formatMemoryChange(-0.01)).toBe("+0.0 MB")
    expect(formatMemoryChange(-2048)).toBe("-2.00 GB")
    expect(formatGrowthPerHour(3.21)).toBe("+3.2 MB/h")
    expect(formatGrowthPerHour(null)).toBe("-")
  })
})

describe("formatDuration", () => {
  it.each([
    [0, "0.0s"],
    [2.3, "2.3s"],
    [59.9, "59.9s"],
    [59.95, "59.9s"],
    [59.999, "59.9s"],
    [60, "1m 00s"],
    [65.7, "1m 05s"],
    [3599.96, "59m 59s"],
    [3600, "1h 00m 00s"],
    [7199.6, "1h 59m 59s"],
    [93_784, "26h 03m 04s"],
    [-5, "0.0s"]
  ])("formats %d s as %s", (seconds, text) => {
    expect(formatDuration(seconds)).toBe(text)
  })

  it("shows an unknown duration as a dash", () => {
    expect(formatDuration(null)).toBe("-")
  })
})

describe("formatFactor", () => {
  it("divides by the base with two decimals", () => {
    expect(formatFactor(500, 500)).toBe("1.00x")
    expect(formatFactor(410, 500)).toBe("0.82x")
    expect(formatFactor(1500, 500)).toBe("3.00x")
  })

  it("shows a dash when unknown", () => {
    expect(formatFactor(null, 500)).toBe("-")
    expect(formatFactor(500, null)).toBe("-")
    expect(formatFactor(500, 0)).toBe("-")
  })
})

describe("formatCount", () => {
  it("groups numbers and digit strings", () => {
    expect(formatCount(1_234_567)).toBe("1,234,567")
    expect(formatCount(-4_096)).toBe("-4,096")
    expect(formatCount("4932")).toBe("4,932")
    expect(formatCount("0")).toBe("0")
  })

  it("keeps every digit of counters beyond 2^53", () => {
    expect(formatCount("12345678901234567890")).toBe("12,345,678,901,234,567,890")
  })

  it("keeps other text unchanged", () => {
    expect(formatCount("2 seconds")).toBe("2 seconds")
  })

  it("signs changes", () => {
    expect(formatCountChange(1_000)).toBe("+1,000")
    expect(formatCountChange(-3)).toBe("-3")
    expect(formatCountChange(0)).toBe("0")
  })

  it("reads digit strings as numbers", () => {
    expect(toNumber("4932")).toBe(4932)
    expect(toNumber(0.953)).toBe(0.953)
    expect(toNumber("2 seconds")).toBeNull()
  })
})

describe("formatBytes", () => {
  it("uses binary units", () => {
    expect(formatBytes(512)).toBe("512 B")
    expect(formatBytes(4932)).toBe("4.8 KB")
    expect(formatBytes(1_048_575)).toBe("1.0 MB")
    expect(formatBytes(5_242_880)).toBe("5.0 MB")
  })
})

describe("text helpers", () => {
  it("truncates with an ellipsis", () => {
    expect(truncate("abcdef", 4)).toBe("abc…")
    expect(truncate("abc", 4)).toBe("abc")
  })

  it("removes escapes and control characters", () => {
    expect(sanitizeLine("\u001B[31mred\u001B[0m\tend\r")).toBe("red    end")
    expect(sanitizeLine("bell\u0007")).toBe("bell?")
    expect(sanitizeLine("[/x] [stdout] [bold]")).toBe("[/x] [stdout] [bold]")
  })
})

describe("formatSummaryTable", () => {
  it("formats one row per binary", () => {
    const text = formatSummaryTable([
      summaryLine({}),
      summaryLine({
        binary_name: "xahaud-b",
        status: "crashed",
        error_message: "exited with code 1",
        sync_duration_seconds: 65.7,
        total_ledgers: 1_234,
        peak_memory_rss_mb: 738,
        final_memory_rss_mb: 1_040,
        rss_growth_mb_per_hour: -2
      }),
      summaryLine({
        binary_name: "xahaud-c",
        status: "failed_to_start",
        sync_duration_seconds: null,
        total_ledgers: 0,
        peak_memory_rss_mb: null,
        final_memory_rss_mb: null,
        rss_growth_mb_per_hour: null
      })
    ])
    const lines = text.split("\n")

    expect(lines[0]?.split(/\s{2,}/)).toEqual([
      "binary",
      "status",
      "sync time",
      "ledgers",
      "peak RSS",
      "final RSS",
      "RSS growth",
      "peak vs first",
      "final vs first"
    ])
    expect(lines[1]).toMatch(/^-+( +-+){8}$/)
    expect(lines[2]?.split(/\s{2,}/)).toEqual([
      "xahaud-a", "completed", "10.0s", "61", "900.0 MB", "520.0 MB", "+12.5 MB/h", "1.00x", "1.00x"
    ])
    expect(lines[3]?.split(/\s{2,}/)).toEqual([
      "xahaud-b", "crashed", "1m 05s", "1,234", "738.0 MB", "1.02 GB", "-2.0 MB/h", "0.82x", "2.00x"
    ])
    expect(lines[4]?.split(/\s{2,}/)).toEqual(["xahaud-c", "failed_to_start", "-", "0", "-", "-", "-", "-", "-"])
    expect(lines.slice(5)).toEqual(["", "xahaud-b: crashed: exited with code 1"])
  })

  it("aligns every row", () => {
    const lines = formatSummaryTable([summaryLine({}), summaryLine({ binary_name: "b", total_ledgers: 1_000_000 })])
      .split("\n")
    const header = lines[0] ?? ""
    for (const line of lines.slice(2)) {
      expect(line.length).toBe(header.length)
    }
  })

  it("says when no binary finished", () => {
    expect(formatSummaryTable([])).toBe("No binary finished.")
  })
})

describe("shouldUseDashboard", () => {
  const terminal = { plain: false, isTTY: true, env: {} }

  it("uses the dashboard on a terminal", () => {
    expect(shouldUseDashboard(terminal)).toBe(true)
  })

  it("prints plain lines otherwise", () => {
    expect(shouldUseDashboard({ ...terminal, plain: true })).toBe(false)
    expect(shouldUseDashboard({ ...terminal, isTTY: false })).toBe(false)
    expect(shouldUseDashboard({ ...terminal, env: { CI: "1" } })).toBe(false)
    expect(shouldUseDashboard({ ...terminal, env: { CI: "" } })).toBe(false)
    expect(shouldUseDashboard({ ...terminal, env: { CONTINUOUS_INTEGRATION: "true" } })).toBe(false)
    expect(shouldUseDashboard({ ...terminal, env: { TERM: "dumb" } })).toBe(false)
  })

  it("treats CI=false as unset", () => {
    expect(shouldUseDashboard({ ...terminal, env: { CI: "false" } })).toBe(true)
  })
})
