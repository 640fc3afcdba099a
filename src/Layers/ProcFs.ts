import { readdirSync, readFileSync } from "node:fs"
import { Data, Effect, Option } from "effect"

/** The fields of `/proc/<pid>/stat` that the process tree needs. */
export interface StatFields {
  readonly pid: number
  /** Executable name as the kernel stores it, at most 15 bytes. It may contain spaces and parentheses. */
  readonly comm: string
  /** One-letter state: R, S, D, Z, T and so on. */
  readonly state: string
  readonly ppid: number
}

/** Memory fields of `/proc/<pid>/status`, in kB as the kernel reports them. */
export interface ProcStatus {
  /** One-letter state, such as `S` or `Z` (zombie). */
  readonly state: string
  readonly rssKb: number
  readonly vmSizeKb: number
  /** Peak RSS (`VmHWM`), undefined when the line is absent, as for a zombie or a kernel thread. */
  readonly hwmKb: number | undefined
  readonly swapKb: number | undefined
  readonly threads: number
}

/** A read of /proc failed for a reason other than the process having exited. */
export class ProcReadError extends Data.TaggedError("ProcReadError")<{
  readonly path: string
  readonly cause: unknown
}> {
  override get message() {
    return `failed to read ${this.path}: ${String(this.cause)}; check that /proc is mounted and readable by this user`
  }
}

/**
 * Parses one `/proc/<pid>/stat` line. The comm field sits in parentheses and may itself contain spaces
 * and parentheses, so the fields after it are taken from the text after the last `)`.
 */
export const parseStatLine = (line: string): Option.Option<StatFields> => {
  const open = line.indexOf("(")
  const close = line.lastIndexOf(")")
  if (open < 0 || close < open) {
    return Option.none()
  }

  const pid = Number(line.slice(0, open).trim())
  const [state, ppidText] = line.slice(close + 1).trim().split(" ")
  const ppid = Number(ppidText)
  if (!Number.isInteger(pid) || state === undefined || !Number.isInteger(ppid)) {
    return Option.none()
  }

  return Option.some({ pid, comm: line.slice(open + 1, close), state, ppid })
}

/** Parses the text of `/proc/<pid>/status`. Absent size lines count as 0, except `VmHWM` and `VmSwap`. */
export const parseStatus = (text: string): ProcStatus => {
  const fields = new Map<string, string>()
  for (const line of text.split("\n")) {
    const colon = line.indexOf(":")
    if (colon > 0) {
      fields.set(line.slice(0, colon), line.slice(colon + 1).trim())
    }
  }

  return {
    state: (fields.get("State") ?? "?").charAt(0),
    rssKb: leadingNumber(fields.get("VmRSS")) ?? 0,
    vmSizeKb: leadingNumber(fields.get("VmSize")) ?? 0,
    hwmKb: leadingNumber(fields.get("VmHWM")),
    swapKb: leadingNumber(fields.get("VmSwap")),
    threads: leadingNumber(fields.get("Threads")) ?? 0
  }
}

/** Reads `/proc/<pid>/status`, or returns `None` when the process has exited (ENOENT or ESRCH). */
export const readStatus = (pid: number): Effect.Effect<Option.Option<ProcStatus>, ProcReadError> =>
  readProcFile(`/proc/${pid}/status`).pipe(Effect.map(Option.map(parseStatus)))

/**
 * Reads the parent pid of every process in /proc. A process that exits during the scan is left out.
 * Returns a map from pid to parent pid.
 */
export const readParentTable: Effect.Effect<ReadonlyMap<number, number>, ProcReadError> = Effect.gen(function* () {
  const names = yield* Effect.try({
    try: () => readdirSync("/proc"),
    catch: (cause) => new ProcReadError({ path: "/proc", cause })
  })

  const parents = new Map<number, number>()
  for (const name of names) {
    if (!/^[0-9]+$/.test(name)) {
      continue
    }
    const line = yield* readProcFile(`/proc/${name}/stat`).pipe(Effect.orElseSucceed(() => Option.none<string>()))
    const fields = Option.flatMap(line, parseStatLine)
    if (Option.isSome(fields)) {
      parents.set(fields.value.pid, fields.value.ppid)
    }
  }
  return parents
})

/** Lists `rootPid` and every process below it in `parents` (pid to parent pid), root first, breadth-first. */
export const descendantsOf = (rootPid: number, parents: ReadonlyMap<number, number>): ReadonlyArray<number> => {
  const children = new Map<number, Array<number>>()
  for (const [pid, ppid] of parents) {
    const siblings = children.get(ppid)
    if (siblings === undefined) {
      children.set(ppid, [pid])
    } else {
      siblings.push(pid)
    }
  }

  const order = [rootPid]
  const seen = new Set(order)
  for (let index = 0; index < order.length; index++) {
    const parent = order[index]!
    for (const child of (children.get(parent) ?? []).sort((a, b) => a - b)) {
      if (!seen.has(child)) {
        seen.add(child)
        order.push(child)
      }
    }
  }
  return order
}

const readProcFile = (path: string): Effect.Effect<Option.Option<string>, ProcReadError> =>
  Effect.try({
    try: () => Option.some(readFileSync(path, "utf8")),
    catch: (cause) => new ProcReadError({ path, cause })
  }).pipe(Effect.catchIf(isExitedError, () => Effect.succeedNone))

const isExitedError = (error: ProcReadError): boolean => {
  const code = (error.cause as NodeJS.ErrnoException | undefined)?.code
  return code === "ENOENT" || code === "ESRCH"
}

const leadingNumber = (value: string | undefined): number | undefined => {
  if (value === undefined) {
    return undefined
  }
  const parsed = Number.parseInt(value, 10)
  return Number.isNaN(parsed) ? undefined : parsed
}
