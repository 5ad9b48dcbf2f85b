/**
 * One test case for the GUI: the true field, the conditional-mean reconstruction, its uncertainty, the
 * per-frame RMSE, the ESS and the observed tracks, as JSON-safe arrays (FieldView in shared/views.ts).
 */
import type { FieldFrames, FieldView } from '../../shared/views'
import { unitFactors, unitsOf, type PhysicalScales } from '../../shared/physical-units'
import type { PairedDataset } from '../data/dataset-types'
import { defaultGrid } from '../flows/field'
import { UserError } from '../jobs/job'
import type { ContrastiveModel } from '../learn/index'
import { frameTimes, gridAxes, samplePairs } from './bank-fields'
import { cachedDataset, cachedModel } from './cache'
import { conditionalField } from './conditional-field'
import type { GridFrames } from './grid-frames'
import { logitsFor } from './learned'
import { velocityRmse } from './metrics'
import { pairsOfSplit } from './setup'
import { observedTrack } from './tracers'
import { effectiveSampleSize, softmaxWeights } from './weights'

export interface FieldViewRequest {
  datasetPath: string
  modelDir?: string
  /** Index within the test split. */
  index: number
  /** Grid cells per side. */
  grid: number
  frames: number
}

export interface FieldViewOptions {
  /** Reference bank: at most this many train pairs. */
  maxBank: number
}

const DEFAULTS: FieldViewOptions = { maxBank: 4096 }

function framesOf(g: GridFrames): FieldFrames {
  const split = (a: Float64Array) => Array.from({ length: g.frames }, (_, f) => Array.from(a.subarray(f * g.cells, (f + 1) * g.cells)))
  return { u: split(g.u), v: split(g.v), psi: split(g.psi), vorticity: split(g.vorticity ?? new Float64Array(g.u.length)) }
}

/** Observed tracks as tracers × times × [x, y]. */
export function tracksOf(ds: PairedDataset, pair: number): number[][][] {
  const t = observedTrack(ds, pair)
  return Array.from({ length: ds.nTracers }, (_, p) =>
    Array.from({ length: ds.nTimes }, (_, k) => [t[(p * ds.nTimes + k) * 2]!, t[(p * ds.nTimes + k) * 2 + 1]!])
  )
}

/** The view of test case `index` of an in-memory data set (and model, for the reconstruction). */
export function fieldViewOf(
  ds: PairedDataset,
  model: ContrastiveModel | undefined,
  req: Pick<FieldViewRequest, 'index' | 'grid' | 'frames'>,
  options: FieldViewOptions = DEFAULTS
): FieldView {
  const testPairs = pairsOfSplit(ds, 'test')
  if (req.index < 0 || req.index >= testPairs.length)
    throw new UserError(`test case ${req.index} does not exist: the test split has ${testPairs.length} cases (0–${testPairs.length - 1})`)
  const pair = testPairs[req.index]!
  const grid = defaultGrid(ds, req.grid)
  const times = frameTimes(ds, req.frames)
  const truth = samplePairs(ds, [pair], grid, times, { withVorticity: true })
  const axes = gridAxes(grid)
  const view: FieldView = {
    x: Array.from(axes.x),
    y: Array.from(axes.y),
    times: Array.from(times),
    units: unitsOf(),
    truth: framesOf(truth),
    tracks: tracksOf(ds, pair),
    trackTimes: Array.from(ds.times)
  }
  if (!model) return inUnitsOf(view, ds.config.scales)
  // no whole-bank sampling here (a GUI request must be quick): exact mean flow, spread from the dominant members
  const bankPairs = pairsOfSplit(ds, 'train', options.maxBank)
  const w = softmaxWeights(logitsFor(model, ds, [pair], bankPairs))
  const { mean, std } = conditionalField(ds, bankPairs, w, grid, times)
  view.reconstruction = framesOf(mean)
  view.uncertainty = Array.from({ length: mean.frames }, (_, f) => Array.from(std.subarray(f * mean.cells, (f + 1) * mean.cells)))
  view.rmsePerFrame = Array.from(velocityRmse(truth, mean).perFrame)
  view.ess = effectiveSampleSize(w)
  return inUnitsOf(view, ds.config.scales)
}

/** A view in model units converted to the data set's physical units (km, days, m/s, m²/s, 1/s); unchanged without scales. */
export function inUnitsOf(view: FieldView, scales: PhysicalScales | undefined): FieldView {
  if (!scales) return view
  const f = unitFactors(scales)
  const times = (a: number[], k: number) => a.map((v) => v * k)
  const frames = (g: FieldFrames): FieldFrames => ({
    u: g.u.map((a) => times(a, f.velocity)),
    v: g.v.map((a) => times(a, f.velocity)),
    psi: g.psi.map((a) => times(a, f.streamFunction)),
    vorticity: g.vorticity.map((a) => times(a, f.vorticity))
  })
  return {
    ...view,
    x: times(view.x, f.length),
    y: times(view.y, f.length),
    times: times(view.times, f.time),
    units: unitsOf(scales),
    scales,
    truth: frames(view.truth),
    ...(view.reconstruction ? { reconstruction: frames(view.reconstruction) } : {}),
    ...(view.uncertainty ? { uncertainty: view.uncertainty.map((a) => times(a, f.velocity)) } : {}),
    ...(view.rmsePerFrame ? { rmsePerFrame: times(view.rmsePerFrame, f.velocity) } : {}),
    tracks: view.tracks.map((t) => t.map(([x, y]) => [x! * f.length, y! * f.length])),
    trackTimes: times(view.trackTimes, f.time)
  }
}

/** The GUI's getField request: loads (cached) data set and model by path. */
export async function computeFieldView(req: FieldViewRequest): Promise<FieldView> {
  const ds = await cachedDataset(req.datasetPath)
  const model = req.modelDir ? await cachedModel(req.modelDir, ds, req.datasetPath) : undefined
  return fieldViewOf(ds, model, req)
}
