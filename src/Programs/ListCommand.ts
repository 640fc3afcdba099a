/** The `list` command: the binaries `run` would test, or why there are none. */
import { Console, Effect } from "effect"
import { selectBinaries } from "../Layers/BinaryCatalog.js"

export const listCommand = (args: { readonly binaries: ReadonlyArray<string>; readonly buildDir: string }) =>
  Effect.gen(function* () {
    const binaries = yield* selectBinaries(args.binaries, args.buildDir)
    const rows = binaries.map((binary) => [
      binary.name,
      binary.path,
      `${(binary.sizeBytes / 1024 / 1024).toFixed(1)} MB`,
      binary.modifiedAt.toISOString().replace("T", " ").replace(/\.\d+Z$/, " UTC")
    ])
    const header = ["NAME", "PATH", "SIZE", "MODIFIED"]
    const widths = header.map((title, column) => Math.max(title.length, ...rows.map((row) => row[column]!.length)))
    const format = (row: ReadonlyArray<string>) => row.map((cell, column) => cell.padEnd(widths[column]!)).join("  ").trimEnd()
    yield* Console.log(format(header))
    for (const row of rows) yield* Console.log(format(row))
  })
