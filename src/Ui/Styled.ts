/**
 * Styled text lines: the dashboard builds every panel as plain data (segments of text with a style), fits each
 * line to its width here, and turns it into ANSI escape sequences only at the end.
 */

export type Color = "red" | "green" | "yellow" | "blue" | "magenta" | "cyan" | "gray"

export interface Style {
  readonly color?: Color
  readonly bold?: boolean
  readonly dim?: boolean
  readonly inverse?: boolean
}

export interface Segment {
  readonly text: string
  readonly style?: Style
}

export type StyledLine = ReadonlyArray<Segment>

export const segment = (text: string, style?: Style): Segment => (style === undefined ? { text } : { text, style })

export const plainText = (line: StyledLine): string => line.map((part) => part.text).join("")

/**
 * Returns the number of terminal cells `text` takes: 2 for East Asian wide and fullwidth characters and most
 * emoji, 0 for combining marks, 1 for the rest. This approximates Unicode UAX #11 closely enough to keep
 * columns aligned for log text, which is almost always ASCII.
 */
export const displayWidth = (text: string): number => {
  if (PRINTABLE_ASCII.test(text)) return text.length
  let width = 0
  for (const character of text) width += characterWidth(character)
  return width
}

/** Cuts a line to at most `width` cells, ending with `…` in the style of the cut segment when anything was cut. */
export const fitLine = (line: StyledLine, width: number): StyledLine => {
  if (width <= 0) return []
  const total = line.reduce((sum, part) => sum + displayWidth(part.text), 0)
  if (total <= width) return line

  const fitted: Array<Segment> = []
  let room = width - 1
  for (const part of line) {
    const partWidth = displayWidth(part.text)
    if (partWidth <= room) {
      fitted.push(part)
      room -= partWidth
      continue
    }
    fitted.push({ ...part, text: `${cutToWidth(part.text, room)}…` })
    return fitted
  }
  return fitted
}

/** Cuts or pads a line to exactly `width` cells. */
export const padLine = (line: StyledLine, width: number): StyledLine => {
  const fitted = fitLine(line, width)
  const used = fitted.reduce((sum, part) => sum + displayWidth(part.text), 0)
  return used >= width ? fitted : [...fitted, segment(" ".repeat(width - used))]
}

/** Joins the segments into one string, with ANSI SGR sequences around styled segments when `colors` is true. */
export const toAnsi = (line: StyledLine, colors: boolean): string => {
  let text = ""
  for (const part of line) {
    const style = part.style
    if (!colors || style === undefined) {
      text += part.text
      continue
    }
    let open = ""
    let close = ""
    if (style.color !== undefined) {
      open += `\u001B[${COLOR_CODES[style.color]}m`
      close += "\u001B[39m"
    }
    if (style.bold === true || style.dim === true) {
      open += style.bold === true ? "\u001B[1m" : "\u001B[2m"
      close += "\u001B[22m"
    }
    if (style.inverse === true) {
      open += "\u001B[7m"
      close += "\u001B[27m"
    }
    text += `${open}${part.text}${close}`
  }
  return text
}

/** SGR foreground colour codes (ECMA-48); gray is the bright black of aixterm. */
const COLOR_CODES: Readonly<Record<Color, number>> = {
  red: 31,
  green: 32,
  yellow: 33,
  blue: 34,
  magenta: 35,
  cyan: 36,
  gray: 90
}

const PRINTABLE_ASCII = /^[\u0020-\u007E]*$/

const ZERO_WIDTH = /^[\p{Mn}\p{Me}\u200B-\u200F\uFE00-\uFE0F]$/u

/** Hangul Jamo, CJK, Hangul syllables, fullwidth forms and the common emoji blocks. */
const WIDE = new RegExp(
  "^[\\u1100-\\u115F\\u2E80-\\u303E\\u3041-\\u33FF\\u3400-\\u4DBF\\u4E00-\\u9FFF\\uA000-\\uA4CF\\uAC00-\\uD7A3"
    + "\\uF900-\\uFAFF\\uFE30-\\uFE4F\\uFF00-\\uFF60\\uFFE0-\\uFFE6"
    + "\\u{1F300}-\\u{1F64F}\\u{1F900}-\\u{1F9FF}\\u{20000}-\\u{3FFFD}]$",
  "u"
)

const characterWidth = (character: string): number => {
  if (ZERO_WIDTH.test(character)) return 0
  return WIDE.test(character) ? 2 : 1
}

/** Returns the longest prefix of `text` that fits in `width` cells. */
const cutToWidth = (text: string, width: number): string => {
  let used = 0
  let cut = ""
  for (const character of text) {
    const cells = characterWidth(character)
    if (used + cells > width) break
    used += cells
    cut += character
  }
  return cut
}
