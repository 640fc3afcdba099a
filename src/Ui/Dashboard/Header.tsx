/** The lines above the panels: run and binary, monitoring progress, memory and ledger figures, and times. */
import type { RunView } from "../../Layers/RunState.js"
import { headerLines } from "../Status.js"
import { Lines } from "./Lines.js"

export interface HeaderProps {
  readonly view: RunView
  readonly now: number
  readonly columns: number
}

export const Header = ({ columns, now, view }: HeaderProps) => (
  <Lines lines={headerLines(view, now, columns)} width={columns} />
)
