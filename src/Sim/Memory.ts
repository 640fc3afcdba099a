const BYTES_PER_MB = 1024 * 1024

/**
 * Memory the simulated node holds on purpose so that its resident set size behaves like a node's:
 * every allocation is filled with non-zero bytes, so each page is really touched and counted in
 * RSS, and nothing is ever released.
 */
export class MemoryBallast {
  private readonly chunks: Array<Buffer> = []
  private heldBytes = 0

  get bytes(): number {
    return this.heldBytes
  }

  /** Allocates and touches `megabytes` MiB (fractions allowed); zero or less does nothing. */
  grow(megabytes: number): void {
    const size = Math.round(megabytes * BYTES_PER_MB)
    if (size <= 0) return
    const chunk = Buffer.allocUnsafeSlow(size)
    chunk.fill(0xa5)
    this.chunks.push(chunk)
    this.heldBytes += size
  }
}
