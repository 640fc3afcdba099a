/**
 * Reads a rippled or xahaud config file and finds the WebSocket port the monitor should connect to.
 */
import { readFile } from "node:fs/promises"
import { Effect, Either, Redacted } from "effect"
import { type AdminEntry, entriesCover, ipFamily, isUnspecified, parseAdminEntry } from "./NodeConfig/AdminNetworks.js"
import { type ConfigFile, type ConfigSection, findSection, parseConfigText } from "./NodeConfig/ConfigText.js"
import {
  configReadError,
  type ConfigReadError,
  InvalidWebSocketUrl,
  MissingPortSection,
  MissingServerSection,
  NoWebSocketPort,
  type WebSocketEndpointError
} from "./NodeConfig/Errors.js"
import {
  decodePortSection,
  mergePortSettings,
  type PortSection,
  SECURE_WEB_SOCKET_PROTOCOLS,
  splitCommaList,
  splitProtocols,
  WEB_SOCKET_PROTOCOLS
} from "./NodeConfig/PortSection.js"

export * from "./NodeConfig/ConfigText.js"
export * from "./NodeConfig/Errors.js"
export * from "./NodeConfig/PortSection.js"

/** The port name that rippled's example configs give the local admin WebSocket port. */
export const ADMIN_WEB_SOCKET_PORT_NAME = "port_ws_admin_local"

/** Connection details for a node's WebSocket API. */
export interface WebSocketEndpoint {
  /** Such as `ws://127.0.0.1:6006`, with no trailing slash. */
  readonly url: string
  readonly portName: string
  readonly port: number
  /** Host as written in the URL: an IPv6 address is in brackets, such as `[::1]`. */
  readonly host: string
  readonly secure: boolean
  /** True when the port's `admin` list covers the address the monitor connects from. */
  readonly admin: boolean
  /**
   * Present when the port sets `admin_user` or `admin_password`. rippled then grants admin rights only to
   * requests that carry both fields, each equal to its setting, and an unset one is an empty string.
   */
  readonly adminCredentials?: { readonly user: string; readonly password: Redacted.Redacted<string> }
  readonly section: PortSection
}

/** A WebSocket URL given on the command line in place of the config file's port. */
export interface WebSocketUrl {
  readonly url: string
  readonly host: string
  readonly port: number
  readonly secure: boolean
}

/** Reads and parses a config file. */
export const readNodeConfig = (filePath: string): Effect.Effect<ConfigFile, ConfigReadError> =>
  Effect.tryPromise({
    try: () => readFile(filePath, "utf8"),
    catch: (cause) => configReadError(filePath, cause)
  }).pipe(Effect.map(parseConfigText))

/** Reads a config file and finds its WebSocket endpoint. */
export const readWebSocketEndpoint = (
  filePath: string
): Effect.Effect<WebSocketEndpoint, ConfigReadError | WebSocketEndpointError> =>
  Effect.gen(function* () {
    const config = yield* readNodeConfig(filePath)
    return yield* findWebSocketEndpoint(config, filePath)
  })

/**
 * Picks the WebSocket port among the ports listed in `[server]`, because the node opens only those. The choice
 * is `port_ws_admin_local` if it is listed with a ws or wss protocol. Otherwise it is the first ws port whose
 * `admin` list covers the address the monitor connects from, and otherwise the first ws port.
 *
 * Only the chosen port is validated, so an invalid setting in another port, such as the RPC port, does not
 * hide the WebSocket port.
 *
 * The host is the port's `ip`, except that `0.0.0.0` becomes 127.0.0.1 and `::` becomes `[::1]`.
 */
export const findWebSocketEndpoint = (
  config: ConfigFile,
  configPath: string
): Either.Either<WebSocketEndpoint, WebSocketEndpointError> =>
  Either.gen(function* () {
    const server = findSection(config, "server")
    if (server === undefined) {
      return yield* Either.left(new MissingServerSection({ path: configPath }))
    }

    const listedPorts = [...new Set(server.lines)]
    const candidates: Array<PortCandidate> = []
    for (const name of listedPorts) {
      const section = findSection(config, name)
      if (section === undefined) {
        return yield* Either.left(new MissingPortSection({ path: configPath, portName: name }))
      }
      candidates.push(portCandidate(name, mergePortSettings(server.values, section.values)))
    }

    const webSocketPorts = candidates.filter((candidate) => candidate.protocols.some(isWebSocketProtocol))
    const chosen =
      webSocketPorts.find((candidate) => candidate.name === ADMIN_WEB_SOCKET_PORT_NAME) ??
      webSocketPorts.find((candidate) => candidate.coversClient) ??
      webSocketPorts[0]
    if (chosen === undefined) {
      const unlistedWebSocketSections = config.sections
        .filter((section) => !listedPorts.includes(section.name) && hasWebSocketProtocol(section))
        .map((section) => section.name)
      return yield* Either.left(new NoWebSocketPort({ path: configPath, listedPorts, unlistedWebSocketSections }))
    }

    const section = yield* decodePortSection(chosen.name, chosen.values, configPath)
    return endpointFor(section)
  })

/** Parses a ws:// or wss:// URL with a host, such as `ws://127.0.0.1:6006`. */
export const parseWebSocketUrlOverride = (text: string): Either.Either<WebSocketUrl, InvalidWebSocketUrl> => {
  const trimmed = text.trim()
  const displayedText = hideUrlPassword(trimmed)
  if (!URL.canParse(trimmed)) {
    return Either.left(new InvalidWebSocketUrl({ text: displayedText, reason: "it is not a URL" }))
  }

  const url = new URL(trimmed)
  if (url.protocol !== "ws:" && url.protocol !== "wss:") {
    const reason = `the scheme is ${url.protocol.replace(/:$/, "")}, not ws or wss`
    return Either.left(new InvalidWebSocketUrl({ text: displayedText, reason }))
  }
  if (url.hostname === "") {
    return Either.left(new InvalidWebSocketUrl({ text: displayedText, reason: "it has no host" }))
  }

  const secure = url.protocol === "wss:"
  const defaultPort = secure ? 443 : 80
  const port = url.port === "" ? defaultPort : Number(url.port)
  return Either.right({ url: url.href, host: url.hostname, port, secure })
}

/** A port listed in `[server]`, read leniently so that the choice of port never fails. */
interface PortCandidate {
  readonly name: string
  readonly values: ReadonlyMap<string, string>
  readonly protocols: ReadonlyArray<string>
  readonly coversClient: boolean
}

const portCandidate = (name: string, values: ReadonlyMap<string, string>): PortCandidate => {
  const ip = values.get("ip") ?? ""
  const entries = splitCommaList(values.get("admin") ?? "")
    .map(parseAdminEntry)
    .filter((entry): entry is AdminEntry => entry !== undefined)
  return {
    name,
    values,
    protocols: splitProtocols(values.get("protocol") ?? ""),
    coversClient: ipFamily(ip) !== undefined && entriesCover(entries, connectAddress(ip))
  }
}

const endpointFor = (section: PortSection): WebSocketEndpoint => {
  const address = connectAddress(section.ip)
  const host = ipFamily(address) === "ipv6" ? `[${address}]` : address
  const plain = section.protocol.some((protocol) => isWebSocketProtocol(protocol) && !isSecure(protocol))
  const secure = !plain
  const entries = section.admin.map(parseAdminEntry).filter((entry): entry is AdminEntry => entry !== undefined)
  const hasCredentials = section.adminUser !== undefined || section.adminPassword !== undefined

  return {
    url: `${secure ? "wss" : "ws"}://${host}:${section.port}`,
    portName: section.name,
    port: section.port,
    host,
    secure,
    admin: entriesCover(entries, address),
    ...(hasCredentials
      ? {
          adminCredentials: {
            user: section.adminUser ?? "",
            password: section.adminPassword ?? Redacted.make("")
          }
        }
      : {}),
    section
  }
}

/**
 * Returns the address the monitor connects to. It is also the client address that the node checks against
 * `admin`, because a connection to a local address uses that address as its source. An unspecified address
 * means loopback.
 */
const connectAddress = (ip: string): string => {
  const family = ipFamily(ip)
  if (family !== undefined && isUnspecified(ip, family)) {
    return family === "ipv4" ? "127.0.0.1" : "::1"
  }
  return ip
}

const isWebSocketProtocol = (protocol: string): boolean => WEB_SOCKET_PROTOCOLS.includes(protocol)

const isSecure = (protocol: string): boolean => SECURE_WEB_SOCKET_PROTOCOLS.includes(protocol)

const hasWebSocketProtocol = (section: ConfigSection): boolean =>
  splitProtocols(section.values.get("protocol") ?? "").some(isWebSocketProtocol)

/** Replaces the password of a `scheme://user:password@host` URL with `***`. */
const hideUrlPassword = (text: string): string => text.replace(/^([a-z][a-z0-9+.-]*:\/\/[^/?#@:]*:)[^/?#]*@/i, "$1***@")
