/** The top four lines: run and binary, monitoring progress, memory and ledger figures, and times. */
import { Box, Text } from "ink"
import type { RunPhase, RunView } from "../../Layers/RunState.js"
import { headerFields, memoryFields, progress, progressBar, timeFields } from "../Status.js"
import { Fields } from "./Fields.js"

export interface HeaderProps {
  readonly view: RunView
  readonly now: number
  readonly columns: number
}

export const Header = ({ columns, now, view }: HeaderProps) => {
  const phase = view.current?.phase
  const current = progress(view, now)
  const barWidth = Math.max(10, Math.min(40, Math.floor(columns / 4)))
  return (
    <Box flexDirection="column" width={columns}>
      <Fields fields={headerFields(view)} colors={phase === undefined ? {} : { phase: PHASE_COLORS[phase] }} />
      <Text wrap="truncate-end">
        {current.ratio === null ? null : <Text color="green">{progressBar(current.ratio, barWidth)} </Text>}
        <Text>{current.text}</Text>
      </Text>
      <Fields fields={memoryFields(view)} />
      <Fields fields={timeFields(view, now)} />
    </Box>
  )
}

const PHASE_COLORS: Readonly<Record<RunPhase, string>> = {
  starting: "blue",
  syncing: "yellow",
  monitoring: "green",
  stopping: "magenta",
  cooldown: "magenta"
}
