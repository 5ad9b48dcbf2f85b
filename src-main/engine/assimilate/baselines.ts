/**
 * Baselines in the same RMSE table as the learned methods, so users see what learning buys: climatology
 * (zero field; mean field of the train bank), nearest neighbour in raw trajectory space (no learning), and
 * the oracle (the bank potential closest to the truth in velocity RMSE — the best any bank-based method can do).
 */
import type { RmseRow } from '../../shared/assimilation'
import { fieldOfPair } from '../flows/field'
import { throwIfCancelled, type JobContext } from '../jobs/job'
import { stackMember, type FieldStack, type GridFrames } from './grid-frames'
import { weightedFlow, ZERO_FLOW } from './combined-flow'
import { queryScore, RmseTable, type QueryRows } from './score-table'
import type { EvaluationSetup } from './setup'
import { tracerScore } from './tracers'
import { emptyStack } from './grid-frames'

export const BASELINE = {
  zero: 'baseline: zero field',
  mean: 'baseline: train-mean field',
  nearest: 'baseline: nearest trajectory (raw L2)',
  oracle: 'baseline: oracle (best in bank)'
} as const

/** Bank member whose trajectory is closest in L2 to `query` (same layout, tracers × times × 2); ties: lowest index. */
export function nearestTrajectory(query: ArrayLike<number>, trajectories: ArrayLike<number>, bankPairs: ArrayLike<number>): number {
  const len = query.length
  let best = 0
  let bestDistance = Infinity
  for (let k = 0; k < bankPairs.length; k++) {
    const base = bankPairs[k]! * len
    let d = 0
    for (let i = 0; i < len && d < bestDistance; i++) d += (trajectories[base + i]! - query[i]!) ** 2
    if (d < bestDistance) {
      bestDistance = d
      best = k
    }
  }
  return best
}

/** Bank member with the smallest velocity mean-squared error against `truth` over all frames and cells. */
export function oracleMember(bank: FieldStack, truth: GridFrames): number {
  const len = bank.frames * bank.cells
  let best = 0
  let bestError = Infinity
  for (let k = 0; k < bank.count; k++) {
    const s = k * len
    let e = 0
    for (let i = 0; i < len && e < bestError; i++) e += (bank.u[s + i]! - truth.u[i]!) ** 2 + (bank.v[s + i]! - truth.v[i]!) ** 2
    if (e < bestError) {
      bestError = e
      best = k
    }
  }
  return best
}

/** Score all four baselines on every test query of the setup. */
export function evaluateBaselines(setup: EvaluationSetup, ctx: JobContext): RmseRow[] {
  return new RmseTable().addAll(baselineQueries(setup, 0, setup.testPairs.length, ctx)).toRows()
}

/** The four baselines' scores for test queries [from, to) of the setup, query by query. */
export function baselineQueries(setup: EvaluationSetup, from: number, to: number, ctx: JobContext): QueryRows[] {
  const { ds, bank, bankPairs, testPairs, truths } = setup
  const out: QueryRows[] = []
  const zero = emptyStack(1, bank.frames, bank.cells)
  const uniform = new Float64Array(bank.count).fill(1 / bank.count)
  const meanFlow = weightedFlow(ds, bankPairs, uniform)
  const trajLength = ds.nTracers * ds.nTimes * 2
  for (let q = from; q < to; q++) {
    throwIfCancelled(ctx.signal)
    const pair = testPairs[q]!
    const truth = stackMember(truths, q)
    const query = ds.trajectories.subarray(pair * trajLength, (pair + 1) * trajLength)
    const nn = nearestTrajectory(query, ds.trajectories, bankPairs)
    const best = oracleMember(bank, truth)
    out.push([
      [BASELINE.zero, queryScore(truth, zero, tracerScore(ZERO_FLOW, ds, pair))],
      [BASELINE.mean, queryScore(truth, setup.bankMean, tracerScore(meanFlow, ds, pair))],
      [BASELINE.nearest, queryScore(truth, stackMember(bank, nn), tracerScore(fieldOfPair(ds, bankPairs[nn]!), ds, pair))],
      [BASELINE.oracle, queryScore(truth, stackMember(bank, best), tracerScore(fieldOfPair(ds, bankPairs[best]!), ds, pair))]
    ])
    ctx.progress({ done: q + 1 - from, total: to - from, unit: 'queries', message: 'baselines' })
  }
  return out
}
