import { WebSocket } from "ws"
import type { PortSpec } from "./Ports.js"

/** Close code and reason rippled uses when a client does not keep up with its messages. */
export const SLOW_CLIENT_CLOSE = { code: 1008, reason: "Policy error: client is too slow." } as const

/** One client WebSocket and what the node keeps about it. */
export class Session {
  readonly subscriptions = new Set<string>()
  /** `ledgerClosed` messages sent on this connection so far. */
  ledgerMessagesSent = 0
  /** A ping went out and its pong has not come back yet. */
  awaitingPong = false
  private unsentMessages = 0

  constructor(
    readonly socket: WebSocket,
    readonly port: PortSpec,
    readonly addressIsAdmin: boolean
  ) {}

  get isOpen(): boolean {
    return this.socket.readyState === WebSocket.OPEN
  }

  /**
   * Queues a text frame. When more than the port's `send_queue_limit` frames are waiting to be
   * written, the client is closed as too slow, as rippled's `BaseWSPeer::send` does.
   */
  send(text: string): void {
    if (!this.isOpen) return
    this.unsentMessages += 1
    if (this.unsentMessages > this.port.sendQueueLimit) {
      this.closeAsTooSlow()
      return
    }
    this.socket.send(text, () => {
      this.unsentMessages -= 1
    })
  }

  closeAsTooSlow(): void {
    this.socket.close(SLOW_CLIENT_CLOSE.code, SLOW_CLIENT_CLOSE.reason)
  }
}
