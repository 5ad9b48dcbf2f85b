/**
 * What a posterior over flow parameters means on the map: from draws of v (any sampler — MCMC, the exact learned
 * conditional, pCN on it, an ensemble), the mean, spread and members of the velocity, stream function and
 * vorticity on a grid at frame times, and the tracers re-advected through every draw (mean and spread of positions).
 */
import type { PairedDataset } from '../../data/dataset-types'
import type { GridSpec } from '../../flows/field'
import { samplePairs } from '../bank-fields'
import { weightedMean, weightedVelocityStd, type FieldStack, type GridFrames } from '../grid-frames'
import { drawsDataset } from './score'
import type { ForwardModel } from './forward'

export interface PosteriorFields {
  /** Mean of u, v, ψ and vorticity over the draws (frames × cells each). */
  mean: GridFrames
  /** sqrt of the trace of the velocity covariance per frame × cell. */
  velocityStd: Float64Array
  /** Every draw's fields (the samples), with vorticity. */
  members: FieldStack
  /** Re-advected tracers: mean and per-coordinate standard deviation of positions (tracers × times × 2). */
  tracks: { mean: Float64Array; std: Float64Array }
}

export function posteriorFields(ds: PairedDataset, draws: Float64Array, grid: GridSpec, times: ArrayLike<number>, model: ForwardModel): PosteriorFields {
  const S = draws.length / ds.paramDim
  if (!Number.isInteger(S) || S < 1) throw new Error(`posteriorFields: ${draws.length} numbers are not whole draws of ${ds.paramDim} parameters`)
  const members = samplePairs(drawsDataset(ds, draws), Int32Array.from({ length: S }, (_, i) => i), grid, times, { withVorticity: true })
  const w = new Float64Array(S).fill(1 / S)
  const mean = weightedMean(members, w)
  const len = model.nTracers * model.nTimes * 2
  const all = new Float64Array(S * len)
  model.run(draws, S, all)
  const tm = new Float64Array(len), ts = new Float64Array(len)
  for (let s = 0; s < S; s++) for (let i = 0; i < len; i++) tm[i] += all[s * len + i] / S
  for (let s = 0; s < S; s++) for (let i = 0; i < len; i++) ts[i] += (all[s * len + i] - tm[i]) ** 2 / Math.max(1, S - 1)
  return { mean, velocityStd: weightedVelocityStd(members, w, mean), members, tracks: { mean: tm, std: ts.map(Math.sqrt) } }
}
