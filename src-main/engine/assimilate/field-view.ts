/**
 * One test case for the GUI: the true field, the conditional-mean reconstruction, its uncertainty, the
 * per-frame RMSE, the ESS and the observed tracks, as JSON-safe arrays (FieldView in shared/views.ts).
 */
import type { FieldFrames, FieldView } from '../../shared/views'
import type { PairedDataset } from '../data/dataset-types'
import { defaultGrid, type GridSpec } from '../flows/field'
import { UserError } from '../jobs/job'
import type { ContrastiveModel } from '../learn/index'
import { frameTimes, gridAxes, samplePairs } from './bank-fields'
import { cachedDataset, cachedModel } from './cache'
import type { FieldStack, GridFrames } from './grid-frames'
import { logitsFor } from './learned'
import { velocityRmse } from './metrics'
import { reconstruct } from './reconstruction'
import { pairsOfSplit } from './setup'
import { observedTrack } from './tracers'

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
  maxBank: number
  samples: number
  seed: number
}

const DEFAULTS: FieldViewOptions = { maxBank: 4096, samples: 32, seed: 1 }

/** Bank fields depend only on the data set, grid and frames: keep the last few per data set. */
const bankCache = new WeakMap<PairedDataset, Map<string, FieldStack>>()

function bankFields(ds: PairedDataset, bankPairs: Int32Array, grid: GridSpec, times: Float64Array): FieldStack {
  const key = `${bankPairs.length}|${JSON.stringify(grid)}|${times.join(',')}`
  let perDs = bankCache.get(ds)
  if (!perDs) bankCache.set(ds, (perDs = new Map()))
  let stack = perDs.get(key)
  if (!stack) {
    stack = samplePairs(ds, bankPairs, grid, times, { withVorticity: true })
    if (perDs.size >= 3) perDs.delete(perDs.keys().next().value!)
    perDs.set(key, stack)
  }
  return stack
}

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
    units: { length: 'domain length', time: 'model time', velocity: 'domain length / model time' },
    truth: framesOf(truth),
    tracks: tracksOf(ds, pair),
    trackTimes: Array.from(ds.times)
  }
  if (!model) return view
  const bankPairs = pairsOfSplit(ds, 'train', options.maxBank)
  const bank = bankFields(ds, bankPairs, grid, times)
  const r = reconstruct(logitsFor(model, ds, [pair], bankPairs), bank, { samples: options.samples, seed: options.seed + req.index })
  view.reconstruction = framesOf(r.mean)
  view.uncertainty = Array.from({ length: r.mean.frames }, (_, f) => Array.from(r.std.subarray(f * r.mean.cells, (f + 1) * r.mean.cells)))
  view.rmsePerFrame = Array.from(velocityRmse(truth, r.mean).perFrame)
  view.ess = r.ess
  return view
}

/** The GUI's getField request: loads (cached) data set and model by path. */
export async function computeFieldView(req: FieldViewRequest): Promise<FieldView> {
  const ds = await cachedDataset(req.datasetPath)
  const model = req.modelDir ? await cachedModel(req.modelDir, ds, req.datasetPath) : undefined
  return fieldViewOf(ds, model, req)
}
