import * as net from "node:net"

/**
 * One entry of a port's `admin` list: an IP address, or a CIDR subnet such as `127.0.0.0/8`.
 * `0.0.0.0` and `::` give admin rights to every client, IPv4 and IPv6, as in rippled's `Port.cpp`.
 */
export type AdminEntry =
  | { readonly _tag: "Everyone" }
  | { readonly _tag: "Subnet"; readonly network: string; readonly prefix: number; readonly family: "ipv4" | "ipv6" }

/** Parses one trimmed `admin` entry. Returns undefined when it is neither an IP address nor a CIDR subnet. */
export const parseAdminEntry = (text: string): AdminEntry | undefined => {
  const family = ipFamily(text)
  if (family !== undefined) {
    if (isUnspecified(text, family)) {
      return { _tag: "Everyone" }
    }
    return { _tag: "Subnet", network: text, prefix: family === "ipv4" ? 32 : 128, family }
  }

  const match = /^([^/\s]+)\/(\d{1,3})$/.exec(text)
  if (match === null || match[1] === undefined || match[2] === undefined) {
    return undefined
  }
  const networkFamily = ipFamily(match[1])
  const prefix = Number(match[2])
  if (networkFamily === undefined || prefix > (networkFamily === "ipv4" ? 32 : 128)) {
    return undefined
  }
  return { _tag: "Subnet", network: match[1], prefix, family: networkFamily }
}

/**
 * Tells whether a client at `address` is inside one of the entries. IPv4-mapped IPv6 entries such as
 * `::ffff:127.0.0.1` also match the plain IPv4 address, and the other way round.
 *
 * NOTE: rippled itself compares IPv4 clients with IPv4 entries only, so a node may reject a mapped entry that
 * this check accepts.
 */
export const entriesCover = (entries: ReadonlyArray<AdminEntry>, address: string): boolean => {
  const family = ipFamily(address)
  if (family === undefined) {
    return false
  }

  const list = new net.BlockList()
  for (const entry of entries) {
    if (entry._tag === "Everyone") {
      return true
    }
    list.addSubnet(entry.network, entry.prefix, entry.family)
  }
  return list.check(address, family)
}

/** Tells whether an IP literal is the unspecified address: `0.0.0.0`, or `::` in any of its spellings. */
export const isUnspecified = (address: string, family: "ipv4" | "ipv6"): boolean =>
  family === "ipv4" ? address === "0.0.0.0" : /^[0:]+$/.test(address)

/** Returns the address family of an IP literal, or undefined when the text is not one. */
export const ipFamily = (text: string): "ipv4" | "ipv6" | undefined => {
  switch (net.isIP(text)) {
    case 4:
      return "ipv4"
    case 6:
      return "ipv6"
    default:
      return undefined
  }
}
