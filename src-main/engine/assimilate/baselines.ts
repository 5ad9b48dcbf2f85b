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


/** Bank member whose trajectory is closest in L2 to `query` (same layout, tracers × times × 2); ties: lowest index. */
export function nearestTrajectory(query: ArrayLike<number>, trajectories: ArrayLike<number>, bankPairs: ArrayLike<number>): number {
  return nearestTrajectories([query], trajectories, bankPairs)[0]!
}

/**
 * `nearestTrajectory` for several queries in one pass over the bank: each bank trajectory is compared with all of
 * them while it is in cache (the search is bound by reading the bank), with the same answers.
 */
export function nearestTrajectories(queries: ArrayLike<number>[], trajectories: ArrayLike<number>, bankPairs: ArrayLike<number>): number[] {
  const len = queries[0]?.length ?? 0
  const best = queries.map(() => 0)
  const bestDistance = queries.map(() => Infinity)
  for (let k = 0; k < bankPairs.length; k++) {
    const base = bankPairs[k]! * len
    for (let b = 0; b < queries.length; b++) {
      const query = queries[b]!
      const limit = bestDistance[b]!
      let d = 0
      for (let i = 0; i < len && d < limit; i++) d += (trajectories[base + i]! - query[i]!) ** 2
      if (d < limit) {
        bestDistance[b] = d
        best[b] = k
      }
    }
  }
  return best
}

/** Bank member with the smallest velocity mean-squared error against `truth` over all frames and cells. */
export function oracleMember(bank: FieldStack, truth: GridFrames): number {
  return oracleMembers(bank, [truth])[0]!
}

/** `oracleMember` for several truths in one pass over the bank (the same answers; the bank is read once). */
export function oracleMembers(bank: FieldStack, truths: GridFrames[]): number[] {
  const len = bank.frames * bank.cells
  const best = truths.map(() => 0)
  const bestError = truths.map(() => Infinity)
  for (let k = 0; k < bank.count; k++) {
    const s = k * len
    for (let b = 0; b < truths.length; b++) {
      const tu = truths[b]!.u, tv = truths[b]!.v
      const limit = bestError[b]!
      let e = 0
      for (let i = 0; i < len && e < limit; i++) e += (bank.u[s + i]! - tu[i]!) ** 2 + (bank.v[s + i]! - tv[i]!) ** 2
      if (e < limit) {
        bestError[b] = e
        best[b] = k
      }
    }
  }
  return best
}

/** Queries searched together against the bank (nearest trajectory, oracle). */
export const SEARCH_BLOCK = 8

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
  let nearest: number[] = []
  let oracle: number[] = []
  for (let q = from; q < to; q++) {
    throwIfCancelled(ctx.signal)
    const block = (q - from) % SEARCH_BLOCK
    if (block === 0) {
      const qs = Array.from({ length: Math.min(SEARCH_BLOCK, to - q) }, (_, b) => q + b)
      nearest = nearestTrajectories(qs.map((i) => ds.trajectories.subarray(testPairs[i]! * trajLength, (testPairs[i]! + 1) * trajLength)), ds.trajectories, bankPairs)
      oracle = oracleMembers(bank, qs.map((i) => stackMember(truths, i)))
    }
    const pair = testPairs[q]!
    const truth = stackMember(truths, q)
    const nn = nearest[block]!
    const best = oracle[block]!
    out.push([
      [{ kind: 'zero' }, queryScore(truth, zero, tracerScore(ZERO_FLOW, ds, pair))],
      [{ kind: 'train-mean' }, queryScore(truth, setup.bankMean, tracerScore(meanFlow, ds, pair))],
      [{ kind: 'nearest' }, queryScore(truth, stackMember(bank, nn), tracerScore(fieldOfPair(ds, bankPairs[nn]!), ds, pair))],
      [{ kind: 'oracle' }, queryScore(truth, stackMember(bank, best), tracerScore(fieldOfPair(ds, bankPairs[best]!), ds, pair))]
    ])
    ctx.progress({ done: q + 1 - from, total: to - from, unit: 'queries', message: 'baselines' })
  }
  return out
}
