/** JSON text copied into a reply unchanged, for values that must keep their original spelling. */
export class RawJson {
  constructor(readonly text: string) {}
}

/**
 * Serializes a value the way rippled's JsonCpp writer does on the wire: no whitespace and object
 * keys in byte order (JsonCpp keeps members in a `std::map`). Keys whose value is `undefined` are
 * left out, as with `JSON.stringify`.
 */
export const toJsonText = (value: unknown): string => {
  if (value instanceof RawJson) return value.text
  if (value === null || typeof value !== "object") return primitiveText(value)
  if (Array.isArray(value)) return `[${value.map((item) => toJsonText(item ?? null)).join(",")}]`

  const members: Array<string> = []
  for (const key of Object.keys(value).sort(compareBytes)) {
    const member = (value as Record<string, unknown>)[key]
    if (member === undefined) continue
    members.push(`${JSON.stringify(key)}:${toJsonText(member)}`)
  }
  return `{${members.join(",")}}`
}

/** Removes the whitespace between the tokens of JSON text, leaving every token as written. */
export const minifyJson = (text: string): string => {
  let output = ""
  let inString = false
  for (let index = 0; index < text.length; index++) {
    const char = text[index] ?? ""
    if (inString) {
      output += char
      if (char === "\\") {
        output += text[index + 1] ?? ""
        index++
      } else if (char === '"') {
        inString = false
      }
      continue
    }
    if (char === '"') inString = true
    if (!/\s/.test(char)) output += char
  }
  return output
}

/** Adds a member to raw JSON object text without reparsing the rest of it. */
export const withRawMember = (raw: RawJson, key: string, value: unknown): RawJson => {
  const body = raw.text.trim().slice(1, -1).trim()
  const member = `${JSON.stringify(key)}:${toJsonText(value)}`
  return new RawJson(body === "" ? `{${member}}` : `{${member},${body}}`)
}

/** A JSON object as parsed from a request. */
export type JsonObject = Record<string, unknown>

/** Parses text as a JSON object, returning undefined for invalid JSON and for non-object values. */
export const parseJsonObject = (text: string): JsonObject | undefined => {
  let value: unknown
  try {
    value = JSON.parse(text)
  } catch {
    return undefined
  }
  return isJsonObject(value) ? value : undefined
}

export const isJsonObject = (value: unknown): value is JsonObject =>
  typeof value === "object" && value !== null && !Array.isArray(value)

const primitiveText = (value: unknown): string => {
  if (typeof value === "number" && !Number.isFinite(value)) return "null"
  if (typeof value === "bigint") return value.toString()
  return JSON.stringify(value) ?? "null"
}

const compareBytes = (left: string, right: string): number => {
  if (left === right) return 0
  return left < right ? -1 : 1
}
