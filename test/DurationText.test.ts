import { describe, expect, it } from "@effect/vitest"
import { Duration, Either } from "effect"
import { type BareUnit, parseDurationText } from "../src/Domain/DurationText.js"

describe("DurationText", () => {
  describe("parseDurationText", () => {
    const cases: ReadonlyArray<readonly [text: string, bareUnit: BareUnit, millis: number]> = [
      ["30s", "minutes", 30_000],
      ["5m", "seconds", 300_000],
      ["1h", "minutes", 3_600_000],
      ["1h30m", "minutes", 5_400_000],
      ["1h 30m 15s", "minutes", 5_415_000],
      [" 2 h 5 s ", "minutes", 7_205_000],
      ["500ms", "minutes", 500],
      ["1s500ms", "minutes", 1_500],
      ["2.5m", "minutes", 150_000],
      [".5s", "minutes", 500],
      ["1d", "minutes", 86_400_000],
      ["90", "minutes", 5_400_000],
      ["90", "seconds", 90_000],
      ["1.5", "minutes", 90_000]
    ]

    for (const [text, bareUnit, millis] of cases) {
      it(`parses "${text}" with bare ${bareUnit}`, () => {
        const duration = Either.getOrThrowWith(parseDurationText(text, bareUnit), (error) => new Error(error.message))

        expect(Duration.toMillis(duration)).toBe(millis)
      })
    }

    it("accepts zero only when allowed", () => {
      for (const text of ["0", "0s", "0m0s", "0.0h"]) {
        const allowed = Either.getOrThrow(parseDurationText(text, "seconds", { allowZero: true }))
        const rejected = Either.getOrThrow(Either.flip(parseDurationText(text, "seconds")))

        expect(Duration.toMillis(allowed), text).toBe(0)
        expect(rejected.message, text).toContain("it is zero")
      }
    })
  })

  describe("parse errors", () => {
    const cases: ReadonlyArray<readonly [text: string, reason: string]> = [
      ["", "it is empty"],
      ["   ", "it is empty"],
      ["-5m", "it is negative"],
      ["-0", "it is negative"],
      ["5x", `"x" is not a known unit`],
      ["5 minutes", `"minutes" is not a known unit`],
      ["5M", `"M" is not a known unit`],
      ["NaN", `"NaN" is not a number followed by a unit`],
      ["Infinity", `"Infinity" is not a number followed by a unit`],
      ["1h30", `"30" is not a number followed by a unit`],
      ["m5", `"m5" is not a number followed by a unit`],
      ["1e3s", `"e" is not a known unit`],
      ["5m1h", "units must go from the largest to the smallest"],
      ["1m1m", "units must go from the largest to the smallest"],
      ["1..5s", `is not a number followed by a unit`],
      [`${"9".repeat(400)}h`, "it is too large"]
    ]

    for (const [text, reason] of cases) {
      it(`rejects "${text.slice(0, 20)}"`, () => {
        const error = Either.getOrThrow(Either.flip(parseDurationText(text, "minutes", { allowZero: true })))

        expect(error._tag).toBe("DurationTextError")
        expect(error.message).toContain(`Invalid duration "${text}"`)
        expect(error.message).toContain(reason)
        expect(error.message).toContain("30s, 5m, 1h30m")
        expect(error.message).toContain("counts as minutes")
      })
    }
  })
})
