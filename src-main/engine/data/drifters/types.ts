/** The in-memory form of imported drifter tracks: one record per drifter, plain typed arrays. */
import type { DrifterFormat, ImportProblem } from '../../../shared/drifters'

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
}

/** Total number of fixes over all drifters. */
export function pointCount(tracks: DrifterTracks): number {
  return tracks.drifters.reduce((n, d) => n + d.time.length, 0)
}
