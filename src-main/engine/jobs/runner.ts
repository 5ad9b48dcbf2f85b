/**
 * Runs jobs inside the engine: ids, cancel, throttled progress, and exactly one terminal event per job
 * (done, error or cancelled). Knows nothing about IPC: events go to the `emit` callback.
 */
import type { EngineEvent, JobDone, JobId, JobKind, JobProgress, JobResults, JobSnapshot, JobStarted } from '../../shared/contract'
import { CancelledError, PAUSE_REASON, etaSeconds, toJobError, type JobContext } from './job'

/** Progress events are sent at most this often per job (the last one always goes out). */
const PROGRESS_INTERVAL_MS = 200
/** Finished jobs kept for `listJobs`. */
const HISTORY = 50

interface RunningJob {
  snapshot: JobSnapshot
  controller: AbortController
}

export class JobRunner {
  private nextId = 1
  private readonly jobs = new Map<JobId, RunningJob>()

  constructor(private readonly emit: (event: EngineEvent) => void) {}

  /** Start `work` as a job and return its id and kind at once; the result arrives as a `job:done` event of that kind. */
  start<K extends JobKind>(kind: K, label: string, work: (ctx: JobContext) => Promise<JobResults[K]>): JobStarted<K> {
    const jobId: JobId = `job-${this.nextId++}`
    const controller = new AbortController()
    const snapshot: JobSnapshot = { jobId, kind, label, state: 'running', startedAt: new Date().toISOString() }
    this.jobs.set(jobId, { snapshot, controller })
    this.prune()
    this.emit({ type: 'job:started', job: { ...snapshot } })
    void this.run(jobId, kind, work, controller.signal)
    return { jobId, kind }
  }

  /** Cancel a running job; `pause` tells the work (via the abort reason) to keep what Resume needs. */
  cancel(jobId: JobId, pause = false): boolean {
    const job = this.jobs.get(jobId)
    if (!job || job.snapshot.state !== 'running') return false
    if (pause) job.snapshot.paused = true
    job.controller.abort(pause ? PAUSE_REASON : undefined)
    return true
  }

  list(): JobSnapshot[] {
    return [...this.jobs.values()].map((j) => ({ ...j.snapshot }))
  }

  private async run<K extends JobKind>(
    jobId: JobId,
    kind: K,
    work: (ctx: JobContext) => Promise<JobResults[K]>,
    signal: AbortSignal
  ): Promise<void> {
    const job = this.jobs.get(jobId)!
    const started = Date.now()
    let lastSent = 0
    let pending: ReturnType<typeof setTimeout> | undefined
    const send = (progress: JobProgress) => {
      lastSent = Date.now()
      job.snapshot.progress = progress
      this.emit({ type: 'job:progress', jobId, progress })
    }
    const ctx: JobContext = {
      signal,
      progress: (p) => {
        const progress = { ...p, etaSeconds: p.etaSeconds ?? etaSeconds(started, p.done, p.total) }
        job.snapshot.progress = progress
        clearTimeout(pending)
        const wait = PROGRESS_INTERVAL_MS - (Date.now() - lastSent)
        if (wait <= 0 || p.done >= p.total) send(progress)
        else pending = setTimeout(() => send(progress), wait)
      },
      log: (message, level = 'info') => this.emit({ type: 'job:log', jobId, level, message })
    }
    try {
      // a result means its files are complete and in place: a cancel that came too late cannot undo that, so the
      // job reports done (saying "cancelled" would leave a file the user believes was not written)
      const result = await work(ctx)
      if (signal.aborted) ctx.log('the cancel came after the result was complete: it is kept', 'warn')
      job.snapshot.state = 'done'
      clearTimeout(pending)
      // start<K> pairs the kind with its result type; TypeScript cannot carry that pairing into the union by itself
      this.emit({ type: 'job:done', jobId, kind, result } as JobDone)
    } catch (err) {
      clearTimeout(pending)
      const error = toJobError(signal.aborted ? new CancelledError() : err)
      if (error.code === 'cancelled') {
        job.snapshot.state = 'cancelled'
        this.emit({ type: 'job:cancelled', jobId, ...(job.snapshot.paused ? { paused: true } : {}) })
      } else {
        job.snapshot.state = 'error'
        this.emit({ type: 'job:error', jobId, error })
      }
    }
  }

  private prune(): void {
    const finished = [...this.jobs.values()].filter((j) => j.snapshot.state !== 'running')
    for (const j of finished.slice(0, Math.max(0, finished.length - HISTORY))) this.jobs.delete(j.snapshot.jobId)
  }
}
