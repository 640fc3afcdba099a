/**
 * The INI-like dialect of rippled and xahaud config files, read the way rippled's `parseIniFile`
 * (core/impl/Config.cpp) and `Section::append` (basics/impl/BasicConfig.cpp) read it.
 */

/** One `[name]` section. A section that appears twice in the file is merged into one. */
export interface ConfigSection {
  readonly name: string
  /** `key = value` lines. A repeated key keeps its last value. */
  readonly values: ReadonlyMap<string, string>
  /** Bare value lines in file order, such as the port names in `[server]` or the JSON lines in `[rpc_startup]`. */
  readonly lines: ReadonlyArray<string>
}

export interface ConfigFile {
  /** Sections in the order of their first header. Lines before the first header go to a section named "". */
  readonly sections: ReadonlyArray<ConfigSection>
  /**
   * True when a key/value or value line had a trailing `# comment`. rippled's `Section::append` flags the same
   * case, because some rippled settings are read from the raw line with the comment still in it.
   */
  readonly hasTrailingComments: boolean
}

/**
 * Parses config text. The parse never fails: a line that is not a header or a `key = value` pair is kept as a
 * bare value line, as rippled does.
 *
 * One difference from rippled: a header followed by a comment (`[server] # ports`) counts as a header here.
 * rippled keeps such a line as a value of the previous section and then reports the section as missing.
 */
export const parseConfigText = (text: string): ConfigFile => {
  const builders = new Map<string, SectionBuilder>()
  let current = sectionBuilder(builders, "")
  let hasTrailingComments = false

  for (const rawLine of normalizeLineEndings(text).split("\n")) {
    const line = rawLine.trim()
    if (line === "" || line.startsWith("#")) {
      continue
    }

    const comment = stripTrailingComment(line)
    if (comment.removed && comment.text !== "") {
      hasTrailingComments = true
    }

    const headerName = sectionHeaderName(comment.text)
    if (headerName !== undefined) {
      current = sectionBuilder(builders, headerName)
      continue
    }
    if (comment.text === "") {
      continue
    }

    const pair = KEY_VALUE.exec(comment.text)
    if (pair !== null && pair[1] !== undefined && pair[2] !== undefined) {
      current.values.set(pair[1], pair[2])
    } else {
      current.lines.push(comment.text)
    }
  }

  const sections = [...builders.values()].filter((section) => section.name !== "" || !isEmpty(section))
  return { sections, hasTrailingComments }
}

/** Returns the section with exactly this name (names are case-sensitive, as in rippled). */
export const findSection = (config: ConfigFile, name: string): ConfigSection | undefined =>
  config.sections.find((section) => section.name === name)

/**
 * A key, then `=`, then a value that ends at its last non-space character. rippled uses the same pattern, so a
 * key with an empty value (`user =`) is a bare value line, not a key.
 */
const KEY_VALUE = /^([A-Za-z][A-Za-z0-9_]*)\s*=\s*(.*\S)\s*$/

interface SectionBuilder {
  readonly name: string
  readonly values: Map<string, string>
  readonly lines: Array<string>
}

const sectionBuilder = (builders: Map<string, SectionBuilder>, name: string): SectionBuilder => {
  const existing = builders.get(name)
  if (existing !== undefined) {
    return existing
  }
  const created: SectionBuilder = { name, values: new Map(), lines: [] }
  builders.set(name, created)
  return created
}

const isEmpty = (section: SectionBuilder): boolean => section.values.size === 0 && section.lines.length === 0

const normalizeLineEndings = (text: string): string =>
  text.replace(/^\uFEFF/, "").replace(/\r\n/g, "\n").replace(/\r/g, "\n")

const sectionHeaderName = (line: string): string | undefined =>
  line.length >= 2 && line.startsWith("[") && line.endsWith("]") ? line.slice(1, -1) : undefined

/**
 * Cuts the line at the first `#` that is not escaped as `\#`, and turns each `\#` before it into `#`.
 * The result is trimmed.
 */
const stripTrailingComment = (line: string): { readonly text: string; readonly removed: boolean } => {
  let text = ""
  for (let index = 0; index < line.length; index++) {
    const char = line[index]
    if (char === "\\" && line[index + 1] === "#") {
      text += "#"
      index++
    } else if (char === "#") {
      return { text: text.trim(), removed: true }
    } else {
      text += char
    }
  }
  return { text, removed: false }
}
