import { createHash } from "node:crypto"
import { rippleTimeSeconds } from "./Clock.js"
import type { LedgerRange } from "./Ranges.js"

/** A closed and validated ledger as the streams and server_info show it. */
export interface LedgerHeader {
  readonly index: number
  /** 64 upper-case hex digits. */
  readonly hash: string
  /** Close time in seconds since the XRP Ledger epoch. */
  readonly ledgerTime: number
  readonly txnCount: number
  /** Wall-clock time of the close in Unix milliseconds, for the `age` field. */
  readonly closedAtMs: number
}

/** Genesis fee settings in drops (rippled `Config.h` FeeSetup defaults). */
export const FEES = { base: 10, reference: 10, reserveBase: 10_000_000, reserveIncrement: 2_000_000 } as const

/**
 * The ledgers a node holds: one validated tip, a contiguous complete range behind it, and an open
 * ledger one above the tip. Every close validates the open ledger at once, as standalone mode does.
 */
export class LedgerChain {
  private tip: LedgerHeader | undefined
  private firstComplete = 0

  constructor(private readonly hashSeed: string) {}

  get validated(): LedgerHeader | undefined {
    return this.tip
  }

  /** Index of the open ledger, or undefined before the first ledger exists. */
  get currentIndex(): number | undefined {
    return this.tip === undefined ? undefined : this.tip.index + 1
  }

  get completeRanges(): ReadonlyArray<LedgerRange> {
    return this.tip === undefined ? [] : [[this.firstComplete, this.tip.index]]
  }

  /** Makes `index` the first validated ledger (standalone genesis builds ledger 2 this way). */
  begin(index: number, nowMs: number): LedgerHeader {
    this.firstComplete = index
    this.tip = this.header(index, rippleTimeSeconds(nowMs), 0, nowMs)
    return this.tip
  }

  /** Closes the open ledger with `txnCount` transactions and returns it; the tip must exist. */
  close(nowMs: number, txnCount: number): LedgerHeader {
    const previous = this.tip
    if (previous === undefined) throw new Error("LedgerChain.close called before begin")
    const ledgerTime = Math.max(rippleTimeSeconds(nowMs), previous.ledgerTime + 1)
    this.tip = this.header(previous.index + 1, ledgerTime, txnCount, nowMs)
    return this.tip
  }

  private header(index: number, ledgerTime: number, txnCount: number, closedAtMs: number): LedgerHeader {
    return { index, hash: ledgerHash(this.hashSeed, index), ledgerTime, txnCount, closedAtMs }
  }
}

/** A stable stand-in for a ledger hash: SHA-256 of the seed and the index, in upper-case hex. */
export const ledgerHash = (seed: string, index: number): string =>
  createHash("sha256").update(`${seed}:${index}`).digest("hex").toUpperCase()
