/**
 * The GP experiment's points spread over worker threads (jobs/gp.worker.ts): every point is an independent, seeded
 * training run, so the results are the ones the serial runner gives (checked in the tests), in less wall time.
 */
import type { Worker } from 'node:worker_threads'
import { CancelledError, type JobContext } from '../jobs/job'
import { startWorker } from '../jobs/workers'
import type { GpPoint, GpPointRunner, GpRun, GpSettings } from './gp-experiment'

export type ToGpWorker = { type: 'point'; point: GpPoint } | { type: 'stop' }
export type FromGpWorker = { type: 'done'; point: GpPoint; run: GpRun } | { type: 'log'; message: string } | { type: 'error'; message: string }

/** Runner over `workers` threads; each is sent its next point when it returns one. */
export const poolRunner = (s: GpSettings, workers: number, ctx: JobContext): GpPointRunner => (points, onDone) =>
  new Promise<void>((resolve, reject) => {
    const queue = [...points]
    const pool: Worker[] = []
    let pending = points.length
    let failed = false
    const stopAll = () => {
      for (const w of pool) void w.terminate()
    }
    const fail = (err: Error) => {
      if (failed) return
      failed = true
      ctx.signal.removeEventListener('abort', onAbort)
      stopAll()
      reject(err)
    }
    const onAbort = () => fail(new CancelledError())
    ctx.signal.addEventListener('abort', onAbort)
    const busy = new Set<Worker>()
    const feed = (w: Worker) => {
      const point = queue.shift()
      if (point) {
        busy.add(w)
        w.postMessage({ type: 'point', point } satisfies ToGpWorker)
      } else w.postMessage({ type: 'stop' } satisfies ToGpWorker)
    }
    if (pending === 0) return resolve()
    for (let k = 0; k < Math.min(workers, points.length); k++) {
      const w = startWorker('gp', { settings: s })
      pool.push(w)
      w.on('message', (m: FromGpWorker) => {
        if (failed) return
        if (m.type === 'log') ctx.log(m.message)
        else if (m.type === 'error') fail(new Error(`GP worker: ${m.message}`))
        else {
          busy.delete(w)
          onDone(m.point, m.run)
          if (--pending === 0) {
            ctx.signal.removeEventListener('abort', onAbort)
            stopAll()
            resolve()
          } else feed(w)
        }
      })
      w.on('error', (err) => fail(err instanceof Error ? err : new Error(String(err))))
      w.on('exit', (code) => {
        if (busy.has(w) && !failed) fail(new Error(`GP worker exited (code ${code}) with ${pending} points left`))
      })
      feed(w)
    }
  })
