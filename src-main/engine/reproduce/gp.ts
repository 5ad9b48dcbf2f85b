/**
 * Verdicts of the Gaussian-process experiment (arXiv 2505.24134 §6.1, Figs. 8–10) from its three sweeps: errors fall
 * with the embedding dimension up to min(n_u, n_v) = 5 and not beyond (Thm 5.1), and fall as the batch and N grow
 * (finite-batch bias of the estimator (7) against the population loss (11)). The N sweep is judged over independent
 * replicates: one data draw's error scatters more than the finite-N term changes at large N.
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

/** Mean over independent replicates and its standard error (sd / √count; NaN for one replicate). */
export interface MeanSe { mean: number; se: number; count: number }

export function meanSe(xs: number[]): MeanSe {
  const count = xs.length
  const mean = xs.reduce((a, b) => a + b, 0) / count
  const se = count < 2 ? NaN : Math.sqrt(xs.reduce((a, x) => a + (x - mean) ** 2, 0) / (count - 1) / count)
  return { mean, se, count }
}

/** Two-sided 95 % quantile of Student's t with `dof` degrees of freedom (dof ≥ 1; 1.96 beyond the table). */
export function tCritical(dof: number): number {
  const table = [12.706, 4.303, 3.182, 2.776, 2.571, 2.447, 2.365, 2.306, 2.262, 2.228, 2.201, 2.179, 2.16, 2.145, 2.131, 2.12, 2.11, 2.101, 2.093, 2.086]
  return dof < 1 ? NaN : dof <= table.length ? table[dof - 1] : dof <= 30 ? 2.042 : 1.96
}

export type StepJudgement = 'falls' | 'rises' | 'within SE'

/** t = mean / SE against the 95 % critical value of its replicates: a fall, a rise, or a change the replicates cannot resolve. */
export function judge(x: MeanSe): { t: number; judged: StepJudgement } {
  const t = x.mean / x.se
  const c = tCritical(x.count - 1)
  return { t, judged: t > c ? 'falls' : t < -c ? 'rises' : 'within SE' }
}

/** One direction of the N sweep over its replicates. */
export interface NSweepDirection {
  /** Mean error at each N over the replicates. */
  means: MeanSe[]
  /** Replicate-paired fall error(N_k) − error(N_k+1) and its judgement; `expected` is the fitted c (1/N_k − 1/N_k+1). */
  steps: { from: number; to: number; fall: MeanSe; t: number; judged: StepJudgement; expected: number }[]
  /** error(first N) − error(last N), paired. */
  overall: { fall: MeanSe; t: number; judged: StepJudgement }
  /**
   * Each replicate's least-squares fit error(N) = floor + c / N over its N values, averaged over replicates: c > 0 is
   * the finite-sample term falling with N; floor is the N → ∞ limit at this batch (the finite-batch bias).
   */
  fit: { c: MeanSe; cT: number; cJudged: StepJudgement; floor: MeanSe }
}

export interface NSweepSummary { sizes: number[]; replicates: number; uGivenV: NSweepDirection; vGivenU: NSweepDirection }

/** Least-squares (floor, c) of y = floor + c x. */
function lineFit(x: number[], y: number[]): { floor: number; c: number } {
  const mx = x.reduce((a, b) => a + b, 0) / x.length
  const my = y.reduce((a, b) => a + b, 0) / y.length
  const sxx = x.reduce((a, xi) => a + (xi - mx) ** 2, 0)
  const c = x.reduce((a, xi, i) => a + (xi - mx) * (y[i] - my), 0) / sxx
  return { floor: my - c * mx, c }
}

/** The N sweep's statistics: replicate means, paired steps and the floor + c/N fit (arXiv §6.1, Fig. 10). */
export function nSweepSummary(runs: GpRun[]): NSweepSummary {
  const sizes = [...new Set(runs.map((r) => r.n))].sort((a, b) => a - b)
  const reps = [...new Set(runs.map((r) => r.replicate ?? 0))].sort((a, b) => a - b)
  // only replicates that ran every N (a complete curve each)
  const curves = reps
    .map((rep) => sizes.map((n) => runs.find((r) => (r.replicate ?? 0) === rep && r.n === n)))
    .filter((c): c is GpRun[] => c.every((r) => r !== undefined))
  const direction = (k: 'uGivenV' | 'vGivenU'): NSweepDirection => {
    const fits = curves.map((c) => lineFit(sizes.map((n) => 1 / n), c.map((r) => r[k])))
    const c = meanSe(fits.map((f) => f.c))
    const cj = judge(c)
    const steps = sizes.slice(0, -1).map((from, i) => {
      const fall = meanSe(curves.map((cv) => cv[i][k] - cv[i + 1][k]))
      return { from, to: sizes[i + 1], fall, ...judge(fall), expected: c.mean * (1 / from - 1 / sizes[i + 1]) }
    })
    const fall = meanSe(curves.map((cv) => cv[0][k] - cv[cv.length - 1][k]))
    return {
      means: sizes.map((_, i) => meanSe(curves.map((cv) => cv[i][k]))), steps, overall: { fall, ...judge(fall) },
      fit: { c, cT: cj.t, cJudged: cj.judged, floor: meanSe(fits.map((f) => f.floor)) }
    }
  }
  return { sizes, replicates: curves.length, uGivenV: direction('uGivenV'), vGivenU: direction('vGivenU') }
}

const e2 = (x: number) => x.toExponential(2)
const pm = (x: MeanSe) => `${e2(x.mean)} ± ${e2(x.se)}`

/**
 * The N sweep judged by its replicates: it falls when, in both directions, the fitted finite-sample term c/N is
 * positive beyond its 95 % interval, the first-to-last fall is too, and no step rises significantly.
 */
function nSweepVerdict(runs: GpRun[]): Verdict {
  const sum = nSweepSummary(runs)
  if (sum.replicates < 2) return sweepVerdict(runs, 'n', 'N')
  const ok = (d: NSweepDirection) => d.fit.cJudged === 'falls' && d.overall.judged === 'falls' && d.steps.every((x) => x.judged !== 'rises')
  const text = (d: NSweepDirection, label: string) => {
    const resolved = d.steps.filter((x) => x.judged === 'falls').map((x) => `${x.from}→${x.to}`)
    const unresolved = d.steps.filter((x) => x.judged === 'within SE').map((x) => `${x.from}→${x.to} (fall ${pm(x.fall)}, expected ${e2(x.expected)})`)
    const rises = d.steps.filter((x) => x.judged === 'rises').map((x) => `${x.from}→${x.to}`)
    return `the mean ${label} error goes ${e2(d.means[0].mean)} → ${e2(d.means[d.means.length - 1].mean)} (fall ${pm(d.overall.fall)}, t = ${d.overall.t.toFixed(1)}); ` +
      `floor + c/N fit: c = ${pm(d.fit.c)} (t = ${d.fit.cT.toFixed(1)}), floor ${pm(d.fit.floor)}; ` +
      `steps that fall beyond 95 %: ${resolved.length ? resolved.join(', ') : 'none'}${unresolved.length ? `; within the replicates' SE: ${unresolved.join(', ')}` : ''}${rises.length ? `; RISES: ${rises.join(', ')}` : ''}`
  }
  const holdsU = ok(sum.uGivenV)
  const holdsV = ok(sum.vGivenU)
  return {
    holds: holdsU && holdsV ? true : holdsU || holdsV ? 'partly' : false,
    text: `over ${sum.replicates} independent data draws per N (nested: each draw's N pairs are the first N of its largest set), 95 % judged with t on ${sum.replicates - 1} degrees of freedom: ${text(sum.uGivenV, 'u|v')}; ${text(sum.vGivenU, 'v|u')}`
  }
}

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
  const all = [...new Map([...r.embeddingDim, ...r.batchSize, ...r.sampleSize].map((x) => [`${x.dim},${x.batch},${x.n},${x.replicate ?? 0}`, x])).values()] // the base point is in every sweep
  const MAX_CONVERGENCE_GAP = r.settings.maxGap
  const over = all.filter((x) => !(x.convergenceGap <= MAX_CONVERGENCE_GAP))
  const worst = all.reduce((m, x) => Math.max(m, x.convergenceGap), 0)
  const convergence: Verdict = {
    holds: over.length === 0 ? true : over.length < all.length / 4 ? 'partly' : false,
    text: over.length === 0
      ? `every point is converged: halving its steps changes no error by more than ${pct(worst)} (limit ${pct(MAX_CONVERGENCE_GAP)}; steps ${[...new Set(all.map((x) => x.steps))].sort((a, b) => a - b).join(', ')})`
      : `${over.length} of ${all.length} points change by more than ${pct(MAX_CONVERGENCE_GAP)} when their steps are halved, even at ${r.settings.maxSteps} steps (worst ${pct(worst)}: ${over.map((x) => `ℓ ${x.dim}, batch ${x.batch}, N ${x.n}${x.replicate ? ` (replicate ${x.replicate})` : ''}: ${pct(x.convergenceGap)}`).join('; ')})`
  }
  const batchSize = sweepVerdict(r.batchSize, 'batch', 'the batch')
  const sampleSize = nSweepVerdict(r.sampleSize)
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
