/**
 * Draws pre-styled lines through Ink. Ink 6.8 keeps every distinct string it measures or wraps in
 * module-level caches that are never emptied, so drawing changing log text as ordinary `<Text>` would grow
 * the monitor's memory for as long as it runs. Here Ink only ever measures a block of spaces of the panel's
 * size, and a `<Transform>` swaps in the real lines when Ink writes its output, which Ink caches per frame.
 */
import { Transform } from "ink"
import { createContext, useContext } from "react"
import type { StyledLine } from "../Styled.js"
import { fitLine, toAnsi } from "../Styled.js"

/** Whether lines carry ANSI colours; off unless the dashboard turns it on, so tests read plain text. */
export const ColorsContext = createContext(false)

export interface LinesProps {
  readonly lines: ReadonlyArray<StyledLine>
  /** Width in cells; longer lines are cut. */
  readonly width: number
}

export const Lines = ({ lines, width }: LinesProps) => {
  const colors = useContext(ColorsContext)
  if (lines.length === 0 || width <= 0) return null
  const rendered = lines.map((line) => toAnsi(fitLine(line, width), colors))
  const blank = Array.from({ length: lines.length }, () => " ".repeat(width)).join("\n")
  return <Transform transform={(_, index) => rendered[index] ?? ""}>{blank}</Transform>
}
