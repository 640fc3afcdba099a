import * as net from "node:net"
import type { ConfigSection, NodeConfigText } from "./ConfigFile.js"

/** An admin network of a port, stored as its network address and prefix length. */
export interface AdminNet {
  readonly address: string
  readonly prefix: number
  readonly family: "ipv4" | "ipv6"
}

/** One listening port from `[server]` and its own section (rippled `Port`). */
export interface PortSpec {
  readonly name: string
  readonly ip: string
  readonly port: number
  readonly protocols: ReadonlyArray<string>
  readonly adminNets: ReadonlyArray<AdminNet>
  readonly adminUser: string | undefined
  readonly adminPassword: string | undefined
  /** Maximum number of unsent WebSocket messages before the client is dropped (default 100). */
  readonly sendQueueLimit: number
  /** Maximum number of clients; 0 means no limit. */
  readonly limit: number
}

export type PortsResult =
  | { readonly ok: true; readonly ports: ReadonlyArray<PortSpec> }
  | { readonly ok: false; readonly message: string }

/**
 * Reads the ports named in `[server]`, with `key = value` lines of `[server]` as defaults for every
 * port, following rippled `parse_Ports`. In standalone mode the `peer` protocol is dropped, and a
 * port left with no protocol is dropped with it. Messages use rippled's wording.
 */
export const readPorts = (config: NodeConfigText, standalone: boolean): PortsResult => {
  const server = config.sections.get("server")
  if (server === undefined) return { ok: false, message: "Required section [server] is missing" }

  const ports: Array<PortSpec> = []
  for (const name of server.lines) {
    const section = config.sections.get(name)
    if (section === undefined) return { ok: false, message: `Missing section: [${name}]` }

    const result = readPort(name, server, section)
    if (!result.ok) return result
    const protocols = standalone ? result.port.protocols.filter((protocol) => protocol !== "peer") : result.port.protocols
    if (protocols.length > 0) ports.push({ ...result.port, protocols })
  }
  return { ok: true, ports }
}

/** True when the port speaks WebSocket (`ws`, `wss`, `ws2`, `wss2`). */
export const isWebSocketPort = (port: PortSpec): boolean => port.protocols.some((protocol) => protocol.startsWith("ws"))

export const isHttpPort = (port: PortSpec): boolean => port.protocols.some((protocol) => protocol.startsWith("http"))

/** Ports the simulated node listens on: WebSocket and HTTP ones. Peer and gRPC ports are not simulated. */
export const isServedPort = (port: PortSpec): boolean => isWebSocketPort(port) || isHttpPort(port)

/** Formats a port like rippled's log: `'name' (ip=127.0.0.1:6006, admin nets:127.0.0.1/32, ws)`. */
export const describePort = (port: PortSpec): string => {
  const admin = port.adminNets.length === 0 ? "" : `admin nets:${port.adminNets.map((adminNet) => `${formatNet(adminNet)}, `).join("")}`
  return `'${port.name}' (ip=${port.ip}:${port.port}, ${admin}${port.protocols.join(",")})`
}

/** True when the client address lies in one of the port's admin networks. */
export const isAdminAddress = (port: PortSpec, remoteAddress: string | undefined): boolean => {
  if (remoteAddress === undefined || port.adminNets.length === 0) return false
  const address = remoteAddress.startsWith("::ffff:") && net.isIPv4(remoteAddress.slice(7)) ? remoteAddress.slice(7) : remoteAddress
  const family = net.isIPv4(address) ? "ipv4" : "ipv6"
  const list = new net.BlockList()
  for (const adminNet of port.adminNets) list.addSubnet(adminNet.address, adminNet.prefix, adminNet.family)
  return list.check(address, family)
}

const formatNet = (adminNet: AdminNet): string => `${adminNet.address}/${adminNet.prefix}`

const readPort = (
  name: string,
  defaults: ConfigSection,
  section: ConfigSection
): { ok: true; port: PortSpec } | { ok: false; message: string } => {
  const value = (key: string): string | undefined => section.values.get(key) ?? defaults.values.get(key)

  const ip = value("ip")
  if (ip === undefined) return { ok: false, message: `Missing 'ip' in [${name}]` }
  if (!net.isIP(ip)) return { ok: false, message: `Invalid value '${ip}' for key 'ip' in [${name}]` }

  const portText = value("port")
  if (portText === undefined) return { ok: false, message: `Missing 'port' in [${name}]` }
  const port = Number(portText)
  if (!/^\d+$/.test(portText) || port > 65535) {
    return { ok: false, message: `Invalid value '${portText}' for key 'port' in [${name}]` }
  }
  if (port === 0) return { ok: false, message: `Port ${portText}in [${name}] is invalid` }

  const protocols = (value("protocol") ?? "")
    .split(",")
    .map((protocol) => protocol.trim().toLowerCase())
    .filter((protocol) => protocol !== "")
  if (protocols.length === 0) return { ok: false, message: `Missing 'protocol' in [${name}]` }

  const adminNets = parseAdminNets(value("admin") ?? "")
  if (typeof adminNets === "string") {
    return { ok: false, message: `Invalid value '${adminNets}' for key 'admin' in [${name}]` }
  }

  return {
    ok: true,
    port: {
      name,
      ip,
      port,
      protocols,
      adminNets,
      adminUser: value("admin_user"),
      adminPassword: value("admin_password"),
      sendQueueLimit: positiveInteger(value("send_queue_limit")) ?? 100,
      limit: positiveInteger(value("limit")) ?? 0
    }
  }
}

/** Parses a comma- or space-separated admin list; returns the first invalid entry as a string. */
const parseAdminNets = (text: string): Array<AdminNet> | string => {
  const nets: Array<AdminNet> = []
  for (const entry of text.split(/[\s,]+/).filter((part) => part !== "")) {
    const parsed = parseAdminNet(entry)
    if (parsed === undefined) return entry
    nets.push(parsed)
  }
  return nets
}

const parseAdminNet = (entry: string): AdminNet | undefined => {
  const [address = "", prefixText] = entry.split("/")
  const family = net.isIPv4(address) ? "ipv4" : net.isIPv6(address) ? "ipv6" : undefined
  if (family === undefined) return undefined

  const maxPrefix = family === "ipv4" ? 32 : 128
  const unspecified = address === "0.0.0.0" || address === "::"
  let prefix = Number(prefixText)
  if (prefixText === undefined) prefix = unspecified ? 0 : maxPrefix
  if (!Number.isInteger(prefix) || prefix < 0 || prefix > maxPrefix) return undefined
  if (family === "ipv4" && !isIpv4NetworkAddress(address, prefix)) return undefined
  return { address, prefix, family }
}

/** rippled rejects `10.1.2.3/24`: the address of a subnet must have its host bits clear. */
const isIpv4NetworkAddress = (address: string, prefix: number): boolean => {
  const value = address.split(".").reduce((total, octet) => total * 256 + Number(octet), 0)
  const hostBits = 2 ** (32 - prefix)
  return value % hostBits === 0
}

const positiveInteger = (text: string | undefined): number | undefined => {
  if (text === undefined || !/^\d+$/.test(text)) return undefined
  const value = Number(text)
  return value > 0 ? value : undefined
}
