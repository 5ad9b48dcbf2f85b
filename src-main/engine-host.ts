/**
 * The main-process side of the engine: engine worker threads behind the contract. Electron main and the browser-mode
 * server both talk to the engine only through this.
 *
 * Nothing slow runs on the thread that answers requests. One engine worker answers the cheap requests (info, listings,
 * jobs, cancel); a second computes field views for the explorers; and every job runs in an engine worker of its own,
 * so a job busy in a long synchronous loop delays no answer, and a cancel always lands: the job is asked to stop and,
 * if it has not within JOB_CANCEL_GRACE_MS, its worker is terminated and the temporaries it was writing are removed.
 */
import { rmSync } from 'node:fs'
import type { Worker } from 'node:worker_threads'
import type { Channel, EngineEvent, JobError, JobId, JobSnapshot, JobStartChannel, JobStarted, Results } from './shared/contract'
import { isJobStart, JOB_OF, parseRequest, RequestError } from './shared/contract'
import type { EngineMessage, EngineOptions, HostMessage } from './engine/jobs/protocol'
import { startWorker } from './engine/jobs/workers'

/** How long a cancelled job may take to stop by itself before its worker is terminated. */
export const JOB_CANCEL_GRACE_MS = 150
/** Finished jobs kept for `listJobs`. */
const HISTORY = 50
/** Requests that compute a field view: served by their own worker, so listings and cancels never wait for one. */
const VIEW_CHANNELS: readonly Channel[] = ['getField', 'previewTracks', 'getDeploymentField']

interface Pending {
  resolve(value: unknown): void
  reject(err: RequestError): void
}

/** One engine worker thread: requests out, responses and events in; restarted on the next request after a crash. */
class EngineWorker {
  private worker: Worker | undefined
  private ready: Promise<void> | undefined
  private nextId = 1
  private readonly pending = new Map<number, Pending>()
  /** Temporaries the worker is writing (removed if it is terminated), and outputs it would discard on a cancel. */
  readonly temporaries = new Set<string>()
  readonly discardedOnCancel = new Set<string>()

  constructor(
    private readonly options: EngineOptions,
    private readonly onEvent: (e: EngineEvent) => void,
    private readonly onExit: (error: JobError) => void = () => {}
  ) {}

  get started(): boolean {
    return this.worker !== undefined
  }

  async invoke(channel: Channel, arg: unknown): Promise<unknown> {
    const worker = await this.start()
    const id = this.nextId++
    return new Promise((resolve, reject) => {
      this.pending.set(id, { resolve, reject })
      worker.postMessage({ type: 'request', id, channel, arg } satisfies HostMessage)
    })
  }

  /** Stop the thread now and remove what it was writing (and, for a cancel, what the job would have discarded). */
  async terminate(cancelled = false): Promise<void> {
    const w = this.worker
    this.worker = undefined
    this.ready = undefined
    if (w) await w.terminate()
    for (const p of [...this.temporaries, ...(cancelled ? this.discardedOnCancel : [])]) rmSync(p, { recursive: true, force: true })
    this.temporaries.clear()
    this.discardedOnCancel.clear()
  }

  private start(): Promise<Worker> {
    if (!this.ready) {
      const worker = startWorker('engine', this.options)
      this.worker = worker
      this.ready = new Promise<void>((resolve, reject) => {
        worker.on('message', (m: EngineMessage) => {
          if (m.type === 'ready') resolve()
          else this.receive(m)
        })
        worker.once('error', (err) => {
          reject(err)
          this.crashed(worker, { code: 'internal', message: `the engine stopped: ${err.message}` })
        })
        worker.once('exit', (code) => {
          reject(new Error(`engine exited with code ${code}`))
          this.crashed(worker, { code: 'internal', message: `the engine exited (code ${code})` })
        })
      })
    }
    return this.ready.then(() => this.worker!)
  }

  private receive(m: Exclude<EngineMessage, { type: 'ready' }>): void {
    if (m.type === 'event') return this.onEvent(m.event)
    if (m.type === 'temporary') {
      const set = m.kind === 'cancel' ? this.discardedOnCancel : this.temporaries
      if (m.live) set.add(m.path)
      else set.delete(m.path)
      return
    }
    const p = this.pending.get(m.id)
    if (!p) return
    this.pending.delete(m.id)
    if (m.ok) p.resolve(m.result)
    else p.reject(new RequestError(m.error.code, m.error.message))
  }

  private crashed(worker: Worker, error: JobError): void {
    if (this.worker !== worker) return
    this.worker = undefined
    this.ready = undefined
    for (const p of this.pending.values()) p.reject(new RequestError(error.code, error.message))
    this.pending.clear()
    this.onExit(error)
  }
}

interface HostedJob {
  engine: EngineWorker
  /** The job's id inside its own worker. */
  localId: JobId
  snapshot: JobSnapshot
  cancelTimer?: ReturnType<typeof setTimeout>
}

export class EngineHost {
  private readonly listeners = new Set<(e: EngineEvent) => void>()
  private readonly main: EngineWorker
  private readonly views: EngineWorker
  private readonly jobs = new Map<JobId, HostedJob>()
  private nextJob = 1

  constructor(private readonly options: EngineOptions) {
    this.main = new EngineWorker(options, (e) => this.emit(e))
    this.views = new EngineWorker(options, (e) => this.emit(e))
  }

  /** Send one request to the engine; rejects with a RequestError carrying the engine's message. */
  invoke<C extends Channel>(channel: C, arg: unknown): Promise<Results[C]> {
    // each branch answers its own channel's result; TypeScript cannot narrow C from `channel`, hence the one cast
    return this.dispatch(channel, arg) as Promise<Results[C]>
  }

  private async dispatch(channel: Channel, arg: unknown): Promise<unknown> {
    if (isJobStart(channel)) return this.startJob(channel, arg)
    if (channel === 'cancelJob') return this.cancel(arg)
    if (channel === 'listJobs') return [...this.jobs.values()].map((j) => ({ ...j.snapshot }))
    const engine = VIEW_CHANNELS.includes(channel) ? this.views : this.main
    return engine.invoke(channel, arg)
  }

  /** Whether any engine worker is running (they start on the first request that needs them). */
  get started(): boolean {
    return this.main.started || this.views.started || this.jobs.size > 0
  }

  onEvent(listener: (e: EngineEvent) => void): () => void {
    this.listeners.add(listener)
    return () => this.listeners.delete(listener)
  }

  async close(): Promise<void> {
    await Promise.all([this.main.terminate(), this.views.terminate(), ...[...this.jobs.values()].map((j) => j.engine.terminate())])
  }

  private emit(e: EngineEvent): void {
    for (const l of this.listeners) l(e)
  }

  /** A job in an engine worker of its own; its events carry the host's job id. */
  private async startJob<C extends JobStartChannel>(channel: C, arg: unknown): Promise<JobStarted<(typeof JOB_OF)[C]>> {
    const kind = JOB_OF[channel]
    const jobId: JobId = `job-${this.nextJob++}`
    const engine = new EngineWorker(
      this.options,
      (e) => this.fromJob(jobId, e),
      (error) => this.finish(jobId, { type: 'job:error', jobId, error })
    )
    // the snapshot is replaced by the worker's own when its job:started arrives (before the request's answer)
    const job: HostedJob = { engine, localId: 'job-1', snapshot: { jobId, kind, label: channel, state: 'running', startedAt: new Date().toISOString() } }
    this.jobs.set(jobId, job)
    try {
      job.localId = ((await engine.invoke(channel, arg)) as { jobId: JobId }).jobId
    } catch (err) {
      // a request the engine refuses (bad input) is an answer, and no job
      this.jobs.delete(jobId)
      await engine.terminate()
      throw err
    }
    this.prune()
    return { jobId, kind }
  }

  private fromJob(jobId: JobId, e: EngineEvent): void {
    const job = this.jobs.get(jobId)
    if (!job || job.snapshot.state !== 'running') return // after a forced cancel, late events are dropped
    const event = relabel(e, jobId)
    if (event.type === 'job:started') job.snapshot = { ...event.job }
    if (event.type === 'job:progress') job.snapshot.progress = event.progress
    if (event.type === 'job:done' || event.type === 'job:error' || event.type === 'job:cancelled') return this.finish(jobId, event)
    this.emit(event)
  }

  /** The one terminal event of a job; its worker is no longer needed. */
  private finish(jobId: JobId, event: Extract<EngineEvent, { type: 'job:done' | 'job:error' | 'job:cancelled' }>): void {
    const job = this.jobs.get(jobId)
    if (!job || job.snapshot.state !== 'running') return
    clearTimeout(job.cancelTimer)
    job.snapshot.state = event.type === 'job:done' ? 'done' : event.type === 'job:error' ? 'error' : 'cancelled'
    if (event.type === 'job:cancelled' && event.paused) job.snapshot.paused = true
    this.emit(event)
    void job.engine.terminate()
  }

  private cancel(arg: unknown): { cancelled: boolean } {
    const { jobId, pause } = parseRequest('cancelJob', arg)
    const job = this.jobs.get(jobId)
    if (!job || job.snapshot.state !== 'running') return { cancelled: false }
    // ask first (a cooperative job removes its temporaries and keeps a pause checkpoint); then stop it regardless
    job.engine.invoke('cancelJob', { jobId: job.localId, pause }).catch(() => {})
    job.cancelTimer ??= setTimeout(() => {
      if (job.snapshot.state !== 'running') return
      void job.engine.terminate(!pause).then(() => this.finish(job.snapshot.jobId, { type: 'job:cancelled', jobId: job.snapshot.jobId, ...(pause ? { paused: true } : {}) }))
    }, JOB_CANCEL_GRACE_MS)
    return { cancelled: true }
  }

  private prune(): void {
    const finished = [...this.jobs.values()].filter((j) => j.snapshot.state !== 'running')
    for (const j of finished.slice(0, Math.max(0, finished.length - HISTORY))) this.jobs.delete(j.snapshot.jobId)
  }
}

/** The event with the host's job id in place of the worker's. */
function relabel(e: EngineEvent, jobId: JobId): EngineEvent {
  if (e.type === 'job:started') return { ...e, job: { ...e.job, jobId } }
  return { ...e, jobId }
}
