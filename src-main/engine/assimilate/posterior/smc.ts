/**
 * Data-tempered sequential Monte Carlo (IBIS, Chopin 2002; SMC samplers, Del Moral, Doucet & Jasra 2006) for a
 * posterior π(x) ∝ exp(−Σ_j φ_j(x)) N(x; m, diag s²) whose misfit is a sum over observation blocks j = 0 … K−1
 * (a twin's records, in time order). Built as the global search of the point-vortex twin: there the misfit of the
 * whole record is so rough (chaotic vortex motion over T = 2) that Levenberg–Marquardt returns to the truth's
 * basin only from within ~0.05 prior standard deviations of it, while the posterior of the first few records is
 * broad and smooth. The particles follow the path of targets
 *   π_λ ∝ exp(−Σ_{j<⌊λ⌋} φ_j − (λ − ⌊λ⌋) φ_⌊λ⌋) N(m, diag s²),  0 = λ₀ < λ₁ < … < λ_T = K,
 * one record at a time and, within a record, by likelihood tempering: each λ_{t+1} is the largest step whose
 * incremental weights keep an effective sample size of `essFraction`·P (adaptive tempering, Jasra et al. 2011);
 * then systematic resampling and `moves` sweeps of Metropolis–Hastings at λ_{t+1} with differential-evolution
 * proposals x' = x + γ(x_a − x_b) + e (ter Braak 2006; a, b two other particles, e ~ N(0, (10⁻³ s)²), γ adapted
 * towards an acceptance of ¼, and γ = 1 one move in ten, which jumps between modes the population holds). The
 * proposal is symmetric given the other particles, so each move leaves π_λ invariant conditionally on them.
 * Each stage's mean incremental weight multiplies into the evidence estimate Z = ∫ exp(−Φ) dN(m, s²).
 * An exact symmetry of the target (exchangeable vortices) maps every particle into the best particle's fundamental
 * domain before the moves, so that differences of particles compare like with like. Pure.
 */
import { Rng } from '../../flows/rng'
import { throwIfCancelled } from '../../jobs/job'
import type { GaussianPrior } from './gaussian'
import type { TargetSymmetry } from './tempering'

export interface BlockTarget {
  /** Diagonal Gaussian prior on x. */
  prior: GaussianPrior
  /** Observation blocks K (e.g. records). */
  blocks: number
  /** φ_j of each state for the blocks j < upTo (count × blocks; entries from upTo on are not read); +∞ in every entry outside the support. */
  blockMisfits(states: Float64Array, count: number, upTo: number, out: Float64Array): void
}

export interface SmcOptions {
  particles: number
  seed: number
  /** MH sweeps per stage (default 5). */
  moves?: number
  /** ESS kept by each tempering increment, as a fraction of the particles (default ½). */
  essFraction?: number
  /** Stop (with `completed` false) after this many stages (default 2000). */
  maxStages?: number
  symmetry?: TargetSymmetry
  signal?: AbortSignal
  onProgress?: (lambda: number, blocks: number) => void
}

export interface SmcResult {
  dim: number
  particles: number
  /** Final particles (equally weighted, after the last resampling and moves), particles × dim. */
  states: Float64Array
  /** Φ = Σ_j φ_j of each final particle over the blocks reached. */
  potentials: Float64Array
  /** log Z, the evidence estimate (product of the stages' mean incremental weights). */
  logEvidence: number
  /** The λ schedule (after λ₀ = 0) and the moves' acceptance at each stage. */
  lambdas: number[]
  acceptance: number[]
  /** Whether λ reached K within `maxStages`. */
  completed: boolean
  /** Forward evaluations (state rows × blocks computed / K: full-record equivalents). */
  evaluations: number
}

export function smcSampler(target: BlockTarget, o: SmcOptions): SmcResult {
  const d = target.prior.dim, K = target.blocks, P = o.particles
  if (!(P >= 4)) throw new Error(`SMC: ${P} particles (at least 4)`)
  const m = target.prior.mean, s = Float64Array.from(target.prior.variance, Math.sqrt)
  const rng = new Rng(o.seed, 0, 0x5bc1)
  const moves = o.moves ?? 5, essFraction = o.essFraction ?? 0.5, maxStages = o.maxStages ?? 2000
  let x = new Float64Array(P * d)
  for (let k = 0; k < P; k++) for (let i = 0; i < d; i++) x[k * d + i] = m[i] + s[i] * rng.normal()
  let phi = new Float64Array(P * K) // φ_j per particle, valid for j < upTo
  let upTo = 0
  let evaluations = 0
  const logPrior = (row: Float64Array, k: number) => {
    let q = 0
    for (let i = 0; i < d; i++) q += ((row[k * d + i] - m[i]) / s[i]) ** 2
    return -q / 2
  }
  const potentialAt = (ph: Float64Array, k: number, lambda: number) => {
    const r = Math.floor(lambda)
    let v = 0
    for (let j = 0; j < Math.min(r, K); j++) v += ph[k * K + j]
    if (r < K && lambda > r) v += (lambda - r) * ph[k * K + r]
    return Number.isNaN(v) ? Infinity : v
  }
  const evaluate = (states: Float64Array, count: number, blocks: number, out: Float64Array) => {
    target.blockMisfits(states, count, blocks, out)
    evaluations += (count * blocks) / K
  }
  const lambdas: number[] = [], acceptance: number[] = []
  let lambda = 0, logZ = 0, gamma = 2.38 / Math.sqrt(2 * d)
  const lw = new Float64Array(P), w = new Float64Array(P)
  const xp = new Float64Array(P * d), php = new Float64Array(P * K)
  let stages = 0
  while (lambda < K && stages < maxStages) {
    if (o.signal) throwIfCancelled(o.signal)
    stages++
    const r = Math.floor(lambda)
    if (upTo < r + 1) evaluate(x, P, r + 1, phi) // the new block's φ for every particle
    // the largest step in this block that keeps the ESS (a step to the block's end when it does)
    const essOf = (delta: number) => {
      let top = -Infinity
      for (let k = 0; k < P; k++) {
        const f = phi[k * K + r]
        lw[k] = Number.isFinite(f) ? -delta * f : -Infinity
        if (lw[k] > top) top = lw[k]
      }
      if (top === -Infinity) return 0
      let a = 0, b = 0
      for (let k = 0; k < P; k++) {
        w[k] = Math.exp(lw[k] - top)
        a += w[k]
        b += w[k] * w[k]
      }
      return (a * a) / b
    }
    let delta = r + 1 - lambda
    if (essOf(delta) < essFraction * P) {
      let lo = 0, hi = delta
      for (let it = 0; it < 40; it++) {
        const mid = (lo + hi) / 2
        if (essOf(mid) >= essFraction * P) lo = mid
        else hi = mid
      }
      delta = Math.max(lo, 1e-12)
    }
    essOf(delta)
    let top = -Infinity
    for (let k = 0; k < P; k++) if (lw[k] > top) top = lw[k]
    let sum = 0
    for (let k = 0; k < P; k++) sum += w[k]
    if (!(sum > 0)) throw new Error('SMC: every particle has zero likelihood')
    logZ += top + Math.log(sum / P)
    lambda = delta >= r + 1 - lambda - 1e-12 ? r + 1 : lambda + delta
    // systematic resampling
    const u0 = rng.uniform() / P
    let c = w[0] / sum, j = 0
    for (let k = 0; k < P; k++) {
      const u = u0 + k / P
      while (u > c && j < P - 1) c += w[++j] / sum
      xp.set(x.subarray(j * d, (j + 1) * d), k * d)
      php.set(phi.subarray(j * K, (j + 1) * K), k * K)
    }
    ;[x, phi] = [Float64Array.from(xp), Float64Array.from(php)]
    const blocks = Math.ceil(lambda - 1e-12)
    if (o.symmetry) {
      let best = 0, bestV = Infinity
      for (let k = 0; k < P; k++) {
        const v = potentialAt(phi, k, lambda) - logPrior(x, k)
        if (v < bestV) [best, bestV] = [k, v]
      }
      const pivot = x.slice(best * d, (best + 1) * d)
      for (let k = 0; k < P; k++) o.symmetry.canonicalize(pivot, x.subarray(k * d, (k + 1) * d))
    }
    // moves at λ: differential-evolution Metropolis, all particles proposed together
    let accepted = 0
    for (let sweep = 0; sweep < moves; sweep++) {
      const g = rng.uniform() < 0.1 ? 1 : gamma
      for (let k = 0; k < P; k++) {
        let a = Math.floor(rng.uniform() * (P - 1))
        if (a >= k) a++
        let b = Math.floor(rng.uniform() * (P - 2))
        for (const q of [Math.min(a, k), Math.max(a, k)]) if (b >= q) b++
        for (let i = 0; i < d; i++) xp[k * d + i] = x[k * d + i] + g * (x[a * d + i] - x[b * d + i]) + 1e-3 * s[i] * rng.normal()
      }
      evaluate(xp, P, blocks, php)
      let acc = 0
      for (let k = 0; k < P; k++) {
        const logAlpha = potentialAt(phi, k, lambda) - potentialAt(php, k, lambda) + logPrior(xp, k) - logPrior(x, k)
        if (Math.log(rng.uniform()) < logAlpha) {
          x.set(xp.subarray(k * d, (k + 1) * d), k * d)
          phi.set(php.subarray(k * K, k * K + blocks), k * K)
          acc++
        }
      }
      if (g !== 1) gamma *= Math.exp(acc / P - 0.25)
      accepted += acc / P
    }
    upTo = blocks
    lambdas.push(lambda)
    acceptance.push(accepted / moves)
    o.onProgress?.(lambda, K)
  }
  const potentials = Float64Array.from({ length: P }, (_, k) => potentialAt(phi, k, lambda))
  return { dim: d, particles: P, states: x, potentials, logEvidence: logZ, lambdas, acceptance, completed: lambda >= K, evaluations }
}
