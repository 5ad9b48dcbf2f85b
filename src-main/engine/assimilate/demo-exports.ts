/**
 * The demo's exports for test case 0 with the best variant: the reconstructed and the true field (CF NetCDF-4,
 * model units, through the shared export writers) and the observed tracks as CSV and GeoJSON (model units).
 */
import { join } from 'node:path'
import type { ComparisonResult } from '../../shared/views'
import type { FieldFrames, FieldView } from '../../shared/views'
import type { PairedDataset } from '../data/dataset-types'
import { writeFieldNetcdf, writeTracksCsv, writeTracksGeojson, type FieldExport } from '../data/export/index'
import { initBackend, loadModel } from '../learn/index'
import { fieldViewOf } from './field-view'
import { pairsOfSplit } from './setup'
import { observedTrack } from './tracers'

/** Frames (number[][]) flattened to time × y × x, times `factor`. */
export function flatFrames(frames: number[][], factor = 1): Float64Array {
  const n = frames[0]?.length ?? 0
  const out = new Float64Array(frames.length * n)
  frames.forEach((f, k) => f.forEach((v, i) => (out[k * n + i] = v * factor)))
  return out
}

/** A field view's frames in the export writer's layout (model units unless scaled). */
export function fieldExportOf(view: FieldView, frames: FieldFrames, uncertainty: number[][] | undefined, attrs: FieldExport['attrs']): FieldExport {
  return {
    x: Float64Array.from(view.x),
    y: Float64Array.from(view.y),
    time: Float64Array.from(view.times),
    u: flatFrames(frames.u),
    v: flatFrames(frames.v),
    psi: flatFrames(frames.psi),
    vorticity: flatFrames(frames.vorticity),
    ...(uncertainty ? { uncertainty: flatFrames(uncertainty) } : {}),
    attrs
  }
}

export async function writeDemoExports(ds: PairedDataset, comparison: ComparisonResult, outDir: string): Promise<string[]> {
  const best = [...comparison.variants].sort((a, b) => meanError(comparison, a.label) - meanError(comparison, b.label))[0]
  if (!best) return []
  await initBackend()
  const model = await loadModel(best.model, ds)
  try {
    const view = fieldViewOf(ds, model, { index: 0, grid: 32, frames: 11 })
    const field = join(outDir, 'reconstruction-test0.nc')
    const note = `nondimensional model units (periodic unit square, T = ${ds.times[ds.nTimes - 1]})`
    await writeFieldNetcdf(field, fieldExportOf(view, view.reconstruction!, view.uncertainty, {
      comment: `conditional-mean reconstruction of test case 0 by ${best.label}; uncertainty = weighted std of the velocity vector under the learned conditional; ${note}`,
      effective_sample_size: view.ess ?? NaN,
      model: best.model
    }))
    const truth = join(outDir, 'truth-test0.nc')
    await writeFieldNetcdf(truth, fieldExportOf(view, view.truth, undefined, { comment: `true field of test case 0; ${note}` }))
    const pair = pairsOfSplit(ds, 'test')[0]!
    const tracks = { times: ds.times, positions: observedTrack(ds, pair), nTracers: ds.nTracers }
    const csv = join(outDir, 'tracks-test0.csv')
    const geojson = join(outDir, 'tracks-test0.geojson')
    await writeTracksCsv(csv, tracks)
    await writeTracksGeojson(geojson, tracks)
    return [field, truth, csv, geojson]
  } finally {
    model.dispose()
  }
}

function meanError(c: ComparisonResult, label: string): number {
  return c.rmse.find((r) => r.method === `${label}: conditional mean`)?.relativeVelocityRmse ?? Infinity
}

