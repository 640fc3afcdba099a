/** A bordered panel whose top border carries the title, so the title costs no row of its own. */
import { Box, Text } from "ink"
import type { ReactNode } from "react"
import type { PanelBox } from "../Layout.js"
import { truncate } from "../Format.js"

export interface FrameProps {
  readonly box: PanelBox
  readonly title: string
  readonly focused: boolean
  readonly children?: ReactNode
}

export const Frame = ({ box, children, focused, title }: FrameProps) => {
  const color = focused ? "cyan" : "gray"
  return (
    <Box flexDirection="column" width={box.width} height={box.height} flexShrink={0}>
      <Text color={color} bold={focused} wrap="truncate-end">
        {frameTop(title, box.width)}
      </Text>
      <Box
        flexDirection="column"
        borderStyle="round"
        borderTop={false}
        borderColor={color}
        height={Math.max(0, box.height - 1)}
        overflow="hidden"
      >
        {children}
      </Box>
    </Box>
  )
}

/** Draws the top border with the title set into it, `╭─ title ───╮`, exactly `width` cells when width >= 2. */
export const frameTop = (title: string, width: number): string => {
  if (width < 2) return ""
  const inner = width - 2
  const label = inner >= 4 ? ` ${truncate(title, inner - 3)} ` : ""
  const lead = inner >= 4 ? "─" : ""
  return `╭${lead}${label}${"─".repeat(Math.max(0, inner - lead.length - label.length))}╮`
}
