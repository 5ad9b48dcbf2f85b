/** Flat fixes (one row per observation) → validated per-drifter tracks: fill values, QC, longitudes, time order. */
import type { ImportProblem, QcClass } from '../../../shared/drifters'
import { importError } from './errors'
import { isoTime } from './time'
import type { DrifterTrack } from './types'

/**
 * Copernicus Marine / OceanSITES QC flags and what they mean; the usable ones are kept (0 "no QC performed" too:
 * the data are unchecked, not bad, and dropping them lost whole real-time files).
 */
export const QC_MEANINGS: Record<number, string> = {
  0: 'no QC performed',
  1: 'good',
  2: 'probably good',
  3: 'probably bad',
  4: 'bad',
  5: 'value changed',
  6: 'not used',
  7: 'nominal value',
  8: 'interpolated',
  9: 'missing'
}
export const VALID_QC_FLAGS: ReadonlySet<number> = new Set([0, 1, 2, 5, 7, 8])

/** Observations in file order; velocities already in m/s. NaN marks a missing value. */
export interface FlatFixes {
  ids: string[]
  time: Float64Array
  lat: Float64Array
  lon: Float64Array
  ve?: Float64Array
  vn?: Float64Array
  qc?: Float64Array
  /** Further per-observation variables, kept with the fixes. */
  extra?: Record<string, Float64Array | string[]>
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
 * Group fixes by drifter, drop missing and QC-rejected fixes, sort each drifter by time and drop exact
 * duplicates (all reported as warnings), normalise longitudes, and reject what cannot be a track (two
 * positions at one time, out-of-range positions, nothing left with two fixes) with one UserError naming the
 * file and the row.
 */
export function assembleTracks(
  file: string,
  fixes: FlatFixes,
  units: Record<string, string>,
  problems: ImportProblem[],
  report: { qc?: QcClass[] } = {}
): DrifterTrack[] {
  const n = fixes.time.length
  const groups = new Map<string, Group>()
  let missing = 0
  let wrapped = false
  const qcCounts = new Map<number, number>()
  for (let i = 0; i < n; i++) {
    const lat = fixes.lat[i]
    const lon = fixes.lon[i]
    if (isFillValue(lat) || isFillValue(lon) || !Number.isFinite(fixes.time[i])) {
      missing++
      continue
    }
    if (Math.abs(lat) > 90) throw importError(file, fixes.where(i), `latitude ${lat} is outside -90…90`, 'check that the latitude and longitude columns are not swapped')
    if (lon < -180 || lon > 360) throw importError(file, fixes.where(i), `longitude ${lon} is outside -180…360`, 'give longitudes in degrees east')
    if (fixes.qc && Number.isFinite(fixes.qc[i])) {
      qcCounts.set(fixes.qc[i], (qcCounts.get(fixes.qc[i]) ?? 0) + 1)
      if (!VALID_QC_FLAGS.has(fixes.qc[i])) continue
    }
    if (lon > 180) wrapped = true
    const id = fixes.ids[i]
    let g = groups.get(id)
    if (!g) groups.set(id, (g = { id, rows: [] }))
    g.rows.push(i)
  }
  if (missing > 0) problems.push({ severity: 'warning', where: 'positions', message: `${missing} fixes without a position or time (fill values) were skipped` })
  const rejected = [...qcCounts].filter(([flag]) => !VALID_QC_FLAGS.has(flag)).reduce((n, [, c]) => n + c, 0)
  if (rejected > 0) problems.push({ severity: 'warning', where: 'qc', message: `${rejected} fixes with a QC flag outside {${[...VALID_QC_FLAGS].join(',')}} were skipped (${describeQc(qcCounts, false)})` })
  if (qcCounts.size > 0) {
    units.qcClasses = describeQc(qcCounts)
    report.qc = [...qcCounts].sort((a, b) => a[0] - b[0]).map(([flag, fixes]) => ({ flag, meaning: QC_MEANINGS[flag] ?? 'unknown flag', fixes, kept: VALID_QC_FLAGS.has(flag) }))
  }
  if (wrapped) units.longitude = '0–360 → -180…180'

  const tracks: DrifterTrack[] = []
  let unsorted = 0
  let duplicates = 0
  for (const g of groups.values()) {
    unsorted += sortByTime(fixes, g)
    duplicates += dropDuplicates(file, fixes, g)
    if (g.rows.length < 2) {
      problems.push({ severity: 'warning', where: `drifter ${g.id}`, message: `only one fix (${fixes.where(g.rows[0])}); a track needs at least 2, so it was skipped` })
      continue
    }
    tracks.push(pick(fixes, g))
  }
  if (unsorted > 0) problems.push({ severity: 'warning', where: 'time', message: `${unsorted} fixes were out of time order within their drifter and were sorted` })
  if (duplicates > 0) problems.push({ severity: 'warning', where: 'duplicates', message: `${duplicates} exact duplicate fixes (same drifter, time and position) were dropped` })
  if (tracks.length === 0) {
    const why = groups.size > 0 ? 'no drifter has more than a single fix' : 'no fix has a valid time and position'
    throw importError(file, 'file', why, 'a track needs at least 2 fixes with time, latitude and longitude')
  }
  return tracks
}

/** "1 good ×10, 4 bad ×2" for the flags seen (kept ones only, rejected ones only, or all). */
export function describeQc(counts: Map<number, number>, kept?: boolean): string {
  return [...counts]
    .filter(([flag]) => kept === undefined || VALID_QC_FLAGS.has(flag) === kept)
    .sort((a, b) => a[0] - b[0])
    .map(([flag, n]) => `${flag} ${QC_MEANINGS[flag] ?? 'unknown flag'} ×${n}${kept === undefined ? (VALID_QC_FLAGS.has(flag) ? ' kept' : ' skipped') : ''}`)
    .join(', ')
}

/** Sort a drifter's rows by time (stable, so file order breaks ties); returns how many rows were out of order. */
function sortByTime(fixes: FlatFixes, g: Group): number {
  let outOfOrder = 0
  for (let k = 1; k < g.rows.length; k++) if (fixes.time[g.rows[k]] < fixes.time[g.rows[k - 1]]) outOfOrder++
  if (outOfOrder > 0) g.rows.sort((a, b) => fixes.time[a] - fixes.time[b] || a - b)
  return outOfOrder
}

/**
 * Drop repeats of a fix (same time and position: Copernicus and Argos files repeat fixes); returns how many.
 * Two different positions at one time cannot both be right, so that is refused, naming both rows.
 */
function dropDuplicates(file: string, fixes: FlatFixes, g: Group): number {
  const kept: number[] = []
  for (const row of g.rows) {
    const prev = kept[kept.length - 1]
    if (prev !== undefined && fixes.time[row] === fixes.time[prev]) {
      if (fixes.lat[row] === fixes.lat[prev] && normaliseLongitude(fixes.lon[row]) === normaliseLongitude(fixes.lon[prev])) continue
      throw importError(
        file,
        fixes.where(row),
        `time ${isoTime(fixes.time[row])} of drifter ${g.id} repeats the time of ${fixes.where(prev)} with a different position (${fixes.lat[row]}, ${fixes.lon[row]} vs ${fixes.lat[prev]}, ${fixes.lon[prev]})`,
        'remove the wrong fix, or give the two fixes different drifter ids'
      )
    }
    kept.push(row)
  }
  const dropped = g.rows.length - kept.length
  g.rows = kept
  return dropped
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
  if (fixes.extra) {
    track.extra = {}
    for (const [name, a] of Object.entries(fixes.extra)) track.extra[name] = Array.isArray(a) ? g.rows.map((i) => a[i]) : take(a)
  }
  return track
}
