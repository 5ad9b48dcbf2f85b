/**
 * Evaluation on every core: the test queries are split into contiguous ranges, one worker thread each
 * (`jobs/evaluate.worker.ts`). Each worker reads the data set and the model, samples the bank's fields and scores its
 * queries (learned reconstructions, calibration terms, baselines); the first also scores retrieval. Every query's
 * contribution is returned and pooled here in query order, so the result has the same bits as one thread.
 */
import { availableParallelism } from 'node:os'
import type { Worker } from 'node:worker_threads'
import type { RetrievalScores, RmseRow } from '../../shared/assimilation'
import { CancelledError, UserError, type JobContext } from '../jobs/job'
import { startWorker } from '../jobs/workers'
import { baselineQueries } from './baselines'
import { cachedDataset, cachedModel } from './cache'
import { evaluateLearnedPart, learnedScores, logitsFor, type LearnedPart, type LearnedScores } from './learned'
import { retrievalScores } from './retrieval'
import { RmseTable, type QueryRows } from './score-table'
import { prepareEvaluation, type EvaluationOptions, type EvaluationPlan } from './setup'

/** Fewer queries per worker than this and its start-up (modules, tfjs, reading the data set, the bank fields: 2–5 CPU-s, ~35 queries) eats the gain. */
const MIN_QUERIES_PER_WORKER = 50

/** Worker threads worth using for an evaluation: all cores, fewer for small ones. */
export function evaluationWorkers(plan: EvaluationPlan, cores = availableParallelism()): number {
  return Math.max(1, Math.min(cores, Math.floor(plan.testPairs.length / MIN_QUERIES_PER_WORKER)))
}

export interface PartRequest { modelDir: string; datasetPath: string; options: EvaluationOptions; from: number; to: number; retrieval: boolean }
export interface PartResult { learned: LearnedPart; baselines: QueryRows[]; retrieval?: RetrievalScores }
export type PartReply = { type: 'progress'; done: number } | { type: 'part'; part: PartResult } | { type: 'error'; message: string; user: boolean }

/** One worker's share: test queries [from, to) of the evaluation (and retrieval over all queries if asked). */
export async function evaluatePart(req: PartRequest, ctx: JobContext): Promise<PartResult> {
  const ds = await cachedDataset(req.datasetPath)
  const model = await cachedModel(req.modelDir, ds, req.datasetPath)
  const setup = prepareEvaluation(ds, req.options, ctx)
  const learned = evaluateLearnedPart(model, setup, 'learned', req.from, req.to, ctx)
  const baselines = baselineQueries(setup, req.from, req.to, ctx)
  const retrieval = req.retrieval ? retrievalScores(logitsFor(model, ds, setup.testPairs, setup.testPairs), setup.testPairs.length) : undefined
  return { learned, baselines, ...(retrieval ? { retrieval } : {}) }
}

/** Split `queries` between `workers` threads and pool their parts in query order. */
export async function evaluateInWorkers(req: Omit<PartRequest, 'from' | 'to' | 'retrieval'>, queries: number, workers: number, ctx: JobContext): Promise<{ learned: LearnedScores; baselines: RmseRow[] }> {
  const n = Math.max(1, Math.min(workers, queries))
  const bounds = Array.from({ length: n + 1 }, (_, k) => Math.round((k * queries) / n))
  const threads: Worker[] = []
  const done = new Array<number>(n).fill(0)
  let onAbort = (): void => {}
  try {
    const parts = await new Promise<PartResult[]>((resolve, reject) => {
      if (ctx.signal.aborted) return reject(new CancelledError())
      onAbort = () => reject(new CancelledError())
      ctx.signal.addEventListener('abort', onAbort, { once: true })
      const results = new Array<PartResult | undefined>(n)
      let finished = 0
      for (let k = 0; k < n; k++) {
        const part: PartRequest = { ...req, from: bounds[k]!, to: bounds[k + 1]!, retrieval: k === 0 }
        const w = startWorker('evaluate', part)
        threads.push(w)
        w.on('message', (m: PartReply) => {
          if (m.type === 'progress') {
            done[k] = m.done
            ctx.progress({ done: done.reduce((a, b) => a + b, 0), total: 2 * queries, unit: 'query scores', message: `${n} workers` })
          } else if (m.type === 'error') reject(m.user ? new UserError(m.message) : new Error(`evaluation worker: ${m.message}`))
          else {
            results[k] = m.part
            if (++finished === n) resolve(results as PartResult[])
          }
        })
        w.on('error', reject)
        w.on('exit', (code) => {
          if (code !== 0 && !results[k] && !ctx.signal.aborted) reject(new Error(`evaluation worker exited with code ${code}`))
        })
      }
    })
    const retrieval = parts[0]!.retrieval!
    return {
      learned: learnedScores(retrieval, parts.map((p) => p.learned)),
      baselines: new RmseTable().addAll(parts.flatMap((p) => p.baselines)).toRows()
    }
  } finally {
    ctx.signal.removeEventListener('abort', onAbort)
    await Promise.all(threads.map((w) => w.terminate()))
  }
}
