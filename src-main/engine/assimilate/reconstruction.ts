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
  /**
   * The conditional-mean field from the weights by another route, e.g. for a flow linear in its parameters the
   * field of the weighted mean parameters (one field instead of a pass over the whole bank). Default: the bank average.
   */
  meanOf?: (weights: Float64Array) => GridFrames
}

/** Reconstruct from one row of logits s(u, v_j)/τ over the bank members of `bank`. */
export function reconstruct(logitsRow: ArrayLike<number>, bank: FieldStack, options: ReconstructOptions): Reconstruction {
  if (logitsRow.length !== bank.count) throw new Error(`reconstruct: ${logitsRow.length} logits for a bank of ${bank.count}`)
  const weights = softmaxWeights(logitsRow)
  const mean = options.meanOf ? options.meanOf(weights) : weightedMean(bank, weights)
  const samples = resampleIndices(weights, Math.max(1, options.samples), options.seed)
  // the spreads are passes over the whole bank that not every caller reads: computed on first use
  let std: Float64Array | undefined
  let sampleStd: Float64Array | undefined
  return {
    weights,
    top1: argmax(logitsRow),
    ess: effectiveSampleSize(weights),
    mean,
    get std() {
      return (std ??= weightedVelocityStd(bank, weights, mean))
    },
    samples,
    get sampleStd() {
      if (!sampleStd) {
        const sampleWeights = countsAsWeights(samples, bank.count)
        sampleStd = weightedVelocityStd(bank, sampleWeights, weightedMean(bank, sampleWeights))
      }
      return sampleStd
    }
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
