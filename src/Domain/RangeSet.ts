/**
 * Ledger range sets as rippled writes them in `complete_ledgers` and `validated_ledgers`
 * (`to_string(RangeSet)` in rippled's basics/RangeSet.h): `empty`, or comma-separated single ledgers and
 * `first-last` ranges, such as `32570-32580,32600-32700,32750`.
 */
import { Data, Either } from "effect"

/** An inclusive range of ledger indexes. */
export interface LedgerRange {
  readonly first: number
  readonly last: number
}

export interface RangeSet {
  /** Sorted ranges that neither overlap nor touch, so `3-4,5-6` is stored as `3-6`. */
  readonly ranges: ReadonlyArray<LedgerRange>
  /** Number of ledgers in all ranges. */
  readonly count: number
  /** Lowest ledger index, absent when the set is empty. */
  readonly first?: number
  /** Highest ledger index, absent when the set is empty. */
  readonly last?: number
}

export class RangeSetParseError extends Data.TaggedError("RangeSetParseError")<{
  readonly text: string
  /** The comma-separated piece that is invalid; the whole text when it is empty. */
  readonly piece: string
  readonly reason: string
}> {
  override get message() {
    return (
      `Invalid ledger range set "${this.text}": piece "${this.piece}" ${this.reason}. ` +
      `Expected "empty" or ledger indexes and first-last ranges separated by commas, such as "2-17,20".`
    )
  }
}

/** The text rippled reports when it has no ledgers. */
export const EMPTY_RANGE_SET_TEXT = "empty"

export const emptyRangeSet: RangeSet = { ranges: [], count: 0 }

/**
 * Parses a range set. Spaces around pieces and around the `-` are allowed. Overlapping or touching ranges
 * are merged, so `count` never counts a ledger twice.
 */
export const parseRangeSet = (text: string): Either.Either<RangeSet, RangeSetParseError> => {
  const trimmed = text.trim()
  if (trimmed === EMPTY_RANGE_SET_TEXT) {
    return Either.right(emptyRangeSet)
  }
  if (trimmed === "") {
    return Either.left(new RangeSetParseError({ text, piece: text, reason: "is empty" }))
  }

  const ranges: Array<LedgerRange> = []
  for (const rawPiece of trimmed.split(",")) {
    const piece = rawPiece.trim()
    const range = parsePiece(piece)
    if (typeof range === "string") {
      return Either.left(new RangeSetParseError({ text, piece, reason: range }))
    }
    ranges.push(range)
  }
  return Either.right(rangeSetOf(ranges))
}

/** Builds a set from ranges in any order, merging overlapping and touching ranges. */
export const rangeSetOf = (ranges: ReadonlyArray<LedgerRange>): RangeSet => {
  const sorted = [...ranges].sort((left, right) => left.first - right.first || left.last - right.last)
  const merged: Array<LedgerRange> = []
  for (const range of sorted) {
    const previous = merged[merged.length - 1]
    if (previous !== undefined && range.first <= previous.last + 1) {
      merged[merged.length - 1] = { first: previous.first, last: Math.max(previous.last, range.last) }
    } else {
      merged.push(range)
    }
  }

  const first = merged[0]?.first
  const last = merged[merged.length - 1]?.last
  const count = merged.reduce((total, range) => total + (range.last - range.first + 1), 0)
  return {
    ranges: merged,
    count,
    ...(first === undefined ? {} : { first }),
    ...(last === undefined ? {} : { last })
  }
}

/** Formats a set as rippled does: `empty`, or pieces such as `5` and `2-17` joined by commas. */
export const formatRangeSet = (set: RangeSet): string =>
  set.ranges.length === 0
    ? EMPTY_RANGE_SET_TEXT
    : set.ranges.map(formatRange).join(",")

const formatRange = (range: LedgerRange): string =>
  range.first === range.last ? `${range.first}` : `${range.first}-${range.last}`

/** Returns a range, or the reason the piece is invalid. */
const parsePiece = (piece: string): LedgerRange | string => {
  if (piece === "") {
    return "is empty"
  }

  const match = /^(\d+)(?:\s*-\s*(\d+))?$/.exec(piece)
  if (match === null || match[1] === undefined) {
    return piece.startsWith("-") ? "is negative" : "is not a ledger index or a first-last range"
  }

  const first = Number(match[1])
  const last = match[2] === undefined ? first : Number(match[2])
  if (!Number.isSafeInteger(first) || !Number.isSafeInteger(last)) {
    return `is larger than ${Number.MAX_SAFE_INTEGER}`
  }
  if (last < first) {
    return "ends before it starts"
  }
  return { first, last }
}
