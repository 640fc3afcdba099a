/** The choice between the live dashboard and plain lines, kept apart from the dashboard so it loads no Ink. */

export interface OutputModeOptions {
  /** `--plain` was given. */
  readonly plain: boolean
  /** Whether stdout is a terminal (`process.stdout.isTTY`). */
  readonly isTTY: boolean
  readonly env: Readonly<Record<string, string | undefined>>
}

/**
 * Returns true when the dashboard should be shown: stdout is a terminal, `--plain` was not given, `TERM` is
 * not `dumb`, and neither `CI` nor `CONTINUOUS_INTEGRATION` is set. Like Ink, which draws only the last frame
 * under CI, a value of `0` or `false` counts as unset.
 */
export const shouldUseDashboard = (options: OutputModeOptions): boolean =>
  options.isTTY
  && !options.plain
  && options.env["TERM"] !== "dumb"
  && !isSet(options.env["CI"])
  && !isSet(options.env["CONTINUOUS_INTEGRATION"])

const isSet = (value: string | undefined): boolean => value !== undefined && value !== "0" && value !== "false"
