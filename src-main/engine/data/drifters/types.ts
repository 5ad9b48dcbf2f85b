/** The in-memory form of imported drifter tracks: one record per drifter, plain typed arrays. */
import type { DrifterFormat, ImportProblem, QcClass } from '../../../shared/drifters'

/** One drifter's fixes, sorted by time. */
export interface DrifterTrack {
  /** Drifter identifier as written in the file (GDP ids may exceed 2^31, so kept as text). */
  id: string
  /** Fix times, seconds since 1970-01-01T00:00:00Z, strictly increasing. */
  time: Float64Array
  /** Latitude, degrees north. */
  lat: Float64Array
  /** Longitude, degrees east in [-180, 180). */
  lon: Float64Array
  /** Eastward / northward velocity from the file, m/s (NaN where missing). */
  ve?: Float64Array
  vn?: Float64Array
  /** Quality flag per fix from the file, when it had one (NaN where missing). */
  qc?: Float64Array
  /** Every further per-observation variable of the source, by output name (same length as `time`; NaN / '' where missing). */
  extra?: Record<string, Float64Array | string[]>
  /** Per-trajectory values of the source (deployment date, drogue, type ...), by output name. */
  meta?: Record<string, number | string>
}

/** What the source says about a kept variable: its original name and attributes (units, long_name, ...). */
export interface SourceVariable {
  /** 'obs': one value per fix (in `extra`); 'traj': one per drifter (in `meta`). */
  per: 'obs' | 'traj'
  /** Name in the source (column header or NetCDF variable). */
  sourceName: string
  attrs: Record<string, string | number | number[]>
}

/** Everything a reader found in one file. */
export interface DrifterTracks {
  /** File name the tracks came from (for messages and provenance). */
  source: string
  format: DrifterFormat
  drifters: DrifterTrack[]
  /** What was detected and converted, e.g. { velocity: 'cm/s → m/s' }. */
  units: Record<string, string>
  /** Non-fatal findings (dropped fill values, QC-rejected fixes, ...). */
  problems: ImportProblem[]
  /** Descriptions of the variables in `extra` / `meta`, by output name. */
  variables?: Record<string, SourceVariable>
  /** Source variables not carried over (neither per fix nor per drifter), by source name. */
  ignored?: string[]
  /** The source's global attributes (NetCDF) as read. */
  attributes?: Record<string, string | number | number[]>
  /** False when the source's ids were text even if they look like numbers (kept as text). */
  numericIds?: boolean
  /** Fixes per position-QC class, when the source had QC flags. */
  qc?: QcClass[]
}

/** Total number of fixes over all drifters. */
export function pointCount(tracks: DrifterTracks): number {
  return tracks.drifters.reduce((n, d) => n + d.time.length, 0)
}

/** The fixes `rows` (indices into the track, increasing) of a drifter, with every per-fix variable. */
export function pickFixes(d: DrifterTrack, rows: ArrayLike<number>): DrifterTrack {
  const take = (a: Float64Array) => Float64Array.from(rows, (i) => a[i])
  const out: DrifterTrack = { ...d, time: take(d.time), lat: take(d.lat), lon: take(d.lon) }
  if (d.ve) out.ve = take(d.ve)
  if (d.vn) out.vn = take(d.vn)
  if (d.qc) out.qc = take(d.qc)
  if (d.extra) out.extra = Object.fromEntries(Object.entries(d.extra).map(([k, v]) => [k, Array.isArray(v) ? Array.from(rows, (i) => v[i]) : take(v)]))
  return out
}
