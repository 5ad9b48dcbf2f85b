/**
 * Paired data sets: simulate pairs in-process or in parallel worker threads (deterministic whatever the worker
 * count: each pair's random streams depend only on (seed, pair index)), then write the NetCDF-4 file.
 */
import { availableParallelism } from 'node:os'
import type { Worker } from 'node:worker_threads'
import { SimulationConfig, type DatasetSummary } from '../../shared/simulation'
import type { PairedDataset } from '../data/dataset-types'
import { writeDataset, summaryOf } from '../data/dataset'
import { checkTarget } from '../data/atomic'
import { creationDate } from '../data/created'
import { CancelledError, etaSeconds, throwIfCancelled, type JobContext } from '../jobs/job'
import { startWorker } from '../jobs/workers'
import { emptyDataset, placeChunk, simulatePairs, type SimulateReply, type SimulateRequest } from './chunk'
import { planSimulation } from './plan'

export { simulatePairs, type SimulatedChunk } from './chunk'

/** Simulate a whole data set in this thread (small sets, tests). */
export function simulateDataset(input: SimulationConfig, signal?: AbortSignal): PairedDataset {
  const cfg = SimulationConfig.parse(input)
  const plan = planSimulation(cfg)
  const ds = emptyDataset(cfg, plan)
  placeChunk(ds, simulatePairs(cfg, 0, cfg.pairs, signal, plan))
  return ds
}

/** Chunk size: small enough for smooth progress and balance, large enough that messaging is negligible. */
function chunkSize(cfg: SimulationConfig, workers: number): number {
  return Math.max(1, Math.min(256, Math.ceil(cfg.pairs / (workers * 8))))
}

/**
 * Simulate in parallel over `workers` threads (default: all cores), reporting pairs done, pairs/s and time left,
 * then write `outPath` atomically. Cancelling terminates the workers and writes nothing.
 */
export async function runSimulation(input: SimulationConfig, outPath: string, ctx: JobContext, workers = availableParallelism()): Promise<DatasetSummary> {
  const cfg = SimulationConfig.parse(input)
  await checkTarget(outPath) // refuse a folder before simulating, not after
  const plan = planSimulation(cfg) // validates before any thread starts
  const ds = emptyDataset(cfg, plan)
  const size = chunkSize(cfg, workers)
  const nWorkers = Math.max(1, Math.min(workers, Math.ceil(cfg.pairs / size)))
  const started = Date.now()
  let next = 0
  let done = 0
  const threads: Worker[] = []
  let onAbort = (): void => {}
  ctx.progress({ done: 0, total: cfg.pairs, unit: 'pairs', message: `simulating on ${nWorkers} thread(s)` })
  try {
    await new Promise<void>((resolve, reject) => {
      if (ctx.signal.aborted) return reject(new CancelledError())
      onAbort = () => reject(new CancelledError())
      ctx.signal.addEventListener('abort', onAbort, { once: true })
      let finished = 0
      const feed = (w: Worker): void => {
        if (next >= cfg.pairs) {
          w.postMessage({ type: 'stop' } satisfies SimulateRequest)
          if (++finished === nWorkers) resolve()
          return
        }
        const count = Math.min(size, cfg.pairs - next)
        w.postMessage({ type: 'chunk', first: next, count } satisfies SimulateRequest)
        next += count
      }
      for (let i = 0; i < nWorkers; i++) {
        const w = startWorker('simulate', { config: cfg })
        threads.push(w)
        w.on('message', (m: SimulateReply) => {
          if (m.type === 'error') return reject(new Error(`simulation worker: ${m.message}`))
          placeChunk(ds, m.chunk)
          done += m.chunk.count
          const seconds = (Date.now() - started) / 1000
          ctx.progress({
            done, total: cfg.pairs, unit: 'pairs',
            etaSeconds: etaSeconds(started, done, cfg.pairs),
            metrics: { pairsPerSecond: seconds > 0 ? done / seconds : 0 }
          })
          feed(w)
        })
        w.on('error', reject)
        w.on('exit', (code) => {
          if (code !== 0 && done < cfg.pairs && !ctx.signal.aborted) reject(new Error(`simulation worker exited with code ${code}`))
        })
        feed(w)
      }
    })
  } finally {
    ctx.signal.removeEventListener('abort', onAbort)
    await Promise.all(threads.map((w) => w.terminate()))
  }
  throwIfCancelled(ctx.signal)
  ctx.progress({ done: cfg.pairs, total: cfg.pairs, unit: 'pairs', etaSeconds: 0, message: `writing ${outPath}` })
  await writeDataset(outPath, ds, ctx.signal)
  return summaryOf(outPath, ds, creationDate())
}
