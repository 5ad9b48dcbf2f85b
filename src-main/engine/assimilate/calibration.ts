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
  return summarizeCalibration(calibrationTerms({ ...input, bank: bankStatistics(input.bank, input.bankSize, input.dim) }))
}

/**
 * What every query's terms need from the bank alone: its mean μ, each member's squared distance from it, and the
 * bank transposed (dim × bankSize). Computed once per evaluation and shared, so threads that each score a range of
 * queries do not each compute it again (at 4,096 × 2,000 ≈ 0.12 CPU-s). `alloc` places the arrays (e.g. shared memory).
 */
export interface BankStatistics { mean: Float64Array; far: Float64Array; byDim: Float64Array }

export function bankStatistics(bank: ArrayLike<number>, bankSize: number, dim: number, alloc: (n: number) => Float64Array = (n) => new Float64Array(n)): BankStatistics {
  const mean = alloc(dim)
  for (let j = 0; j < bankSize; j++) for (let d = 0; d < dim; d++) mean[d]! += bank[j * dim + d]! / bankSize
  // squared distances of the bank vectors from the bank mean, once: per query the spread is then
  // Σ_j w_j |b_j − μ|² − |m − μ|² (Σ_j w_j = 1), one pass over the weights instead of a second one over the bank
  const far = alloc(bankSize)
  for (let j = 0; j < bankSize; j++) for (let d = 0; d < dim; d++) far[j]! += (bank[j * dim + d]! - mean[d]!) ** 2
  return { mean, far, byDim: transpose(bank, bankSize, dim, alloc(bankSize * dim)) }
}

/** A calibration input whose bank is given by its statistics (`bankStatistics`). */
export type CalibrationQueries = Omit<CalibrationInput, 'bank'> & { bank: BankStatistics }

/**
 * Per query (in order) its four terms: Σ_j w_j |b_j − m|², |m − t|², (m − μ)·(t − μ), |m − μ|² (m its conditional
 * mean, t its truth, μ the bank mean): queries [from, to) of `input`, 4 numbers each; summed in query order by
 * `summarizeCalibration`, so splitting the queries between threads gives the same bits.
 */
export function calibrationTerms(input: CalibrationQueries, from = 0, to = input.queries): Float64Array {
  const { bankSize, dim, truths } = input
  const { mean: bankMean, far, byDim } = input.bank
  const queries = to - from
  const terms = new Float64Array(4 * queries)
  // the conditional means are a product (queries × bank)·(bank × dim): with the bank transposed (dim × bank), four
  // queries and two dimensions are summed in eight registers along the bank, in bank order as one query at a time
  // would (the same bits), instead of a load and a store of the mean per multiply-add (~5× faster at dim 2,000)
  const BLOCK = 4
  const row = new Float64Array(bankSize)
  const weights = Array.from({ length: BLOCK }, () => new Float64Array(bankSize))
  const means = Array.from({ length: BLOCK }, () => new Float64Array(dim))
  for (let q0 = 0; q0 < queries; q0 += BLOCK) {
    const n = Math.min(BLOCK, queries - q0)
    for (let b = 0; b < BLOCK; b++) {
      if (b < n) {
        for (let j = 0; j < bankSize; j++) row[j] = input.logits[(from + q0 + b) * input.strideQ + j * input.strideJ]!
        weights[b]!.set(softmaxWeights(row))
      } else weights[b]!.fill(0) // a short last block: zero weights
    }
    conditionalMeans(weights as Quad, byDim, bankSize, dim, means as Quad)
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

type Quad = [Float64Array, Float64Array, Float64Array, Float64Array]

/** `bank` (rows × dim, row-major) as dim × rows, in 32 × 32 tiles (each tile's reads and writes stay in cache). */
function transpose(bank: ArrayLike<number>, rows: number, dim: number, out: Float64Array): Float64Array {
  const T = 32
  for (let j0 = 0; j0 < rows; j0 += T)
    for (let d0 = 0; d0 < dim; d0 += T) {
      const j1 = Math.min(rows, j0 + T), d1 = Math.min(dim, d0 + T)
      for (let j = j0; j < j1; j++) for (let d = d0; d < d1; d++) out[d * rows + j] = bank[j * dim + d]!
    }
  return out
}

/** means[b][d] = Σ_j w[b][j]·byDim[d·n + j] for four weight vectors, summed in j order (n bank members). */
function conditionalMeans(w: Quad, byDim: Float64Array, n: number, dim: number, means: Quad): void {
  const [w0, w1, w2, w3] = w
  const [m0, m1, m2, m3] = means
  let d = 0
  for (; d + 1 < dim; d += 2) {
    const r0 = d * n, r1 = r0 + n
    let s00 = 0, s01 = 0, s10 = 0, s11 = 0, s20 = 0, s21 = 0, s30 = 0, s31 = 0
    for (let j = 0; j < n; j++) {
      const x0 = byDim[r0 + j]!, x1 = byDim[r1 + j]!
      const a0 = w0[j]!, a1 = w1[j]!, a2 = w2[j]!, a3 = w3[j]!
      s00 += a0 * x0
      s01 += a0 * x1
      s10 += a1 * x0
      s11 += a1 * x1
      s20 += a2 * x0
      s21 += a2 * x1
      s30 += a3 * x0
      s31 += a3 * x1
    }
    m0[d] = s00
    m0[d + 1] = s01
    m1[d] = s10
    m1[d + 1] = s11
    m2[d] = s20
    m2[d + 1] = s21
    m3[d] = s30
    m3[d + 1] = s31
  }
  if (d < dim) {
    const r0 = d * n
    let s0 = 0, s1 = 0, s2 = 0, s3 = 0
    for (let j = 0; j < n; j++) {
      const x = byDim[r0 + j]!
      s0 += w0[j]! * x
      s1 += w1[j]! * x
      s2 += w2[j]! * x
      s3 += w3[j]! * x
    }
    m0[d] = s0
    m1[d] = s1
    m2[d] = s2
    m3[d] = s3
  }
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
