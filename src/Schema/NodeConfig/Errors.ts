import * as path from "node:path"
import { Data } from "effect"

/** Keys whose values are never copied into an error, a message or a redacted view. */
export const SECRET_KEYS: ReadonlySet<string> = new Set(["admin_password", "password"])

export const REDACTED_TEXT = "***"

export class ConfigFileNotFound extends Data.TaggedError("ConfigFileNotFound")<{
  readonly path: string
}> {
  override get message() {
    return `Config file not found: ${this.path}. Pass the path of an existing rippled or xahaud config file.`
  }
}

export class ConfigPathIsDirectory extends Data.TaggedError("ConfigPathIsDirectory")<{
  readonly path: string
}> {
  override get message() {
    const example = path.join(this.path, "rippled.cfg")
    return `Config path ${this.path} is a directory. Pass the config file itself, such as ${example}.`
  }
}

/** The file exists but reading it failed; `code` is the Node.js error code, such as EACCES. */
export class ConfigFileNotReadable extends Data.TaggedError("ConfigFileNotReadable")<{
  readonly path: string
  readonly code: string
}> {
  override get message() {
    const fix =
      this.code === "EACCES" || this.code === "EPERM"
        ? "Give the current user read permission on it."
        : "Check that the file is readable."
    return `Cannot read config file ${this.path} (${this.code}). ${fix}`
  }
}

export type ConfigReadError = ConfigFileNotFound | ConfigPathIsDirectory | ConfigFileNotReadable

export class MissingServerSection extends Data.TaggedError("MissingServerSection")<{
  readonly path: string
}> {
  override get message() {
    return (
      `Config file ${this.path} has no [server] section. Add [server] with the name of a WebSocket port ` +
      `section on its own line, such as port_ws_admin_local, and add that section with port, ip, admin and ` +
      `protocol = ws.`
    )
  }
}

export class MissingPortSection extends Data.TaggedError("MissingPortSection")<{
  readonly path: string
  readonly portName: string
}> {
  override get message() {
    return (
      `Config file ${this.path} lists port ${this.portName} in [server] but has no [${this.portName}] section. ` +
      `Add the section, or remove the name from [server].`
    )
  }
}

export class NoWebSocketPort extends Data.TaggedError("NoWebSocketPort")<{
  readonly path: string
  /** Port names listed in `[server]`. */
  readonly listedPorts: ReadonlyArray<string>
  /** Sections with a ws or wss protocol that `[server]` does not list, so the node does not open them. */
  readonly unlistedWebSocketSections: ReadonlyArray<string>
}> {
  override get message() {
    const found =
      this.listedPorts.length === 0
        ? `its [server] section lists no ports`
        : `none of the ports in [server] (${this.listedPorts.join(", ")}) has ws or wss in its protocol`
    const fix =
      this.unlistedWebSocketSections.length > 0
        ? `Add ${this.unlistedWebSocketSections.join(", ")} to [server], because the node opens only the ports ` +
          `listed there.`
        : `Add protocol = ws to one of them, or add a port section such as [port_ws_admin_local] and list it in ` +
          `[server].`
    return `Config file ${this.path} has no WebSocket port: ${found}. ${fix}`
  }
}

export class MissingPortSetting extends Data.TaggedError("MissingPortSetting")<{
  readonly path: string
  readonly portName: string
  readonly key: string
}> {
  override get message() {
    const example = SETTING_EXAMPLES.get(this.key) ?? "<value>"
    return (
      `Port section [${this.portName}] in ${this.path} has no ${this.key} setting. ` +
      `Add a line such as "${this.key} = ${example}" to it.`
    )
  }
}

/** A setting has an invalid value. The value of a password key is stored as `***`. */
export class InvalidPortSetting extends Data.TaggedError("InvalidPortSetting")<{
  readonly path: string
  readonly portName: string
  readonly key: string
  readonly value: string
  /** Description of a valid value, as a phrase such as "an integer from 1 to 65535". */
  readonly expected: string
}> {
  override get message() {
    const value = SECRET_KEYS.has(this.key) ? REDACTED_TEXT : this.value
    return `Invalid ${this.key} "${value}" in [${this.portName}] of ${this.path}: expected ${this.expected}.`
  }
}

export type WebSocketEndpointError =
  | MissingServerSection
  | MissingPortSection
  | NoWebSocketPort
  | MissingPortSetting
  | InvalidPortSetting

/** A `--url` style override that is not a ws:// or wss:// URL. Any password in it is stored as `***`. */
export class InvalidWebSocketUrl extends Data.TaggedError("InvalidWebSocketUrl")<{
  readonly text: string
  readonly reason: string
}> {
  override get message() {
    return (
      `Invalid WebSocket URL "${this.text}": ${this.reason}. ` +
      `Use ws://host:port or wss://host:port, such as ws://127.0.0.1:6006.`
    )
  }
}

/** Builds an InvalidPortSetting, storing `***` in place of the value of a password key. */
export const invalidPortSetting = (fields: {
  readonly path: string
  readonly portName: string
  readonly key: string
  readonly value: string
  readonly expected: string
}): InvalidPortSetting =>
  new InvalidPortSetting({ ...fields, value: SECRET_KEYS.has(fields.key) ? REDACTED_TEXT : fields.value })

/** Maps a failed `readFile` to a typed error naming the path. */
export const configReadError = (filePath: string, cause: unknown): ConfigReadError => {
  const code = errorCode(cause)
  switch (code) {
    case "ENOENT":
    case "ENOTDIR":
      return new ConfigFileNotFound({ path: filePath })
    case "EISDIR":
      return new ConfigPathIsDirectory({ path: filePath })
    default:
      return new ConfigFileNotReadable({ path: filePath, code: code ?? "unknown error" })
  }
}

const SETTING_EXAMPLES: ReadonlyMap<string, string> = new Map([
  ["port", "6006"],
  ["ip", "127.0.0.1"],
  ["protocol", "ws"],
  ["admin", "127.0.0.1"]
])

const errorCode = (cause: unknown): string | undefined =>
  typeof cause === "object" && cause !== null && "code" in cause && typeof cause.code === "string"
    ? cause.code
    : undefined
