/**
 * Evaluation on every core. The worker threads (`jobs/evaluate.worker.ts`) are started once per job and share the
 * data set and the field stacks through shared memory (nothing is re-read, re-loaded or copied per worker). Without
 * waiting for this thread, they sample the bank's and the truths' fields into the shared stacks, meet at a barrier,
 * compute the bank's mean field (elements split between them), meet again, and score the baselines. Meanwhile this
 * thread, the one with the model, computes everything that needs it (`modelPart` in learned.ts: logits, the bank's
 * statistics for the calibration, once for all workers), so its work hides behind theirs instead of holding them; then the
 * workers score the learned reconstructions and calibration terms. The members and queries are not split in fixed
 * ranges: each worker takes the next chunk from a shared counter until none is left, so a worker that is slower
 * (descheduled on a busy machine, or given the costlier queries) takes fewer and none waits for it at the end.
 * Every query's contribution comes back with its index and is pooled in query order, so the result has the same
 * bits as one thread. This module loads no model, no tfjs and no NetCDF reader, so neither do the workers.
 */
import { availableParallelism } from 'node:os'
import type { Worker } from 'node:worker_threads'
import type { PairedDataset } from '../data/dataset-types'
import { fieldOfPair } from '../flows/field'
import { CancelledError, UserError, type JobContext } from '../jobs/job'
import { startWorker } from '../jobs/workers'
import { baselineQueries, SEARCH_BLOCK } from './baselines'
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
  /**
   * control[SAMPLED], control[MEANED]: workers past each barrier; control[FAILED] = 1 releases them (a worker failed);
   * control[NEXT_*]: the first member or query not yet taken by a worker, per phase.
   */
  control: Int32Array
  workers: number
}
const SAMPLED = 0
const MEANED = 1
const FAILED = 2
const NEXT_FIELD = 3
const NEXT_BASELINE = 4
const NEXT_LEARNED = 5
const CONTROLS = 6

/** Fields sampled per take (bank members, then truths), ≈ 0.2 CPU-ms each. */
const FIELD_CHUNK = 32
/** Queries scored per take: one search block of the baselines (one pass over the bank), ≈ 20 CPU-ms per query. */
const QUERY_CHUNK = SEARCH_BLOCK

/** Chunks of [0, n) taken from the shared counter `at` until none is left: the taker's ranges, in increasing order. */
function* chunksOf(control: Int32Array, at: number, n: number, size: number): Generator<[number, number]> {
  for (let from = Atomics.add(control, at, size); from < n; from = Atomics.add(control, at, size)) yield [from, Math.min(n, from + size)]
}

/** What all workers scored, in query order (the same bits as one thread's pass over every query). */
export interface PooledResult { learned: LearnedPart[]; baselines: QueryRows[] }
export type ToWorker =
  | { type: 'start'; mean: [number, number] }
  | { type: 'learned'; inputs: LearnedInputs }
/** A worker's parts, each with its first query. */
export type FromWorker =
  | { type: 'progress'; done: number }
  | { type: 'baselines'; parts: { from: number; rows: QueryRows[] }[] }
  | { type: 'learned'; parts: { from: number; part: LearnedPart }[] }
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

/**
 * Worker side, on its own: sample fields (bank members, then truths) chunk by chunk, then its elements of the bank's
 * mean field, then score the baselines of query chunks until none is left.
 */
export function startPart(share: EvaluationShare, m: Extract<ToWorker, { type: 'start' }>, ctx: JobContext): { from: number; rows: QueryRows[] }[] {
  try {
    const { ds, plan } = share
    const nb = plan.bankPairs.length
    for (const [from, to] of chunksOf(share.control, NEXT_FIELD, nb + plan.testPairs.length, FIELD_CHUNK))
      for (let k = from; k < to; k++) {
        if (k < nb) sampleInto(share.bank, k, fieldOfPair(ds, plan.bankPairs[k]!), plan.grid, plan.times)
        else sampleInto(share.truths, k - nb, fieldOfPair(ds, plan.testPairs[k - nb]!), plan.grid, plan.times)
      }
    barrier(share, SAMPLED)
    weightedMeanInto(share.bank, new Float64Array(share.bank.count).fill(1 / share.bank.count), share.bankMean, m.mean[0], m.mean[1])
    barrier(share, MEANED)
    const setup = setupOf(share)
    const parts: { from: number; rows: QueryRows[] }[] = []
    for (const [from, to] of chunksOf(share.control, NEXT_BASELINE, plan.testPairs.length, QUERY_CHUNK)) parts.push({ from, rows: baselineQueries(setup, from, to, ctx) })
    return parts
  } catch (err) {
    Atomics.store(share.control, FAILED, 1)
    Atomics.notify(share.control, SAMPLED)
    Atomics.notify(share.control, MEANED)
    throw err
  }
}

const setupOf = (share: EvaluationShare) => ({ ...share.plan, ds: share.ds, bank: share.bank, truths: share.truths, bankMean: share.bankMean })

/** Worker side: the learned scores of query chunks until none is left. */
export function learnedPart(share: EvaluationShare, m: Extract<ToWorker, { type: 'learned' }>, ctx: JobContext): { from: number; part: LearnedPart }[] {
  const setup = setupOf(share)
  const parts: { from: number; part: LearnedPart }[] = []
  for (const [from, to] of chunksOf(share.control, NEXT_LEARNED, share.plan.testPairs.length, QUERY_CHUNK)) parts.push({ from, part: evaluateLearnedPart(setup, m.inputs, 'learned', from, to, ctx) })
  return parts
}

/** Parts of every worker in query order. */
const inOrder = <T extends { from: number }>(parts: T[][]): T[] => parts.flat().sort((a, b) => a.from - b.from)

const split = (n: number, parts: number, k: number): [number, number] => [Math.round((k * n) / parts), Math.round(((k + 1) * n) / parts)]

/**
 * Score every query of `plan` in `workers` threads, pooled in query order. `modelPart` runs here while the workers
 * sample the fields and score the baselines, and gives the model's inputs to the learned scores; `shared` allocates
 * its large arrays where the workers can read them without a copy.
 */
export async function evaluateInWorkers(plan: EvaluationPlan, workers: number, ctx: JobContext, modelPart: (shared: (n: number) => Float64Array) => LearnedInputs): Promise<PooledResult> {
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
    control: new Int32Array(new SharedArrayBuffer(CONTROLS * 4)),
    workers: n
  }
  const threads: Worker[] = []
  const done = new Array<number>(n).fill(0)
  let onAbort = (): void => {}
  try {
    return await new Promise<PooledResult>((resolve, reject) => {
      if (ctx.signal.aborted) return reject(new CancelledError())
      onAbort = () => reject(new CancelledError())
      ctx.signal.addEventListener('abort', onAbort, { once: true })
      const baselines = new Array<{ from: number; rows: QueryRows[] }[] | undefined>(n)
      const learned = new Array<{ from: number; part: LearnedPart }[] | undefined>(n)
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
            if (m.type === 'baselines') baselines[k] = m.parts
            else learned[k] = m.parts
            if (baselines[k] && learned[k] && ++finished === n)
              resolve({ learned: inOrder(learned as { from: number; part: LearnedPart }[][]).map((p) => p.part), baselines: inOrder(baselines as { from: number; rows: QueryRows[] }[][]).flatMap((p) => p.rows) })
          }
        })
        w.on('error', fail)
        w.on('exit', (code) => {
          if (code !== 0 && !learned[k] && !ctx.signal.aborted) fail(new Error(`evaluation worker exited with code ${code}`))
        })
        const frameCells = plan.times.length * cells
        w.postMessage({ type: 'start', mean: split(frameCells, n, k) } satisfies ToWorker)
      }
      // the model's part while the workers sample and score the baselines (on their own threads, without this one)
      let inputs: LearnedInputs
      try {
        const own = modelPart((size) => new Float64Array(new SharedArrayBuffer(size * Float64Array.BYTES_PER_ELEMENT)))
        inputs = { ...own, trajToBank: sharedCopy(own.trajToBank), bankToPot: sharedCopy(own.bankToPot), testParams: sharedCopy(own.testParams), testTrajectories: sharedCopy(own.testTrajectories) }
      } catch (err) {
        return fail(err as Error)
      }
      for (const t of threads) t.postMessage({ type: 'learned', inputs } satisfies ToWorker)
    })
  } finally {
    ctx.signal.removeEventListener('abort', onAbort)
    Atomics.store(share.control, FAILED, 1) // releases any worker still at a barrier (cancel)
    await Promise.all(threads.map((w) => w.terminate()))
  }
}
