import { describe, expect, it } from "@effect/vitest"
import { LineRing } from "../src/Domain/LineRing.js"
import { formatLogLine, LineSplitter, MAX_LINE_BYTES } from "../src/Layers/NodeProcess/Lines.js"

const bytes = (text: string) => new TextEncoder().encode(text)

describe("LineSplitter", () => {
  it("splits on newline and strips CRLF", () => {
    const splitter = new LineSplitter()
    expect(splitter.push(bytes("one\r\ntwo\n\nthree\rstill three\n"))).toEqual(["one", "two", "", "three\rstill three"])
    expect(splitter.end()).toEqual([])
  })

  it("joins a line split across chunks", () => {
    const splitter = new LineSplitter()
    expect(splitter.push(bytes("hel"))).toEqual([])
    expect(splitter.push(bytes("lo\nwor"))).toEqual(["hello"])
    expect(splitter.end()).toEqual(["wor"])
  })

  it("keeps a character split across chunks", () => {
    const splitter = new LineSplitter()
    const encoded = bytes("caf\u00e9\n")
    expect(splitter.push(encoded.subarray(0, 4))).toEqual([])
    expect(splitter.push(encoded.subarray(4))).toEqual(["caf\u00e9"])
  })

  it("replaces invalid bytes", () => {
    const splitter = new LineSplitter()
    expect(splitter.push(Uint8Array.of(0x61, 0xff, 0x62, 0x0a, 0x63, 0xc3))).toEqual(["a\uFFFDb"])
    expect(splitter.end()).toEqual(["c\uFFFD"])
  })

  it("cuts a line longer than the maximum", () => {
    const splitter = new LineSplitter()
    const lines = splitter.push(bytes("x".repeat(MAX_LINE_BYTES + 10) + "\n"))
    expect(lines).toHaveLength(2)
    expect(lines[0]).toHaveLength(MAX_LINE_BYTES)
    expect(lines[1]).toBe("x".repeat(10))
  })

  it("keeps a line of exactly the maximum whole", () => {
    const splitter = new LineSplitter()
    expect(splitter.push(bytes("x".repeat(MAX_LINE_BYTES)))).toEqual([])
    expect(splitter.push(bytes("\nnext\n"))).toEqual(["x".repeat(MAX_LINE_BYTES), "next"])
  })

  it("moves a character cut at the maximum to the next line", () => {
    const splitter = new LineSplitter(4)
    expect(splitter.push(bytes("abc\u00e9d\n"))).toEqual(["abc", "\u00e9d"])
  })

  it("cuts long lines across chunks", () => {
    const splitter = new LineSplitter(4)
    expect(splitter.push(bytes("abc"))).toEqual([])
    expect(splitter.push(bytes("defghij"))).toEqual(["abcd", "efgh"])
    expect(splitter.end()).toEqual(["ij"])
  })
})

describe("LineRing", () => {
  it("keeps the newest lines oldest first", () => {
    const ring = new LineRing<string>(3)
    for (const line of ["1", "2"]) ring.push(line)
    expect(ring.toArray()).toEqual(["1", "2"])
    for (const line of ["3", "4", "5"]) ring.push(line)
    expect(ring.toArray()).toEqual(["3", "4", "5"])
  })
})

describe("formatLogLine", () => {
  it("prefixes time and stream", () => {
    expect(formatLogLine(Date.UTC(2025, 0, 2, 3, 4, 5, 6), "stderr", "text")).toBe("2025-01-02T03:04:05.006Z stderr text\n")
  })
})
