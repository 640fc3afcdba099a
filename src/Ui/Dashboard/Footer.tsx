/** The bottom line: key hints, or a notice such as the path of a saved log. */
import { Text } from "ink"
import { KEY_HINTS } from "../Keys.js"

export interface FooterProps {
  readonly notice: string | null
  readonly keysEnabled: boolean
}

export const Footer = ({ keysEnabled, notice }: FooterProps) => {
  if (!keysEnabled) {
    return <Text wrap="truncate-end" dimColor>keys are off because stdin is not a terminal; stop with Ctrl-C</Text>
  }
  return (
    <Text wrap="truncate-end">
      {notice === null ? null : <Text color="yellow">{notice}  </Text>}
      {KEY_HINTS.map(([key, action], index) => (
        <Text key={key}>
          {index > 0 ? " " : ""}
          <Text inverse>{` ${key} `}</Text>
          <Text dimColor> {action}</Text>
        </Text>
      ))}
    </Text>
  )
}
