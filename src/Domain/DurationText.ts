/**
 * Durations as a person types them on the command line (`30s`, `5m`, `1h30m`). The dashboard and the summary
 * table format durations with `formatDuration` in src/Ui/Format.ts.
 */
import { Data, Duration, Either } from "effect"

/** The unit of a number typed without one, such as `90`. */
export type BareUnit = "minutes" | "seconds"

export interface DurationTextOptions {
  /** Accept a zero duration such as `0` or `0s`, for settings like a cooldown that may be turned off. */
  readonly allowZero?: boolean
}

export class DurationTextError extends Data.TaggedError("DurationTextError")<{
  readonly text: string
  readonly reason: string
  readonly bareUnit: BareUnit
}> {
  override get message() {
    return (
      `Invalid duration "${this.text}": ${this.reason}. Use a number with a unit, such as 30s, 5m, 1h30m, ` +
      `2.5m or 500ms (units: ${UNIT_NAMES}). A number without a unit counts as ${this.bareUnit}.`
    )
  }
}

/**
 * Parses a duration: one or more `<number><unit>` parts from the largest unit to the smallest, each unit at
 * most once, with optional spaces (`1h 30m`), or a bare number in `bareUnit`. Numbers may have a fraction
 * (`2.5m`). Zero is rejected unless `allowZero` is set.
 */
export const parseDurationText = (
  text: string,
  bareUnit: BareUnit,
  options: DurationTextOptions = {}
): Either.Either<Duration.Duration, DurationTextError> => {
  const fail = (reason: string) => Either.left(new DurationTextError({ text, reason, bareUnit }))
  const trimmed = text.trim()
  if (trimmed === "") {
    return fail("it is empty")
  }
  if (trimmed.startsWith("-")) {
    return fail("it is negative")
  }

  const millis = BARE_NUMBER.test(trimmed) ? Number(trimmed) * BARE_UNIT_MILLIS[bareUnit] : sumOfParts(trimmed)
  if (typeof millis === "string") {
    return fail(millis)
  }
  if (!Number.isFinite(millis)) {
    return fail("it is too large")
  }
  if (millis === 0 && options.allowZero !== true) {
    return fail("it is zero, but this setting needs a positive duration")
  }
  return Either.right(Duration.millis(millis))
}

/** Units with their length in milliseconds, largest first. */
const UNITS: ReadonlyArray<readonly [name: string, millis: number]> = [
  ["d", 86_400_000],
  ["h", 3_600_000],
  ["m", 60_000],
  ["s", 1_000],
  ["ms", 1]
]

const UNIT_NAMES = UNITS.map(([name]) => name).join(", ")

const BARE_UNIT_MILLIS: Readonly<Record<BareUnit, number>> = { minutes: 60_000, seconds: 1_000 }

const NUMBER = String.raw`(?:\d+(?:\.\d+)?|\.\d+)`

const BARE_NUMBER = new RegExp(`^${NUMBER}$`)

/** One `<number><unit>` part with the spaces around it. */
const PART_SOURCE = String.raw`\s*(${NUMBER})\s*([A-Za-z]+)\s*`

/** Returns the total in milliseconds, or the reason the text is invalid. */
const sumOfParts = (text: string): number | string => {
  let total = 0
  let previousRank = -1
  // The sticky flag makes each match start where the previous one ended, so no text between parts is skipped.
  const part = new RegExp(PART_SOURCE, "y")
  while (part.lastIndex < text.length) {
    const start = part.lastIndex
    const match = part.exec(text)
    if (match === null || match[1] === undefined || match[2] === undefined) {
      return `"${text.slice(start).trim()}" is not a number followed by a unit`
    }

    const rank = UNITS.findIndex(([name]) => name === match[2])
    const unit = UNITS[rank]
    if (unit === undefined) {
      return `"${match[2]}" is not a known unit`
    }
    if (rank <= previousRank) {
      return "units must go from the largest to the smallest, each at most once"
    }
    previousRank = rank
    total += Number(match[1]) * unit[1]
  }
  return total
}

