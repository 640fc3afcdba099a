/**
 * Running summaries of memory samples. Each update takes constant time and memory, so a run of any length
 * never re-reads its history. Non-finite inputs (NaN, Infinity) are skipped, because one of them would turn
 * every later result into NaN.
 */

/** Summary of a series of RSS values. `peak`, `min`, `mean` and `final` are undefined until the first sample. */
export interface MemoryStats {
  readonly count: number
  readonly peak: number | undefined
  readonly min: number | undefined
  readonly mean: number | undefined
  /** The last sample added. */
  readonly final: number | undefined
}

export const emptyMemoryStats: MemoryStats = {
  count: 0,
  peak: undefined,
  min: undefined,
  mean: undefined,
  final: undefined
}

/**
 * Adds one sample. The mean is updated incrementally, because a running sum of byte counts would lose
 * precision once it passed 2^53.
 */
export const addMemorySample = (stats: MemoryStats, value: number): MemoryStats => {
  if (!Number.isFinite(value)) {
    return stats
  }

  const count = stats.count + 1
  const mean = stats.mean === undefined ? value : stats.mean + (value - stats.mean) / count
  return {
    count,
    peak: stats.peak === undefined ? value : Math.max(stats.peak, value),
    min: stats.min === undefined ? value : Math.min(stats.min, value),
    mean,
    final: value
  }
}

/**
 * Online least-squares fit of y against x. Each point is shifted by the first point (x − x0, y − y0), and the
 * state contains the means and the sums of deviations from them (Welford's update) rather than raw sums of x, y, xy
 * and x². So large values such as ledger index 91,000,000 or an RSS of 8 GB do not cancel out the small
 * differences that carry the slope.
 */
export interface LinearTrend {
  readonly count: number
  /** The first point, which every later point is measured from. */
  readonly originX: number
  readonly originY: number
  /** Mean of x − originX. */
  readonly meanX: number
  /** Mean of y − originY. */
  readonly meanY: number
  /** Sum of (x − mean x)². Zero while all x values are equal. */
  readonly sumSquaresX: number
  /** Sum of (x − mean x)(y − mean y). */
  readonly sumProductsXY: number
}

export const emptyLinearTrend: LinearTrend = {
  count: 0,
  originX: 0,
  originY: 0,
  meanX: 0,
  meanY: 0,
  sumSquaresX: 0,
  sumProductsXY: 0
}

/** Adds one (x, y) point. */
export const addPoint = (trend: LinearTrend, x: number, y: number): LinearTrend => {
  if (!Number.isFinite(x) || !Number.isFinite(y)) {
    return trend
  }

  const originX = trend.count === 0 ? x : trend.originX
  const originY = trend.count === 0 ? y : trend.originY
  const shiftedX = x - originX
  const shiftedY = y - originY

  const count = trend.count + 1
  const deltaX = shiftedX - trend.meanX
  const meanX = trend.meanX + deltaX / count
  const meanY = trend.meanY + (shiftedY - trend.meanY) / count
  return {
    count,
    originX,
    originY,
    meanX,
    meanY,
    sumSquaresX: trend.sumSquaresX + deltaX * (shiftedX - meanX),
    sumProductsXY: trend.sumProductsXY + deltaX * (shiftedY - meanY)
  }
}

/** Returns the fitted slope (change in y per unit of x), or null while there are fewer than 2 distinct x values. */
export const trendSlope = (trend: LinearTrend): number | null =>
  trend.sumSquaresX > 0 ? trend.sumProductsXY / trend.sumSquaresX : null

/**
 * Returns the fitted change in y over `xSpan` units of x, or null like `trendSlope`. With x in seconds,
 * `changeOver(trend, 3600)` is the growth per hour; with x as a ledger index, `changeOver(trend, 1000)` is the
 * growth per 1,000 ledgers.
 */
export const changeOver = (trend: LinearTrend, xSpan: number): number | null => {
  const slope = trendSlope(trend)
  return slope === null ? null : slope * xSpan
}
