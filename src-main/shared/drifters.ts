/** Drifter import: what an import found and how tracks were prepared. Pure types. */

export type DrifterFormat = 'csv' | 'netcdf4' | 'netcdf3' | 'geojson' | 'gdp-ascii'

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
  /** Per drifter: sampling interval, gaps, stationary (grounded) periods, fixes before release / after recovery. */
  quality?: DrifterQuality[]
  /** Fixes per QC flag class, when the file had position QC flags. */
  qc?: QcClass[]
  /** Where the fixes are, degrees (east of west; tracks crossing the antimeridian span the globe). */
  extent?: { latMin: number; latMax: number; lonMin: number; lonMax: number }
  /** Variables read from the file ("id", "time", "lat", "lon", "ve"/"vn", "qc", then the source's other variables by name) and those not carried over. */
  variables?: { kept: string[]; ignored: string[] }
}

/** One QC flag value (OceanSITES / Copernicus 0–9) and how many fixes carried it. */
export interface QcClass {
  flag: number
  meaning: string
  fixes: number
  kept: boolean
}

/** A time between consecutive fixes much longer than the drifter's sampling interval. */
export interface TrackGap {
  start: string
  end: string
  hours: number
}

/** A period the drifter stayed within a small radius (grounded, on deck, in harbour). */
export interface StationaryPeriod {
  start: string
  end: string
  hours: number
  fixes: number
  /** Where it sat, degrees. */
  lat: number
  lon: number
}

export interface DrifterQuality {
  id: string
  /** Median time between fixes, seconds. */
  samplingSeconds: number
  gaps: TrackGap[]
  stationary: StationaryPeriod[]
  /** Leading fixes that look like before release (stationary on land or deck, ship speed), when detected. */
  beforeRelease?: { fixes: number; start: string; end: string }
  /** Trailing fixes that look like after pick-up or grounding (ship speed, stationary), when detected. */
  afterRecovery?: { fixes: number; start: string; end: string }
}

export interface DrifterSpan {
  id: string
  points: number
  timeStart: string
  timeEnd: string
  /** Whether the file gave velocities (ve/vn) for this drifter. */
  velocity: boolean
  /** Median time between fixes, seconds. */
  samplingSeconds?: number
  /** Number of gaps and the longest, hours. */
  gaps?: number
  longestGapHours?: number
}

/** How real tracks were brought into the model's frame (JSON-safe; shown by the CLI and the UI). */
export interface PreparedTracksSummary {
  drifters: string[]
  /** Analysis window (ISO-8601) and why it was chosen. */
  window: { start: string; end: string; reason: string }
  /** Samples on the model's time grid. */
  samples: number
  projection: string
  origin: { lat: number; lon: number }
  /** Scale factors for the way back: km per model length unit, s per model time unit, m/s per model velocity unit. */
  kmPerUnit: number
  secondsPerUnit: number
  metresPerSecondPerUnit: number
  /** RMS |velocity from positions − file ve/vn| (m/s) over the fixes with both, when the file had velocities. */
  velocityCheck?: { rmsDifference: number; rmsFileSpeed: number; fixes: number }
  problems: ImportProblem[]
}

import type { TracksExportFormat } from './exports'

export type { TracksExportFormat }

/** What `export-tracks` wrote: real tracks as CSV (ISO-8601 UTC, units in the header) or GeoJSON (WGS-84). */
export interface TracksExport {
  /** The tracks file read. */
  tracks: string
  format: TracksExportFormat
  out: string
  drifters: number
  points: number
}
