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
}
