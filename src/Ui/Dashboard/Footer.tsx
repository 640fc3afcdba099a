/** The bottom line: key hints, or a notice such as the path of a saved log. */
import { footerLine } from "../Keys.js"
import { Lines } from "./Lines.js"

export interface FooterProps {
  readonly notice: string | null
  readonly keysEnabled: boolean
  readonly columns: number
}

export const Footer = ({ columns, keysEnabled, notice }: FooterProps) => (
  <Lines lines={[footerLine(notice, keysEnabled)]} width={columns} />
)
