/**
 * The demo's exports for test case 0 with the best variant: the reconstructed and the true field (CF NetCDF-4,
 * model units) and the observed tracks as CSV and GeoJSON (model units), through writeCaseExports.
 */
import type { ComparisonResult } from '../../shared/views'
import { FIELD_DEFAULTS } from '../../shared/limits'
import type { PairedDataset } from '../data/dataset-types'
import { initBackend, loadModel } from '../learn/index'
import { writeCaseExports } from './case-export'
import { meanError } from './compare'
import { fieldViewOf } from './field-view'
import { pairsOfSplit } from './setup'

export async function writeDemoExports(ds: PairedDataset, comparison: ComparisonResult, outDir: string): Promise<string[]> {
  const best = [...comparison.variants].sort((a, b) => meanError(comparison.rmse, a.label) - meanError(comparison.rmse, b.label))[0]
  if (!best) return []
  await initBackend()
  const model = await loadModel(best.model, ds)
  try {
    const view = fieldViewOf(ds, model, { index: 0, grid: FIELD_DEFAULTS.explore.grid, frames: 11 })
    const note = `nondimensional model units (periodic unit square, T = ${ds.times[ds.nTimes - 1]})`
    return await writeCaseExports(ds, view, pairsOfSplit(ds, 'test')[0]!, outDir, {
      formats: ['netcdf', 'csv', 'geojson'],
      suffix: '-test0',
      attrs: { model: best.model },
      comments: {
        reconstruction: `conditional-mean reconstruction of test case 0 by ${best.label}; uncertainty = weighted std of the velocity vector under the learned conditional; ${note}`,
        truth: `true field of test case 0; ${note}`
      }
    })
  } finally {
    model.dispose()
  }
}
