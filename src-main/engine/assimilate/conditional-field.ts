/**
 * The conditional-mean field and its uncertainty for one query on any grid and frames, without sampling the
 * whole bank: the mean comes from the combined flow (exact), the spread from the members that carry 99.9 %
 * of the weight (at most 64, renormalised) — what a single retrieval on real drifters needs.
 */
import type { PairedDataset } from '../data/dataset-types'
import { fieldOfPair, type GridSpec } from '../flows/field'
import { gridCells, sampleInto } from './bank-fields'
import { weightedFlow } from './combined-flow'
import { emptyStack, weightedVelocityStd, type GridFrames } from './grid-frames'
import { dominantIndices } from './weights'

export function conditionalField(
  ds: PairedDataset,
  bankPairs: ArrayLike<number>,
  w: ArrayLike<number>,
  grid: GridSpec,
  times: ArrayLike<number>
): { mean: GridFrames; std: Float64Array } {
  const mean = emptyStack(1, times.length, gridCells(grid), true)
  sampleInto(mean, 0, weightedFlow(ds, bankPairs, w), grid, times)
  const keep = dominantIndices(w, 0.999, 64)
  const members = emptyStack(keep.length, times.length, gridCells(grid))
  keep.forEach((j, k) => sampleInto(members, k, fieldOfPair(ds, bankPairs[j]!), grid, times))
  const total = keep.reduce((s, j) => s + w[j]!, 0)
  return { mean, std: weightedVelocityStd(members, keep.map((j) => w[j]! / total), mean) }
}
