/** Data shapes the renderer draws: fields on grids, track previews, comparisons, exports. Pure types, JSON-safe. */
import type { Calibration, EssSummary, EvaluationSettings, RetrievalScores, RmseRow } from './assimilation'
import type { FileEntry } from './contract'
import type { PhysicalScales, QuantityUnits } from './physical-units'
import type { TrainConfig } from './training'

/** Gridded fields, one flat row-major array (ny × nx) per frame. */
export interface FieldFrames {
  u: number[][]
  v: number[][]
  psi: number[][]
  vorticity: number[][]
}

export interface FieldView {
  /** Cell-centre coordinates of the grid, in `units.length` (domain units, or km with physical scales). */
  x: number[]
  y: number[]
  /** Frame times, in `units.time`. Every value of the view is in `units` (shared/physical-units.ts). */
  times: number[]
  units: QuantityUnits
  /** The data set's physical scales, when the view is in km, days and m/s. */
  scales?: PhysicalScales
  truth: FieldFrames
  reconstruction?: FieldFrames
  /** Weighted std of the conditional's velocity vector per frame (ny × nx), sqrt(Σ w_j |w_j − w̄|²): the uncertainty field. */
  uncertainty?: number[][]
  /** Velocity RMSE of the reconstruction per frame, against the truth. */
  rmsePerFrame?: number[]
  /** Effective sample size of the conditional weights. */
  ess?: number
  /** Observed tracer paths, tracers × times × [x, y]. */
  tracks: number[][][]
  trackTimes: number[]
}

export interface TrackPreview {
  source: string
  /** tracks[i] is one tracer path: times × [x, y] in `units.length` (domain units, km, or lon/lat for drifters). */
  tracks: number[][][]
  units: { length: string; time: string }
  bounds: { xMin: number; xMax: number; yMin: number; yMax: number }
  /** Imported drifters only: the id of each track and its fix times (seconds since 1970-01-01T00:00:00Z). */
  ids?: string[]
  times?: number[][]
}

export interface ComparisonVariant {
  label: string
  config: TrainConfig
  model: string
  retrieval: RetrievalScores
  /** Validation curve per epoch. */
  curve: { epoch: number; trainLoss: number; validationLoss: number; r1TrajToPot: number; r1PotToTraj: number }[]
  /** Centre and width of the learned conditionals against the truth (paper §5 expectations). */
  calibration?: Calibration
  ess?: EssSummary
  /** Wall-clock training time (s). */
  trainSeconds?: number
}

export interface ComparisonResult {
  dataset: string
  variants: ComparisonVariant[]
  rmse: RmseRow[]
  report?: string
  settings?: EvaluationSettings
  /** Files written (metrics.json, metrics.csv, curves.json, report.html, models/…). */
  files?: string[]
}

export interface ExportResult {
  files: FileEntry[]
}

/**
 * One assimilated deployment field for the map (read from its CF NetCDF): cell centres in lon/lat, posterior mean
 * velocity per frame and its standard deviation, in m/s. Missing values (land) are null, as JSON has no NaN.
 */
export interface DeploymentFieldView {
  file: string
  nx: number
  ny: number
  /** [lon, lat] of each cell centre, row-major ny × nx. */
  lonLat: [number, number][]
  /** Frame times, seconds since 1970-01-01T00:00:00Z (a subset of the file's when it has many). */
  times: number[]
  /** Eastward / northward velocity per frame (frames × cells), m/s. */
  u: (number | null)[][]
  v: (number | null)[][]
  /** sqrt(u_std² + v_std²) per cell, m/s (the spread of the posterior velocity), when the file has it. */
  std?: (number | null)[]
  /** 1 where the cell centre is land. */
  land: number[]
}
