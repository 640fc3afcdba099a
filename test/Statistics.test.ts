import { describe, expect, it } from "@effect/vitest"
import {
  addMemorySample,
  addPoint,
  changeOver,
  emptyLinearTrend,
  emptyMemoryStats,
  type LinearTrend,
  type MemoryStats,
  trendSlope
} from "../src/Domain/Statistics.js"

describe("Statistics", () => {
  describe("MemoryStats", () => {
    it("starts empty", () => {
      expect(emptyMemoryStats.count).toBe(0)
      expect(emptyMemoryStats.peak).toBeUndefined()
      expect(emptyMemoryStats.mean).toBeUndefined()
      expect(emptyMemoryStats.final).toBeUndefined()
    })

    it("tracks peak, min, mean and final", () => {
      const stats = memoryStatsOf([100, 300, 200, 50, 150])

      expect(stats.count).toBe(5)
      expect(stats.peak).toBe(300)
      expect(stats.min).toBe(50)
      expect(stats.mean).toBe(160)
      expect(stats.final).toBe(150)
    })

    it("handles one sample", () => {
      const stats = memoryStatsOf([42.5])

      expect(stats).toEqual({ count: 1, peak: 42.5, min: 42.5, mean: 42.5, final: 42.5 })
    })

    it("keeps the mean of large byte counts", () => {
      // 10,000 samples near 40 GB: their sum passes 2^53, where whole bytes stop being exact.
      const base = 40 * 1024 ** 3
      const values = Array.from({ length: 10_000 }, (_, index) => base + (index % 2 === 0 ? 1 : 3))
      const stats = memoryStatsOf(values)

      expect(stats.mean).toBeCloseTo(base + 2, 3)
      expect(stats.peak).toBe(base + 3)
      expect(stats.min).toBe(base + 1)
    })

    it("skips non-finite samples", () => {
      const stats = memoryStatsOf([10, Number.NaN, 30, Number.POSITIVE_INFINITY])

      expect(stats).toEqual({ count: 2, peak: 30, min: 10, mean: 20, final: 30 })
    })

    it("leaves the previous value unchanged", () => {
      const first = addMemorySample(emptyMemoryStats, 10)
      addMemorySample(first, 20)

      expect(first).toEqual({ count: 1, peak: 10, min: 10, mean: 10, final: 10 })
    })
  })

  describe("LinearTrend", () => {
    it("fits a perfect line", () => {
      const trend = trendOf([
        [0, 5],
        [1, 7],
        [2, 9],
        [3, 11]
      ])

      expect(trendSlope(trend)).toBeCloseTo(2, 12)
      expect(changeOver(trend, 3600)).toBeCloseTo(7200, 9)
    })

    it("gives zero for a constant series", () => {
      const trend = trendOf([
        [10, 500],
        [20, 500],
        [30, 500]
      ])

      expect(trendSlope(trend)).toBe(0)
    })

    it("gives null without two distinct x values", () => {
      expect(trendSlope(emptyLinearTrend)).toBeNull()
      expect(trendSlope(trendOf([[5, 100]]))).toBeNull()
      expect(trendSlope(trendOf([[5, 100], [5, 200], [5, 300]]))).toBeNull()
      expect(changeOver(trendOf([[5, 100]]), 1000)).toBeNull()
    })

    it("fits noisy points by least squares", () => {
      // Least squares through (0,1), (1,3), (2,2), (3,5): slope = 1.1, intercept = 1.1.
      const trend = trendOf([
        [0, 1],
        [1, 3],
        [2, 2],
        [3, 5]
      ])

      expect(trendSlope(trend)).toBeCloseTo(1.1, 12)
    })

    it("stays accurate at large ledger indexes", () => {
      // RSS near 2 GB growing 0.25 bytes per ledger from ledger 91,000,000: 250 bytes per 1,000 ledgers.
      const points: Array<readonly [number, number]> = []
      for (let offset = 0; offset < 20_000; offset++) {
        points.push([91_000_000 + offset, 2 * 1024 ** 3 + 0.25 * offset])
      }
      const trend = trendOf(points)

      expect(trendSlope(trend)).toBeCloseTo(0.25, 9)
      expect(changeOver(trend, 1000)).toBeCloseTo(250, 6)
    })

    it("stays accurate for a tiny slope over hours", () => {
      // One sample a second for 6 hours at epoch-like x values, growing 1 byte per hour.
      const points: Array<readonly [number, number]> = []
      for (let second = 0; second < 6 * 3600; second++) {
        points.push([1_700_000_000 + second, 8e9 + second / 3600])
      }

      expect(changeOver(trendOf(points), 3600)).toBeCloseTo(1, 6)
    })

    it("skips non-finite points", () => {
      const trend = trendOf([
        [0, 0],
        [Number.NaN, 5],
        [1, Number.POSITIVE_INFINITY],
        [2, 4]
      ])

      expect(trend.count).toBe(2)
      expect(trendSlope(trend)).toBeCloseTo(2, 12)
    })
  })
})

const memoryStatsOf = (values: ReadonlyArray<number>): MemoryStats => values.reduce(addMemorySample, emptyMemoryStats)

const trendOf = (points: ReadonlyArray<readonly [number, number]>): LinearTrend =>
  points.reduce((trend, [x, y]) => addPoint(trend, x, y), emptyLinearTrend)
