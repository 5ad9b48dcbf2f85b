/**
 * The demo's exports for test case 0 with the best variant: the reconstructed field (CF NetCDF-4, model
 * units) and the observed tracks as CSV and GeoJSON (model units).
 */
import { join } from 'node:path'
import type { ComparisonResult } from '../../shared/views'
import { writeFileAtomic } from '../data/atomic'
import type { PairedDataset } from '../data/dataset-types'
import { loadModel } from '../learn/index'
import { fieldViewOf } from './field-view'
import { writeFieldNetcdf } from './field-netcdf'

/** Tracks as CSV rows tracer,time,x,y (model units). */
export function tracksCsv(tracks: number[][][], times: number[]): string {
  const rows = ['tracer,time,x,y']
  tracks.forEach((t, p) => t.forEach(([x, y], k) => rows.push(`${p},${times[k]},${x},${y}`)))
  return rows.join('\n') + '\n'
}

/** Tracks as a GeoJSON FeatureCollection of LineStrings in model coordinates (times in properties). */
export function tracksGeojson(tracks: number[][][], times: number[]): string {
  return JSON.stringify({
    type: 'FeatureCollection',
    features: tracks.map((t, p) => ({ type: 'Feature', properties: { tracer: p, times, crs: 'model units (not longitude/latitude)' }, geometry: { type: 'LineString', coordinates: t } }))
  })
}

export async function writeDemoExports(ds: PairedDataset, comparison: ComparisonResult, outDir: string): Promise<string[]> {
  const best = [...comparison.variants].sort((a, b) => meanError(comparison, a.label) - meanError(comparison, b.label))[0]
  if (!best) return []
  const model = await loadModel(best.model, ds)
  try {
    const view = fieldViewOf(ds, model, { index: 0, grid: 32, frames: 11 })
    const field = join(outDir, 'reconstruction-test0.nc')
    await writeFieldNetcdf(field, {
      x: view.x, y: view.y, times: view.times,
      units: { length: '1', time: '1', velocity: '1', streamFunction: '1', vorticity: '1' },
      physical: false,
      field: view.reconstruction!,
      uncertainty: view.uncertainty,
      attrs: { comment: `test case 0, model ${best.label}; nondimensional model units (unit square, T = ${ds.times[ds.nTimes - 1]})`, effective_sample_size: view.ess ?? NaN }
    })
    const truth = join(outDir, 'truth-test0.nc')
    await writeFieldNetcdf(truth, {
      x: view.x, y: view.y, times: view.times,
      units: { length: '1', time: '1', velocity: '1', streamFunction: '1', vorticity: '1' },
      physical: false, field: view.truth, attrs: { comment: 'true field of test case 0 (for comparison)' }
    })
    const csv = join(outDir, 'tracks-test0.csv')
    const geojson = join(outDir, 'tracks-test0.geojson')
    await writeFileAtomic(csv, tracksCsv(view.tracks, view.trackTimes))
    await writeFileAtomic(geojson, tracksGeojson(view.tracks, view.trackTimes))
    return [field, truth, csv, geojson]
  } finally {
    model.dispose()
  }
}

function meanError(c: ComparisonResult, label: string): number {
  return c.rmse.find((r) => r.method === `${label}: conditional mean`)?.relativeVelocityRmse ?? Infinity
}

