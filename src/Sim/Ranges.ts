/** A closed interval of ledger indexes, first and last included. */
export type LedgerRange = readonly [first: number, last: number]

/**
 * Formats ranges like rippled's `RangeSet` text for `complete_ledgers`: `"empty"` when there are
 * none, otherwise comma-joined `a-b` intervals, with a single ledger written as just `"5"`.
 */
export const formatRanges = (ranges: ReadonlyArray<LedgerRange>): string => {
  if (ranges.length === 0) return "empty"
  return ranges.map(([first, last]) => (first === last ? `${first}` : `${first}-${last}`)).join(",")
}

/** Parses `complete_ledgers` text (`"empty"`, `"5"`, `"2-17"`, `"32570-32580,32600-32700"`). */
export const parseRanges = (text: string): Array<LedgerRange> | undefined => {
  const trimmed = text.trim()
  if (trimmed === "empty") return []

  const ranges: Array<LedgerRange> = []
  for (const part of trimmed.split(",")) {
    const match = /^\s*(\d+)(?:\s*-\s*(\d+))?\s*$/.exec(part)
    if (match?.[1] === undefined) return undefined
    const first = Number(match[1])
    const last = match[2] === undefined ? first : Number(match[2])
    if (last < first) return undefined
    ranges.push([first, last])
  }
  return ranges
}

/** Moves the end of the last range forward by `count` ledgers, as a node that keeps closing would. */
export const extendLastRange = (ranges: ReadonlyArray<LedgerRange>, count: number): Array<LedgerRange> => {
  const last = ranges.at(-1)
  if (last === undefined || count <= 0) return [...ranges]
  return [...ranges.slice(0, -1), [last[0], last[1] + count]]
}
