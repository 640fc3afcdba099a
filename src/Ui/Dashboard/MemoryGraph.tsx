/** Panel 1: RSS of the current binary over the selected time window. */
import type { RunView } from "../../Layers/RunState.js"
import { framePanel } from "../Frame.js"
import type { GraphWindow } from "../Graph.js"
import { drawMemoryGraph, LABEL_WIDTH } from "../Graph.js"
import type { PanelBox } from "../Layout.js"
import { innerSize } from "../Layout.js"
import type { StyledLine } from "../Styled.js"
import { segment } from "../Styled.js"
import { Lines } from "./Lines.js"

export interface MemoryGraphProps {
  readonly view: RunView
  readonly now: number
  readonly box: PanelBox
  readonly window: GraphWindow
  readonly focused: boolean
}

export const MemoryGraph = ({ box, focused, now, view, window }: MemoryGraphProps) => {
  const inner = innerSize(box)
  const graph = drawMemoryGraph(view.memory.toArray(), {
    width: inner.width,
    height: Math.max(1, inner.height - 1),
    window,
    now,
    syncedAt: view.current?.syncedAt ?? null
  })
  const axis = graph.length - 1
  const content = graph.map((line, index): StyledLine =>
    index === axis
      ? [segment(line, { dim: true })]
      : [segment(line.slice(0, LABEL_WIDTH + 1)), segment(line.slice(LABEL_WIDTH + 1), { color: "green" })]
  )
  return <Lines lines={framePanel(`1 memory RSS · window ${window.label}`, content, box, focused)} width={box.width} />
}
