import { describe, expect, it } from "vitest"
import { framePanel } from "../src/Ui/Frame.js"
import { displayWidth, fitLine, padLine, plainText, segment, toAnsi } from "../src/Ui/Styled.js"
import { nodeDisplayLine, styledLogLine } from "../src/Ui/LogLines.js"

describe("displayWidth", () => {
  it("counts cells", () => {
    expect(displayWidth("abc")).toBe(3)
    expect(displayWidth("─▲█⏎…")).toBe(5)
    expect(displayWidth("日本")).toBe(4)
    expect(displayWidth("e\u0301")).toBe(1)
  })
})

describe("fitLine", () => {
  const line = [segment("stdout", { color: "green" }), segment(" "), segment("hello world", { color: "red" })]

  it("keeps a line that fits", () => {
    expect(fitLine(line, 18)).toBe(line)
  })

  it("cuts with an ellipsis in the cut segment's style", () => {
    const fitted = fitLine(line, 12)
    expect(plainText(fitted)).toBe("stdout hell…")
    expect(fitted.at(-1)?.style).toEqual({ color: "red" })
  })

  it("cuts wide characters by cells", () => {
    expect(plainText(fitLine([segment("日本語テキスト")], 7))).toBe("日本語…")
  })

  it("pads to an exact width", () => {
    expect(plainText(padLine([segment("ab")], 5))).toBe("ab   ")
    expect(plainText(padLine([segment("abcdef")], 5))).toBe("abcd…")
  })
})

describe("toAnsi", () => {
  it("wraps styled segments in SGR codes", () => {
    const text = toAnsi([segment("ERR", { color: "red", bold: true }), segment(" plain")], true)
    expect(text).toBe("\u001B[31m\u001B[1mERR\u001B[39m\u001B[22m plain")
  })

  it("writes plain text without colours", () => {
    expect(toAnsi([segment("WRN", { color: "yellow" }), segment(" x")], false)).toBe("WRN x")
  })

  it("colours rippled severities in node output", () => {
    const line = (text: string) =>
      toAnsi(styledLogLine(nodeDisplayLine({ stream: "stderr", text, receivedAt: 0 })), true)
    expect(line("NodeObject:ERR read failed")).toContain("\u001B[31mNodeObject:ERR read failed")
    expect(line("Application:WRN slow")).toContain("\u001B[33mApplication:WRN slow")
    expect(line("Application:FTL Startup RPC")).toContain("\u001B[31m\u001B[1mApplication:FTL")
    expect(line("plain text")).toBe("\u001B[35mstderr\u001B[39m plain text")
  })
})

describe("framePanel", () => {
  it("draws a border of exactly the box size with the title on top", () => {
    const content = [[segment("line one")], [segment("x".repeat(40))]]
    const lines = framePanel("4 node output", content, { width: 20, height: 5 }, false)
    expect(lines.map(plainText)).toEqual([
      "╭─ 4 node output ──╮",
      "│line one          │",
      "│xxxxxxxxxxxxxxxxx…│",
      "│                  │",
      "╰──────────────────╯"
    ])
  })

  it("marks the focused panel", () => {
    const lines = framePanel("t", [], { width: 10, height: 3 }, true)
    expect(lines[0]?.[0]?.style).toEqual({ color: "cyan", bold: true })
  })
})
