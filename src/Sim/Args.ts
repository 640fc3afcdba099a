/** The command line of a node binary, as far as the simulated node uses it. */
export interface NodeArgs {
  readonly confPath: string | undefined
  readonly standalone: boolean
  readonly net: boolean
  readonly start: boolean
  /** `--silent`: console output stops after the first start-up lines; implies the quiet echo rules. */
  readonly silent: boolean
  /** `-q`/`--quiet`: log threshold Fatal, and no `Loading:` line or `[rpc_startup]` echo. */
  readonly quiet: boolean
  readonly verbose: boolean
  readonly valid: boolean
  /** `--load`, `--ledger` or `--replay`: start from a stored ledger. */
  readonly loadsLedger: boolean
  /** Words left over after the options; a real node then acts as a command-line RPC client. */
  readonly positional: ReadonlyArray<string>
}

export type ParsedArgs =
  | { readonly kind: "run"; readonly args: NodeArgs }
  | { readonly kind: "version" }
  | { readonly kind: "help" }
  | { readonly kind: "invalid"; readonly message: string }

/** Options that take a value, as registered in rippled's Main.cpp. */
const VALUE_OPTIONS = new Set(["conf", "ledger", "ledgerfile", "quorum", "rpc_ip", "rpc_port", "nodeid"])

/** Flags accepted without a value; the ones the simulation does not model are accepted and ignored. */
const FLAG_OPTIONS = new Set([
  "standalone",
  "start",
  "net",
  "silent",
  "quiet",
  "verbose",
  "debug",
  "fg",
  "valid",
  "load",
  "replay",
  "version",
  "help",
  "import",
  "newnodeid",
  "vacuum",
  "unittest"
])

const SHORT_OPTIONS: Record<string, string> = { a: "standalone", q: "quiet", v: "verbose", h: "help" }

/**
 * Parses argv like boost::program_options does for rippled: `--name value`, `--name=value`,
 * single-letter aliases, and positional words. Errors carry boost's wording without the program name.
 */
export const parseArgs = (argv: ReadonlyArray<string>): ParsedArgs => {
  const flags = new Set<string>()
  const values = new Map<string, string>()
  const positional: Array<string> = []

  for (let index = 0; index < argv.length; index++) {
    const word = argv[index] ?? ""
    if (!word.startsWith("-") || word === "-") {
      positional.push(word)
      continue
    }

    const named = word.startsWith("--") ? parseLongOption(word) : parseShortOption(word)
    if (named === undefined) return { kind: "invalid", message: `unrecognised option '${word}'` }

    if (VALUE_OPTIONS.has(named.name)) {
      const value = named.value ?? argv[index + 1]
      if (value === undefined) {
        return { kind: "invalid", message: `the required argument for option '--${named.name}' is missing` }
      }
      if (named.value === undefined) index++
      values.set(named.name, value)
      continue
    }
    if (named.value !== undefined) {
      return { kind: "invalid", message: `option '--${named.name}' does not take any arguments` }
    }
    flags.add(named.name)
  }

  if (flags.has("help")) return { kind: "help" }
  if (flags.has("version")) return { kind: "version" }
  return {
    kind: "run",
    args: {
      confPath: values.get("conf"),
      standalone: flags.has("standalone"),
      net: flags.has("net"),
      start: flags.has("start"),
      silent: flags.has("silent"),
      quiet: flags.has("quiet"),
      verbose: flags.has("verbose"),
      valid: flags.has("valid"),
      loadsLedger: flags.has("load") || flags.has("replay") || values.has("ledger") || values.has("ledgerfile"),
      positional
    }
  }
}

/** Usage text in the shape of rippled's `--help` output (printed to stderr). */
export const usageText = (binaryName: string): string =>
  [
    `${binaryName} [options] <command> <params>`,
    "",
    "Options:",
    "  -h [ --help ]          Display this message.",
    "  --conf arg             Specify the configuration file.",
    "  --version              Display the build version.",
    "  -a [ --standalone ]    Run with no peers; ledgers close only on ledger_accept.",
    "  --start                Start from a fresh genesis ledger.",
    "  --net                  Get the initial ledger from the network.",
    "  --valid                Consider the initial ledger a valid network ledger.",
    "  -q [ --quiet ]         Reduce diagnostics.",
    "  --silent               No output to the console after startup.",
    "  -v [ --verbose ]       Verbose logging.",
    ""
  ].join("\n")

interface NamedOption {
  readonly name: string
  readonly value: string | undefined
}

const parseLongOption = (word: string): NamedOption | undefined => {
  const body = word.slice(2)
  const equals = body.indexOf("=")
  const name = equals === -1 ? body : body.slice(0, equals)
  const value = equals === -1 ? undefined : body.slice(equals + 1)
  if (!VALUE_OPTIONS.has(name) && !FLAG_OPTIONS.has(name)) return undefined
  return { name, value }
}

const parseShortOption = (word: string): NamedOption | undefined => {
  const name = word.length === 2 ? SHORT_OPTIONS[word.slice(1)] : undefined
  return name === undefined ? undefined : { name, value: undefined }
}
