/**
 * Verdicts of the Gaussian-process experiment (arXiv 2505.24134 §6.1, Figs. 8–10) from its three sweeps: errors fall
 * with the embedding dimension up to min(n_u, n_v) = 5 and not beyond (Thm 5.1), and fall as the batch and N grow
 * (finite-batch bias of the estimator (7) against the population loss (11)).
 */
import type { GpResult, GpRun } from '../learn/gp-experiment'
import type { Verdict } from './types'


export type Trend = 'falls' | 'falls, not monotonically' | 'does not fall'

/** Whether a sequence falls: monotonically (each step ≤ the previous), overall (last < first) or not. */
export function trendOf(values: number[]): Trend {
  if (values.length < 2 || values[values.length - 1] >= values[0]) return 'does not fall'
  return values.every((v, i) => i === 0 || v <= values[i - 1]) ? 'falls' : 'falls, not monotonically'
}

export interface GpVerdicts { embeddingDim: Verdict; batchSize: Verdict; sampleSize: Verdict; convergence: Verdict; overall: Verdict }

const pct = (x: number) => `${(100 * x).toFixed(1)} %`

function sweepVerdict(runs: GpRun[], key: 'batch' | 'n', label: string): Verdict {
  const u = trendOf(runs.map((r) => r.uGivenV))
  const v = trendOf(runs.map((r) => r.vGivenU))
  const range = (k: 'uGivenV' | 'vGivenU') => `${runs[0][k].toExponential(2)} → ${runs[runs.length - 1][k].toExponential(2)}`
  const holds = u === 'falls' && v === 'falls' ? true : u === 'does not fall' && v === 'does not fall' ? false : 'partly'
  return { holds, text: `as ${label} grows (${runs.map((r) => r[key]).join(', ')}) the u|v error ${u} (${range('uGivenV')}) and the v|u error ${v} (${range('vGivenU')})` }
}

/** The paper's three statements and the convergence condition, judged on our sweeps. */
export function gpVerdicts(r: GpResult): GpVerdicts {
  const dims = r.embeddingDim
  const upTo5 = dims.filter((d) => d.dim <= 5)
  const beyond = dims.filter((d) => d.dim > 5)
  const at5 = dims.find((d) => d.dim === 5)
  const flat = beyond.every((d) => at5 !== undefined && d.uGivenV <= 1.25 * at5.uGivenV + 1e-6 && d.vGivenU <= 1.25 * at5.vGivenU + 1e-4)
  const fallU = trendOf(upTo5.map((d) => d.uGivenV))
  const fallV = trendOf(upTo5.map((d) => d.vGivenU))
  const dimHolds = fallU !== 'does not fall' && fallV !== 'does not fall' && flat ? (fallU === 'falls' && fallV === 'falls' ? true : 'partly') : false
  const embeddingDim: Verdict = {
    holds: dimHolds,
    text: `up to ℓ = 5 the u|v error ${fallU} and the v|u error ${fallV}; beyond ℓ = 5 it ${flat ? 'does not improve' : 'changes by more than 25 %'}, as Thm 5.1 predicts (rank ≤ min(n_u, n_v) = 5)`
  }
  const all = [...new Map([...r.embeddingDim, ...r.batchSize, ...r.sampleSize].map((x) => [`${x.dim},${x.batch},${x.n}`, x])).values()] // the base point is in every sweep
  const MAX_CONVERGENCE_GAP = r.settings.maxGap
  const over = all.filter((x) => !(x.convergenceGap <= MAX_CONVERGENCE_GAP))
  const worst = all.reduce((m, x) => Math.max(m, x.convergenceGap), 0)
  const convergence: Verdict = {
    holds: over.length === 0 ? true : over.length < all.length / 4 ? 'partly' : false,
    text: over.length === 0
      ? `every point is converged: halving its steps changes no error by more than ${pct(worst)} (limit ${pct(MAX_CONVERGENCE_GAP)}; steps ${[...new Set(all.map((x) => x.steps))].sort((a, b) => a - b).join(', ')})`
      : `${over.length} of ${all.length} points change by more than ${pct(MAX_CONVERGENCE_GAP)} when their steps are halved, even at ${r.settings.maxSteps} steps (worst ${pct(worst)}: ${over.map((x) => `ℓ ${x.dim}, batch ${x.batch}, N ${x.n}: ${pct(x.convergenceGap)}`).join('; ')})`
  }
  const batchSize = sweepVerdict(r.batchSize, 'batch', 'the batch')
  const sampleSize = sweepVerdict(r.sampleSize, 'n', 'N')
  const parts = [embeddingDim, batchSize, sampleSize]
  const overall: Verdict = {
    // the sweeps only measure the loss (not the optimiser) when every point is converged
    holds: parts.every((p) => p.holds === true) && convergence.holds === true ? true : parts.every((p) => p.holds === false) ? false : 'partly',
    text: `embedding dimension: ${word(embeddingDim)}; batch size: ${word(batchSize)}; N: ${word(sampleSize)}; convergence: ${convergence.text}`
  }
  return { embeddingDim, batchSize, sampleSize, convergence, overall }
}

function word(v: Verdict): string {
  return v.holds === true ? 'holds' : v.holds === false ? 'does not hold' : 'holds in part'
}
