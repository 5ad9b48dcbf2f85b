/** Worker thread for the GP experiment's pool (learn/gp-pool.ts): trains the points it is sent, one at a time. */
import { parentPort, workerData } from 'node:worker_threads'
import { gpCovariance, gpRun, type GpSettings } from '../learn/gp-experiment'
import type { FromGpWorker, ToGpWorker } from '../learn/gp-pool'

const settings = (workerData as { settings: GpSettings }).settings
const C = gpCovariance(settings)
const post = (m: FromGpWorker) => parentPort?.postMessage(m)
const ctx = { signal: new AbortController().signal, log: (message: string) => post({ type: 'log', message }), progress: () => {} }

parentPort?.on('message', (m: ToGpWorker) => {
  if (m.type === 'stop') {
    parentPort?.close()
    return
  }
  gpRun(C, settings, m.point.dim, m.point.batch, m.point.n, ctx, m.point.replicate).then(
    (run) => post({ type: 'done', point: m.point, run }),
    (err: unknown) => post({ type: 'error', message: err instanceof Error ? err.message : String(err) })
  )
})
