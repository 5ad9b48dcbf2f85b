/** Retrieval, reconstruction and scores: request and result types. Pure: zod only. */
import { z } from 'zod'

/** Retrieval scores of one direction: R@k are fractions in [0, 1]; ranks are 1-based (1 = true partner on top). */
export const RecallAtK = z.object({ r1: z.number(), r5: z.number(), r10: z.number(), meanRank: z.number(), medianRank: z.number() })
export type RecallAtK = z.infer<typeof RecallAtK>

/** Retrieval scores in both directions on one split. */
export interface RetrievalScores {
  trajectoryToPotential: RecallAtK
  potentialToTrajectory: RecallAtK
}

/** The three learned reconstructions each variant gets in the RMSE table, and how each is shown. */
export const LEARNED_RECONSTRUCTIONS = { top1: 'top-1 retrieval', mean: 'conditional mean', sample: 'one conditional sample' } as const
export type LearnedReconstruction = keyof typeof LEARNED_RECONSTRUCTIONS

/** The baselines of the RMSE table (no learning), and how each is shown. */
export const BASELINES = {
  zero: 'zero field',
  'train-mean': 'train-mean field',
  nearest: 'nearest trajectory (raw L2)',
  oracle: 'oracle (best in bank)'
} as const
export type Baseline = keyof typeof BASELINES

/** What an RMSE row measures: one variant's learned reconstruction, or a baseline (which has no variant). */
export type RmseMethod = { kind: LearnedReconstruction; variant: string } | { kind: Baseline; variant?: undefined }

/** Whether a row is a baseline (typed by its kind, never by its display name). */
export function isBaseline(m: { kind?: RmseMethod['kind'] }): m is { kind: Baseline } {
  return m.kind !== undefined && Object.hasOwn(BASELINES, m.kind)
}

/** The row's display name: "cond/cosine: conditional mean", "baseline: zero field". Shown only, never matched. */
export function methodName(m: RmseMethod): string {
  return m.variant === undefined ? `baseline: ${BASELINES[m.kind]}` : `${m.variant}: ${LEARNED_RECONSTRUCTIONS[m.kind]}`
}

/** The scores of one row of the RMSE table. */
export interface RmseScores {
  /** Vector velocity RMSE sqrt(mean |w − w_true|²) over grid cells, frames and test queries (domain length / time). */
  velocityRmse: number
  /** velocityRmse divided by the truth's RMS speed (1 = as bad as the zero field). */
  relativeVelocityRmse: number
  /** Position RMSE of tracers advected from the observed starts in the reconstructed field (domain length). */
  tracerRmse: number
  /** Stream-function RMSE after removing each frame's spatial mean (ψ is defined up to a constant). */
  streamFunctionRmse: number
  /** Effective sample size of the conditional weights (learned methods only), mean over queries. */
  ess?: number
  /** Velocity RMSE per frame, pooled over queries. */
  perFrameVelocityRmse?: number[]
  /**
   * Each test query's mean squared errors in query order (the same queries for every method), from which the
   * columns above are pooled: for paired bootstrap intervals. `tracer` only when every query was advected.
   */
  perQuery?: { velocity: number[]; truth: number[]; psi: number[]; tracer?: number[] }
}

/** A row as shown (table, bars): its display name and its scores. */
export type RmseDisplayRow = RmseScores & { method: string }

/** One row of the RMSE table: a method (learned variant or baseline) against the truth; `method` is its display name. */
export type RmseRow = RmseMethod & RmseDisplayRow

/** How an evaluation was set up, for the record. */
export interface EvaluationSettings {
  /** Grid cells per side over the data set's domain. */
  grid: number
  /** Frame times (flow time units) at which fields are compared. */
  frameTimes: number[]
  /** Test pairs used as queries (first ones of the test split). */
  testQueries: number
  /** Reference bank size (train pairs) for the conditional weights and the baselines. */
  bankSize: number
  /** Conditional samples drawn per query, and their seed. */
  samples: number
  seed: number
}

/** Distribution of the effective sample size over the test queries. */
export interface EssSummary {
  mean: number
  median: number
  min: number
  max: number
}

/** How well a learned conditional is centred and how wide it is, in one direction (see engine/assimilate/calibration.ts). */
export interface CalibrationDirection {
  /** sqrt(mean over queries of Σ_j w_j |x_j − x̄|²): the conditional's own spread. */
  spread: number
  /** sqrt(mean over queries of |x̄ − x_true|²): the error of the conditional mean. */
  skill: number
  /** spread / skill: ≈ 1 when calibrated, > 1 when the conditional is too wide (inflated spread). */
  ratio: number
  /** Least-squares slope of (x_true − m) on (x̄ − m), m = bank mean: 1 = unbiased means, > 1 = means shrunk. */
  slope: number
}

/** v|u = potential given trajectory (what reconstruction uses); u|v = trajectory given potential. */
export interface Calibration {
  potentialGivenTrajectory: CalibrationDirection
  trajectoryGivenPotential: CalibrationDirection
}

export interface EvaluationResult {
  model: string
  dataset: string
  retrieval: RetrievalScores
  rmse: RmseRow[]
  settings?: EvaluationSettings
  ess?: EssSummary
  calibration?: Calibration
}
