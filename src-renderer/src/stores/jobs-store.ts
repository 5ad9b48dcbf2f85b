/** Every engine job the renderer has seen: state, progress, metric history and logs, fed by `api.onEvent`. */
import { defineStore } from 'pinia'
import { computed, ref } from 'vue'
import { isDoneOf, type EngineEvent, type JobDone, type JobError, type JobId, type JobKind, type JobProgress, type JobResults, type JobSnapshot, type JobStarted } from '@shared/contract'
import { api } from '@renderer/bridge'
import { plainError } from '@renderer/composables/plain-error'

export interface JobEntry {
  jobId: JobId
  kind: JobKind | 'unknown'
  label: string
  state: JobSnapshot['state']
  startedAt: string
  progress?: JobProgress
  /** Samples of numeric metrics against `progress.done`, for live curves. */
  history: { done: number; metrics: Record<string, number> }[]
  logs: { level: 'info' | 'warn'; message: string }[]
  /** The `job:done` event: its `kind` types its `result`. */
  done?: JobDone
  error?: JobError
  /** Cancelled with Pause: shown as paused, resumable. */
  paused?: boolean
}

/** What a store does when its job ends; `done` receives the result of the job's kind. */
export interface JobHandlers<K extends JobKind> {
  done?: (result: JobResults[K]) => void
  error?: (error: JobError) => void
  cancelled?: () => void
}

/** The handlers of a tracked job, bound to the kind its start request answered with. */
interface Settle {
  done(event: JobDone): void
  error(error: JobError): void
  cancelled(): void
}

/** Keep the stored history bounded: past this, every other sample is dropped (display only). */
const MAX_HISTORY = 4000
const MAX_LOGS = 500

export const useJobsStore = defineStore('jobs', () => {
  const jobs = ref<Record<string, JobEntry>>({})
  const handlers = new Map<string, Settle>()
  const cancelError = ref<string | null>(null)
  let unsubscribe: (() => void) | null = null

  const list = computed(() => Object.values(jobs.value).sort((a, b) => b.startedAt.localeCompare(a.startedAt)))
  const running = computed(() => list.value.filter((j) => j.state === 'running'))

  function entry(jobId: JobId): JobEntry {
    return (jobs.value[jobId] ??= { jobId, kind: 'unknown', label: jobId, state: 'running', startedAt: new Date().toISOString(), history: [], logs: [] })
  }

  /** Call the handlers registered for a finished job once, then forget them. */
  function settle(job: JobEntry): void {
    const h = handlers.get(job.jobId)
    if (!h || job.state === 'running') return
    handlers.delete(job.jobId)
    if (job.state === 'done' && job.done) h.done(job.done)
    else if (job.state === 'error') h.error(job.error ?? { code: 'internal', message: 'the job failed' })
    else if (job.state === 'cancelled') h.cancelled()
    else h.error({ code: 'internal', message: 'the job ended without its result' })
  }

  function handle(event: EngineEvent): void {
    const job = entry(event.type === 'job:started' ? event.job.jobId : event.jobId)
    switch (event.type) {
      case 'job:started':
        Object.assign(job, { kind: event.job.kind, label: event.job.label, startedAt: event.job.startedAt })
        if (event.job.progress) job.progress = event.job.progress
        break
      case 'job:progress':
        job.progress = event.progress
        if (event.progress.metrics && Object.keys(event.progress.metrics).length) {
          job.history.push({ done: event.progress.done, metrics: { ...event.progress.metrics } })
          if (job.history.length > MAX_HISTORY) job.history = job.history.filter((_, i) => i % 2 === 0 || i === job.history.length - 1)
        }
        break
      case 'job:log':
        job.logs.push({ level: event.level, message: event.message })
        if (job.logs.length > MAX_LOGS) job.logs.splice(0, job.logs.length - MAX_LOGS)
        break
      case 'job:done':
        Object.assign(job, { state: 'done', kind: event.kind, done: event })
        break
      case 'job:error':
        Object.assign(job, { state: 'error', error: event.error })
        break
      case 'job:cancelled':
        job.state = 'cancelled'
        if (event.paused) job.paused = true
        break
    }
    settle(job)
  }

  /** Subscribe to engine events once and load jobs already running (e.g. after a reload). */
  async function init(): Promise<void> {
    if (unsubscribe) return
    unsubscribe = api.onEvent(handle)
    try {
      for (const snap of await api.listJobs()) {
        const job = entry(snap.jobId)
        Object.assign(job, { kind: snap.kind, label: snap.label, state: snap.state, startedAt: snap.startedAt, progress: snap.progress, paused: snap.paused })
      }
    } catch (err) {
      cancelError.value = plainError(err)
    }
  }

  /**
   * Run `h` when the started job ends (at once if it already has). The job's kind (from its start request's answer)
   * types `h.done`; a result of another kind is reported as an error, never handed on.
   */
  function track<K extends JobKind>(started: JobStarted<K>, h: JobHandlers<K>, label?: string): void {
    const { jobId, kind } = started
    handlers.set(jobId, {
      done: (event) => {
        if (isDoneOf(event, kind)) h.done?.(event.result)
        else h.error?.({ code: 'internal', message: `${jobId} ended as a ${event.kind} job, not the ${kind} job that was started` })
      },
      error: (e) => h.error?.(e),
      cancelled: () => h.cancelled?.()
    })
    const known = jobs.value[jobId]
    const job = entry(jobId)
    if (job.kind === 'unknown') Object.assign(job, { kind, label: label ?? job.label })
    if (known) settle(job)
  }

  /** Cancel a job; `pause` keeps its checkpoint so that it can be resumed. */
  async function cancel(jobId: JobId, pause = false): Promise<void> {
    try {
      await api.cancelJob(pause ? { jobId, pause } : { jobId })
    } catch (err) {
      cancelError.value = plainError(err)
    }
  }

  function clearFinished(): void {
    for (const j of Object.values(jobs.value)) if (j.state !== 'running') delete jobs.value[j.jobId]
  }

  return { jobs, list, running, cancelError, init, handle, track, cancel, clearFinished }
})
