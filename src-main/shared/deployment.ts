/**
 * Assimilation of a real drifter deployment (`driftclip assimilate`, the Assimilate view): options and the typed
 * result — window, step, drifters, projection, the fitted flow prior, the leave-one-drifter-out skill table and
 * the written field. Pure: zod only. Units: km, m/s, days (hours for the step), ISO-8601 UTC times.
 */
import { z } from 'zod'
import { FIELD_DEFAULTS, FIELD_LIMITS, Seed } from './limits'

/** Leave-one-drifter-out methods, in table order; `driftclip` is the learned posterior under the fitted prior. */
export const SKILL_METHODS = ['zero', 'mean-of-others', 'nearest', 'inverse-distance', 'gp', 'helmholtz-gp', 'prior-bayes', 'driftclip'] as const
export type SkillMethod = (typeof SKILL_METHODS)[number]

/** What the user may choose; everything left out is chosen from the data and reported in `choices`. */
export const AssimilationOptions = z.object({
  /** Analysis window, ISO-8601; default the longest span in which at least 3 drifters report. */
  window: z.object({ start: z.string().min(1), end: z.string().min(1) }).optional(),
  /** Drifter ids to use (default all that report in the window). */
  drifters: z.array(z.string().min(1).max(80)).min(1).max(500).optional(),
  /** Sampling step, hours (default from the fixes' median interval, coarsened so the window has at most 300 samples). */
  stepHours: z.number().positive().max(48).optional(),
  /** Simulated training pairs and epochs of the set encoder (small values for tests). */
  pairs: z.number().int().min(64).max(200000).optional(),
  epochs: z.number().int().min(1).max(500).optional(),
  /** Posterior velocity samples written to the field file. */
  samples: z.number().int().min(0).max(64).default(8),
  /** Grid cells along the longer side of the domain box. */
  grid: z.number().int().min(FIELD_LIMITS.deployment.grid.min).max(FIELD_LIMITS.deployment.grid.max).default(FIELD_DEFAULTS.deployment.grid),
  /** Field frames over the window (default one per sample up to FIELD_DEFAULTS.deployment.frames). */
  frames: z.number().int().min(1).max(FIELD_LIMITS.deployment.frames.max).optional(),
  seed: Seed.default(1)
})
export type AssimilationOptions = z.infer<typeof AssimilationOptions>
export type AssimilationOptionsInput = z.input<typeof AssimilationOptions>

/** One estimated property of the deployment's flow prior, as shown to the user. */
export interface PriorEstimate {
  name: string
  value: number
  /** e.g. "m/s", "km", "days". */
  units: string
  /** How it was estimated, in plain words. */
  how: string
}

export interface DrifterSkill {
  id: string
  /** Velocity RMSE sqrt(mean |w − w_obs|²) at this drifter's samples, predicted without it, m/s. */
  rmse: number
  /** Samples scored. */
  n: number
}

/** One row of the skill table: every method is scored on exactly the same held-out samples. */
export interface SkillRow {
  method: SkillMethod
  /** Plain-words description of the method. */
  label: string
  /** Overall leave-one-drifter-out RMSE (pooled over all held-out samples), m/s. */
  rmse: number
  /** Bootstrap 95% interval of `rmse` over drifters (resampling drifters with replacement). */
  ci: [number, number]
  /** RMS predicted speed ÷ RMS observed speed at the held-out samples (1 = right strength). */
  speedRatio: number
  /** Mean cosine of the angle between predicted and observed velocity (1 = same direction). */
  directionCosine: number
  perDrifter: DrifterSkill[]
}

export interface DeploymentDrifter {
  id: string
  /** Samples in the window with a fix (not in a gap). */
  samples: number
  /** First and last sample in the window, ISO-8601. */
  start: string
  end: string
}

export interface DeploymentProjection {
  /** proj4 definition of the local azimuthal-equidistant projection. */
  proj4: string
  centre: { lat: number; lon: number }
  /** Domain box in projection coordinates, km (tracks plus margin). */
  boxKm: { x0: number; x1: number; y0: number; y1: number }
  /** Its lat/lon bounds, degrees. */
  bounds: { latMin: number; latMax: number; lonMin: number; lonMax: number }
  /** Fraction of the box's grid cells on land (Natural Earth), and the land data used. */
  landFraction: number
  land: string
}

export interface AssimilationResult {
  /** The drifter file read, and the field written (workspace-relative in the GUI, as given in the CLI). */
  source: string
  out: string
  window: { start: string; end: string; days: number; reason: string }
  step: { hours: number; reason: string }
  samples: number
  drifters: DeploymentDrifter[]
  projection: DeploymentProjection
  prior: PriorEstimate[]
  skill: SkillRow[]
  /** Method with the lowest LODO RMSE. */
  best: SkillMethod
  /** Plain words: who wins, and whether Driftclip met the targets (beats every baseline, speed ratio, direction). */
  verdict: string
  /** Every choice made without the user (window, step, drifters, margins, land handling, training size). */
  choices: string[]
  notes: string[]
  /** Wall time of each phase, seconds. */
  timings: Record<string, number>
}
