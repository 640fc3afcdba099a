import { Either, ParseResult, Schema } from "effect"
import { ipFamily, parseAdminEntry } from "./AdminNetworks.js"
import { type InvalidPortSetting, invalidPortSetting, MissingPortSetting, REDACTED_TEXT } from "./Errors.js"

/** Protocols that accept WebSocket connections, including rippled's `ws2` and `wss2` variants. */
export const WEB_SOCKET_PROTOCOLS: ReadonlyArray<string> = ["ws", "wss", "ws2", "wss2"]
export const SECURE_WEB_SOCKET_PROTOCOLS: ReadonlyArray<string> = ["wss", "wss2"]

/** Splits a comma-separated setting such as `protocol` or `admin` into trimmed, non-empty entries. */
export const splitCommaList = (text: string): ReadonlyArray<string> =>
  text
    .split(",")
    .map((entry) => entry.trim())
    .filter((entry) => entry !== "")

/** Splits a `protocol` setting into lower-case protocol names. */
export const splitProtocols = (text: string): ReadonlyArray<string> =>
  splitCommaList(text).map((entry) => entry.toLowerCase())

const PortNumberFromString = Schema.transformOrFail(Schema.String, Schema.Int, {
  strict: true,
  decode: (text, _options, ast) => {
    const port = /^\d{1,5}$/.test(text) ? Number(text) : Number.NaN
    return port >= 1 && port <= 65535
      ? ParseResult.succeed(port)
      : ParseResult.fail(new ParseResult.Type(ast, text, "an integer from 1 to 65535"))
  },
  encode: (port) => ParseResult.succeed(String(port))
})

/** An IP literal. A zone index such as `%eth0` is rejected because it cannot be written in a WebSocket URL. */
const IpAddress = Schema.String.pipe(
  Schema.filter(
    (text) =>
      (ipFamily(text) !== undefined && !text.includes("%")) ||
      "an IP address without a zone index, such as 127.0.0.1, 0.0.0.0 or ::"
  )
)

const ProtocolList = Schema.transformOrFail(Schema.String, Schema.Array(Schema.String), {
  strict: true,
  decode: (text, _options, ast) => {
    const protocols = splitProtocols(text)
    return protocols.length > 0
      ? ParseResult.succeed(protocols)
      : ParseResult.fail(new ParseResult.Type(ast, text, "a comma-separated list of protocols such as ws or http"))
  },
  encode: (protocols) => ParseResult.succeed(protocols.join(","))
})

const AdminList = Schema.transformOrFail(Schema.String, Schema.Array(Schema.String), {
  strict: true,
  decode: (text, _options, ast) => {
    const entries = splitCommaList(text)
    const invalid = entries.find((entry) => parseAdminEntry(entry) === undefined)
    return invalid === undefined
      ? ParseResult.succeed(entries)
      : ParseResult.fail(
          new ParseResult.Type(
            ast,
            text,
            `IP addresses or CIDR subnets separated by commas, such as 127.0.0.1 or 127.0.0.0/8, ` +
              `but "${invalid}" is neither`
          )
        )
  },
  encode: (entries) => ParseResult.succeed(entries.join(","))
})

/** The settings of a `[port_...]` section that the monitor reads, with rippled's key names (`Port.cpp`). */
export const PortSettings = Schema.Struct({
  port: PortNumberFromString,
  ip: IpAddress,
  protocol: ProtocolList,
  admin: Schema.optionalWith(AdminList, { default: () => [] }),
  adminUser: Schema.optional(Schema.String).pipe(Schema.fromKey("admin_user")),
  adminPassword: Schema.optional(Schema.Redacted(Schema.String)).pipe(Schema.fromKey("admin_password")),
  user: Schema.optional(Schema.String),
  password: Schema.optional(Schema.Redacted(Schema.String))
})

export type PortSettings = typeof PortSettings.Type

/** A decoded port section. Passwords are `Redacted`, so printing or serializing the object does not show them. */
export interface PortSection extends PortSettings {
  readonly name: string
  /** Settings the monitor does not interpret, such as `ssl_key` or `send_queue_limit`. */
  readonly other: ReadonlyMap<string, string>
}

/** A port section as a plain object that is safe to print or serialize: each set password is `***`. */
export interface RedactedPortSection {
  readonly name: string
  readonly port: number
  readonly ip: string
  readonly protocol: ReadonlyArray<string>
  readonly admin: ReadonlyArray<string>
  readonly adminUser?: string
  readonly adminPassword?: string
  readonly user?: string
  readonly password?: string
  readonly other: Readonly<Record<string, string>>
}

/**
 * Merges a port section's settings over the `key = value` defaults of `[server]`, which rippled applies to
 * every port.
 */
export const mergePortSettings = (
  serverDefaults: ReadonlyMap<string, string>,
  portValues: ReadonlyMap<string, string>
): ReadonlyMap<string, string> => new Map([...serverDefaults, ...portValues])

/** Decodes the merged settings of one port. Its errors name `configPath` and the port `name`. */
export const decodePortSection = (
  name: string,
  values: ReadonlyMap<string, string>,
  configPath: string
): Either.Either<PortSection, MissingPortSetting | InvalidPortSetting> => {
  const decoded = Schema.decodeUnknownEither(PortSettings)(Object.fromEntries(values))
  if (Either.isRight(decoded)) {
    const other = new Map([...values].filter(([key]) => !KNOWN_KEYS.has(key)))
    return Either.right({ ...decoded.right, name, other })
  }

  const issue = ParseResult.ArrayFormatter.formatErrorSync(decoded.left)[0]
  const key = configKeyOf(issue?.path[0])
  if (issue?._tag === "Missing") {
    return Either.left(new MissingPortSetting({ path: configPath, portName: name, key }))
  }
  return Either.left(
    invalidPortSetting({
      path: configPath,
      portName: name,
      key,
      value: values.get(key) ?? "",
      expected: issue?.message ?? "a valid value"
    })
  )
}

/** Returns a copy of the section with each set password replaced by `***`. */
export const redactedPortSection = (section: PortSection): RedactedPortSection => ({
  name: section.name,
  port: section.port,
  ip: section.ip,
  protocol: section.protocol,
  admin: section.admin,
  ...(section.adminUser === undefined ? {} : { adminUser: section.adminUser }),
  ...(section.adminPassword === undefined ? {} : { adminPassword: REDACTED_TEXT }),
  ...(section.user === undefined ? {} : { user: section.user }),
  ...(section.password === undefined ? {} : { password: REDACTED_TEXT }),
  other: Object.fromEntries(section.other)
})

const KNOWN_KEYS: ReadonlySet<string> = new Set([
  "port",
  "ip",
  "protocol",
  "admin",
  "admin_user",
  "admin_password",
  "user",
  "password"
])

/** Maps a decoded field name back to the key written in the config file. */
const configKeyOf = (field: PropertyKey | undefined): string => {
  switch (field) {
    case "adminUser":
      return "admin_user"
    case "adminPassword":
      return "admin_password"
    default:
      return String(field ?? "")
  }
}
