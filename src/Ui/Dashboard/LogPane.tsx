/** Panels 3 and 4: a log pane with a label column (stream or level) and lines coloured by severity. */
import { Text } from "ink"
import type { DisplayLine, Tone } from "../LogLines.js"
import type { PanelBox } from "../Layout.js"
import { innerSize } from "../Layout.js"
import { truncate } from "../Format.js"
import { Frame } from "./Frame.js"

export interface LogPaneProps {
  readonly title: string
  readonly box: PanelBox
  /** The lines to show, oldest first; at most the pane's inner height are drawn, the newest last. */
  readonly lines: ReadonlyArray<DisplayLine>
  readonly focused: boolean
  readonly paused: boolean
  readonly scrollBack: number
}

export const LogPane = ({ box, focused, lines, paused, scrollBack, title }: LogPaneProps) => {
  const inner = innerSize(box)
  const textWidth = Math.max(0, inner.width - LABEL_WIDTH - 1)
  const visible = lines.slice(Math.max(0, lines.length - inner.height))
  let state = ""
  if (scrollBack > 0) state = ` · paused, ${scrollBack} lines back`
  else if (paused) state = " · paused"
  return (
    <Frame box={box} focused={focused} title={`${title}${state}`}>
      {visible.map((line, index) => (
        <Text key={index} wrap="truncate-end">
          <Text {...toneStyle(line.labelTone)}>{line.label.padEnd(LABEL_WIDTH)}</Text>{" "}
          <Text {...toneStyle(line.tone)}>{truncate(line.text, textWidth)}</Text>
        </Text>
      ))}
    </Frame>
  )
}

/** Room for the longest label: `stdout`, `stderr`, `ERROR`. */
const LABEL_WIDTH = 6

type Style = { readonly color?: string; readonly bold?: boolean; readonly dimColor?: boolean }

const toneStyle = (tone: Tone | "stdout" | "stderr"): Style => {
  switch (tone) {
    case "stdout":
      return { color: "green" }
    case "stderr":
      return { color: "magenta" }
    case "fatal":
      return { color: "red", bold: true }
    case "error":
      return { color: "red" }
    case "warning":
      return { color: "yellow" }
    case "quiet":
      return { dimColor: true }
    case "normal":
      return {}
  }
}
