/**
 * The main-process side of the engine: starts the engine worker thread and forwards contract requests
 * and events. Electron main and the browser-mode server both talk to the engine only through this.
 */
import type { Worker } from 'node:worker_threads'
import type { Channel, EngineEvent, JobError, Results } from './shared/contract'
import { RequestError } from './shared/contract'
import type { EngineMessage, EngineOptions, HostMessage } from './engine/jobs/protocol'
import { startWorker } from './engine/jobs/workers'

interface Pending {
  resolve(value: unknown): void
  reject(err: RequestError): void
}

export class EngineHost {
  private worker: Worker | undefined
  private ready: Promise<void> | undefined
  private nextId = 1
  private readonly pending = new Map<number, Pending>()
  private readonly listeners = new Set<(e: EngineEvent) => void>()

  constructor(private readonly options: EngineOptions) {}

  /** Send one request to the engine; rejects with a RequestError carrying the engine's message. */
  async invoke<C extends Channel>(channel: C, arg: unknown): Promise<Results[C]> {
    const worker = await this.start()
    const id = this.nextId++
    return new Promise<Results[C]>((resolve, reject) => {
      this.pending.set(id, { resolve: resolve as (v: unknown) => void, reject })
      const message: HostMessage = { type: 'request', id, channel, arg }
      worker.postMessage(message)
    })
  }

  /** Whether the engine worker is running (it starts on the first request). */
  get started(): boolean {
    return this.worker !== undefined
  }

  onEvent(listener: (e: EngineEvent) => void): () => void {
    this.listeners.add(listener)
    return () => this.listeners.delete(listener)
  }

  async close(): Promise<void> {
    const w = this.worker
    this.worker = undefined
    this.ready = undefined
    if (w) await w.terminate()
  }

  /** Start the worker once; a crashed worker is restarted on the next request. */
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
    if (m.type === 'event') {
      for (const l of this.listeners) l(m.event)
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
  }
}
