/**
 * Scores of one method's posterior ensemble for one twin query, all from parameter draws: the fields of every
 * draw on the comparison grid and frames, the ensemble-mean field against the truth (velocity RMSE over the
 * domain and near the observed tracer paths, ψ RMSE), the re-advected tracers of the draws against the true
 * noise-free tracks, the CRPS of the velocity components, the empirical coverage of the central 50 % and 90 %
 * intervals, and the spread/skill ratio. Every method — prior, EnKF, MCMC, bank, bank-free — is scored by the
 * same function from its draws, so the table compares like with like.
 */
import type { PairedDataset } from '../../data/dataset-types'
import type { GridSpec } from '../../flows/field'
import { gridAxes, samplePairs } from '../bank-fields'
import { weightedMean, type FieldStack, type GridFrames } from '../grid-frames'
import { streamFunctionRmse, trackRmse, velocityRms, velocityRmse } from '../metrics'
import type { ForwardModel } from './forward'
import type { EnsembleScore } from '../../../shared/twin'

export type { EnsembleScore }

export interface TwinQuery {
  /** The truth's fields on the grid (one member). */
  truth: GridFrames
  /** The noise-free true tracks (tracers × times × 2). */
  trueTracks: Float64Array
  /** Cell mask: 1 within the stated radius of the observed path. */
  near: Uint8Array
}

/** A data set whose pairs are the given parameter rows (same flow and constants): lets the field code sample any draw. */
export function drawsDataset(ds: PairedDataset, params: Float64Array): PairedDataset {
  const n = params.length / ds.paramDim
  return { ...ds, nPairs: n, params, split: new Uint8Array(n), trajectories: new Float64Array(0), vortexTracks: undefined }
}

/** Fields of parameter draws on the grid at the frame times. */
export function fieldsOfDraws(ds: PairedDataset, params: Float64Array, grid: GridSpec, times: Float64Array): FieldStack {
  const n = params.length / ds.paramDim
  return samplePairs(drawsDataset(ds, params), Int32Array.from({ length: n }, (_, i) => i), grid, times)
}

/** Cells whose centre lies within `radius` of any observed position (periodic distance on a periodic domain). */
export function nearPathMask(ds: PairedDataset, grid: GridSpec, observed: Float64Array, radius: number): Uint8Array {
  const { x, y } = gridAxes(grid)
  const Lx = ds.domain.x1 - ds.domain.x0, Ly = ds.domain.y1 - ds.domain.y0
  const wrap = (d: number, L: number) => (ds.domain.periodic ? d - L * Math.round(d / L) : d)
  const mask = new Uint8Array(grid.nx * grid.ny)
  const r2 = radius * radius
  for (let j = 0; j < grid.ny; j++)
    for (let i = 0; i < grid.nx; i++)
      for (let k = 0; k < observed.length; k += 2)
        if (wrap(x[i] - observed[k], Lx) ** 2 + wrap(y[j] - observed[k + 1], Ly) ** 2 <= r2) {
          mask[j * grid.nx + i] = 1
          break
        }
  return mask
}

/** Score the draws `params` (S × paramDim) of one method for one query. */
export function scoreEnsemble(ds: PairedDataset, q: TwinQuery, params: Float64Array, grid: GridSpec, times: Float64Array, model: ForwardModel): EnsembleScore {
  const S = params.length / ds.paramDim
  const stack = fieldsOfDraws(ds, params, grid, times)
  const mean = weightedMean(stack, new Float64Array(S).fill(1 / S))
  const rmse = velocityRmse(mean, q.truth).overall
  const len = model.nTracers * model.nTimes * 2
  const tracks = new Float64Array(S * len)
  model.run(params, S, tracks)
  const meanTrack = new Float64Array(len)
  for (let s = 0; s < S; s++) for (let i = 0; i < len; i++) meanTrack[i] += tracks[s * len + i] / S
  const cells = stack.cells, frames = stack.frames
  let nearSq = 0, nearCount = 0, spreadSq = 0, crps = 0, in50 = 0, in90 = 0
  const values = new Float64Array(S)
  for (let f = 0; f < frames; f++)
    for (let c = 0; c < cells; c++) {
      const i = f * cells + c
      const e2 = (mean.u[i] - q.truth.u[i]) ** 2 + (mean.v[i] - q.truth.v[i]) ** 2
      if (q.near[c]) {
        nearSq += e2
        nearCount++
      }
      for (const comp of [stack.u, stack.v]) {
        const truth = comp === stack.u ? q.truth.u[i] : q.truth.v[i]
        for (let s = 0; s < S; s++) values[s] = comp[s * frames * cells + i]
        values.sort()
        const m = comp === stack.u ? mean.u[i] : mean.v[i]
        let variance = 0
        for (let s = 0; s < S; s++) variance += (values[s] - m) ** 2
        spreadSq += S > 1 ? variance / (S - 1) : 0
        crps += crpsSorted(values, truth)
        if (truth >= quantile(values, 0.25) && truth <= quantile(values, 0.75)) in50++
        if (truth >= quantile(values, 0.05) && truth <= quantile(values, 0.95)) in90++
      }
    }
  const scalars = 2 * frames * cells
  return {
    rmse,
    rmseNearTracers: nearCount > 0 ? Math.sqrt(nearSq / nearCount) : NaN,
    relativeRmse: rmse / velocityRms(q.truth).overall,
    psiRmse: streamFunctionRmse(mean, q.truth).overall,
    tracerRmse: trackRmse(meanTrack, q.trueTracks, model.nTracers, model.nTimes).overall,
    crps: crps / scalars,
    coverage50: in50 / scalars,
    coverage90: in90 / scalars,
    spreadSkill: Math.sqrt(spreadSq / (frames * cells)) / rmse
  }
}

/** CRPS of an ensemble (sorted) against y: E|X − y| − ½ E|X − X'| with the empirical law. */
export function crpsSorted(x: Float64Array, y: number): number {
  const n = x.length
  let a = 0, b = 0
  for (let i = 0; i < n; i++) {
    a += Math.abs(x[i] - y)
    b += (2 * i - n + 1) * x[i] // Σ_{i<j} (x_j − x_i) = Σ_i (2i − n + 1) x_(i)
  }
  return a / n - b / (n * n)
}

/** Linear-interpolated quantile of sorted values. */
export function quantile(sorted: Float64Array, p: number): number {
  const h = (sorted.length - 1) * p
  const lo = Math.floor(h)
  return lo + 1 < sorted.length ? sorted[lo] + (h - lo) * (sorted[lo + 1] - sorted[lo]) : sorted[lo]
}
