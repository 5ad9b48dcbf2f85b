/**
 * Does the learned conditional have the right centre and the right width? For queries with known truth,
 * compare the conditional spread with the error of the conditional mean (spread/skill, 1 = calibrated,
 * > 1 = inflated spread), and regress the truth on the conditional mean (slope 1 = unbiased, > 1 = means
 * shrunk toward the bank mean). These are the paper's §5 expectations (two-sided loss: right means, inflated
 * spread; one-sided L2: u|v matched; joint: shrunk means) measured on any data.
 */
import type { CalibrationDirection } from '../../shared/assimilation'
import { softmaxWeights } from './weights'

export type { CalibrationDirection }

export interface CalibrationInput {
  /** Logits of query q against bank item j at logits[q*strideQ + j*strideJ]. */
  logits: ArrayLike<number>
  queries: number
  bankSize: number
  /** Strides into `logits`: rows (bankSize, 1) for a q × bank matrix, (1, queries) for its transpose. */
  strideQ: number
  strideJ: number
  /** Bank vectors, bankSize × dim, and the queries' true vectors, queries × dim. */
  bank: ArrayLike<number>
  truths: ArrayLike<number>
  dim: number
}

/** Spread/skill and regression of the truth on the conditional mean from all queries' terms. */
export function calibrate(input: CalibrationInput): CalibrationDirection {
  return summarizeCalibration(calibrationTerms(input))
}

/**
 * Per query (in order) its four terms: Σ_j w_j |b_j − m|², |m − t|², (m − μ)·(t − μ), |m − μ|² (m its conditional
 * mean, t its truth, μ the bank mean): queries [from, to) of `input`, 4 numbers each; summed in query order by
 * `summarizeCalibration`, so splitting the queries between threads gives the same bits.
 */
export function calibrationTerms(input: CalibrationInput, from = 0, to = input.queries): Float64Array {
  const { bankSize, dim, bank, truths } = input
  const queries = to - from
  const terms = new Float64Array(4 * queries)
  const bankMean = new Float64Array(dim)
  for (let j = 0; j < bankSize; j++) for (let d = 0; d < dim; d++) bankMean[d]! += bank[j * dim + d]! / bankSize
  // squared distances of the bank vectors from the bank mean, once: per query the spread is then
  // Σ_j w_j |b_j − μ|² − |m − μ|² (Σ_j w_j = 1), one pass over the weights instead of a second one over the bank
  const far = new Float64Array(bankSize)
  for (let j = 0; j < bankSize; j++) for (let d = 0; d < dim; d++) far[j]! += (bank[j * dim + d]! - bankMean[d]!) ** 2
  // queries in blocks of four: one pass over the bank serves four conditional means (the bank is read a quarter as
  // often; each mean still sums its terms in bank order, so the same bits as one query at a time)
  const BLOCK = 4
  const row = new Float64Array(bankSize)
  const weights: Float64Array[] = []
  const means = Array.from({ length: BLOCK }, () => new Float64Array(dim))
  for (let q0 = 0; q0 < queries; q0 += BLOCK) {
    const n = Math.min(BLOCK, queries - q0)
    for (let b = 0; b < n; b++) {
      for (let j = 0; j < bankSize; j++) row[j] = input.logits[(from + q0 + b) * input.strideQ + j * input.strideJ]!
      weights[b] = softmaxWeights(row)
      means[b]!.fill(0)
    }
    for (let b = n; b < BLOCK; b++) weights[b] = new Float64Array(bankSize) // a short last block: zero weights
    const [w0, w1, w2, w3] = weights as [Float64Array, Float64Array, Float64Array, Float64Array]
    const [m0, m1, m2, m3] = means as [Float64Array, Float64Array, Float64Array, Float64Array]
    for (let j = 0; j < bankSize; j++) {
      const a0 = w0[j]!, a1 = w1[j]!, a2 = w2[j]!, a3 = w3[j]!
      const base = j * dim
      if (a0 > 0 && a1 > 0 && a2 > 0 && a3 > 0)
        for (let d = 0; d < dim; d++) {
          const x = bank[base + d]!
          m0[d]! += a0 * x
          m1[d]! += a1 * x
          m2[d]! += a2 * x
          m3[d]! += a3 * x
        }
      else
        for (let b = 0; b < BLOCK; b++) {
          const a = weights[b]![j]!
          const m = means[b]!
          if (a > 0) for (let d = 0; d < dim; d++) m[d]! += a * bank[base + d]!
        }
    }
    for (let b = 0; b < n; b++) {
      const q = from + q0 + b
      const w = weights[b]!
      const mean = means[b]!
      let spreadQ = 0
      for (let j = 0; j < bankSize; j++) spreadQ += w[j]! * far[j]!
      for (let d = 0; d < dim; d++) spreadQ -= (mean[d]! - bankMean[d]!) ** 2
      let skill = 0, cross = 0, own = 0
      for (let d = 0; d < dim; d++) {
        const t = truths[q * dim + d]!
        skill += (mean[d]! - t) ** 2
        cross += (mean[d]! - bankMean[d]!) * (t - bankMean[d]!)
        own += (mean[d]! - bankMean[d]!) ** 2
      }
      terms.set([Math.max(spreadQ, 0), skill, cross, own], 4 * (q0 + b))
    }
  }
  return terms
}

/** The calibration of one direction from the per-query terms of all its queries (in query order). */
export function summarizeCalibration(terms: Float64Array): CalibrationDirection {
  const queries = terms.length / 4
  let spread = 0, skill = 0, cross = 0, own = 0
  for (let q = 0; q < queries; q++) {
    spread += terms[4 * q]!
    skill += terms[4 * q + 1]!
    cross += terms[4 * q + 2]!
    own += terms[4 * q + 3]!
  }
  const s = Math.sqrt(spread / queries)
  const k = Math.sqrt(skill / queries)
  return { spread: s, skill: k, ratio: s / k, slope: cross / own }
}
