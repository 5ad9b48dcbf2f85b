/**
 * Scores of one trained model: retrieval in both directions on the test split, and the three learned
 * reconstructions (top-1 mode, conditional mean, one conditional sample) in the RMSE table, with the ESS.
 */
import type { Calibration, EssSummary, RetrievalScores, RmseRow } from '../../shared/assimilation'
import type { PairedDataset } from '../data/dataset-types'
import { fieldOfPair } from '../flows/field'
import { throwIfCancelled, type JobContext } from '../jobs/job'
import type { ContrastiveModel } from '../learn/index'
import { calibrationTerms, summarizeCalibration } from './calibration'
import { weightedFlow } from './combined-flow'
import { emptyStack, stackMember } from './grid-frames'
import { sampleInto } from './bank-fields'
import { reconstruct, topOneField } from './reconstruction'
import { retrievalScores } from './retrieval'
import { queryScore, RmseTable, type QueryRows } from './score-table'
import { gatherRows, type EvaluationSetup } from './setup'
import { tracerScore } from './tracers'

export interface LearnedScores {
  retrieval: RetrievalScores
  rmse: RmseRow[]
  ess: EssSummary
  calibration: Calibration
}

/** logits[q*nb + j] = s(u_q, v_j)/τ of the given trajectory pairs against the given potential pairs. */
export function logitsFor(model: ContrastiveModel, ds: PairedDataset, queries: ArrayLike<number>, bank: ArrayLike<number>): Float64Array {
  const zu = model.encodeTrajectories(gatherRows(ds.trajectories, queries, ds.nTracers * ds.nTimes * 2), queries.length)
  const zv = model.encodePotentials(gatherRows(ds.params, bank, ds.paramDim), bank.length)
  return model.logits(zu, queries.length, zv, bank.length)
}

/** The per-query part of a learned evaluation for queries [from, to): score rows, ESS, calibration terms (both directions). */
export interface LearnedPart { queries: QueryRows[]; ess: Float64Array; potentialTerms: Float64Array; trajectoryTerms: Float64Array }

/** Evaluate one model on a prepared setup; `label` names its rows (e.g. "cond/cosine"). */
export function evaluateLearned(model: ContrastiveModel, setup: EvaluationSetup, label: string, ctx: JobContext): LearnedScores {
  const { ds, testPairs } = setup
  const retrieval = retrievalScores(logitsFor(model, ds, testPairs, testPairs), testPairs.length)
  return learnedScores(retrieval, [evaluateLearnedPart(model, setup, label, 0, testPairs.length, ctx)])
}

/** The scores from the retrieval and the parts of all queries, in query order (the same bits however they were split). */
export function learnedScores(retrieval: RetrievalScores, parts: LearnedPart[]): LearnedScores {
  const joined = (key: 'ess' | 'potentialTerms' | 'trajectoryTerms') => Float64Array.from(parts.flatMap((p) => Array.from(p[key])))
  return {
    retrieval,
    rmse: new RmseTable().addAll(parts.flatMap((p) => p.queries)).toRows(),
    ess: summarizeEss(joined('ess')),
    calibration: { potentialGivenTrajectory: summarizeCalibration(joined('potentialTerms')), trajectoryGivenPotential: summarizeCalibration(joined('trajectoryTerms')) }
  }
}

/** Test queries [from, to) of the setup: the three learned reconstructions scored, their ESS and calibration terms. */
export function evaluateLearnedPart(model: ContrastiveModel, setup: EvaluationSetup, label: string, from: number, to: number, ctx: JobContext): LearnedPart {
  const { ds, bankPairs, bank, truths, options } = setup
  const testPairs = setup.testPairs.subarray(from, to)
  const logits = logitsFor(model, ds, testPairs, bankPairs)
  const queries: QueryRows[] = []
  const ess = new Float64Array(testPairs.length)
  // the Fourier fields are linear in the coefficients: the mean field is the field of the mean coefficients
  const linear = ds.flow === 'fourier'
    ? (w: Float64Array) => {
        const m = emptyStack(1, bank.frames, bank.cells, bank.vorticity !== undefined)
        sampleInto(m, 0, weightedFlow(ds, bankPairs, w), setup.grid, setup.times)
        return m
      }
    : undefined
  for (let i = 0; i < testPairs.length; i++) {
    throwIfCancelled(ctx.signal)
    const q = from + i
    const pair = testPairs[i]!
    const truth = stackMember(truths, q)
    const row = logits.subarray(i * bankPairs.length, (i + 1) * bankPairs.length)
    const r = reconstruct(row, bank, { samples: options.samples, seed: options.seed + q, ...(linear ? { meanOf: linear } : {}) })
    ess[i] = r.ess
    const top = bankPairs[r.top1]!
    const drawn = r.samples[0]!
    queries.push([
      [{ kind: 'top1', variant: label }, queryScore(truth, topOneField(bank, r), tracerScore(fieldOfPair(ds, top), ds, pair), r.ess)],
      [{ kind: 'mean', variant: label }, queryScore(truth, r.mean, tracerScore(weightedFlow(ds, bankPairs, r.weights), ds, pair), r.ess)],
      [{ kind: 'sample', variant: label }, queryScore(truth, stackMember(bank, drawn), tracerScore(fieldOfPair(ds, bankPairs[drawn]!), ds, pair), r.ess)]
    ])
    ctx.progress({ done: i + 1, total: testPairs.length, unit: 'queries', message: label })
  }
  return { queries, ess, ...calibrationPart(model, setup, logits, from, to) }
}

/**
 * Calibration terms in both directions for test queries [from, to): v|u (potential coefficients given a test
 * trajectory, over the bank's potentials) and u|v (trajectory given a test potential, over the bank's trajectories).
 */
function calibrationPart(model: ContrastiveModel, setup: EvaluationSetup, trajToBank: Float64Array, from: number, to: number): { potentialTerms: Float64Array; trajectoryTerms: Float64Array } {
  const { ds, bankPairs } = setup
  const testPairs = setup.testPairs.subarray(from, to)
  const nq = testPairs.length
  const nb = bankPairs.length
  const trajLength = ds.nTracers * ds.nTimes * 2
  const potentialTerms = calibrationTerms({
    logits: trajToBank, queries: nq, bankSize: nb, strideQ: nb, strideJ: 1,
    bank: gatherRows(ds.params, bankPairs, ds.paramDim), truths: gatherRows(ds.params, testPairs, ds.paramDim), dim: ds.paramDim
  })
  // bank trajectories (rows) × test potentials (columns): the u|v softmax runs down a column
  const bankToPot = logitsFor(model, ds, bankPairs, testPairs)
  const trajectoryTerms = calibrationTerms({
    logits: bankToPot, queries: nq, bankSize: nb, strideQ: 1, strideJ: nq,
    bank: gatherRows(ds.trajectories, bankPairs, trajLength), truths: gatherRows(ds.trajectories, testPairs, trajLength), dim: trajLength
  })
  return { potentialTerms, trajectoryTerms }
}

export function summarizeEss(ess: Float64Array): EssSummary {
  const sorted = Float64Array.from(ess).sort()
  const n = sorted.length
  const median = n % 2 ? sorted[n >> 1]! : (sorted[n / 2 - 1]! + sorted[n / 2]!) / 2
  return { mean: sorted.reduce((a, b) => a + b, 0) / n, median, min: sorted[0]!, max: sorted[n - 1]! }
}
