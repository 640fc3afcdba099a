import { uptimeMicros } from "./Clock.js"

/** rippled's operating modes, from NetworkOPs, in the order a syncing node passes through them. */
export const OPERATING_MODES = ["disconnected", "connected", "syncing", "tracking", "full"] as const
export type OperatingMode = (typeof OPERATING_MODES)[number]

interface ModeTotals {
  durationUs: number
  transitions: number
}

/**
 * Time spent in each operating mode and the number of entries into it (rippled
 * `NetworkOPs::StateAccounting`). The process starts in `disconnected` with one transition, and
 * the time in the current mode is added when a snapshot is taken.
 */
export class StateAccounting {
  private current: OperatingMode = "disconnected"
  private enteredAtUs = 0
  private firstFullUs: number | undefined
  private readonly totals = new Map<OperatingMode, ModeTotals>(
    OPERATING_MODES.map((mode) => [mode, { durationUs: 0, transitions: mode === "disconnected" ? 1 : 0 }])
  )

  get mode(): OperatingMode {
    return this.current
  }

  /** Microseconds from start to the first time the node reached `full`, once it has. */
  get initialSyncUs(): number | undefined {
    return this.firstFullUs
  }

  isAtLeast(mode: OperatingMode): boolean {
    return OPERATING_MODES.indexOf(this.current) >= OPERATING_MODES.indexOf(mode)
  }

  /** Switches mode; returns false when the node already was in that mode. */
  enter(mode: OperatingMode): boolean {
    if (mode === this.current) return false
    const now = uptimeMicros()
    this.totalsOf(this.current).durationUs += now - this.enteredAtUs
    this.totalsOf(mode).transitions += 1
    this.current = mode
    this.enteredAtUs = now
    if (mode === "full") this.firstFullUs ??= now
    return true
  }

  /** Microseconds spent in the current mode so far. */
  currentDurationUs(): number {
    return uptimeMicros() - this.enteredAtUs
  }

  /** The `state_accounting` object of server_info, with durations and counts as digit strings. */
  toJson(): Record<OperatingMode, { duration_us: string; transitions: string }> {
    const inCurrent = this.currentDurationUs()
    const entries = OPERATING_MODES.map((mode) => {
      const totals = this.totalsOf(mode)
      const durationUs = totals.durationUs + (mode === this.current ? inCurrent : 0)
      return [mode, { duration_us: `${durationUs}`, transitions: `${totals.transitions}` }] as const
    })
    return Object.fromEntries(entries) as Record<OperatingMode, { duration_us: string; transitions: string }>
  }

  private totalsOf(mode: OperatingMode): ModeTotals {
    const totals = this.totals.get(mode)
    if (totals === undefined) throw new Error(`unknown operating mode ${mode}`)
    return totals
  }
}
