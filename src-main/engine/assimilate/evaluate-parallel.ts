/**
 * Evaluation on every core. The worker threads (`jobs/evaluate.worker.ts`) are started once per job and share the
 * data set and the field stacks through shared memory (nothing is re-read, re-loaded or copied per worker). Without
 * waiting for this thread, they sample the bank's and the truths' fields into the shared stacks (members split
 * between them), meet at a barrier, compute the bank's mean field (elements split between them), meet again, and
 * score the baselines of their range of queries. Meanwhile this thread, the one with the model, computes everything
 * that needs it (`learnedInputs`: logits, gathered rows), so its work hides behind theirs instead of holding them;
 * then each worker scores the learned reconstructions and calibration terms of its queries. Every query's
 * contribution comes back and is pooled in query order, so the result has the same bits as one thread. This module
 * loads no model, no tfjs and no NetCDF reader, so neither do the workers.
 */
import { availableParallelism } from 'node:os'
import type { Worker } from 'node:worker_threads'
import type { PairedDataset } from '../data/dataset-types'
import { fieldOfPair } from '../flows/field'
import { CancelledError, UserError, type JobContext } from '../jobs/job'
import { startWorker } from '../jobs/workers'
import { baselineQueries } from './baselines'
import { gridCells, sampleInto } from './bank-fields'
import { weightedMeanInto, type FieldStack } from './grid-frames'
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
  /** The bank's mean field (uniform weights), filled by the workers between them. */
  bankMean: FieldStack
  /** control[SAMPLED], control[MEANED]: workers past each barrier; control[FAILED] = 1 releases them (a worker failed). */
  control: Int32Array
  workers: number
}
const SAMPLED = 0
const MEANED = 1
const FAILED = 2

export interface PartResult { learned: LearnedPart; baselines: QueryRows[] }
export type ToWorker =
  | { type: 'start'; bank: [number, number]; truths: [number, number]; mean: [number, number]; queries: [number, number] }
  | { type: 'learned'; from: number; to: number; inputs: LearnedInputs }
export type FromWorker =
  | { type: 'progress'; done: number }
  | { type: 'baselines'; rows: QueryRows[] }
  | { type: 'learned'; part: LearnedPart }
  | { type: 'error'; message: string; user: boolean }

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

/** Wait until every worker has passed barrier `at` (or one has failed). */
function barrier(share: EvaluationShare, at: number): void {
  const c = share.control
  Atomics.add(c, at, 1)
  Atomics.notify(c, at)
  for (let seen = Atomics.load(c, at); seen < share.workers; seen = Atomics.load(c, at)) {
    if (Atomics.load(c, FAILED)) throw new Error('another evaluation worker failed')
    Atomics.wait(c, at, seen, 50)
  }
}

/** Worker side, on its own: sample its bank members and truths, then its elements of the bank's mean field, then score its queries' baselines. */
export function startPart(share: EvaluationShare, m: Extract<ToWorker, { type: 'start' }>, ctx: JobContext): QueryRows[] {
  try {
    const { ds, plan } = share
    for (let k = m.bank[0]; k < m.bank[1]; k++) sampleInto(share.bank, k, fieldOfPair(ds, plan.bankPairs[k]!), plan.grid, plan.times)
    for (let k = m.truths[0]; k < m.truths[1]; k++) sampleInto(share.truths, k, fieldOfPair(ds, plan.testPairs[k]!), plan.grid, plan.times)
    barrier(share, SAMPLED)
    weightedMeanInto(share.bank, new Float64Array(share.bank.count).fill(1 / share.bank.count), share.bankMean, m.mean[0], m.mean[1])
    barrier(share, MEANED)
    return baselineQueries(setupOf(share), m.queries[0], m.queries[1], ctx)
  } catch (err) {
    Atomics.store(share.control, FAILED, 1)
    Atomics.notify(share.control, SAMPLED)
    Atomics.notify(share.control, MEANED)
    throw err
  }
}

const setupOf = (share: EvaluationShare) => ({ ...share.plan, ds: share.ds, bank: share.bank, truths: share.truths, bankMean: share.bankMean })

/** Worker side: the learned scores of queries [from, to). */
export function learnedPart(share: EvaluationShare, m: Extract<ToWorker, { type: 'learned' }>, ctx: JobContext): LearnedPart {
  return evaluateLearnedPart(setupOf(share), m.inputs, 'learned', m.from, m.to, ctx)
}

const split = (n: number, parts: number, k: number): [number, number] => [Math.round((k * n) / parts), Math.round(((k + 1) * n) / parts)]

/**
 * Score every query of `plan` in `workers` threads; the parts come back in query order. `modelPart` runs here while
 * the workers sample the fields and score the baselines, and gives the model's inputs to the learned scores.
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
    truths: sharedStack(queries, plan.times.length, cells),
    bankMean: sharedStack(1, plan.times.length, cells),
    control: new Int32Array(new SharedArrayBuffer(3 * 4)),
    workers: n
  }
  const threads: Worker[] = []
  const done = new Array<number>(n).fill(0)
  let onAbort = (): void => {}
  try {
    return await new Promise<PartResult[]>((resolve, reject) => {
      if (ctx.signal.aborted) return reject(new CancelledError())
      onAbort = () => reject(new CancelledError())
      ctx.signal.addEventListener('abort', onAbort, { once: true })
      const baselines = new Array<QueryRows[] | undefined>(n)
      const learned = new Array<LearnedPart | undefined>(n)
      let finished = 0
      const fail = (err: Error) => {
        Atomics.store(share.control, FAILED, 1)
        reject(err)
      }
      ctx.progress({ done: 0, total: 2 * queries, unit: 'query scores', message: `sampling ${plan.bankPairs.length} bank fields in ${n} workers` })
      for (let k = 0; k < n; k++) {
        const w = startWorker('evaluate', share)
        threads.push(w)
        w.on('message', (m: FromWorker) => {
          if (m.type === 'progress') {
            done[k] = m.done
            ctx.progress({ done: done.reduce((a, b) => a + b, 0), total: 2 * queries, unit: 'query scores', message: `${n} workers` })
          } else if (m.type === 'error') fail(m.user ? new UserError(m.message) : new Error(`evaluation worker: ${m.message}`))
          else {
            if (m.type === 'baselines') baselines[k] = m.rows
            else learned[k] = m.part
            if (baselines[k] && learned[k] && ++finished === n) resolve(learned.map((part, j) => ({ learned: part!, baselines: baselines[j]! })))
          }
        })
        w.on('error', fail)
        w.on('exit', (code) => {
          if (code !== 0 && !learned[k] && !ctx.signal.aborted) fail(new Error(`evaluation worker exited with code ${code}`))
        })
        const frameCells = plan.times.length * cells
        w.postMessage({ type: 'start', bank: split(plan.bankPairs.length, n, k), truths: split(queries, n, k), mean: split(frameCells, n, k), queries: split(queries, n, k) } satisfies ToWorker)
      }
      // the model's part while the workers sample and score the baselines (on their own threads, without this one)
      let inputs: LearnedInputs
      try {
        inputs = Object.fromEntries(Object.entries(modelPart()).map(([k, a]) => [k, sharedCopy(a as Float64Array)])) as unknown as LearnedInputs
      } catch (err) {
        return fail(err as Error)
      }
      threads.forEach((t, j) => {
        const [from, to] = split(queries, n, j)
        t.postMessage({ type: 'learned', from, to, inputs } satisfies ToWorker)
      })
    })
  } finally {
    ctx.signal.removeEventListener('abort', onAbort)
    Atomics.store(share.control, FAILED, 1) // releases any worker still at a barrier (cancel)
    await Promise.all(threads.map((w) => w.terminate()))
  }
}
