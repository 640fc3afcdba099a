/** Panel 1: RSS of the current binary over the selected time window. */
import { Text } from "ink"
import type { RunView } from "../../Layers/RunState.js"
import type { GraphWindow } from "../Graph.js"
import { drawMemoryGraph } from "../Graph.js"
import type { PanelBox } from "../Layout.js"
import { innerSize } from "../Layout.js"
import { Frame } from "./Frame.js"

export interface MemoryGraphProps {
  readonly view: RunView
  readonly now: number
  readonly box: PanelBox
  readonly window: GraphWindow
  readonly focused: boolean
}

export const MemoryGraph = ({ box, focused, now, view, window }: MemoryGraphProps) => {
  const inner = innerSize(box)
  const lines = drawMemoryGraph(view.memory.toArray(), {
    width: inner.width,
    height: Math.max(1, inner.height - 1),
    window,
    now,
    syncedAt: view.current?.syncedAt ?? null
  })
  const axis = lines.length - 1
  return (
    <Frame box={box} focused={focused} title={`1 memory RSS · window ${window.label}`}>
      {lines.map((line, index) => (
        <Text key={index} wrap="truncate-end" {...(index === axis ? { dimColor: true } : { color: "green" })}>
          {line}
        </Text>
      ))}
    </Frame>
  )
}
