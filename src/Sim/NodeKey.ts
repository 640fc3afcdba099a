import { createHash } from "node:crypto"

/** The XRP Ledger's base58 alphabet (it differs from Bitcoin's). */
const RIPPLE_ALPHABET = "rpshnaf39wBUDNEGHJKLM4PQRST7VWXYZ2bcdeCg65jkm8oFqi1tuvAxyz"

/** Type prefix of a node public key; base58 text of such keys starts with `n`. */
const NODE_PUBLIC_PREFIX = 0x1c

/**
 * Derives a node public key in the `n9...` form of `pubkey_node` from a seed, so the same config
 * gives the same key on every start, as a real node's key stored in wallet.db does. The key bytes
 * are a compressed-point lookalike (0x02 and 32 hash bytes), not a real secp256k1 point.
 */
export const nodePublicKey = (seed: string): string => {
  const keyBytes = Buffer.concat([Buffer.from([0x02]), sha256(Buffer.from(`node-key:${seed}`))])
  const payload = Buffer.concat([Buffer.from([NODE_PUBLIC_PREFIX]), keyBytes])
  const checksum = sha256(sha256(payload)).subarray(0, 4)
  return base58(Buffer.concat([payload, checksum]))
}

const sha256 = (data: Buffer): Buffer => createHash("sha256").update(data).digest()

const base58 = (bytes: Buffer): string => {
  let value = BigInt(`0x${bytes.toString("hex")}`)
  let text = ""
  while (value > 0n) {
    text = `${RIPPLE_ALPHABET[Number(value % 58n)]}${text}`
    value /= 58n
  }
  for (const byte of bytes) {
    if (byte !== 0) break
    text = `${RIPPLE_ALPHABET[0]}${text}`
  }
  return text
}
