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

export function calibrate(input: CalibrationInput): CalibrationDirection {
  const { queries, bankSize, dim, bank, truths } = input
  const bankMean = new Float64Array(dim)
  for (let j = 0; j < bankSize; j++) for (let d = 0; d < dim; d++) bankMean[d]! += bank[j * dim + d]! / bankSize
  const row = new Float64Array(bankSize)
  let spread = 0
  let skill = 0
  let cross = 0
  let own = 0
  for (let q = 0; q < queries; q++) {
    for (let j = 0; j < bankSize; j++) row[j] = input.logits[q * input.strideQ + j * input.strideJ]!
    const w = softmaxWeights(row)
    const mean = new Float64Array(dim)
    for (let j = 0; j < bankSize; j++) if (w[j]! > 0) for (let d = 0; d < dim; d++) mean[d]! += w[j]! * bank[j * dim + d]!
    for (let j = 0; j < bankSize; j++)
      if (w[j]! > 0) for (let d = 0; d < dim; d++) spread += w[j]! * (bank[j * dim + d]! - mean[d]!) ** 2
    for (let d = 0; d < dim; d++) {
      const t = truths[q * dim + d]!
      skill += (mean[d]! - t) ** 2
      cross += (mean[d]! - bankMean[d]!) * (t - bankMean[d]!)
      own += (mean[d]! - bankMean[d]!) ** 2
    }
  }
  const s = Math.sqrt(spread / queries)
  const k = Math.sqrt(skill / queries)
  return { spread: s, skill: k, ratio: s / k, slope: cross / own }
}
