/**
 * One test case's exports, shared by the GUI's Export job and the demo: the true and reconstructed fields as
 * CF NetCDF-4 (only the chosen quantities), the observed tracks as CSV and GeoJSON, and the per-frame RMSE as JSON.
 */
import { join } from 'node:path'
import { FieldName, type ExportFormat } from '../../shared/exports'
import type { FieldFrames, FieldView } from '../../shared/views'
import type { PairedDataset } from '../data/dataset-types'
import { writeFieldNetcdf, writeMetricsJson, writeTracksCsv, writeTracksGeojson, type FieldExport } from '../data/export/index'
import { throwIfCancelled } from '../jobs/job'
import { observedTrack } from './tracers'
import { CF_PHYSICAL_UNITS } from '../../shared/physical-units'

export type CaseFormat = ExportFormat

export interface CaseExportOptions {
  formats: readonly CaseFormat[]
  /** Quantities in the NetCDF files (default: all). */
  fields?: readonly FieldName[]
  /** Global attributes of every file, and the comment of each field file. */
  attrs: FieldExport['attrs']
  comments: { truth: string; reconstruction: string }
  /** Appended to every file name, e.g. "-test0". */
  suffix?: string
  signal?: AbortSignal
  /** Called after each format is written. */
  onFormat?: (done: number, total: number) => void
}

/** Frames (number[][]) flattened to time × y × x, times `factor`. */
export function flatFrames(frames: number[][], factor = 1): Float64Array {
  const n = frames[0]?.length ?? 0
  const out = new Float64Array(frames.length * n)
  frames.forEach((f, k) => f.forEach((v, i) => (out[k * n + i] = v * factor)))
  return out
}

/** A field view's frames in the export writer's layout, in the view's units (CF units attributes when physical). */
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
    ...(view.scales ? { units: CF_PHYSICAL_UNITS } : {}),
    attrs: view.scales ? { ...attrs, km_per_domain_unit: view.scales.kmPerUnit, days_per_time_unit: view.scales.daysPerUnit } : attrs
  }
}

/** The export with only the chosen quantities. */
export function onlyFields(e: FieldExport, fields: readonly FieldName[] = FieldName.options): FieldExport {
  const out = { ...e }
  for (const name of FieldName.options) if (!fields.includes(name)) delete out[name]
  return out
}

/** Write the case's exports into `outDir`; returns the written paths. */
export async function writeCaseExports(ds: PairedDataset, view: FieldView, pair: number, outDir: string, o: CaseExportOptions): Promise<string[]> {
  const written: string[] = []
  const name = (base: string, ext: string) => join(outDir, `${base}${o.suffix ?? ''}${ext}`)
  const tracks = { times: ds.times, positions: observedTrack(ds, pair), nTracers: ds.nTracers }
  for (const [i, format] of o.formats.entries()) {
    if (o.signal) throwIfCancelled(o.signal)
    if (format === 'netcdf') {
      if (view.reconstruction) {
        const rec = name('reconstruction', '.nc')
        const attrs = { ...o.attrs, comment: o.comments.reconstruction, effective_sample_size: view.ess ?? NaN }
        await writeFieldNetcdf(rec, onlyFields(fieldExportOf(view, view.reconstruction, view.uncertainty, attrs), o.fields))
        written.push(rec)
      }
      const truth = name('truth', '.nc')
      await writeFieldNetcdf(truth, onlyFields(fieldExportOf(view, view.truth, undefined, { ...o.attrs, comment: o.comments.truth }), o.fields))
      written.push(truth)
    } else if (format === 'csv') {
      written.push(name('tracks', '.csv'))
      await writeTracksCsv(written.at(-1)!, tracks)
    } else if (format === 'geojson') {
      written.push(name('tracks', '.geojson'))
      await writeTracksGeojson(written.at(-1)!, tracks)
    } else {
      written.push(name('rmse-per-frame', '.json'))
      const rows = view.times.map((time, f) => ({ time, velocityRmse: view.rmsePerFrame?.[f] ?? null }))
      await writeMetricsJson(written.at(-1)!, rows, { ...o.attrs, ess: view.ess ?? null })
    }
    o.onFormat?.(i + 1, o.formats.length)
  }
  return written
}
