/** Panels 3 and 4: a log pane with a label column (stream or level) and lines coloured by severity. */
import { framePanel } from "../Frame.js"
import type { PanelBox } from "../Layout.js"
import { innerSize } from "../Layout.js"
import type { DisplayLine } from "../LogLines.js"
import { styledLogLine } from "../LogLines.js"
import { Lines } from "./Lines.js"

export interface LogPaneProps {
  readonly title: string
  readonly box: PanelBox
  /** The lines to show, oldest first; the newest that fit are drawn. */
  readonly lines: ReadonlyArray<DisplayLine>
  readonly focused: boolean
  readonly paused: boolean
  readonly scrollBack: number
}

export const LogPane = ({ box, focused, lines, paused, scrollBack, title }: LogPaneProps) => {
  const inner = innerSize(box)
  const visible = lines.slice(Math.max(0, lines.length - inner.height))
  let state = ""
  if (scrollBack > 0) state = ` · paused, ${scrollBack} lines back`
  else if (paused) state = " · paused"
  return <Lines lines={framePanel(`${title}${state}`, visible.map(styledLogLine), box, focused)} width={box.width} />
}
