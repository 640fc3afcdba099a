/** One line of label and value pairs, labels dim and values bold, cut at the line end. */
import { Text } from "ink"
import type { Field } from "../Status.js"

export interface FieldsProps {
  readonly fields: ReadonlyArray<Field>
  /** Colour per label, for values that should stand out (the phase). */
  readonly colors?: Readonly<Record<string, string>>
}

export const Fields = ({ colors = {}, fields }: FieldsProps) => (
  <Text wrap="truncate-end">
    {fields.map(([label, value], index) => (
      <Text key={label}>
        {index > 0 ? "  " : ""}
        <Text dimColor>{label} </Text>
        <Text bold {...(colors[label] === undefined ? {} : { color: colors[label] })}>
          {value}
        </Text>
      </Text>
    ))}
  </Text>
)
