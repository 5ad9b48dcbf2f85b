/**
 * Evaluation on every core. The worker threads (`jobs/evaluate.worker.ts`) are started once per job and share the
 * data set and the field stacks through shared memory (nothing is re-read, re-loaded or copied per worker). They
 * first sample the bank's and the truths' fields into the shared stacks (members split between them) while this
 * thread, the one with the model, computes everything that needs it (`learnedInputs`: logits, gathered rows); then
 * each scores a contiguous range of queries (learned reconstructions, calibration terms, baselines) and sends every
 * query's contribution back; pooled in query order, the result has the same bits as one thread. This module loads
 * no model, no tfjs and no NetCDF reader, so neither do the workers.
 */
import { availableParallelism } from 'node:os'
import type { Worker } from 'node:worker_threads'
import type { PairedDataset } from '../data/dataset-types'
import { fieldOfPair } from '../flows/field'
import { CancelledError, UserError, type JobContext } from '../jobs/job'
import { startWorker } from '../jobs/workers'
import { baselineQueries } from './baselines'
import { gridCells, sampleInto } from './bank-fields'
import { weightedMean, type FieldStack, type GridFrames } from './grid-frames'
import { evaluateLearnedPart, type LearnedInputs, type LearnedPart } from './learned'
import type { QueryRows } from './score-table'
import type { EvaluationPlan } from './setup'

/** Fewer queries per worker than this and its start-up and the split bank passes outweigh the gain (≈ 0.1 CPU-s per query). */
const MIN_QUERIES_PER_WORKER = 16

/** Worker threads worth using for an evaluation: all cores, fewer for small ones. */
export function evaluationWorkers(plan: EvaluationPlan, cores = availableParallelism()): number {
  return Math.max(1, Math.min(cores, Math.floor(plan.testPairs.length / MIN_QUERIES_PER_WORKER)))
}

/** What every worker receives once (typed arrays on shared memory are shared, not copied). */
export interface EvaluationShare {
  plan: Omit<EvaluationPlan, 'ds'>
  ds: PairedDataset
  bank: FieldStack
  truths: FieldStack
}
export interface PartResult { learned: LearnedPart; baselines: QueryRows[] }
export type ToWorker =
  | { type: 'sample'; bank: [number, number]; truths: [number, number] }
  | { type: 'score'; from: number; to: number; bankMean: GridFrames; inputs: LearnedInputs }
export type FromWorker = { type: 'sampled' } | { type: 'progress'; done: number } | { type: 'part'; part: PartResult } | { type: 'error'; message: string; user: boolean }

function sharedCopy(a: Float64Array): Float64Array {
  if (a.buffer instanceof SharedArrayBuffer) return a
  const out = new Float64Array(new SharedArrayBuffer(a.byteLength))
  out.set(a)
  return out
}

function sharedStack(count: number, frames: number, cells: number): FieldStack {
  const n = count * frames * cells
  const f = () => new Float64Array(new SharedArrayBuffer(n * Float64Array.BYTES_PER_ELEMENT))
  return { count, frames, cells, u: f(), v: f(), psi: f() }
}

/** Worker side: sample bank members and truths [from, to) into the shared stacks (the bits of `samplePairs`). */
export function sampleMembers(share: EvaluationShare, m: Extract<ToWorker, { type: 'sample' }>): void {
  const { ds, plan } = share
  for (let k = m.bank[0]; k < m.bank[1]; k++) sampleInto(share.bank, k, fieldOfPair(ds, plan.bankPairs[k]!), plan.grid, plan.times)
  for (let k = m.truths[0]; k < m.truths[1]; k++) sampleInto(share.truths, k, fieldOfPair(ds, plan.testPairs[k]!), plan.grid, plan.times)
}

/** Worker side: the learned and baseline scores of queries [from, to). */
export function scorePart(share: EvaluationShare, m: Extract<ToWorker, { type: 'score' }>, ctx: JobContext): PartResult {
  const setup = { ...share.plan, ds: share.ds, bank: share.bank, truths: share.truths, bankMean: m.bankMean }
  return { learned: evaluateLearnedPart(setup, m.inputs, 'learned', m.from, m.to, ctx), baselines: baselineQueries(setup, m.from, m.to, ctx) }
}

const split = (n: number, parts: number, k: number): [number, number] => [Math.round((k * n) / parts), Math.round(((k + 1) * n) / parts)]

/**
 * Score every query of `plan` in `workers` threads; the parts come back in query order. `modelPart` runs here while
 * the workers sample the fields, and gives the model's inputs to the scoring.
 */
export async function evaluateInWorkers(plan: EvaluationPlan, workers: number, ctx: JobContext, modelPart: () => LearnedInputs): Promise<PartResult[]> {
  const { ds, ...rest } = plan
  const queries = plan.testPairs.length
  const n = Math.max(1, Math.min(workers, queries))
  const cells = gridCells(plan.grid)
  // the data set's large arrays are copied once into shared memory (the cached data set itself stays ordinary
  // memory: results built from it may cross to the renderer, which cannot receive shared memory)
  const share: EvaluationShare = {
    plan: rest,
    ds: { ...ds, trajectories: sharedCopy(ds.trajectories), params: sharedCopy(ds.params), ...(ds.vortexTracks ? { vortexTracks: sharedCopy(ds.vortexTracks) } : {}) },
    bank: sharedStack(plan.bankPairs.length, plan.times.length, cells),
    truths: sharedStack(queries, plan.times.length, cells)
  }
  const threads: Worker[] = []
  const done = new Array<number>(n).fill(0)
  let onAbort = (): void => {}
  try {
    return await new Promise<PartResult[]>((resolve, reject) => {
      if (ctx.signal.aborted) return reject(new CancelledError())
      onAbort = () => reject(new CancelledError())
      ctx.signal.addEventListener('abort', onAbort, { once: true })
      const results = new Array<PartResult | undefined>(n)
      let sampled = 0
      let finished = 0
      let inputs: LearnedInputs | undefined
      const score = (): void => {
        // every field is in place and the model's part is done: the climatology, then the queries
        const bankMean = weightedMean(share.bank, new Float64Array(share.bank.count).fill(1 / share.bank.count))
        threads.forEach((t, j) => {
          const [from, to] = split(queries, n, j)
          t.postMessage({ type: 'score', from, to, bankMean, inputs: inputs! } satisfies ToWorker)
        })
      }
      ctx.progress({ done: 0, total: 2 * queries, unit: 'query scores', message: `sampling ${plan.bankPairs.length} bank fields in ${n} workers` })
      for (let k = 0; k < n; k++) {
        const w = startWorker('evaluate', share)
        threads.push(w)
        w.on('message', (m: FromWorker) => {
          if (m.type === 'sampled') {
            if (++sampled === n && inputs) score()
          } else if (m.type === 'progress') {
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
        w.postMessage({ type: 'sample', bank: split(plan.bankPairs.length, n, k), truths: split(queries, n, k) } satisfies ToWorker)
      }
      // the model's part while the workers sample (they start and sample on their own threads)
      try {
        inputs = Object.fromEntries(Object.entries(modelPart()).map(([k, a]) => [k, sharedCopy(a as Float64Array)])) as unknown as LearnedInputs
      } catch (err) {
        return reject(err)
      }
      if (sampled === n) score()
    })
  } finally {
    ctx.signal.removeEventListener('abort', onAbort)
    await Promise.all(threads.map((w) => w.terminate()))
  }
}
