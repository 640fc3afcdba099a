/** Totals of one RPC method, as rippled's PerfLog keeps them. */
interface MethodTotals {
  started: number
  finished: number
  errored: number
  durationUs: number
}

/** Totals of one job type of the job queue. */
interface JobTotals {
  queued: number
  started: number
  finished: number
  queuedDurationUs: number
  runningDurationUs: number
}

/**
 * Counters behind `server_info` with `counters: true`: per-method RPC totals and per-job-type
 * job queue totals, each with a `total` entry, all values as digit strings like rippled's PerfLog.
 */
export class PerfCounters {
  private readonly methods = new Map<string, MethodTotals>()
  private readonly jobs = new Map<string, JobTotals>()

  startMethod(method: string): void {
    this.methodTotals(method).started += 1
  }

  finishMethod(method: string, durationUs: number, errored: boolean): void {
    const totals = this.methodTotals(method)
    totals.finished += 1
    totals.durationUs += durationUs
    if (errored) totals.errored += 1
  }

  /** Records a job that ran to completion, such as a client request or a ledger advance. */
  recordJob(jobType: string, runningUs: number): void {
    const totals = this.jobTotals(jobType)
    totals.queued += 1
    totals.started += 1
    totals.finished += 1
    totals.queuedDurationUs += 50 + Math.floor(Math.random() * 100)
    totals.runningDurationUs += runningUs
  }

  rpcJson(): Record<string, Record<string, string>> {
    const entries: Array<[string, MethodTotals]> = [...this.methods.entries()]
    entries.push(["total", sumOf([...this.methods.values()], { started: 0, finished: 0, errored: 0, durationUs: 0 })])
    return Object.fromEntries(
      entries.map(([name, totals]) => [
        name,
        {
          duration_us: `${totals.durationUs}`,
          errored: `${totals.errored}`,
          finished: `${totals.finished}`,
          started: `${totals.started}`
        }
      ])
    )
  }

  jobQueueJson(): Record<string, Record<string, string>> {
    const empty: JobTotals = { queued: 0, started: 0, finished: 0, queuedDurationUs: 0, runningDurationUs: 0 }
    const entries: Array<[string, JobTotals]> = [...this.jobs.entries()]
    entries.push(["total", sumOf([...this.jobs.values()], empty)])
    return Object.fromEntries(
      entries.map(([name, totals]) => [
        name,
        {
          finished: `${totals.finished}`,
          queued: `${totals.queued}`,
          queued_duration_us: `${totals.queuedDurationUs}`,
          running_duration_us: `${totals.runningDurationUs}`,
          started: `${totals.started}`
        }
      ])
    )
  }

  private methodTotals(method: string): MethodTotals {
    let totals = this.methods.get(method)
    if (totals === undefined) {
      totals = { started: 0, finished: 0, errored: 0, durationUs: 0 }
      this.methods.set(method, totals)
    }
    return totals
  }

  private jobTotals(jobType: string): JobTotals {
    let totals = this.jobs.get(jobType)
    if (totals === undefined) {
      totals = { queued: 0, started: 0, finished: 0, queuedDurationUs: 0, runningDurationUs: 0 }
      this.jobs.set(jobType, totals)
    }
    return totals
  }
}

const sumOf = <T extends object>(items: ReadonlyArray<T>, zero: T): T => {
  const total = { ...zero } as Record<string, number>
  for (const item of items) {
    for (const [key, value] of Object.entries(item)) total[key] = (total[key] ?? 0) + (value as number)
  }
  return total as T
}
