const MONTHS = ["Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul", "Aug", "Sep", "Oct", "Nov", "Dec"]

/** Seconds between the Unix epoch and the XRP Ledger epoch (2000-01-01T00:00:00Z). */
export const RIPPLE_EPOCH_OFFSET_S = 946_684_800

const wallBaseNs = BigInt(Date.now()) * 1_000_000n - process.hrtime.bigint()
const monotonicStartNs = process.hrtime.bigint()

/** Wall-clock time in nanoseconds since the Unix epoch, with the resolution of the monotonic clock. */
export const wallNanos = (): bigint => wallBaseNs + process.hrtime.bigint()

/** Microseconds since this process loaded the module (a stand-in for the node's start). */
export const uptimeMicros = (): number => Number((process.hrtime.bigint() - monotonicStartNs) / 1000n)

/** Seconds since the XRP Ledger epoch, the unit of `ledger_time` and `close_time`. */
export const rippleTimeSeconds = (wallMs: number = Date.now()): number =>
  Math.floor(wallMs / 1000) - RIPPLE_EPOCH_OFFSET_S

/**
 * Formats a time the way rippled's logs and `server_info.time` do (`%Y-%b-%d %T %Z` in UTC), for
 * example `2026-Dec-04 15:25:05.669736947 UTC`; `fractionDigits` is 9 for logs and 6 for server_info.
 */
export const formatNodeTime = (nanos: bigint, fractionDigits: 6 | 9): string => {
  const millis = Number(nanos / 1_000_000n)
  const date = new Date(millis)
  const fraction = (nanos % 1_000_000_000n).toString().padStart(9, "0").slice(0, fractionDigits)
  const day = `${date.getUTCFullYear()}-${MONTHS[date.getUTCMonth()]}-${pad2(date.getUTCDate())}`
  const time = `${pad2(date.getUTCHours())}:${pad2(date.getUTCMinutes())}:${pad2(date.getUTCSeconds())}`
  return `${day} ${time}.${fraction} UTC`
}

/**
 * Formats a duration like rippled's get_counts `uptime`: years, days, hours, minutes and seconds,
 * zero units left out, singular for 1 (`"1 minute, 5 seconds"`), and `""` below one second.
 */
export const formatUptimeText = (totalSeconds: number): string => {
  const units: ReadonlyArray<readonly [string, number]> = [
    ["year", 365 * 24 * 3600],
    ["day", 24 * 3600],
    ["hour", 3600],
    ["minute", 60],
    ["second", 1]
  ]
  let remaining = Math.max(0, Math.floor(totalSeconds))
  const parts: Array<string> = []
  for (const [name, size] of units) {
    const count = Math.floor(remaining / size)
    if (count === 0) continue
    remaining -= count * size
    parts.push(`${count} ${name}${count > 1 ? "s" : ""}`)
  }
  return parts.join(", ")
}

const pad2 = (value: number): string => value.toString().padStart(2, "0")
