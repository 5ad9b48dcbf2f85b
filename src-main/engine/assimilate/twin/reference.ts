/**
 * The information limit of a twin: the exact Bayesian posterior of the flow parameters given one pair's noisy
 * tracer positions (Apte, Jones & Stuart 2008), sampled by pCN on the simulator's prior (posterior/). Observation
 * model: y = G(v) + η, η ~ N(0, σ² I) on every recorded coordinate, σ the data set's own `noise`; G is forward RK4
 * of the tracers, so Φ(v) = |y − G(v)|² / 2σ². A chain that has found the truth's basin sits at Φ ≈ N/2
 * (N = tracers × times × 2 observed numbers), which the result reports next to each chain's final misfit.
 */
import type { SimulationConfig } from '../../../shared/simulation'
import { UserError } from '../../jobs/job'
import { cpuSecondsSince, threadCpuSeconds } from '../../thread-cpu'
import { Rng } from '../../flows/rng'
import { inverse } from 'ml-matrix'
import { adaptivePcn, denseGaussian, diagnose, drawGaussian, drawGaussianRows, flowPrior, pcn, withReference, type FlowPrior, type PcnDiagnostics, type PcnResult, type PcnTarget } from '../posterior'
import { parallelTempering, type TargetSymmetry } from '../posterior/tempering'
import { checkCoarsening, chooseCoarsening, forwardModel, type ForwardModel } from './forward'
import { ridgeSampler, type ResidualTarget } from '../posterior/ridge'
import { branchingContinuation, mapStarts, misfitResiduals } from './map-starts'
import { permuteVortices, VORTEX_PROBES, vortexInvariantNames, vortexInvariants, vortexMatcher } from './vortex-labels'
import { rankNormalizedEss, rankNormalizedRhat } from '../posterior/diagnostics'

export interface McmcOptions {
  chains: number
  /** Steps per chain, burn-in included. */
  steps: number
  /** Fraction of the steps discarded as burn-in (default ½). */
  burnInFraction?: number
  /** Draws kept per chain (default 500). */
  keep?: number
  seed: number
  /** Start the chains here: one parameter vector for all (e.g. the truth, for a check) or one per chain (e.g. ensemble members); default prior draws. */
  startAt?: Float64Array
  /**
   * 'laplace' (the Fourier default): generalised pCN (Rudolf & Sprungk 2018) whose reference is the Laplace
   * approximation at the posterior maximum (Gauss–Newton Hessian), the target rewritten exactly on it; 'adaptive':
   * pCN on the prior for the burn-in, then with Gaussians fitted to the chains; 'pcn': plain pCN throughout;
   * 'tempering': parallel tempering with pCN moves on every level; 'ridge' (the vortex default): a walk along the
   * posterior's weak or curved directions with the stiff ones placed by Gauss–Newton, plus mode jumps between
   * posterior maxima (posterior/ridge.ts).
   */
  sampler?: 'laplace' | 'adaptive' | 'pcn' | 'tempering' | 'ridge' | 'basins'
  /** Basins: at most this many distinct posterior maxima (default 3) within `basinWindow` (default 12) of the best objective each get their own ridge chains. */
  maxBasins?: number
  basinWindow?: number
  /** Tempering: levels per ladder (default 12) and the hottest inverse temperature (default 1 / the median prior misfit). */
  levels?: number
  bMin?: number
  /** Ridge sampler: eigenvalue below which a direction is walked (default 10; curved ones are walked too) and Gauss–Newton iterations per move (default 2). */
  weakEigenvalue?: number
  gnIterations?: number
  /** Ridge sampler: mode jumps along the sheet (posterior/ridge.ts `sheetJumps`, default on) and their rate (default 0.2). */
  sheetJumps?: boolean
  jumpRate?: number
  /** Largest trajectory error allowed for a coarser RK4 step inside the likelihood, as a fraction of σ (default 0.1). */
  coarseTolerance?: number
  /** Simulator steps per likelihood step; default the largest whose measured error is under the tolerance, and a given one is measured and refused above it. */
  coarsening?: number
  signal?: AbortSignal
  onProgress?: (done: number, total: number) => void
}

export interface McmcReference {
  /** Kept parameter draws v (not latent), chains × keep × paramDim. */
  params: Float64Array
  paramDim: number
  chains: number
  keep: number
  /** Posterior mean of v. */
  mean: Float64Array
  /** Φ at each chain's last draw, and N/2 (where a chain in the truth's basin sits). */
  finalMisfit: Float64Array
  halfN: number
  coarsening: number
  coarseError: number
  /** The cold chains (for tempering, acceptance and Φ of the b = 1 level). */
  run: PcnResult
  /** Split-R̂ and ESS on the parameters v in a canonical vortex labelling (identical vortices are exchangeable, so raw labels are not comparable across chains). */
  diagnostics: PcnDiagnostics
  /**
   * Vortex flows: rank-normalised split-R̂ and ESS on label-free summaries (`vortexInvariants`: sorted Γ, impulses,
   * energy, the velocity at fixed probe points) and on Φ — chains compared without any labelling; the worst summary named.
   */
  invariants?: InvariantDiagnostics
  /** Basins: one entry per posterior basin run, heaviest first (weights from importance-sampling estimates of each basin's mass). */
  basins?: BasinSummary[]
  /** Tempering only: the frozen ladder, swap acceptance between neighbours and cold→hot→cold round trips. */
  tempering?: { ladder: number[]; swapAcceptance: number[]; roundTrips: number }
  /** Ridge sampler: directions walked, the frozen walk scale, distinct maxima and their weights, mode-jump acceptance, forward runs spent. */
  ridge?: { weakDirections: number; scale: number; modes: number; modeWeights: number[]; jumpAcceptance: number; evaluations: number }
  /** Tempering without given starts: Φ of the local posterior maxima found (best first; the first `chains` start the chains) and the forward runs spent. Laplace: the maxima refined from each start. */
  mapStarts?: { misfit: number[]; evaluations: number }
  seconds: number
  /** Process CPU seconds spent (the sampler is single-threaded, so this is its one-core cost). */
  cpuSeconds: number
}

export interface InvariantDiagnostics {
  maxRhat: number
  minEss: number
  /** The summary with the largest R̂. */
  worst: string
  rhat: number[]
  names: string[]
}

/** Rank-normalised R̂ and ESS of the vortex invariants and of Φ over draws laid out chains × keep × 3n. */
export function invariantDiagnostics(params: Float64Array, potentials: Float64Array, n: number, chains: number, keep: number): InvariantDiagnostics {
  const names = [...vortexInvariantNames(n, VORTEX_PROBES), 'Φ']
  const p = 3 * n, S = chains * keep, m = names.length
  const table = new Float64Array(S * m)
  for (let k = 0; k < S; k++) {
    table.set(vortexInvariants(params.subarray(k * p, (k + 1) * p), n, VORTEX_PROBES), k * m)
    table[k * m + m - 1] = potentials[k]
  }
  const column = new Float64Array(S)
  const rhat: number[] = [], ess: number[] = []
  for (let i = 0; i < m; i++) {
    for (let k = 0; k < S; k++) column[k] = table[k * m + i]
    rhat.push(rankNormalizedRhat(column, chains))
    ess.push(rankNormalizedEss(column, chains))
  }
  const w = rhat.reduce((a, r, i) => (r > rhat[a] ? i : a), 0)
  return { maxRhat: rhat[w], minEss: Math.min(...ess), worst: names[w], rhat, names }
}

export interface BasinSummary {
  /** Φ and objective (Φ + ½|u|²) at the basin's maximum. */
  misfit: number
  objective: number
  /** Normalised weight exp(log Z_b)/Σ exp(log Z), log Z_b and the importance weights' Kish effective size. */
  weight: number
  logEvidence: number
  evidenceEss: number
  /** The basin's own chains: split-R̂ in a canonical labelling, of Φ, rank R̂ on label-free summaries, ESS, acceptance, final Φ. */
  rhat: number
  rhatMisfit: number
  invariantRhat: number
  invariantWorst: string
  invariantMinEss: number
  minEss: number
  acceptance: number
  finalMisfit: number[]
  /** Draws of the mixture taken from this basin. */
  draws: number
}

const EVIDENCE_DRAWS = 400

/**
 * Several basins of a multimodal posterior, each sampled by its own ridge chains (posterior/ridge.ts, one maximum, no
 * mode jumps: its frame is its own maximum's Hessian) and weighed by an importance-sampling estimate of its mass
 * Z_b = ∫_b exp(−Φ) dμ drawn from that run's own proposal form. The mixture Σ Z_b π_b / Σ Z_b is the posterior
 * when the basins hold its mass and do not overlap (each basin's chains are exact MCMC for π, but a chain that left
 * its basin would be counted twice: the per-basin R̂ and final misfits show whether one did); it is not when the
 * truth's basin was not among the maxima found (misfit ≫ N/2 at every maximum says so).
 */
function basinMixture(target: ResidualTarget, prior: FlowPrior, maxima: Float64Array, symmetry: TargetSymmetry | undefined, circulation: number,
  o: McmcOptions & { keep: number; burnIn: number; thin: number }) {
  const d = prior.latent.dim, p = prior.paramDim, M = o.chains
  const sd = Float64Array.from(prior.latent.variance, Math.sqrt), m = prior.latent.mean
  const white = (x: Float64Array) => Float64Array.from(x, (v, i) => (v - m[i]) / sd[i])
  // distinct maxima (in the best one's labelling), by objective, within the window of the best
  const count = maxima.length / d
  const res = new Float64Array(count * target.length)
  target.residuals(maxima, count, res)
  const cand = Array.from({ length: count }, (_, k) => {
    const x = maxima.slice(k * d, (k + 1) * d)
    if (symmetry) symmetry.canonicalize(maxima.subarray(0, d), x)
    let phi = 0
    for (let i = 0; i < target.length; i++) phi += res[k * target.length + i] ** 2 / 2
    const u = white(x)
    return { x, u, phi, f: phi + u.reduce((a, v) => a + v * v, 0) / 2 }
  }).filter((c) => Number.isFinite(c.f)).sort((a, b) => a.f - b.f)
  const chosen: typeof cand = []
  for (const c of cand) {
    if (chosen.length >= (o.maxBasins ?? 3) || c.f > cand[0].f + (o.basinWindow ?? 12)) break
    if (chosen.some((q) => Math.hypot(...q.u.map((v, i) => v - c.u[i])) < 0.3)) continue
    chosen.push(c)
  }
  const steps = Math.max(2 * o.keep, Math.ceil((o.steps - o.burnIn) / chosen.length)), burnIn = Math.ceil(o.burnIn / chosen.length)
  const thin = Math.max(1, Math.floor(steps / o.keep))
  const runs = chosen.flatMap((c, b) => {
    let t: ReturnType<typeof ridgeSampler>
    try {
      t = ridgeSampler(target, { chains: M, steps: thin * o.keep, burnIn, thin, seed: o.seed + 7919 * b, modes: c.x, symmetry, weakEigenvalue: o.weakEigenvalue, gnIterations: o.gnIterations, evidenceDraws: EVIDENCE_DRAWS, signal: o.signal })
    } catch (e) {
      // a maximum whose Gauss–Newton conditional fails cannot be sampled as a basin; the best one always can (the ridge sampler needs it too)
      if (b === 0 || (e instanceof Error && e.name === 'CancelledError')) throw e
      return []
    }
    const params = new Float64Array(M * t.kept * p)
    for (let k = 0; k < M * t.kept; k++) prior.toParams(t.samples.subarray(k * d, (k + 1) * d), params.subarray(k * p, (k + 1) * p))
    const canonical = circulation ? canonicalVortexLabels(params, p / 3, t.potentials, circulation) : params
    const dg = diagnose(canonical, t.potentials, M, t.kept, p, t.acceptance)
    const inv = circulation ? invariantDiagnostics(params, t.potentials, p / 3, M, t.kept) : { maxRhat: dg.maxRhat, worst: 'parameters', minEss: dg.minEss }
    o.onProgress?.(b + 1, chosen.length)
    return [{ t, params, dg, inv, c }]
  })
  const logZ = runs.map((r) => r.t.logEvidence ?? -Infinity)
  const top = Math.max(...logZ)
  const raw = logZ.map((l) => Math.exp(l - top)), total = raw.reduce((a, b) => a + b, 0)
  const weights = raw.map((w) => w / total)
  // the mixture's draws: counts by largest remainder, each basin's pooled draws taken evenly spaced
  const T = M * o.keep
  const counts = weights.map((w) => Math.floor(w * T))
  const order = weights.map((w, b) => [w * T - counts[b], b] as const).sort((a, b) => b[0] - a[0])
  for (let k = 0; counts.reduce((a, b) => a + b, 0) < T; k++) counts[order[k % order.length][1]]++
  const mixture = new Float64Array(T * p)
  let at = 0
  runs.forEach((r, b) => {
    const pool = M * r.t.kept
    for (let j = 0; j < counts[b]; j++) {
      const k = Math.floor(((j + 0.5) * pool) / counts[b])
      mixture.set(r.params.subarray(k * p, (k + 1) * p), (at++) * p)
    }
  })
  const basins: BasinSummary[] = runs.map((r, b) => ({
    misfit: r.c.phi, objective: r.c.f, weight: weights[b], logEvidence: logZ[b], evidenceEss: r.t.evidenceEss ?? 0,
    rhat: Math.max(r.dg.maxRhat, r.dg.rhatPotential), rhatMisfit: r.dg.rhatPotential, invariantRhat: r.inv.maxRhat, invariantWorst: r.inv.worst, invariantMinEss: r.inv.minEss,
    minEss: r.dg.minEss, acceptance: r.dg.acceptance,
    finalMisfit: Array.from({ length: M }, (_, c) => r.t.potentials[c * r.t.kept + r.t.kept - 1]), draws: counts[b]
  }))
  const heaviest = runs[weights.indexOf(Math.max(...weights))]
  const t = heaviest.t
  const run: PcnResult = { dim: d, chains: M, kept: o.keep, samples: t.samples, potentials: t.potentials, acceptance: t.acceptance, beta: t.scale, diagnostics: heaviest.dg }
  const ridge = { weakDirections: t.weakDirections, scale: t.scale, modes: runs.length, modeWeights: weights, jumpAcceptance: NaN, evaluations: runs.reduce((a, r) => a + r.t.evaluations, 0) }
  const sortedBasins = basins.map((b, i) => ({ b, i })).sort((x, y) => y.b.weight - x.b.weight).map((x) => x.b)
  return { run, mixture, basins: sortedBasins, ridge }
}

/** Φ(v) = |y − G(v)|²/2σ² for a batch of latent states (inadmissible parameters get +∞). */
export function misfitPotential(prior: FlowPrior, model: ForwardModel, observed: Float64Array, sigma: number) {
  const len = model.nTracers * model.nTimes * 2
  let params = new Float64Array(0), tracks = new Float64Array(0)
  const p = model.paramDim
  const inv = 1 / (2 * sigma * sigma)
  return (states: Float64Array, count: number, out: Float64Array): void => {
    if (params.length < count * p) {
      params = new Float64Array(count * p)
      tracks = new Float64Array(count * len)
    }
    const d = prior.latent.dim
    for (let c = 0; c < count; c++) prior.toParams(states.subarray(c * d, (c + 1) * d), params.subarray(c * p, (c + 1) * p))
    model.run(params, count, tracks)
    for (let c = 0; c < count; c++) {
      if (!prior.admissible(params.subarray(c * p, (c + 1) * p))) {
        out[c] = Infinity
        continue
      }
      let s = 0
      for (let i = 0; i < len; i++) s += (observed[i] - tracks[c * len + i]) ** 2
      out[c] = Number.isFinite(s) ? s * inv : Infinity
    }
  }
}

/** Sample the posterior of one pair's flow parameters given its observed tracks (tracers × times × 2). */
export function mcmcReference(cfg: SimulationConfig, observed: Float64Array, o: McmcOptions): McmcReference {
  const sigma = cfg.noise
  if (!(sigma > 0)) throw new UserError('MCMC reference: the data set has no observation noise (noise = 0), so the likelihood is singular; simulate with --noise σ (e.g. 0.005)')
  const started = performance.now(), cpu = threadCpuSeconds()
  const prior = flowPrior(cfg)
  const tolerance = (o.coarseTolerance ?? 0.1) * sigma
  const { coarsening, maxError } = o.coarsening === undefined ? chooseCoarsening(cfg, prior, tolerance) : checkCoarsening(cfg, prior, o.coarsening, tolerance)
  const model = forwardModel(cfg, coarsening)
  if (observed.length !== model.nTracers * model.nTimes * 2) throw new Error(`MCMC reference: ${observed.length} observed numbers, the model records ${model.nTracers * model.nTimes * 2}`)
  const d = prior.latent.dim
  let starts: Float64Array | undefined
  if (o.startAt) {
    const p = prior.paramDim
    const each = o.startAt.length === o.chains * p
    if (!each && o.startAt.length !== p) throw new Error(`MCMC reference: ${o.startAt.length} start values for ${o.chains} chains of ${p} parameters`)
    starts = new Float64Array(o.chains * d)
    for (let c = 0; c < o.chains; c++) prior.toLatent(o.startAt.subarray(each ? c * p : 0, each ? (c + 1) * p : p), starts.subarray(c * d, (c + 1) * d))
  }
  const burnIn = Math.round(o.steps * (o.burnInFraction ?? 0.5))
  const kept = o.steps - burnIn
  const keep = Math.max(1, Math.min(kept, o.keep ?? 500))
  const thin = Math.max(1, Math.floor(kept / keep))
  const target = { prior: prior.latent, potential: misfitPotential(prior, model, observed, sigma) }
  if (starts) replaceImpossibleStarts(target, starts, o.chains, o.seed)
  const sampler = o.sampler ?? (cfg.flow === 'vortex' ? 'ridge' : 'laplace')
  let maps: McmcReference['mapStarts']
  if (!starts && (sampler === 'tempering' || sampler === 'ridge' || sampler === 'basins')) {
    // no starts given: the best local posterior maxima of many prior draws (tempering: one per chain; ridge: all, as its mode mixture)
    const m = posteriorMaxima(prior, model, observed, sigma, o.chains, o.seed)
    starts = sampler === 'tempering' ? m.states.slice(0, o.chains * d) : m.states
    maps = { misfit: Array.from(m.misfit), evaluations: m.evaluations }
  }
  let run: PcnResult
  let tempering: McmcReference['tempering']
  let ridge: McmcReference['ridge']
  const symmetry = cfg.flow === 'vortex' ? vortexSymmetry(prior, cfg.vortex.vortices, cfg.vortex.circulation) : undefined
  let basins: BasinSummary[] | undefined
  let mixture: Float64Array | undefined
  // the ridge-type samplers' target: whitened residuals of the forward model (a closure; nothing runs until called)
  const residualTarget: ResidualTarget = { prior: prior.latent, length: observed.length, residuals: misfitResiduals(prior, model, observed, sigma) }
  if (sampler === 'basins') {
    const b = basinMixture(residualTarget, prior, starts!, symmetry, cfg.flow === 'vortex' ? cfg.vortex.circulation : 0, { ...o, keep, burnIn: o.steps - thin * keep, thin })
    run = b.run
    mixture = b.mixture
    basins = b.basins
    ridge = b.ridge
  } else if (sampler === 'ridge') {
    const t = ridgeSampler(residualTarget, { chains: o.chains, steps: thin * keep, burnIn: o.steps - thin * keep, thin, seed: o.seed, modes: starts!, symmetry, weakEigenvalue: o.weakEigenvalue, gnIterations: o.gnIterations, sheetJumps: o.sheetJumps ?? true, jumpRate: o.jumpRate ?? SHEET_JUMP_RATE, signal: o.signal, onProgress: o.onProgress })
    run = { dim: d, chains: o.chains, kept: t.kept, samples: t.samples, potentials: t.potentials, acceptance: t.acceptance, beta: t.scale, diagnostics: diagnose(t.samples, t.potentials, o.chains, t.kept, d, t.acceptance) }
    ridge = { weakDirections: t.weakDirections, scale: t.scale, modes: t.modes, modeWeights: t.modeWeights, jumpAcceptance: t.jumpAcceptance, evaluations: t.evaluations }
  } else if (sampler === 'tempering') {
    const levels = o.levels ?? 12
    const bMin = o.bMin ?? 1 / Math.max(2, medianPriorMisfit(target, o.seed))
    const t = parallelTempering(target, { chains: o.chains, levels, bMin, steps: thin * keep, burnIn: o.steps - thin * keep, thin, seed: o.seed, starts, ...(symmetry ? { symmetry } : {}), signal: o.signal, onProgress: o.onProgress })
    run = { dim: d, chains: o.chains, kept: t.kept, samples: t.samples, potentials: t.potentials, acceptance: t.acceptance, beta: t.betas[0], diagnostics: diagnose(t.samples, t.potentials, o.chains, t.kept, d, t.acceptance) }
    tempering = { ladder: Array.from(t.ladder), swapAcceptance: Array.from(t.swapAcceptance), roundTrips: t.roundTrips }
  } else {
    const common = { chains: o.chains, steps: thin * keep, thin, seed: o.seed, starts, signal: o.signal, onProgress: o.onProgress }
    if (sampler === 'laplace') {
      // chains start from the Laplace Gaussian itself (dispersed like the posterior, so split-R̂ can see a failure to mix)
      const l = laplaceApproximation(prior, model, observed, sigma, starts ?? drawGaussianRows(prior.latent, o.chains, o.seed))
      maps = { misfit: l.misfit, evaluations: l.evaluations }
      const g = pcn(withReference(target, l.reference), { ...common, starts: drawGaussianRows(l.reference, o.chains, o.seed), burnIn: o.steps - thin * keep, beta: 0.3 })
      const phi = new Float64Array(g.samples.length / d)
      target.potential(g.samples, phi.length, phi) // report Φ itself, not the rewritten Φ̃
      run = { ...g, potentials: phi, diagnostics: diagnose(g.samples, phi, o.chains, g.kept, d, g.acceptance) }
    } else run = sampler === 'pcn' ? pcn(target, { ...common, burnIn: o.steps - thin * keep }) : adaptivePcn(target, { ...common, exploreSteps: o.steps - thin * keep })
  }
  const p = prior.paramDim
  const params = new Float64Array(o.chains * run.kept * p)
  for (let k = 0; k < o.chains * run.kept; k++) prior.toParams(run.samples.subarray(k * d, (k + 1) * d), params.subarray(k * p, (k + 1) * p))
  if (basins) {
    // the draws are the weighted mixture (not chains), so the diagnostics are each basin's own, the worst over basins of weight ≥ 1 %
    const heavy = basins.filter((b) => b.weight >= 0.01)
    const worst = (f: (b: BasinSummary) => number, pick: (a: number, b: number) => number) => heavy.map(f).reduce((a, b) => pick(a, b))
    const dg = { ...run.diagnostics, maxRhat: worst((b) => b.rhat, Math.max), minEss: worst((b) => b.minEss, Math.min), rhatPotential: worst((b) => b.rhatMisfit, Math.max), acceptance: heavy.reduce((a, b) => a + b.weight * b.acceptance, 0) / heavy.reduce((a, b) => a + b.weight, 0) }
    const wi = heavy.reduce((a, b) => (b.invariantRhat > a.invariantRhat ? b : a))
    const mean = new Float64Array(p)
    for (let k = 0; k < o.chains * run.kept; k++) for (let i = 0; i < p; i++) mean[i] += mixture![k * p + i] / (o.chains * run.kept)
    return {
      params: mixture!, paramDim: p, chains: o.chains, keep: run.kept, mean, finalMisfit: Float64Array.from(heavy.flatMap((b) => b.finalMisfit)),
      halfN: model.nTracers * model.nTimes, coarsening, coarseError: maxError, run, diagnostics: dg, ridge, mapStarts: maps, basins,
      invariants: { maxRhat: wi.invariantRhat, minEss: worst((b) => b.invariantMinEss, Math.min), worst: wi.invariantWorst, rhat: [], names: [] },
      seconds: (performance.now() - started) / 1000, cpuSeconds: cpuSecondsSince(cpu)
    }
  }
  const mean = new Float64Array(p)
  for (let k = 0; k < o.chains * run.kept; k++) for (let i = 0; i < p; i++) mean[i] += params[k * p + i] / (o.chains * run.kept)
  const finalMisfit = Float64Array.from({ length: o.chains }, (_, c) => run.potentials[c * run.kept + run.kept - 1])
  const canonical = cfg.flow === 'vortex' ? canonicalVortexLabels(params, p / 3, run.potentials, cfg.vortex.circulation) : params
  return {
    params, paramDim: p, chains: o.chains, keep: run.kept, mean, finalMisfit,
    halfN: model.nTracers * model.nTimes, coarsening, coarseError: maxError, run,
    diagnostics: diagnose(canonical, run.potentials, o.chains, run.kept, p, run.acceptance), tempering, ridge, mapStarts: maps,
    ...(cfg.flow === 'vortex' ? { invariants: invariantDiagnostics(params, run.potentials, p / 3, o.chains, run.kept) } : {}),
    seconds: (performance.now() - started) / 1000,
    cpuSeconds: cpuSecondsSince(cpu)
  }
}

const SCHEDULES = [[1], [0.25, 0.5, 1], [0.125, 0.25, 0.5, 0.75, 1]]

/**
 * Mode-jump rate of the vortex ridge chains, the jumps along the sheet (measured on the (4, 2) twin, 8,000 steps:
 * label-free R̂ 1.21 → 1.11 on pair 1843 and 1.33 → 1.12 on 1844 against the Laplace-mixture jumps at rate 0.1).
 */
const SHEET_JUMP_RATE = 0.2

/** The branching continuation's settings (per query; measured on the (4, 2) twin: 20–26 CPU-s, README twin benchmark). */
export const BRANCHING = { draws: 4000, beam: 16, branches: 8, windows: [0.25, 0.5, 0.75, 1], iterations: 20 }

/**
 * Local posterior maxima for the chains, best first: Levenberg–Marquardt from the best prior draws, a third of them
 * on the whole record at once and the rest by window continuation (¼, ½, all; and ⅛, ¼, ½, ¾, all), per chain and
 * schedule 1,000 prior draws, the best 8 refined; plus the branching continuation (`branchingContinuation`: each
 * window's 16 best maxima each spawn 7 draws of their own Laplace approximation for the next window), which is what
 * reaches the truth's misfit on every (4, 2) test pair (measured, 3 seeds each: pairs 1843 and 1844 best Φ 68–72
 * and 68 against the truth's 69 and 70, where plain continuation ends at 108–1,554).
 */
export function posteriorMaxima(prior: FlowPrior, model: ForwardModel, observed: Float64Array, sigma: number, chains: number, seed: number) {
  const base = { draws: 1000 * chains, candidates: 8 * chains, iterations: 30 }
  const runs = SCHEDULES.map((windows, k) => mapStarts(prior, model, observed, sigma, { ...base, seed: seed + k, windows }))
  runs.push(branchingContinuation(prior, model, observed, sigma, { ...BRANCHING, seed: seed + SCHEDULES.length }))
  const d = prior.latent.dim
  const all = runs.flatMap((r) => Array.from(r.objective, (f, k) => ({ f, misfit: r.misfit[k], x: r.states.subarray(k * d, (k + 1) * d) }))).sort((a, b) => a.f - b.f)
  const states = new Float64Array(all.length * d)
  all.forEach((a, k) => states.set(a.x, k * d))
  return { states, misfit: Float64Array.from(all, (a) => a.misfit), evaluations: runs.reduce((a, r) => a + r.evaluations, 0) }
}

/**
 * The Laplace approximation of a Fourier posterior: Levenberg–Marquardt from each start (latent rows) to a posterior
 * maximum, and N(x*, (JᵀJ)⁻¹) at the best, J the Jacobian of the whitened residuals (data and
 * prior): the Gauss–Newton Hessian, exact for a linear model. A reference for generalised pCN (the chains stay exact).
 */
export function laplaceApproximation(prior: FlowPrior, model: ForwardModel, observed: Float64Array, sigma: number, starts: Float64Array) {
  const d = prior.latent.dim
  const m = mapStarts(prior, model, observed, sigma, { draws: 0, candidates: starts.length / d, iterations: 20, seed: 0, from: starts, hessian: true })
  return { reference: denseGaussian(m.states.subarray(0, d), inverse(m.hessian!)), misfit: Array.from(m.misfit), evaluations: m.evaluations }
}

/** The median misfit of prior draws: the scale a hottest level 1/Φ̃ flattens to nearly the prior. */
function medianPriorMisfit(target: PcnTarget, seed: number, draws = 64): number {
  const d = target.prior.dim
  const rng = new Rng(seed, 1, 0x51a2)
  const x = new Float64Array(draws * d), z = new Float64Array(d), phi = new Float64Array(draws)
  for (let k = 0; k < draws; k++) drawGaussian(target.prior, rng, x.subarray(k * d, (k + 1) * d), z)
  target.potential(x, draws, phi)
  const finite = Array.from(phi).filter(Number.isFinite).sort((a, b) => a - b)
  return finite.length ? finite[Math.floor(finite.length / 2)] : 1
}

/**
 * Draws of exchangeable vortices (v = [x₁, y₁, …, Γ₁, …]) relabelled to one canonical order: each draw's vortices
 * are permuted to best match the lowest-misfit draw (positions, and Γ in units of the mean circulation), so that
 * chains visiting label-swapped copies of the same flow compare equal.
 */
export function canonicalVortexLabels(params: Float64Array, n: number, potentials: Float64Array, circulation: number): Float64Array {
  const p = 3 * n, count = params.length / p
  let pivot = 0
  for (let k = 1; k < count; k++) if (potentials[k] < potentials[pivot]) pivot = k
  const ref = params.slice(pivot * p, (pivot + 1) * p)
  const match = vortexMatcher(n, circulation)
  const out = new Float64Array(params.length)
  for (let k = 0; k < count; k++) permuteVortices(params.subarray(k * p, (k + 1) * p), match(params.subarray(k * p, (k + 1) * p), ref), n, 1, out.subarray(k * p, (k + 1) * p))
  return out
}

/** The label symmetry of identical vortices as the tempering sampler uses it, on the prior's latent coordinates. */
function vortexSymmetry(prior: FlowPrior, n: number, circulation: number): TargetSymmetry {
  const match = vortexMatcher(n, circulation)
  const a = new Float64Array(3 * n), b = new Float64Array(3 * n)
  const permOf = (pivot: Float64Array, state: Float64Array) => {
    prior.toParams(state, a)
    prior.toParams(pivot, b)
    return match(a, b)
  }
  const latentBlock = prior.latent.dim / n - 2 // latent: [ξ_r, ξ_angle] per vortex, then 1 (or 2 with signs) per vortex
  return {
    canonicalize(pivot, state) {
      const perm = permOf(pivot, state)
      permuteVortices(Float64Array.from(state), perm, n, latentBlock, state)
    },
    inDomain: (pivot, state) => permOf(pivot, state).every((i, j) => i === j)
  }
}


/** A start with zero likelihood (outside the prior's support, or a diverging forward run) is replaced by a prior draw that has some. */
function replaceImpossibleStarts(target: PcnTarget, starts: Float64Array, chains: number, seed: number): void {
  const d = target.prior.dim
  const phi = new Float64Array(1)
  const rng = new Rng(seed, 0, 0x51a2)
  const z = new Float64Array(d)
  for (let c = 0; c < chains; c++) {
    const x = starts.subarray(c * d, (c + 1) * d)
    target.potential(x, 1, phi)
    for (let tries = 0; !(phi[0] < Infinity) && tries < 1000; tries++) {
      drawGaussian(target.prior, rng, x, z)
      target.potential(x, 1, phi)
    }
  }
}

/** Prior draws inside the prior's support (vortex separation by rejection, as the simulator). */
export function priorDraws(prior: FlowPrior, n: number, seed: number): Float64Array {
  const rng = new Rng(seed, 0, 0x7a11)
  const out = new Float64Array(n * prior.paramDim)
  const l = new Float64Array(prior.latent.dim), z = new Float64Array(prior.latent.dim), v = new Float64Array(prior.paramDim)
  for (let k = 0; k < n; ) {
    drawGaussian(prior.latent, rng, l, z)
    prior.toParams(l, v)
    if (prior.admissible(v)) out.set(v, k++ * prior.paramDim)
  }
  return out
}
