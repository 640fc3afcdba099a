import { Clock, Duration, Effect } from "effect"

/** Minimum time between two log lines about invalid frames, so a flood of bad frames can't fill the log. */
export const invalidMessageLogInterval = Duration.seconds(10)

/** Maximum length of the frame text written to the log. The `InvalidMessage` event keeps a longer excerpt. */
const maxLoggedTextLength = 200

/**
 * Logs invalid frames as warnings, at most one line per `invalidMessageLogInterval`. Each line has a
 * `suppressed` annotation with the number of invalid frames left out of the log since the previous line.
 */
export interface InvalidMessageLog {
  readonly record: (text: string, problem: string) => Effect.Effect<void>
}

export const makeInvalidMessageLog = (): InvalidMessageLog => {
  let nextLineAt = 0
  let suppressed = 0

  const record: InvalidMessageLog["record"] = (text, problem) =>
    Effect.gen(function* () {
      const now = yield* Clock.currentTimeMillis
      if (now < nextLineAt) {
        suppressed += 1
        return
      }
      nextLineAt = now + Duration.toMillis(invalidMessageLogInterval)
      const suppressedBefore = suppressed
      suppressed = 0
      yield* Effect.logWarning("invalid message from the node").pipe(
        Effect.annotateLogs({ problem, text: text.slice(0, maxLoggedTextLength), suppressed: suppressedBefore })
      )
    })

  return { record }
}
