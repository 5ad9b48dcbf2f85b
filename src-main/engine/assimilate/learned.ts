/**
 * Scores of one trained model: retrieval in both directions on the test split, and the three learned
 * reconstructions (top-1 mode, conditional mean, one conditional sample) in the RMSE table, with the ESS.
 */
import type { Calibration, EssSummary, RetrievalScores, RmseRow } from '../../shared/assimilation'
import type { PairedDataset } from '../data/dataset-types'
import { fieldOfPair } from '../flows/field'
import { throwIfCancelled, type JobContext } from '../jobs/job'
import type { ContrastiveModel } from '../learn/index'
import { bankStatistics, calibrationTerms, summarizeCalibration, type BankStatistics } from './calibration'
import { weightedFlow } from './combined-flow'
import { emptyStack, stackMember } from './grid-frames'
import { sampleInto } from './bank-fields'
import { reconstruct, topOneField } from './reconstruction'
import { retrievalScores } from './retrieval'
import { queryScore, RmseTable, type QueryRows } from './score-table'
import { gatherRows, type EvaluationPlan, type EvaluationSetup } from './setup'
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
  const { retrieval, inputs } = modelPart(model, setup)
  return learnedScores(retrieval, [evaluateLearnedPart(setup, inputs, label, 0, setup.testPairs.length, ctx)])
}

/**
 * What the per-query part needs from the model, for all test queries of a setup: the logits of the queries'
 * trajectories against the bank's potentials (queries × bank) and of the bank's trajectories against the queries'
 * potentials (bank × queries), the queries' true vectors and the statistics of the bank's vectors that the
 * calibration averages (`bankStatistics`). Computed once (one thread, the one with the model), so the queries can
 * then be scored anywhere, model-free, with the same bits. `alloc` places the bank statistics (e.g. shared memory).
 */
export interface LearnedInputs {
  trajToBank: Float64Array
  bankToPot: Float64Array
  testParams: Float64Array
  testTrajectories: Float64Array
  potentialBank: BankStatistics
  trajectoryBank: BankStatistics
}

/**
 * Everything an evaluation needs from the model, for all test queries of a setup: the retrieval scores (test
 * trajectories against test potentials) and the per-query part's `LearnedInputs`, from one encoding of each side's
 * rows (what `logitsFor` does per pair of sides: the same calls, the same bits).
 */
export function modelPart(model: ContrastiveModel, setup: EvaluationPlan, alloc?: (n: number) => Float64Array): { retrieval: RetrievalScores; inputs: LearnedInputs } {
  const { ds, testPairs, bankPairs } = setup
  const trajLength = ds.nTracers * ds.nTimes * 2
  const nb = bankPairs.length, nq = testPairs.length
  const bankTrajectories = gatherRows(ds.trajectories, bankPairs, trajLength)
  const bankParams = gatherRows(ds.params, bankPairs, ds.paramDim)
  const testTrajectories = gatherRows(ds.trajectories, testPairs, trajLength)
  const testParams = gatherRows(ds.params, testPairs, ds.paramDim)
  const zuTest = model.encodeTrajectories(testTrajectories, nq)
  const zvTest = model.encodePotentials(testParams, nq)
  return {
    retrieval: retrievalScores(model.logits(zuTest, nq, zvTest, nq), nq),
    inputs: {
      trajToBank: model.logits(zuTest, nq, model.encodePotentials(bankParams, nb), nb),
      bankToPot: model.logits(model.encodeTrajectories(bankTrajectories, nb), nb, zvTest, nq),
      testParams,
      testTrajectories,
      potentialBank: bankStatistics(bankParams, nb, ds.paramDim, alloc),
      trajectoryBank: bankStatistics(bankTrajectories, nb, trajLength, alloc)
    }
  }
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
export function evaluateLearnedPart(setup: EvaluationSetup, inputs: LearnedInputs, label: string, from: number, to: number, ctx: JobContext): LearnedPart {
  const { ds, bankPairs, bank, truths, options } = setup
  const testPairs = setup.testPairs.subarray(from, to)
  const logits = inputs.trajToBank.subarray(from * bankPairs.length, to * bankPairs.length)
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
  return { queries, ess, ...calibrationPart(setup, inputs, from, to) }
}

/**
 * Calibration terms in both directions for test queries [from, to): v|u (potential coefficients given a test
 * trajectory, over the bank's potentials) and u|v (trajectory given a test potential, over the bank's trajectories).
 */
function calibrationPart(setup: EvaluationPlan, inputs: LearnedInputs, from: number, to: number): { potentialTerms: Float64Array; trajectoryTerms: Float64Array } {
  const { ds, bankPairs } = setup
  const nq = setup.testPairs.length
  const nb = bankPairs.length
  const potentialTerms = calibrationTerms({
    logits: inputs.trajToBank, queries: nq, bankSize: nb, strideQ: nb, strideJ: 1,
    bank: inputs.potentialBank, truths: inputs.testParams, dim: ds.paramDim
  }, from, to)
  // bank trajectories (rows) × test potentials (columns): the u|v softmax runs down a column
  const trajectoryTerms = calibrationTerms({
    logits: inputs.bankToPot, queries: nq, bankSize: nb, strideQ: 1, strideJ: nq,
    bank: inputs.trajectoryBank, truths: inputs.testTrajectories, dim: ds.nTracers * ds.nTimes * 2
  }, from, to)
  return { potentialTerms, trajectoryTerms }
}

export function summarizeEss(ess: Float64Array): EssSummary {
  const sorted = Float64Array.from(ess).sort()
  const n = sorted.length
  const median = n % 2 ? sorted[n >> 1]! : (sorted[n / 2 - 1]! + sorted[n / 2]!) / 2
  return { mean: sorted.reduce((a, b) => a + b, 0) / n, median, min: sorted[0]!, max: sorted[n - 1]! }
}
