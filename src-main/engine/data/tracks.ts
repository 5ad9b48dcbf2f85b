/** Imported drifter tracks on disk: CF-1.10 trajectory NetCDF-4 (contiguous ragged array, dims traj/obs), write and read. */
import { readFile } from 'node:fs/promises'
import { basename } from 'node:path'
import { readDrifterFile } from './drifters/read'
import type { DrifterTracks } from './drifters/types'
import { writeNetcdf4, type VariableSpec } from './export/netcdf4'

export const TIME_UNITS = 'seconds since 1970-01-01 00:00:00'

function concat(tracks: DrifterTracks, pick: (d: DrifterTracks['drifters'][number]) => Float64Array | undefined): Float64Array {
  const total = tracks.drifters.reduce((n, d) => n + d.time.length, 0)
  const out = new Float64Array(total).fill(NaN)
  let k = 0
  for (const d of tracks.drifters) {
    const a = pick(d)
    if (a) out.set(a, k)
    k += d.time.length
  }
  return out
}

/**
 * Write tracks as a CF trajectory NetCDF-4 file: `rowsize(traj)` with sample_dimension="obs",
 * `id(traj)` with cf_role=trajectory_id, and time/lat/lon (plus ve/vn in m/s, QC) on `obs`.
 * Atomic: the file appears complete or not at all.
 * @param extraAttrs further global attributes (e.g. the analysis window)
 */
export async function writeTracksNetcdf(path: string, tracks: DrifterTracks, extraAttrs: Record<string, string | number> = {}): Promise<void> {
  const obs = tracks.drifters.reduce((n, d) => n + d.time.length, 0)
  const variables: VariableSpec[] = [
    { name: 'id', dims: ['traj'], data: tracks.drifters.map((d) => d.id), attrs: { cf_role: 'trajectory_id', long_name: 'drifter identification number' } },
    { name: 'rowsize', dims: ['traj'], data: Int32Array.from(tracks.drifters, (d) => d.time.length), attrs: { long_name: 'number of observations per trajectory', sample_dimension: 'obs' } },
    { name: 'time', dims: ['obs'], data: concat(tracks, (d) => d.time), attrs: { standard_name: 'time', long_name: 'time of fix', units: TIME_UNITS, calendar: 'standard', axis: 'T' } },
    { name: 'lat', dims: ['obs'], data: concat(tracks, (d) => d.lat), attrs: { standard_name: 'latitude', long_name: 'latitude', units: 'degrees_north', axis: 'Y' } },
    { name: 'lon', dims: ['obs'], data: concat(tracks, (d) => d.lon), attrs: { standard_name: 'longitude', long_name: 'longitude', units: 'degrees_east', axis: 'X' } }
  ]
  const coordinates = 'time lat lon'
  if (tracks.drifters.some((d) => d.ve && d.vn)) {
    variables.push(
      { name: 've', dims: ['obs'], data: concat(tracks, (d) => d.ve), fill: NaN, attrs: { standard_name: 'eastward_sea_water_velocity', long_name: 'eastward velocity from the source file', units: 'm s-1', coordinates } },
      { name: 'vn', dims: ['obs'], data: concat(tracks, (d) => d.vn), fill: NaN, attrs: { standard_name: 'northward_sea_water_velocity', long_name: 'northward velocity from the source file', units: 'm s-1', coordinates } }
    )
  }
  if (tracks.drifters.some((d) => d.qc)) {
    variables.push({ name: 'position_qc', dims: ['obs'], data: concat(tracks, (d) => d.qc), fill: NaN, attrs: { long_name: 'position quality flag from the source file', flag_values_kept: '1 2 5 7 8', coordinates } })
  }
  await writeNetcdf4(path, {
    dims: [
      { name: 'traj', size: tracks.drifters.length },
      { name: 'obs', size: obs }
    ],
    variables,
    attrs: {
      Conventions: 'CF-1.10',
      featureType: 'trajectory',
      title: 'Drifter tracks imported by driftclip',
      source: tracks.source,
      source_format: tracks.format,
      units_detected: JSON.stringify(tracks.units),
      ...extraAttrs
    }
  })
}

/** Read a tracks file written by `writeTracksNetcdf` (or any CF trajectory NetCDF) back into memory. */
export async function readTracksNetcdf(path: string): Promise<DrifterTracks> {
  return readDrifterFile(basename(path), new Uint8Array(await readFile(path)))
}
