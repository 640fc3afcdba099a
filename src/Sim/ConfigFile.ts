/**
 * A small reader for the rippled/xahaud config dialect (rippled `parseIniFile` and
 * `Section::append`): `[section]` headers, `key = value` lines, bare value lines, `#` comments.
 */

/** One `[section]` of a node config. */
export interface ConfigSection {
  readonly name: string
  /** Bare value lines with trailing comments removed, in file order. */
  readonly lines: Array<string>
  /** `key = value` lines with trailing comments removed; a later line replaces an earlier one. */
  readonly values: Map<string, string>
}

export interface NodeConfigText {
  readonly sections: ReadonlyMap<string, ConfigSection>
  /** True when some line carried a `#` comment after its content. */
  readonly hadTrailingComments: boolean
}

const KEY_VALUE = /^([A-Za-z][A-Za-z0-9_]*)[\t ]*=[\t ]*(.*[^\t ])[\t ]*$/

/**
 * Parses config text. Lines before the first header belong to the section named `""`. CRLF and
 * lone CR line ends are accepted, and `\#` stands for a literal `#` inside a value.
 */
export const parseNodeConfig = (text: string): NodeConfigText => {
  const sections = new Map<string, ConfigSection>()
  let hadTrailingComments = false
  let current = sectionNamed(sections, "")

  for (const rawLine of text.replace(/\r\n?/g, "\n").split("\n")) {
    const line = rawLine.trim()
    if (line === "" || line.startsWith("#")) continue

    if (line.startsWith("[") && line.endsWith("]")) {
      current = sectionNamed(sections, line.slice(1, -1))
      continue
    }

    const { content, hadComment } = stripTrailingComment(line)
    hadTrailingComments ||= hadComment
    if (content === "") continue

    const keyValue = KEY_VALUE.exec(content)
    if (keyValue?.[1] !== undefined && keyValue[2] !== undefined) {
      current.values.set(keyValue[1], keyValue[2])
    } else {
      current.lines.push(content)
    }
  }
  return { sections, hadTrailingComments }
}

/**
 * Returns the single value of a one-line section such as `[node_size]`, or undefined when absent.
 * NOTE: rippled reads several of these sections without stripping trailing comments, so
 * `tiny # note` stops a real node but works here.
 */
export const singleValue = (config: NodeConfigText, name: string): string | undefined => {
  const section = config.sections.get(name)
  if (section === undefined) return undefined
  return section.lines[0]
}

const sectionNamed = (sections: Map<string, ConfigSection>, name: string): ConfigSection => {
  const existing = sections.get(name)
  if (existing !== undefined) return existing
  const created: ConfigSection = { name, lines: [], values: new Map() }
  sections.set(name, created)
  return created
}

const stripTrailingComment = (line: string): { content: string; hadComment: boolean } => {
  let content = ""
  for (let index = 0; index < line.length; index++) {
    const char = line[index]
    if (char === "\\" && line[index + 1] === "#") {
      content += "#"
      index++
      continue
    }
    if (char === "#") return { content: content.trim(), hadComment: true }
    content += char
  }
  return { content: content.trim(), hadComment: false }
}
