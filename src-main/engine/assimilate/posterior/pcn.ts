/**
 * Batched preconditioned Crank–Nicolson MCMC (Cotter, Roberts, Stuart & White 2013; Cotter, Dashti & Stuart 2011)
 * for targets π(dx) ∝ exp(−Φ(x)) μ(dx) with a Gaussian reference μ = N(m, C):
 *   proposal x' = m + √(1−β²)(x − m) + β C^{1/2} z,  accepted with probability min(1, exp(Φ(x) − Φ(x'))).
 * The proposal is μ-reversible, so with Φ ≡ 0 every move is accepted and μ is kept exactly — what makes pCN
 * well defined in high dimension. All chains step together and Φ is evaluated for all proposals in one call
 * (the likelihood batches its forward model over them). During burn-in the step β is adapted towards a target
 * acceptance rate (Robbins–Monro on log β, shared by all chains so that kept draws come from one kernel). Pure.
 */
import { Rng } from '../../flows/rng'
import { throwIfCancelled } from '../../jobs/job'
import { effectiveSampleSizeOf, splitRhat } from './diagnostics'
import { drawGaussian, type GaussianPrior } from './gaussian'

export interface PcnTarget {
  /** The Gaussian reference measure μ. */
  prior: GaussianPrior
  /** Φ of `count` states (rows of `states`, count × dim) into `out`; +Infinity (or NaN) rejects a state. */
  potential(states: Float64Array, count: number, out: Float64Array): void
}

export interface PcnOptions {
  chains: number
  /** Steps per chain after burn-in. */
  steps: number
  /** Steps per chain before any draw is kept (β adapts during these). */
  burnIn: number
  /** Keep every `thin`-th draw (default 1). */
  thin?: number
  seed: number
  /** Initial step β ∈ (0, 1] (default 0.2). */
  beta?: number
  /** Acceptance rate the adaptation aims at (default 0.25). */
  targetAcceptance?: number
  /** Start states, chains × dim (default: independent draws from μ). */
  starts?: Float64Array
  signal?: AbortSignal
  /** Called every ~1 % of the run with steps done (burn-in included) and the total. */
  onProgress?: (done: number, total: number) => void
}

export interface PcnDiagnostics {
  /** Mean acceptance rate over chains after burn-in. */
  acceptance: number
  /** Per coordinate: effective sample size over all chains, and split-R̂. */
  ess: Float64Array
  rhat: Float64Array
  minEss: number
  maxRhat: number
  /** ESS and split-R̂ of Φ itself (the misfit chain). */
  essPotential: number
  rhatPotential: number
}

export interface PcnResult {
  dim: number
  chains: number
  /** Kept draws per chain. */
  kept: number
  /** chains × kept × dim. */
  samples: Float64Array
  /** Φ of every kept draw, chains × kept. */
  potentials: Float64Array
  /** Acceptance rate of each chain after burn-in. */
  acceptance: Float64Array
  /** The step β used after burn-in. */
  beta: number
  diagnostics: PcnDiagnostics
}

/** Adapt every this many steps during burn-in. */
const ADAPT_EVERY = 25
const BETA_MIN = 1e-5

export function pcn(target: PcnTarget, o: PcnOptions): PcnResult {
  const { prior } = target
  const d = prior.dim
  const M = o.chains
  const thin = Math.max(1, o.thin ?? 1)
  const goal = o.targetAcceptance ?? 0.25
  if (!(M >= 1) || !(o.steps >= 1) || !(o.burnIn >= 0)) throw new Error(`pcn: need chains ≥ 1, steps ≥ 1 and burnIn ≥ 0 (got ${M}, ${o.steps}, ${o.burnIn})`)
  if (o.starts && o.starts.length !== M * d) throw new Error(`pcn: ${o.starts.length} start values for ${M} chains × ${d} dimensions`)
  let beta = Math.min(1, Math.max(BETA_MIN, o.beta ?? 0.2))

  const rngs = Array.from({ length: M }, (_, c) => new Rng(o.seed, c, STREAM_PCN))
  const x = new Float64Array(M * d)
  const proposal = new Float64Array(M * d)
  const phi = new Float64Array(M)
  const phiProposal = new Float64Array(M)
  const z = new Float64Array(d), step = new Float64Array(d)
  if (o.starts) x.set(o.starts)
  else for (let c = 0; c < M; c++) drawGaussian(prior, rngs[c], x.subarray(c * d, (c + 1) * d), z)
  target.potential(x, M, phi)
  for (let c = 0; c < M; c++) if (!(phi[c] < Infinity)) phi[c] = Infinity

  const kept = Math.floor(o.steps / thin)
  const samples = new Float64Array(M * kept * d)
  const potentials = new Float64Array(M * kept)
  const accepted = new Float64Array(M)
  let windowAccepted = 0, windowTried = 0
  const total = o.burnIn + o.steps
  const every = Math.max(1, Math.floor(total / 100))

  for (let s = 0; s < total; s++) {
    if (o.signal) throwIfCancelled(o.signal)
    const keep = Math.sqrt(1 - beta * beta)
    for (let c = 0; c < M; c++) {
      const rng = rngs[c]
      for (let i = 0; i < d; i++) z[i] = rng.normal()
      prior.applySqrt(z, step)
      const off = c * d
      for (let i = 0; i < d; i++) proposal[off + i] = prior.mean[i] + keep * (x[off + i] - prior.mean[i]) + beta * step[i]
    }
    target.potential(proposal, M, phiProposal)
    const burning = s < o.burnIn
    for (let c = 0; c < M; c++) {
      const p = phiProposal[c]
      // log u < Φ(x) − Φ(x'); a chain stuck at Φ = ∞ accepts any finite proposal
      const ok = p < Infinity && (phi[c] === Infinity || Math.log(rngs[c].uniform()) < phi[c] - p)
      if (ok) {
        x.set(proposal.subarray(c * d, (c + 1) * d), c * d)
        phi[c] = p
      }
      if (burning) {
        windowAccepted += ok ? 1 : 0
        windowTried++
      } else accepted[c] += ok ? 1 : 0
    }
    if (burning && windowTried >= ADAPT_EVERY * M) {
      const rate = windowAccepted / windowTried
      const gain = 1 / Math.sqrt(1 + s / ADAPT_EVERY)
      beta = Math.min(1, Math.max(BETA_MIN, beta * Math.exp(2 * gain * (rate - goal))))
      windowAccepted = windowTried = 0
    }
    if (!burning) {
      const t = s - o.burnIn + 1
      if (t % thin === 0) {
        const k = t / thin - 1
        for (let c = 0; c < M; c++) {
          samples.set(x.subarray(c * d, (c + 1) * d), (c * kept + k) * d)
          potentials[c * kept + k] = phi[c]
        }
      }
    }
    if (o.onProgress && (s + 1) % every === 0) o.onProgress(s + 1, total)
  }
  const acceptance = accepted.map((a) => a / o.steps)
  return { dim: d, chains: M, kept, samples, potentials, acceptance, beta, diagnostics: diagnose(samples, potentials, M, kept, d, acceptance) }
}

/** Diagnostics of kept draws laid out chains × kept × dim. */
export function diagnose(samples: Float64Array, potentials: Float64Array, chains: number, kept: number, d: number, acceptance: Float64Array): PcnDiagnostics {
  const ess = new Float64Array(d), rhat = new Float64Array(d)
  const column = new Float64Array(chains * kept)
  for (let i = 0; i < d; i++) {
    for (let c = 0; c < chains; c++) for (let k = 0; k < kept; k++) column[c * kept + k] = samples[(c * kept + k) * d + i]
    ess[i] = effectiveSampleSizeOf(column, chains)
    rhat[i] = splitRhat(column, chains)
  }
  const finite = (a: Float64Array, f: (x: number, y: number) => number, start: number) => a.reduce((m, v) => (Number.isFinite(v) ? f(m, v) : m), start)
  return {
    acceptance: acceptance.reduce((s, a) => s + a, 0) / chains,
    ess,
    rhat,
    minEss: finite(ess, Math.min, Infinity),
    maxRhat: finite(rhat, Math.max, -Infinity),
    essPotential: effectiveSampleSizeOf(potentials, chains),
    rhatPotential: splitRhat(potentials, chains)
  }
}

/** Mean and per-coordinate variance of all kept draws. */
export function sampleMoments(r: Pick<PcnResult, 'samples' | 'dim'>): { mean: Float64Array; variance: Float64Array } {
  const d = r.dim
  const n = r.samples.length / d
  const mean = new Float64Array(d), variance = new Float64Array(d)
  for (let k = 0; k < n; k++) for (let i = 0; i < d; i++) mean[i] += r.samples[k * d + i] / n
  for (let k = 0; k < n; k++) for (let i = 0; i < d; i++) variance[i] += (r.samples[k * d + i] - mean[i]) ** 2 / Math.max(1, n - 1)
  return { mean, variance }
}

/** Salt of the chains' random streams. */
const STREAM_PCN = 0x9c17
