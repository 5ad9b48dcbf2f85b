/**
 * Twin-experiment benchmark (`driftclip benchmark-da`, the Compare view's twin table): options and the typed
 * result — one table per twin, one row per method, every method scored on the same queries from its posterior
 * draws against the simulated truth. Pure: zod only. Units: the flow's domain lengths and time units.
 */
import { z } from 'zod'
import { Seed } from './limits'
import { FlowKind } from './simulation'

/** Methods in table order; learned variants are `bank:<loss>/<metric>` and `bankfree:<loss>/<metric>`. */
export const TWIN_BASE_METHODS = ['prior', 'enkf', 'esmda', 'mcmc'] as const

export const TwinBenchmarkOptions = z.object({
  flow: FlowKind.default('fourier'),
  /** A smaller run (fewer pairs, queries, epochs and chain steps) that finishes in minutes. */
  quick: z.boolean().default(false),
  /**
   * Fourier twin configuration: the demo's (3×3 modes, 4 tracers, 500 steps) or the paper's Lagrangian experiment
   * (arXiv 2505.24134 §6.3: 7×7 modes, one tracer from (0.75, 0.75), RK4 dt 1e-5 to T 0.1, 1000 records), both with σ = 0.005.
   */
  config: z.enum(['demo', 'paper']).default('demo'),
  /** Test queries per twin (default 3, quick 2). */
  queries: z.number().int().min(1).max(100).optional(),
  /** MCMC steps per chain, burn-in included (default 20,000, quick 6,000; point vortices 8,000 and 4,000 ridge-sampler steps). */
  mcmcSteps: z.number().int().min(100).max(1_000_000).optional(),
  /** Train and score the contrastive variants (bank and bank-free); off = the classical and exact methods only. */
  learned: z.boolean().default(true),
  seed: Seed.default(1)
})
export type TwinBenchmarkOptions = z.infer<typeof TwinBenchmarkOptions>
export type TwinBenchmarkOptionsInput = z.input<typeof TwinBenchmarkOptions>

/** Scores of one posterior ensemble against the simulated truth (a query's, or their mean in a table row). */
export interface EnsembleScore {
  /** Velocity RMSE of the posterior-mean field over the domain and frames (domain lengths per time unit). */
  rmse: number
  /** The same within `nearRadius` of the observed tracer path. */
  rmseNearTracers: number
  /** rmse / RMS speed of the truth. */
  relativeRmse: number
  /** Stream-function RMSE (spatial mean removed per frame). */
  psiRmse: number
  /** Re-advected tracers of the posterior draws (their mean track) against the noise-free true tracks, domain lengths. */
  tracerRmse: number
  /** Mean CRPS of the velocity components. */
  crps: number
  /** Empirical coverage of the central 50 % and 90 % credible intervals of the velocity components. */
  coverage50: number
  coverage90: number
  /** Posterior spread / RMSE of the posterior mean (1 = calibrated). */
  spreadSkill: number
}

/** One method's scores, each the mean over the twin's queries. */
export interface TwinRow extends EnsembleScore {
  /** prior | enkf (augmented-state filter) | esmda (ensemble smoother) | mcmc | bank:<loss>/<metric> | bankfree:<loss>/<metric>. */
  method: string
  /** Plain-words description (sampler, ensemble size, encoder, exact or pCN). */
  label: string
  /** Wall time of the method's sampler per query (scoring excluded, as for every method). */
  secondsPerQuery: number
  /** CPU seconds per query, measured around the same call (the measure that a shared machine's load disturbs least); the table's config.cpuClock says which clock (the sampler's thread on Linux). */
  cpuSecondsPerQuery?: number
  /** rmse / the MCMC row's rmse (1 = the information limit). */
  rmseVsMcmc?: number
}

/** Convergence of the MCMC reference, per query. */
export interface McmcDiagnostics {
  pair: number
  acceptance: number
  minEss: number
  maxRhat: number
  /** Φ at each chain's last draw, next to N/2 (where chains in the truth's basin sit). */
  finalMisfit: number[]
  halfN: number
  seconds: number
  /** Split-R̂ of the misfit Φ itself (label-free). */
  rhatMisfit?: number
  /** Vortex flows: rank-normalised split-R̂ (worst, and which summary) and ESS on label-free summaries (sorted Γ, impulses, energy, velocity at fixed points, Φ). */
  invariantRhat?: number
  invariantMinEss?: number
  invariantWorst?: string
  /** Vortex basins sampler: per basin, Φ at its maximum, its weight, the importance weights' effective size (of 400), its chains' R̂ (canonical and label-free), ESS, and the mixture draws it gave. */
  basins?: { misfit: number; weight: number; evidenceEss: number; rhat: number; invariantRhat: number; minEss: number; draws: number }[]
  /** CPU seconds of the query's MCMC (the same clock as the rows' cpuSecondsPerQuery: config.cpuClock). */
  cpuSeconds?: number
  /** The ridge sampler (point-vortex twins): directions walked, distinct posterior maxima used, mode-jump acceptance. */
  weakDirections?: number
  maxima?: number
  jumpAcceptance?: number
  /** Parallel tempering: levels, the lowest neighbour swap rate and cold→hot→cold round trips summed over chains. */
  levels?: number
  minSwapAcceptance?: number
  roundTrips?: number
}

export interface TwinTable {
  /** e.g. "fourier 3×3 modes, 4 tracers" or "vortex (2, 1)". */
  twin: string
  flow: FlowKind
  /** Observation noise σ (domain lengths) on each recorded coordinate. */
  noise: number
  /** Radius of the "near the tracers" cells, domain lengths. */
  nearRadius: number
  /** The simulation and method settings, as JSON-safe key → value. */
  config: Record<string, string | number | boolean>
  /** Test pairs used as queries. */
  queries: number[]
  rows: TwinRow[]
  mcmc: McmcDiagnostics[]
  /** One line per finding (targets met or missed, stated plainly). */
  findings: string[]
}

/** One launch point of the point-vortex launch-location study (same true flow, one drifter). */
export interface LaunchPoint {
  launch: [number, number]
  /** Distance from the vortex pair's centre along its perpendicular bisector. */
  distance: number
  /** Why the launch was not run (e.g. too close to a vortex). */
  skipped?: string
  enkf?: LaunchScore
  mcmc?: LaunchScore
  /** ES-MDA with the twin's tuned settings. */
  esmda?: LaunchScore
  mcmcRhat?: number
  mcmcEss?: number
  /** Rank-normalised R̂ on the label-free summaries (sorted Γ, impulses, energy, velocity at fixed points, Φ). */
  mcmcInvariantRhat?: number
  mcmcFinalMisfit?: number
  halfN?: number
}

export interface LaunchScore {
  rmse: number
  rmseNearTracers: number
  tracerRmse: number
  coverage90: number
  spreadSkill: number
  seconds: number
}

/** When and under what load a run happened: ISO times, the 1-minute load average at start and end, its CLI line. */
export interface RunStamp {
  started: string
  finished: string
  loadStart: number
  loadEnd: number
  command: string
}

export interface TwinBenchmarkResult {
  flow: FlowKind
  quick: boolean
  tables: TwinTable[]
  /** Every table's rows, each tagged with its twin (what `--json` prints). */
  rows: (TwinRow & { twin: string })[]
  /** Files written: JSON, CSV, the HTML report and the README-style markdown tables. */
  outputs: { json: string; csv: string; html: string; markdown: string }
  seconds: number
  /** When, under what load and by which command line the run happened (the markdown tables' header). */
  run?: RunStamp
  /** Point-vortex runs: the launch-location study on the first (2, 1) twin's first test flow. */
  launchStudy?: { twin: string; pair: number; points: LaunchPoint[] }
}
