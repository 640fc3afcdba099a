/** Panel 2: object counts, caches, node store, job types and catalogue status of the current binary. */
import type { RunView } from "../../Layers/RunState.js"
import type { Section } from "../Diagnostics.js"
import {
  cachesSection,
  catalogueSection,
  jobsSection,
  nodeStoreSection,
  objectsSection,
  packSections
} from "../Diagnostics.js"
import { framePanel } from "../Frame.js"
import type { PanelBox } from "../Layout.js"
import { innerSize } from "../Layout.js"
import { Lines } from "./Lines.js"

export interface DiagnosticsPanelProps {
  readonly view: RunView
  readonly box: PanelBox
  readonly focused: boolean
}

export const DiagnosticsPanel = ({ box, focused, view }: DiagnosticsPanelProps) => {
  const inner = innerSize(box)
  const packed = packSections(diagnosticsSections(view), inner.width, inner.height)
  const title = packed.hidden.length === 0
    ? "2 diagnostics"
    : `2 diagnostics · hidden: ${packed.hidden.join(", ")}${focused ? "" : " (press 2 to widen)"}`
  return <Lines lines={framePanel(title, packed.rows, box, focused)} width={box.width} />
}

/** Builds the sections in the order they are placed, most useful first. */
export const diagnosticsSections = (view: RunView): Array<Section> => {
  const current = view.current
  const counts = current?.counts ?? null
  const catalogue = catalogueSection(current?.catalogue ?? null)
  return [
    objectsSection(counts, current?.countsAtSync ?? null),
    cachesSection(counts),
    nodeStoreSection(counts),
    ...(catalogue === null ? [] : [catalogue]),
    jobsSection(current?.jobTypes ?? null)
  ]
}
