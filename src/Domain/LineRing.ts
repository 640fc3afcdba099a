/** A fixed-capacity buffer of the most recent items; pushing past capacity drops the oldest. */
export class LineRing<A> {
  private readonly items: Array<A | undefined>
  private start = 0
  private length = 0

  constructor(readonly capacity: number) {
    this.items = new Array<A | undefined>(capacity)
  }

  get size() {
    return this.length
  }

  push(item: A) {
    const end = (this.start + this.length) % this.capacity
    this.items[end] = item
    if (this.length < this.capacity) this.length++
    else this.start = (this.start + 1) % this.capacity
  }

  clear() {
    this.items.fill(undefined)
    this.start = 0
    this.length = 0
  }

  /** Returns the last `count` items (all by default), oldest first. */
  toArray(count = this.length): Array<A> {
    const returned = Math.min(count, this.length)
    const result: Array<A> = []
    for (let i = this.length - returned; i < this.length; i++) {
      result.push(this.items[(this.start + i) % this.capacity] as A)
    }
    return result
  }
}
