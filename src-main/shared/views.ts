/** Data shapes the renderer draws: fields on grids, track previews, comparisons, exports. Pure types, JSON-safe. */
import type { RetrievalScores, RmseRow } from './assimilation'
import type { FileEntry } from './contract'
import type { TrainConfig } from './training'

/** Gridded fields, one flat row-major array (ny × nx) per frame. */
export interface FieldFrames {
  u: number[][]
  v: number[][]
  psi: number[][]
  vorticity: number[][]
}

export interface FieldView {
  /** Cell-centre coordinates of the grid, in domain units. */
  x: number[]
  y: number[]
  /** Frame times, in the data set's time unit. */
  times: number[]
  units: { length: string; time: string; velocity: string }
  truth: FieldFrames
  reconstruction?: FieldFrames
  /** Std of the conditional samples' speed per frame (ny × nx): the uncertainty field. */
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
  /** tracks[i] is one tracer path: times × [x, y] in domain units (or km for drifters). */
  tracks: number[][][]
  units: { length: string; time: string }
  bounds: { xMin: number; xMax: number; yMin: number; yMax: number }
}

export interface ComparisonVariant {
  label: string
  config: TrainConfig
  model: string
  retrieval: RetrievalScores
  /** Validation curve per epoch. */
  curve: { epoch: number; trainLoss: number; validationLoss: number; r1TrajToPot: number; r1PotToTraj: number }[]
}

export interface ComparisonResult {
  dataset: string
  variants: ComparisonVariant[]
  rmse: RmseRow[]
  report?: string
}

export interface ExportResult {
  files: FileEntry[]
}
