import { describe, expect, it } from "@effect/vitest"
import { Either } from "effect"
import { formatRangeSet, parseRangeSet, type RangeSet, rangeSetOf } from "../src/Domain/RangeSet.js"

describe("RangeSet", () => {
  describe("parseRangeSet", () => {
    it("parses empty", () => {
      const set = parsed("empty")

      expect(set.ranges).toEqual([])
      expect(set.count).toBe(0)
      expect(set.first).toBeUndefined()
      expect(set.last).toBeUndefined()
    })

    it("counts a single ledger", () => {
      const set = parsed("5")

      expect(set.ranges).toEqual([{ first: 5, last: 5 }])
      expect(set.count).toBe(1)
      expect(set.first).toBe(5)
      expect(set.last).toBe(5)
    })

    it("counts one range", () => {
      const set = parsed("2-17")

      expect(set.ranges).toEqual([{ first: 2, last: 17 }])
      expect(set.count).toBe(16)
    })

    it("counts several ranges", () => {
      const set = parsed("32570-32580,32600-32700,32750")

      expect(set.ranges).toHaveLength(3)
      expect(set.count).toBe(113)
      expect(set.first).toBe(32570)
      expect(set.last).toBe(32750)
    })

    it("counts single ledgers next to ranges", () => {
      expect(parsed("100-200,250").count).toBe(102)
      expect(parsed("1,3,5").count).toBe(3)
      expect(parsed("0").count).toBe(1)
    })

    it("tolerates spaces", () => {
      const set = parsed("  2 - 17 ,  20 ")

      expect(set.ranges).toEqual([
        { first: 2, last: 17 },
        { first: 20, last: 20 }
      ])
      expect(set.count).toBe(17)
    })

    it("merges overlapping and touching ranges", () => {
      const set = parsed("10-20,1-5,15-25,6")

      expect(set.ranges).toEqual([
        { first: 1, last: 6 },
        { first: 10, last: 25 }
      ])
      expect(set.count).toBe(22)
    })

    it("accepts the largest safe integer", () => {
      const max = Number.MAX_SAFE_INTEGER

      expect(parsed(`${max - 1}-${max}`).count).toBe(2)
    })
  })

  describe("parse errors", () => {
    const cases: ReadonlyArray<readonly [text: string, piece: string, reason: string]> = [
      ["100-200, 300-x", "300-x", "is not a ledger index"],
      ["200-100", "200-100", "ends before it starts"],
      ["", "", "is empty"],
      ["   ", "   ", "is empty"],
      ["1,,2", "", "is empty"],
      ["1,2,", "", "is empty"],
      ["abc", "abc", "is not a ledger index"],
      ["-5", "-5", "is negative"],
      ["1.5", "1.5", "is not a ledger index"],
      ["1-2-3", "1-2-3", "is not a ledger index"],
      ["NaN", "NaN", "is not a ledger index"],
      ["Empty", "Empty", "is not a ledger index"],
      ["1-9007199254740993", "1-9007199254740993", "is larger than 9007199254740991"]
    ]

    for (const [text, piece, reason] of cases) {
      it(`rejects "${text}"`, () => {
        const error = Either.getOrThrow(Either.flip(parseRangeSet(text)))

        expect(error._tag).toBe("RangeSetParseError")
        expect(error.text).toBe(text)
        expect(error.piece).toBe(piece)
        expect(error.message).toContain(`"${text}"`)
        expect(error.message).toContain(reason)
      })
    }
  })

  describe("formatRangeSet", () => {
    it("formats rippled's canonical text", () => {
      for (const text of ["empty", "5", "2-17", "32570-32580,32600-32700,32750"]) {
        expect(formatRangeSet(parsed(text))).toBe(text)
      }
    })

    it("formats merged ranges", () => {
      expect(formatRangeSet(parsed(" 7 , 1-3,4 "))).toBe("1-4,7")
      expect(formatRangeSet(rangeSetOf([]))).toBe("empty")
    })
  })
})

const parsed = (text: string): RangeSet =>
  Either.getOrThrowWith(parseRangeSet(text), (error) => new Error(error.message))
