/** Panel borders drawn as styled lines, with the title set into the top border so it costs no row. */
import type { PanelBox } from "./Layout.js"
import { innerSize } from "./Layout.js"
import type { Style, StyledLine } from "./Styled.js"
import { displayWidth, padLine, segment } from "./Styled.js"
import { truncate } from "./Format.js"

/**
 * Draws `content` inside a rounded border of exactly `box` size: `╭─ title ──╮`, one `│ … │` row per
 * inner line (content cut or padded to the inner width, missing lines blank), and `╰──╯`. The focused
 * panel's border is cyan and bold.
 */
export const framePanel = (
  title: string,
  content: ReadonlyArray<StyledLine>,
  box: PanelBox,
  focused: boolean
): Array<StyledLine> => {
  if (box.width < 2 || box.height < 2) return []
  const border: Style = focused ? { color: "cyan", bold: true } : { color: "gray" }
  const inner = innerSize(box)
  const label = inner.width >= 4 ? ` ${truncate(title, inner.width - 3)} ` : ""
  const lead = label === "" ? "" : "─"
  const rest = Math.max(0, inner.width - lead.length - displayWidth(label))

  const lines: Array<StyledLine> = [[segment(`╭${lead}${label}${"─".repeat(rest)}╮`, border)]]
  for (let row = 0; row < inner.height; row++) {
    lines.push([segment("│", border), ...padLine(content[row] ?? [], inner.width), segment("│", border)])
  }
  lines.push([segment(`╰${"─".repeat(inner.width)}╯`, border)])
  return lines
}
