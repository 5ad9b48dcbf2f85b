/**
 * Reconstruction of a velocity field from one trajectory query, three ways (paper §1.8, §1.10, §1.11):
 * (a) the mode — the top-1 retrieved potential; (b) the conditional mean Σ w_j field_j under ν(v|u) with
 * w = softmax(logits) over a reference bank; (c) samples drawn with replacement by w, their spread as the
 * uncertainty field, and the effective sample size 1/Σw².
 */
import { countsAsWeights, stackMember, weightedMean, weightedVelocityStd, type FieldStack, type GridFrames } from './grid-frames'
import { effectiveSampleSize, resampleIndices, softmaxWeights } from './weights'

export interface Reconstruction {
  /** Conditional weights over the bank members (sum 1). */
  weights: Float64Array
  /** Bank member with the largest logit (ties: lowest index): the retrieved mode. */
  top1: number
  /** Effective sample size 1/Σw² of the weights: ≈ 1 when the posterior collapses onto one member. */
  ess: number
  /** The conditional-mean field Σ w_j field_j. */
  mean: GridFrames
  /** Weighted standard deviation of the velocity vector per frame × cell (velocity units): exact, from w. */
  std: Float64Array
  /** Bank members drawn with replacement by w (seeded). */
  samples: Int32Array
  /** Standard deviation of the velocity over the drawn samples per frame × cell: the Monte-Carlo estimate of `std`. */
  sampleStd: Float64Array
}

export interface ReconstructOptions {
  /** Number of conditional samples to draw (≥ 1). */
  samples: number
  seed: number
}

/** Reconstruct from one row of logits s(u, v_j)/τ over the bank members of `bank`. */
export function reconstruct(logitsRow: ArrayLike<number>, bank: FieldStack, options: ReconstructOptions): Reconstruction {
  if (logitsRow.length !== bank.count) throw new Error(`reconstruct: ${logitsRow.length} logits for a bank of ${bank.count}`)
  const weights = softmaxWeights(logitsRow)
  const mean = weightedMean(bank, weights)
  const samples = resampleIndices(weights, Math.max(1, options.samples), options.seed)
  const sampleWeights = countsAsWeights(samples, bank.count)
  return {
    weights,
    top1: argmax(logitsRow),
    ess: effectiveSampleSize(weights),
    mean,
    std: weightedVelocityStd(bank, weights, mean),
    samples,
    sampleStd: weightedVelocityStd(bank, sampleWeights, weightedMean(bank, sampleWeights))
  }
}

/** The field of the retrieved mode. */
export function topOneField(bank: FieldStack, r: Reconstruction): GridFrames {
  return stackMember(bank, r.top1)
}

/** Index of the largest value (first one on ties). */
export function argmax(x: ArrayLike<number>): number {
  let best = 0
  for (let j = 1; j < x.length; j++) if (x[j]! > x[best]!) best = j
  return best
}
