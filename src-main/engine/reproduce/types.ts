/** Result shapes of `driftclip reproduce` (written as reproduce.json next to the report). */
import type { GpResult } from '../learn/gp-experiment'
import type { GaussianCase, GaussianSettings } from './gaussian2d'
import type { GpVerdicts } from './gp'
import type { LagrangianResult } from './lagrangian'

/** holds: true = the paper's statement holds here, false = it does not, 'partly' = some of it. */
export interface Verdict { holds: boolean | 'partly'; text: string }

/** seconds: wall time; cpuSeconds: CPU time of this process (all its threads), the measure that does not depend on the machine's load. */
export interface ExperimentSummary {
  id: string; title: string; paperSection: string; verdict: Verdict; seconds: number; cpuSeconds?: number
  /** The run that made this section (kept when another run's sections are merged in); absent in older results = the file's own. */
  run?: RunProvenance
}

/** Which code made a result, when, at which load: commit (with "-dirty" for uncommitted changes) when run from a git checkout. */
export interface RunProvenance { createdAt: string; commit?: string; quick: boolean; loadMean?: number; nice?: number }

export interface ReproduceResult {
  createdAt: string
  /** git commit of the code that ran (absent outside a checkout). */
  commit?: string
  /** Set when sections of several runs were merged (merge.ts): then seconds and cpuSeconds are sums over the sections, and each section's run says where it comes from. */
  mergedAt?: string
  quick: boolean
  seconds: number
  cpuSeconds?: number
  /** loadMean/loadMax: the 1-minute load average sampled every 30 s during the run; nice: the process's priority (os.getPriority). */
  machine: { backend: string; cores: number; loadBefore: number; loadAfter: number; loadMean?: number; loadMax?: number; nice?: number }
  experiments: ExperimentSummary[]
  /** Absent when the run left the experiment out (--only). */
  gaussianSettings?: GaussianSettings
  gaussian?: GaussianCase[]
  gp?: { result: GpResult; verdicts: GpVerdicts }
  lagrangian?: { result: LagrangianResult; verdict: Verdict; collapseVerdict: Verdict }
  /** Every setting used, shown verbatim in the report. */
  settings: Record<string, unknown>
}
