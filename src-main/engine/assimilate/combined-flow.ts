/**
 * Velocity fields built from several pairs of a data set: the conditional-mean flow Σ w_j field_j, the flow
 * of an arbitrary parameter vector, and the zero flow. Used to advect tracers in a reconstruction.
 */
import type { PairedDataset } from '../data/dataset-types'
import { fieldOfPair, type FieldSample, type FlowField, type GridSpec } from '../flows/field'
import { dominantIndices } from './weights'

/** Σ w_j params_j over the given pairs (weights normalised): the conditional mean of the potential. */
export function weightedMeanParams(ds: PairedDataset, pairs: ArrayLike<number>, w: ArrayLike<number>): Float64Array {
  const d = ds.paramDim
  const out = new Float64Array(d)
  for (let k = 0; k < pairs.length; k++) {
    const wk = w[k]!
    if (wk === 0) continue
    const base = pairs[k]! * d
    for (let i = 0; i < d; i++) out[i]! += wk * ds.params[base + i]!
  }
  return out
}

/** The flow of one parameter vector under the data set's flow constants (a one-pair view of the data set). */
export function flowOfParams(ds: PairedDataset, params: Float64Array): FlowField {
  if (params.length !== ds.paramDim) throw new Error(`flowOfParams: ${params.length} parameters, expected ${ds.paramDim}`)
  const one: PairedDataset = {
    ...ds,
    nPairs: 1,
    params,
    trajectories: new Float64Array(ds.nTracers * ds.nTimes * 2),
    split: new Uint8Array(1),
    vortexTracks: undefined
  }
  return fieldOfPair(one, 0)
}

/** Largest number of member flows kept when the combination cannot be collapsed (non-linear flows). */
const MAX_TERMS = 64

/**
 * The flow Σ_j w_j field_j of a weighted bank. The Fourier velocity is linear in its coefficients, so there it
 * is exactly the flow of the weighted mean coefficients (one evaluation). Otherwise (point vortices, whose
 * velocity is not linear in the parameters) it sums the member flows carrying 99.9 % of the weight, at most
 * 64, renormalised — exact for peaked posteriors, an approximation for very flat ones.
 */
export function weightedFlow(ds: PairedDataset, pairs: ArrayLike<number>, w: ArrayLike<number>): FlowField {
  if (ds.flow === 'fourier') return flowOfParams(ds, weightedMeanParams(ds, pairs, w))
  const keep = dominantIndices(w, 0.999, MAX_TERMS)
  const total = keep.reduce((s, k) => s + w[k]!, 0)
  return sumOfFlows(
    keep.map((k) => fieldOfPair(ds, pairs[k]!)),
    keep.map((k) => w[k]! / total)
  )
}

/** A flow field that is the weighted sum of member flow fields (velocity and all sampled fields). */
export function sumOfFlows(fields: FlowField[], weights: number[]): FlowField {
  const tmp = new Float64Array(2)
  return {
    velocity(x, y, t, out) {
      out[0] = 0
      out[1] = 0
      for (let k = 0; k < fields.length; k++) {
        fields[k]!.velocity(x, y, t, tmp)
        out[0] += weights[k]! * tmp[0]!
        out[1] += weights[k]! * tmp[1]!
      }
    },
    sample(grid: GridSpec, t: number): FieldSample {
      const n = grid.nx * grid.ny
      const acc: FieldSample = { u: new Float64Array(n), v: new Float64Array(n), psi: new Float64Array(n), vorticity: new Float64Array(n) }
      fields.forEach((f, k) => {
        const s = f.sample(grid, t)
        const wk = weights[k]!
        for (let i = 0; i < n; i++) {
          acc.u[i]! += wk * s.u[i]!
          acc.v[i]! += wk * s.v[i]!
          acc.psi[i]! += wk * s.psi[i]!
          acc.vorticity[i]! += wk * s.vorticity[i]!
        }
      })
      return acc
    }
  }
}

/** The zero flow (climatology baseline "no motion"). */
export const ZERO_FLOW: FlowField = {
  velocity(_x, _y, _t, out) {
    out[0] = 0
    out[1] = 0
  },
  sample(grid) {
    const n = grid.nx * grid.ny
    return { u: new Float64Array(n), v: new Float64Array(n), psi: new Float64Array(n), vorticity: new Float64Array(n) }
  }
}
