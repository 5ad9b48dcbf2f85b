/**
 * Tracer-position score of a reconstructed field: advect the observed start positions of a pair's tracers
 * through the field over the record times and compare with the observed tracks.
 */
import type { PairedDataset } from '../data/dataset-types'
import { advectInField } from '../flows/advect'
import type { FlowField } from '../flows/field'
import { trackRmse, type Scored } from './metrics'

/** Observed tracks of one pair, tracers × times × 2 (a copy). */
export function observedTrack(ds: PairedDataset, pair: number): Float64Array {
  const len = ds.nTracers * ds.nTimes * 2
  return ds.trajectories.slice(pair * len, (pair + 1) * len)
}

/** Observed positions at the first record time, tracers × 2. */
export function observedStarts(ds: PairedDataset, pair: number): Float64Array {
  const track = observedTrack(ds, pair)
  const starts = new Float64Array(ds.nTracers * 2)
  for (let p = 0; p < ds.nTracers; p++) {
    starts[2 * p] = track[p * ds.nTimes * 2]!
    starts[2 * p + 1] = track[p * ds.nTimes * 2 + 1]!
  }
  return starts
}

/** RK4 substeps per record interval when re-advecting: the recorded interval split in four (accurate for smooth flows, cheap). */
const SUBSTEPS = 4

/** Integration step for re-advection: a quarter of the record interval, never finer than the simulation's own step. */
export function advectionStep(ds: PairedDataset): number {
  const interval = ds.nTimes > 1 ? ds.times[1]! - ds.times[0]! : ds.config.dt
  return Math.max(interval / SUBSTEPS, ds.config.dt)
}

/** Tracer RMSE of `field` for pair `pair`: per record time and overall (domain length units). */
export function tracerScore(field: FlowField, ds: PairedDataset, pair: number): Scored {
  const predicted = advectInField(field, observedStarts(ds, pair), ds.times, advectionStep(ds))
  return trackRmse(predicted, observedTrack(ds, pair), ds.nTracers, ds.nTimes)
}
