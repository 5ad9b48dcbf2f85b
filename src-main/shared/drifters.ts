/** Drifter import: what an import found and how tracks were prepared. Pure types. */

export type DrifterFormat = 'csv' | 'netcdf4' | 'netcdf3' | 'geojson'

/** One problem found while reading a file; `where` names the row or variable. */
export interface ImportProblem {
  severity: 'warning' | 'error'
  where: string
  message: string
}

export interface ImportSummary {
  file: string
  format: DrifterFormat
  drifters: number
  points: number
  /** ISO-8601 times of the first and last fix. */
  timeStart: string
  timeEnd: string
  /** Detected units, e.g. { velocity: 'cm/s → m/s', longitude: '0–360 → ±180' }. */
  units: Record<string, string>
  problems: ImportProblem[]
  /** Where the CF trajectory NetCDF-4 copy was written. */
  out?: string
  /** One line per drifter: id, fixes and time span (ISO-8601). */
  perDrifter?: DrifterSpan[]
  /** The time window the import was clipped to, when one was given. */
  window?: { start: string; end: string }
}

export interface DrifterSpan {
  id: string
  points: number
  timeStart: string
  timeEnd: string
  /** Whether the file gave velocities (ve/vn) for this drifter. */
  velocity: boolean
}
