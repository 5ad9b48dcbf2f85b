/**
 * Turns a paired data set into network inputs: trajectories flattened (or laid out as time tokens),
 * parameters as they are, each feature standardised with statistics from the training split (stored
 * in the model so inference applies exactly the same map).
 */
import { SPLIT, type PairedDataset } from '../data/dataset-types'
import { pathFeatures, type PathFeatureSpec } from './path-features'
import { arrangeTokens, type TokenLayout } from './tokens'

/** Per-feature mean and standard deviation (a constant feature gets std 1). */
export interface Standardizer { mean: number[]; std: number[] }

/** Statistics of rows `idx` of a row-major matrix (n × dim). */
export function fitStandardizer(x: Float64Array | Float32Array, dim: number, idx: ArrayLike<number>): Standardizer {
  const mean = new Array<number>(dim).fill(0)
  const sq = new Array<number>(dim).fill(0)
  for (let r = 0; r < idx.length; r++) for (let k = 0; k < dim; k++) mean[k] += x[idx[r] * dim + k]
  for (let k = 0; k < dim; k++) mean[k] /= Math.max(1, idx.length)
  for (let r = 0; r < idx.length; r++)
    for (let k = 0; k < dim; k++) {
      const d = x[idx[r] * dim + k] - mean[k]
      sq[k] += d * d
    }
  const std = sq.map((s) => {
    const v = Math.sqrt(s / Math.max(1, idx.length))
    return v > 1e-9 ? v : 1 // e.g. the shared start position at t = 0
  })
  return { mean, std }
}

/**
 * Apply a standardiser: (x − mean)/std as Float32, in shared memory so that parallel training's
 * workers read the same bytes without another copy (large data sets are hundreds of MB).
 */
export function standardize(x: Float64Array | Float32Array, dim: number, s: Standardizer): Float32Array {
  const out = new Float32Array(new SharedArrayBuffer(x.length * 4))
  for (let i = 0; i < x.length; i++) {
    const k = i % dim
    out[i] = (x[i] - s.mean[k]) / s.std[k]
  }
  return out
}

/** Trajectory features of `count` items: flattened, token layout for the sequence encoder (Float32), or the path regression (path-features.ts). */
export function trajectoryFeatures(traj: Float64Array, count: number, layout: undefined, path?: PathFeatureSpec): Float64Array
export function trajectoryFeatures(traj: Float64Array, count: number, layout?: TokenLayout, path?: PathFeatureSpec): Float64Array | Float32Array
export function trajectoryFeatures(traj: Float64Array, count: number, layout?: TokenLayout, path?: PathFeatureSpec): Float64Array | Float32Array {
  if (path) return pathFeatures(path, traj, count)
  return layout ? arrangeTokens(traj, count, layout) : traj
}

/** Indices of the pairs in one split. */
export function splitIndices(ds: PairedDataset, split: keyof typeof SPLIT): Int32Array {
  const out: number[] = []
  for (let i = 0; i < ds.nPairs; i++) if (ds.split[i] === SPLIT[split]) out.push(i)
  return Int32Array.from(out)
}
