/**
 * Every command-line option, defined once with its help text, unit, default and environment fallback
 * `XAHAUD_MONITOR_<NAME>`. Flag names and short aliases are those of the earlier Python tool.
 */
import { HelpDoc, Options, ValidationError } from "@effect/cli"
import { Config, Effect, Either, Option } from "effect"
import type { Duration } from "effect"
import type { BareUnit } from "./Domain/DurationText.js"
import { parseDurationText } from "./Domain/DurationText.js"

const envName = (option: string) => `XAHAUD_MONITOR_${option.toUpperCase().replace(/-/g, "_")}`

const withEnv = (name: string, description: string) => (options: Options.Options<string>) =>
  options.pipe(
    Options.withFallbackConfig(Config.string(envName(name))),
    Options.withDescription(`${description} Environment: ${envName(name)}.`)
  )

/**
 * Falls back to `XAHAUD_MONITOR_<NAME>`, split by `separator`, when a repeatable option is not given at all.
 * (@effect/cli's own fallback never applies to a repeated option, which accepts zero occurrences.)
 */
const withListEnv = (name: string, separator: RegExp) => (options: Options.Options<Array<string>>) =>
  options.pipe(
    Options.mapEffect((values) =>
      values.length > 0
        ? Effect.succeed(values)
        : Config.option(Config.string(envName(name))).pipe(
          Effect.map(Option.match({
            onNone: () => [],
            onSome: (text) => text.split(separator).filter((value) => value.trim() !== "")
          })),
          Effect.mapError((error) => ValidationError.invalidValue(HelpDoc.p(`${envName(name)}: ${error}`)))
        )
    )
  )

const durationOption = (
  name: string,
  defaultText: string,
  description: string,
  bareUnit: BareUnit,
  allowZero = false
): Options.Options<Duration.Duration> =>
  Options.text(name).pipe(
    withEnv(name, `${description} Default: ${defaultText}.`),
    Options.withDefault(defaultText),
    Options.mapEffect((text) =>
      Either.match(parseDurationText(text, bareUnit, { allowZero }), {
        onLeft: (error) => Effect.fail(ValidationError.invalidValue(HelpDoc.p(`--${name}: ${error.message}`))),
        onRight: Effect.succeed
      })
    )
  )

const flag = (name: string, description: string) =>
  Options.boolean(name).pipe(
    Options.withFallbackConfig(Config.boolean(envName(name))),
    Options.withDescription(`${description} Environment: ${envName(name)}=true.`)
  )

export const duration = durationOption(
  "duration",
  "5m",
  "Monitoring time per binary, counted from sync. A number without a unit is minutes; 30s, 5m and 1h also work.",
  "minutes"
).pipe(Options.withAlias("d"))

export const binaries = Options.text("binaries").pipe(
  Options.withAlias("b"),
  Options.repeated,
  withListEnv("binaries", /,/),
  Options.withDescription(
    "Binary to test; repeat the option or separate names with commas. A bare name is looked up in --build-dir, " +
      `a path is used as given. Default: every rippled* and xahaud* executable in --build-dir. Environment: ${
        envName("binaries")
      } (comma-separated).`
  )
)

export const config = Options.text("config").pipe(
  Options.withAlias("c"),
  withEnv("config", "Node config file, passed to each node as --conf. Required.")
)

export const websocketUrl = Options.text("websocket-url").pipe(
  Options.withAlias("w"),
  Options.optional,
  Options.withFallbackConfig(Config.option(Config.string(envName("websocket-url")))),
  Options.withDescription(
    "WebSocket URL of the node's admin port (ws:// or wss://). Default: read from the node config, " +
      `[port_ws_admin_local] first. Environment: ${envName("websocket-url")}.`
  )
)

export const apiVersion = Options.text("api-version").pipe(
  Options.withAlias("v"),
  Options.optional,
  Options.withFallbackConfig(Config.option(Config.string(envName("api-version")))),
  Options.withDescription(
    "Send this api_version, 1 or 2, with every request. Default: send none, so the node uses 1 " +
      `(xahaud 2024.x rejects 2). Environment: ${envName("api-version")}.`
  ),
  Options.mapEffect(
    Option.match({
      onNone: () => Effect.succeed(Option.none<1 | 2>()),
      onSome: (text) =>
        text.trim() === "1" || text.trim() === "2"
          ? Effect.succeed(Option.some(Number(text.trim()) as 1 | 2))
          : Effect.fail(ValidationError.invalidValue(HelpDoc.p(invalidApiVersion(text))))
    })
  )
)

export const standalone = flag(
  "standalone",
  "Run each node with --standalone and close ledgers with ledger_accept; otherwise nodes run with --net."
).pipe(Options.withAlias("s"))

export const ledgerInterval = durationOption(
  "ledger-interval",
  "4s",
  "Standalone only: how often the monitor calls ledger_accept to close a ledger. A bare number is seconds.",
  "seconds"
)

export const buildDir = Options.text("build-dir").pipe(
  withEnv("build-dir", "Folder searched for rippled* and xahaud* binaries. Default: build."),
  Options.withDefault("build")
)

export const outputDir = Options.text("output-dir").pipe(
  withEnv("output-dir", "Results root; each run writes a folder <run-id> in it. Default: results."),
  Options.withDefault("results")
)

export const pollInterval = durationOption(
  "poll-interval",
  "4s",
  "How often server_info is polled while waiting for sync. A bare number is seconds.",
  "seconds"
)

export const sampleInterval = durationOption(
  "sample-interval",
  "1s",
  "How often memory is sampled between ledger closes while monitoring. A bare number is seconds.",
  "seconds"
)

export const startupTimeout = durationOption(
  "startup-timeout",
  "2m",
  "Give up on a binary whose WebSocket port does not open within this time. A bare number is seconds.",
  "seconds"
)

export const syncTimeout = durationOption(
  "sync-timeout",
  "30m",
  "Give up on a binary that reports no complete ledgers within this time. A bare number is seconds.",
  "seconds"
)

export const stopTimeout = durationOption(
  "stop-timeout",
  "30s",
  "After SIGTERM, wait this long for the node to exit before SIGKILL. A bare number is seconds.",
  "seconds"
)

export const stallTimeout = durationOption(
  "stall-timeout",
  "60s",
  "A node that sends nothing (no reply, no ledger, no pong) for this long has stalled: the binary ends " +
    "with status error. A bare number is seconds.",
  "seconds"
)

export const requestTimeout = durationOption(
  "request-timeout",
  "10s",
  "How long to wait for the node to answer one request. A bare number is seconds.",
  "seconds"
)

export const cooldown = durationOption(
  "cooldown",
  "10s",
  "Pause between binaries, so the machine settles. 0 turns it off. A bare number is seconds.",
  "seconds",
  true
)

export const nodeArgs = Options.text("node-arg").pipe(
  Options.repeated,
  withListEnv("node-arg", /\s+/),
  Options.withDescription(
    "Extra argument passed to every node, such as --quorum=1; repeat for several. " +
      `Environment: ${envName("node-arg")} (separated by spaces).`
  )
)

export const failFast = flag("fail-fast", "Stop the whole run after the first binary that does not complete.")

export const plain = flag(
  "plain",
  "Print plain lines instead of the live dashboard. Plain lines are the default when stdout is not a terminal or CI is set."
)


const invalidApiVersion = (text: string) =>
  `--api-version: invalid value "${text}": expected 1 or 2, or leave the option out to send none.`
