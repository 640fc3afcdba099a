import { readdirSync, readFileSync } from "node:fs"

/**
 * Process groups started by this monitor that may still have members. A plain Set, so that a raw
 * `process.on("SIGINT")` handler can kill every group synchronously when Effect finalizers will not run.
 */
const liveGroups = new Set<number>()

export const registerProcessGroup = (pgid: number): void => {
  liveGroups.add(pgid)
}

export const unregisterProcessGroup = (pgid: number): void => {
  liveGroups.delete(pgid)
}

export const liveProcessGroups = (): ReadonlyArray<number> => [...liveGroups]

/**
 * Sends SIGKILL to every registered process group. Returns the ids of the groups that still existed.
 * The groups stay registered, so each node's own stop can confirm they are gone.
 */
export const killAllProcessGroupsSync = (): ReadonlyArray<number> =>
  [...liveGroups].filter((pgid) => signalProcessGroup(pgid, "SIGKILL"))

/** Sends `signal` to every process in group `pgid`. Returns false when the group no longer exists. */
export const signalProcessGroup = (pgid: number, signal: NodeJS.Signals): boolean => {
  try {
    process.kill(-pgid, signal)
    return true
  } catch (error) {
    if (errorCode(error) === "ESRCH") return false
    throw error
  }
}

/**
 * Returns true while group `pgid` has a member that is not a zombie. `kill(-pgid, 0)` alone also counts
 * zombies, and an orphaned grandchild stays a zombie until init reaps it, which can take seconds in a
 * container. So on Linux a group that `kill` still finds is confirmed by scanning `/proc/<pid>/stat`.
 */
export const processGroupIsAlive = (pgid: number): boolean => {
  try {
    process.kill(-pgid, 0)
  } catch (error) {
    // EPERM means the group exists but belongs to another user.
    return errorCode(error) !== "ESRCH"
  }
  if (process.platform !== "linux") return true
  try {
    return hasRunningMember(pgid)
  } catch {
    return true
  }
}

const hasRunningMember = (pgid: number): boolean => {
  for (const entry of readdirSync("/proc")) {
    if (!/^\d+$/.test(entry)) continue
    const stat = readProcStat(entry)
    if (stat !== undefined && stat.pgrp === pgid && stat.state !== "Z" && stat.state !== "X") return true
  }
  return false
}

/** Reads state and process group from `/proc/<pid>/stat`; undefined when the process is gone. */
const readProcStat = (pid: string): { readonly state: string; readonly pgrp: number } | undefined => {
  let text: string
  try {
    text = readFileSync(`/proc/${pid}/stat`, "utf8")
  } catch {
    return undefined
  }
  // The command name in parentheses may contain spaces, so the fields are counted after the last ")".
  const fields = text.slice(text.lastIndexOf(")") + 2).split(" ")
  const state = fields[0]
  const pgrp = Number(fields[2])
  return state === undefined || Number.isNaN(pgrp) ? undefined : { state, pgrp }
}

const errorCode = (error: unknown): unknown =>
  typeof error === "object" && error !== null && "code" in error ? error.code : undefined
