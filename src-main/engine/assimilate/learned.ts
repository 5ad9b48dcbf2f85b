/**
 * Scores of one trained model: retrieval in both directions on the test split, and the three learned
 * reconstructions (top-1 mode, conditional mean, one conditional sample) in the RMSE table, with the ESS.
 */
import type { EssSummary, RetrievalScores, RmseRow } from '../../shared/assimilation'
import { fieldOfPair } from '../flows/field'
import { throwIfCancelled, type JobContext } from '../jobs/job'
import type { ContrastiveModel } from '../learn/index'
import { weightedFlow } from './combined-flow'
import { stackMember } from './grid-frames'
import { reconstruct, topOneField } from './reconstruction'
import { retrievalScores } from './retrieval'
import { RmseTable } from './score-table'
import { gatherRows, type EvaluationSetup } from './setup'
import { tracerScore } from './tracers'

export interface LearnedScores {
  retrieval: RetrievalScores
  rmse: RmseRow[]
  ess: EssSummary
}

/** Method names of the learned reconstructions, prefixed by the variant label. */
export function learnedMethods(label: string): { top1: string; mean: string; sample: string } {
  return { top1: `${label}: top-1 retrieval`, mean: `${label}: conditional mean`, sample: `${label}: one conditional sample` }
}

/** logits[q*nb + j] = s(u_q, v_j)/τ of the given trajectory pairs against the given potential pairs. */
export function logitsFor(model: ContrastiveModel, setup: EvaluationSetup, queries: Int32Array, bank: Int32Array): Float64Array {
  const { ds } = setup
  const zu = model.encodeTrajectories(gatherRows(ds.trajectories, queries, ds.nTracers * ds.nTimes * 2), queries.length)
  const zv = model.encodePotentials(gatherRows(ds.params, bank, ds.paramDim), bank.length)
  return model.logits(zu, queries.length, zv, bank.length)
}

/** Evaluate one model on a prepared setup; `label` names its rows (e.g. "cond/cosine"). */
export function evaluateLearned(model: ContrastiveModel, setup: EvaluationSetup, label: string, ctx: JobContext): LearnedScores {
  const { ds, testPairs, bankPairs, bank, truths, options } = setup
  const retrieval = retrievalScores(logitsFor(model, setup, testPairs, testPairs), testPairs.length)
  const logits = logitsFor(model, setup, testPairs, bankPairs)
  const names = learnedMethods(label)
  const table = new RmseTable()
  const ess = new Float64Array(testPairs.length)
  for (let q = 0; q < testPairs.length; q++) {
    throwIfCancelled(ctx.signal)
    const pair = testPairs[q]!
    const truth = stackMember(truths, q)
    const row = logits.subarray(q * bankPairs.length, (q + 1) * bankPairs.length)
    const r = reconstruct(row, bank, { samples: options.samples, seed: options.seed + q })
    ess[q] = r.ess
    const top = bankPairs[r.top1]!
    table.add(names.top1, truth, topOneField(bank, r), tracerScore(fieldOfPair(ds, top), ds, pair), r.ess)
    table.add(names.mean, truth, r.mean, tracerScore(weightedFlow(ds, bankPairs, r.weights), ds, pair), r.ess)
    const drawn = r.samples[0]!
    table.add(names.sample, truth, stackMember(bank, drawn), tracerScore(fieldOfPair(ds, bankPairs[drawn]!), ds, pair), r.ess)
    ctx.progress({ done: q + 1, total: testPairs.length, unit: 'queries', message: label })
  }
  return { retrieval, rmse: table.toRows(), ess: summarizeEss(ess) }
}

export function summarizeEss(ess: Float64Array): EssSummary {
  const sorted = Float64Array.from(ess).sort()
  const n = sorted.length
  const median = n % 2 ? sorted[n >> 1]! : (sorted[n / 2 - 1]! + sorted[n / 2]!) / 2
  return { mean: sorted.reduce((a, b) => a + b, 0) / n, median, min: sorted[0]!, max: sorted[n - 1]! }
}
