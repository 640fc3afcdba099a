import * as os from "node:os"
import { type LedgerRange, parseRanges } from "./Ranges.js"

export type Flavour = "xahaud" | "rippled"

/** Faults the simulated node injects on request, each off unless its SIM_* variable is set. */
export interface FaultSettings {
  /** How long after start `complete_ledgers` reads `"empty"` while the state is full. */
  readonly emptyLedgersMs: number | "forever" | undefined
  /** The range reported once that window ends; its last interval grows with each close. */
  readonly ledgersAfterEmpty: ReadonlyArray<LedgerRange> | undefined
  /** Successive `complete_ledgers` values for successive server_info replies; the last repeats. */
  readonly completeLedgersSequence: ReadonlyArray<string> | undefined
  readonly countsFile: string | undefined
  readonly crashAfterLedgers: number | undefined
  readonly crashSignal: NodeJS.Signals
  readonly fatalExitAfterMs: number | undefined
  readonly fatalStderrBytes: number
  readonly fatalExitCode: number
  readonly slowClientAfter: number | undefined
  readonly hangAfterMs: number | undefined
  readonly floodStdoutBytes: number
  readonly floodStderrBytes: number
  readonly ignoreSigterm: boolean
  readonly ignoreStop: boolean
}

/** Everything the simulated node reads from SIM_* environment variables. */
export interface SimSettings {
  readonly flavour: Flavour
  readonly buildVersion: string
  readonly catalogue: boolean
  readonly startDelayMs: number
  readonly stopDelayMs: number
  readonly pingIntervalMs: number
  readonly maxTxnsPerLedger: number
  readonly syncDelayMs: number
  readonly networkFirstLedger: number
  readonly closeIntervalMs: number
  readonly baseMb: number
  readonly growthMbPerLedger: number
  readonly faults: FaultSettings
}

export type SettingsResult = { readonly ok: true; readonly settings: SimSettings } | { readonly ok: false; readonly message: string }

const DEFAULT_BUILD_VERSION: Record<Flavour, string> = { xahaud: "2024.10.15-release+1020", rippled: "2.3.0" }

/** Reads and checks the SIM_* variables; the first invalid one is reported with its expected form. */
export const readSettings = (env: NodeJS.ProcessEnv): SettingsResult => {
  const reader = new EnvReader(env)
  const flavourText = reader.text("SIM_FLAVOUR") ?? "xahaud"
  if (flavourText !== "xahaud" && flavourText !== "rippled") {
    return { ok: false, message: `invalid SIM_FLAVOUR '${flavourText}': expected xahaud or rippled` }
  }
  const flavour: Flavour = flavourText

  const settings: SimSettings = {
    flavour,
    buildVersion: reader.text("SIM_BUILD_VERSION") ?? DEFAULT_BUILD_VERSION[flavour],
    catalogue: reader.flag("SIM_CATALOGUE"),
    startDelayMs: reader.number("SIM_START_DELAY_MS", 300),
    stopDelayMs: reader.number("SIM_STOP_DELAY_MS", 200),
    pingIntervalMs: reader.number("SIM_PING_INTERVAL_MS", 3000, { min: 1 }),
    maxTxnsPerLedger: reader.number("SIM_TXNS_PER_LEDGER", 5, { integer: true }),
    syncDelayMs: reader.number("SIM_SYNC_DELAY_MS", 5000),
    networkFirstLedger: reader.number("SIM_NETWORK_FIRST_LEDGER", 1000, { integer: true, min: 1 }),
    closeIntervalMs: reader.number("SIM_CLOSE_INTERVAL_MS", 3000, { min: 1 }),
    baseMb: reader.number("SIM_BASE_MB", 20),
    growthMbPerLedger: reader.number("SIM_GROWTH_MB_PER_LEDGER", 1),
    faults: {
      emptyLedgersMs: reader.text("SIM_EMPTY_LEDGERS_MS") === "forever" ? "forever" : reader.optionalNumber("SIM_EMPTY_LEDGERS_MS"),
      ledgersAfterEmpty: reader.ranges("SIM_LEDGERS_AFTER_EMPTY"),
      completeLedgersSequence: reader.text("SIM_COMPLETE_LEDGERS_SEQUENCE")?.split(";").map((value) => value.trim()),
      countsFile: reader.text("SIM_COUNTS_FILE"),
      crashAfterLedgers: reader.optionalNumber("SIM_CRASH_AFTER_LEDGERS", { integer: true, min: 1 }),
      crashSignal: reader.signal("SIM_CRASH_SIGNAL", "SIGKILL"),
      fatalExitAfterMs: reader.optionalNumber("SIM_FATAL_EXIT_AFTER_MS"),
      fatalStderrBytes: reader.number("SIM_FATAL_STDERR_BYTES", 65536, { integer: true }),
      fatalExitCode: reader.number("SIM_FATAL_EXIT_CODE", 1, { integer: true, max: 255 }),
      slowClientAfter: reader.optionalNumber("SIM_SLOW_CLIENT_AFTER", { integer: true, min: 1 }),
      hangAfterMs: reader.optionalNumber("SIM_HANG_AFTER_MS"),
      floodStdoutBytes: reader.number("SIM_FLOOD_STDOUT_BYTES", 0, { integer: true }),
      floodStderrBytes: reader.number("SIM_FLOOD_STDERR_BYTES", 0, { integer: true }),
      ignoreSigterm: reader.flag("SIM_IGNORE_SIGTERM"),
      ignoreStop: reader.flag("SIM_IGNORE_STOP")
    }
  }
  return reader.firstError === undefined ? { ok: true, settings } : { ok: false, message: reader.firstError }
}

interface NumberLimits {
  readonly integer?: boolean
  readonly min?: number
  readonly max?: number
}

/** Reads variables and remembers the first invalid one, so all checks read as plain expressions. */
class EnvReader {
  firstError: string | undefined

  constructor(private readonly env: NodeJS.ProcessEnv) {}

  text(name: string): string | undefined {
    const value = this.env[name]
    return value === undefined || value.trim() === "" ? undefined : value.trim()
  }

  flag(name: string): boolean {
    const value = this.text(name)
    if (value === undefined || value === "0" || value === "false") return false
    if (value === "1" || value === "true") return true
    this.fail(`invalid ${name} '${value}': expected 1 or 0`)
    return false
  }

  number(name: string, fallback: number, limits: NumberLimits = {}): number {
    return this.optionalNumber(name, limits) ?? fallback
  }

  optionalNumber(name: string, limits: NumberLimits = {}): number | undefined {
    const value = this.text(name)
    if (value === undefined) return undefined
    const parsed = Number(value)
    const min = limits.min ?? 0
    const valid =
      Number.isFinite(parsed) &&
      parsed >= min &&
      (limits.max === undefined || parsed <= limits.max) &&
      (!limits.integer || Number.isInteger(parsed))
    if (valid) return parsed
    const kind = limits.integer ? "an integer" : "a number"
    const range = limits.max === undefined ? `>= ${min}` : `from ${min} to ${limits.max}`
    this.fail(`invalid ${name} '${value}': expected ${kind} ${range}`)
    return undefined
  }

  ranges(name: string): ReadonlyArray<LedgerRange> | undefined {
    const value = this.text(name)
    if (value === undefined) return undefined
    const ranges = parseRanges(value)
    if (ranges === undefined) this.fail(`invalid ${name} '${value}': expected ledger ranges such as 1000-1010,1020`)
    return ranges
  }

  signal(name: string, fallback: NodeJS.Signals): NodeJS.Signals {
    const value = this.text(name)
    if (value === undefined) return fallback
    const upper = value.toUpperCase()
    const signalName = upper.startsWith("SIG") ? upper : `SIG${upper}`
    if (signalName in os.constants.signals) return signalName as NodeJS.Signals
    this.fail(`invalid ${name} '${value}': expected a signal name such as SIGKILL or SIGSEGV`)
    return fallback
  }

  private fail(message: string): void {
    this.firstError ??= message
  }
}
