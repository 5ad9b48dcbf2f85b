/** Flat fixes (one row per observation) → validated per-drifter tracks: fill values, QC, longitudes, time order. */
import type { ImportProblem } from '../../../shared/drifters'
import { importError } from './errors'
import { isoTime } from './time'
import type { DrifterTrack } from './types'

/** Copernicus Marine / OceanSITES flags that mark a usable fix. */
export const VALID_QC_FLAGS: ReadonlySet<number> = new Set([1, 2, 5, 7, 8])

/** Observations in file order; velocities already in m/s. NaN marks a missing value. */
export interface FlatFixes {
  ids: string[]
  time: Float64Array
  lat: Float64Array
  lon: Float64Array
  ve?: Float64Array
  vn?: Float64Array
  qc?: Float64Array
  /** How to name observation i in a message, e.g. "line 7" or "obs 12". */
  where(i: number): string
}

/** True for the sentinels drifter files use for "no value": NaN, ±Inf, 999.99, -999, 9999, 1e20 ... */
export function isFillValue(x: number): boolean {
  return !Number.isFinite(x) || Math.abs(x) >= 999
}

/** Longitude in degrees → [-180, 180). */
export function normaliseLongitude(lon: number): number {
  // Shift only values outside the range, so in-range longitudes stay bit-identical.
  if (lon >= 180) return lon - 360 >= 180 ? normaliseLongitude(lon - 360) : lon - 360
  if (lon < -180) return normaliseLongitude(lon + 360)
  return lon
}

interface Group {
  id: string
  rows: number[]
}

/**
 * Group fixes by drifter, drop missing and QC-rejected fixes (reported as warnings), normalise
 * longitudes, and reject what cannot be a track (time not increasing, out-of-range positions,
 * nothing left with two fixes) with one UserError naming the file and the row.
 */
export function assembleTracks(
  file: string,
  fixes: FlatFixes,
  units: Record<string, string>,
  problems: ImportProblem[]
): DrifterTrack[] {
  const n = fixes.time.length
  const groups = new Map<string, Group>()
  let missing = 0
  let rejected = 0
  let wrapped = false
  for (let i = 0; i < n; i++) {
    const lat = fixes.lat[i]
    const lon = fixes.lon[i]
    if (isFillValue(lat) || isFillValue(lon) || !Number.isFinite(fixes.time[i])) {
      missing++
      continue
    }
    if (Math.abs(lat) > 90) throw importError(file, fixes.where(i), `latitude ${lat} is outside -90…90`, 'check that the latitude and longitude columns are not swapped')
    if (lon < -180 || lon > 360) throw importError(file, fixes.where(i), `longitude ${lon} is outside -180…360`, 'give longitudes in degrees east')
    if (fixes.qc && Number.isFinite(fixes.qc[i]) && !VALID_QC_FLAGS.has(fixes.qc[i])) {
      rejected++
      continue
    }
    if (lon > 180) wrapped = true
    const id = fixes.ids[i]
    let g = groups.get(id)
    if (!g) groups.set(id, (g = { id, rows: [] }))
    g.rows.push(i)
  }
  if (missing > 0) problems.push({ severity: 'warning', where: 'positions', message: `${missing} fixes without a position or time (fill values) were skipped` })
  if (rejected > 0) problems.push({ severity: 'warning', where: 'qc', message: `${rejected} fixes with a QC flag outside {1,2,5,7,8} were skipped` })
  if (wrapped) units.longitude = '0–360 → -180…180'

  const tracks: DrifterTrack[] = []
  for (const g of groups.values()) {
    checkIncreasing(file, fixes, g)
    if (g.rows.length < 2) {
      problems.push({ severity: 'warning', where: `drifter ${g.id}`, message: `only one fix (${fixes.where(g.rows[0])}); a track needs at least 2, so it was skipped` })
      continue
    }
    tracks.push(pick(fixes, g))
  }
  if (tracks.length === 0) {
    const why = groups.size > 0 ? 'no drifter has more than a single fix' : 'no fix has a valid time and position'
    throw importError(file, 'file', why, 'a track needs at least 2 fixes with time, latitude and longitude')
  }
  return tracks
}

function checkIncreasing(file: string, fixes: FlatFixes, g: Group): void {
  for (let k = 1; k < g.rows.length; k++) {
    const prev = g.rows[k - 1]
    const row = g.rows[k]
    if (fixes.time[row] <= fixes.time[prev]) {
      const what = fixes.time[row] === fixes.time[prev] ? 'repeats the time of' : 'is earlier than'
      throw importError(
        file,
        fixes.where(row),
        `time ${isoTime(fixes.time[row])} of drifter ${g.id} ${what} ${fixes.where(prev)} (${isoTime(fixes.time[prev])}): time is not increasing`,
        "sort the file by drifter and time and remove duplicate fixes"
      )
    }
  }
}

function pick(fixes: FlatFixes, g: Group): DrifterTrack {
  const take = (a: Float64Array) => Float64Array.from(g.rows, (i) => a[i])
  const track: DrifterTrack = {
    id: g.id,
    time: take(fixes.time),
    lat: take(fixes.lat),
    lon: Float64Array.from(g.rows, (i) => normaliseLongitude(fixes.lon[i]))
  }
  const velocity = (a: Float64Array) => Float64Array.from(g.rows, (i) => (isFillValue(a[i]) ? NaN : a[i]))
  if (fixes.ve && fixes.vn) {
    track.ve = velocity(fixes.ve)
    track.vn = velocity(fixes.vn)
  }
  if (fixes.qc) track.qc = take(fixes.qc)
  return track
}
