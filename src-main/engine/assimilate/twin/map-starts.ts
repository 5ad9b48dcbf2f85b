/**
 * Starting points for the MCMC reference: local maxima of the posterior (MAP estimates) from many prior draws.
 * The best `candidates` of `draws` prior draws by misfit are each refined by Levenberg–Marquardt on the latent
 * coordinates ξ of the prior, minimising ½|(y − G(T(ξ)))/σ|² + ½|(ξ − m)/s|² (the negative log posterior with the
 * Gaussian reference N(m, diag s²); exact for the Fourier prior and for the vortex prior's latent), the Jacobian by
 * forward differences batched through the forward model. Chains that start in several of these basins let
 * split-R̂ see a multimodal posterior instead of hiding it, and tempering then weighs the basins.
 */
import { Matrix, solve } from 'ml-matrix'
import { Rng } from '../../flows/rng'
import { choleskyLower, drawGaussian, solveLowerTranspose, type FlowPrior } from '../posterior'
import type { ForwardModel } from './forward'

export interface MapStartOptions {
  draws: number
  candidates: number
  /** Levenberg–Marquardt iterations per stage. */
  iterations: number
  seed: number
  /**
   * Observation windows of the continuation, as fractions of the record (default [1]: the whole record at once).
   * Each candidate is fitted to the first window, then refined on each longer one (quasi-static variational
   * assimilation, Pires, Vautard & Talagrand 1996): a short window's misfit is nearly quadratic in the flow
   * parameters, so its basin is wide, and each longer window starts inside its own basin; the candidates are the
   * best prior draws on the first window.
   */
  windows?: number[]
  /** Stop at the last given window instead of ending on the whole record (objective and misfit are then that window's). */
  windowOnly?: boolean
  /** Refine these latent states (rows, count × latent dim) instead of the best of `draws` prior draws. */
  from?: Float64Array
  /** Also return the Gauss–Newton Hessian JᵀJ of the best state (the Laplace approximation's precision). */
  hessian?: boolean
  /** Also return JᵀJ on the last window of this many refined states, best first (each costs a Jacobian). */
  hessians?: number
}

export interface MapStarts {
  /** Refined latent states, best first (candidates × latent dim), and their negative log posteriors. */
  states: Float64Array
  objective: Float64Array
  /** Φ (the misfit alone) of each. */
  misfit: Float64Array
  evaluations: number
  /** With `hessian`: JᵀJ at the best state (latent dim²), J the Jacobian of the whitened residuals (data and prior). */
  hessian?: Matrix
  /** With `hessians`: JᵀJ on the last window of the first `hessians` states, in the order of `states`. */
  hessians?: Matrix[]
}

export function mapStarts(prior: FlowPrior, model: ForwardModel, observed: Float64Array, sigma: number, o: MapStartOptions): MapStarts {
  const d = prior.latent.dim, N = observed.length
  const m = prior.latent.mean, s = Float64Array.from(prior.latent.variance, Math.sqrt)
  let evaluations = 0
  const misfitOf = misfitResiduals(prior, model, observed, sigma)
  let block = new Float64Array(0)
  /** Residual vectors (count × (N + d)) of latent rows over the first `records` records (zero after); NaN rows for inadmissible states. */
  const residuals = (xs: Float64Array, count: number, records = model.nTimes): Float64Array => {
    if (block.length < count * N) block = new Float64Array(count * N)
    misfitOf(xs, count, block, records)
    evaluations += count
    const out = new Float64Array(count * (N + d))
    for (let c = 0; c < count; c++) {
      const r = out.subarray(c * (N + d), (c + 1) * (N + d))
      r.set(block.subarray(c * N, (c + 1) * N))
      for (let i = 0; i < d; i++) r[N + i] = (xs[c * d + i] - m[i]) / s[i]
    }
    return out
  }
  const half = (r: Float64Array, from = 0, to = r.length) => {
    let q = 0
    for (let i = from; i < to; i++) q += r[i] * r[i]
    return Number.isFinite(q) ? q / 2 : Infinity
  }

  const windows = (o.windows ?? [1]).map((f) => Math.max(1, Math.min(model.nTimes, Math.round(f * model.nTimes))))
  if (!o.windowOnly && windows[windows.length - 1] !== model.nTimes) windows.push(model.nTimes)

  const rng = new Rng(o.seed, 0, 0x3a9f)
  const draws = o.from ? o.from.length / d : o.draws
  const X = o.from ? Float64Array.from(o.from) : new Float64Array(o.draws * d), z = new Float64Array(d)
  if (!o.from) for (let k = 0; k < o.draws; k++) drawGaussian(prior.latent, rng, X.subarray(k * d, (k + 1) * d), z)
  const R0 = residuals(X, draws, windows[0])
  const order = Array.from({ length: draws }, (_, k) => k).sort((a, b) => half(R0.subarray(a * (N + d), (a + 1) * (N + d))) - half(R0.subarray(b * (N + d), (b + 1) * (N + d))))
  const C = Math.min(o.candidates, draws)
  const states = new Float64Array(C * d), objective = new Float64Array(C), misfit = new Float64Array(C)
  const probe = new Float64Array((d + 1) * d)
  /** Forward-difference Jacobian of the residuals at x (residual r): d probes in one batch. */
  const jacobian = (x: Float64Array, r: Float64Array, records = model.nTimes): Matrix => {
    const h = Float64Array.from(x, (v) => 1e-6 * (1 + Math.abs(v)))
    for (let i = 0; i < d; i++) {
      probe.set(x, i * d)
      probe[i * d + i] += h[i]
    }
    const Rp = residuals(probe, d, records)
    const J = new Matrix(N + d, d)
    for (let i = 0; i < d; i++) for (let q = 0; q < N + d; q++) J.set(q, i, (Rp[i * (N + d) + q] - r[q]) / h[i])
    return J
  }
  const finalResidual: Float64Array[] = []
  for (let j = 0; j < C; j++) {
    const x = X.slice(order[j] * d, (order[j] + 1) * d)
    let r: Float64Array = R0.slice(order[j] * (N + d), (order[j] + 1) * (N + d))
    let f = half(r)
    for (const [w, records] of windows.entries()) {
      if (w > 0) {
        r = residuals(x, 1, records)
        f = half(r)
      }
      let lambda = 1e-2
      for (let it = 0; it < o.iterations && f < Infinity; it++) {
        const J = jacobian(x, r, records)
        if (!J.to1DArray().every(Number.isFinite)) break
        const JtJ = J.transpose().mmul(J)
        const g = J.transpose().mmul(Matrix.columnVector(Array.from(r)))
        let improved = false
        for (let tries = 0; tries < 8 && !improved; tries++) {
          const A = JtJ.clone()
          for (let i = 0; i < d; i++) A.set(i, i, A.get(i, i) * (1 + lambda) + 1e-12)
          const step = solve(A, g.clone().mul(-1)).to1DArray()
          const trial = Float64Array.from(x, (v, i) => v + step[i])
          const rt = residuals(trial, 1, records)
          const ft = half(rt)
          if (ft < f) {
            x.set(trial)
            r = rt
            improved = f - ft > 1e-9 * f
            f = ft
            lambda = Math.max(1e-9, lambda / 3)
            if (!improved) tries = 8
          } else lambda *= 4
        }
        if (!improved) break
      }
    }
    states.set(x, j * d)
    objective[j] = f
    misfit[j] = half(r, 0, N)
    finalResidual.push(r)
  }
  const best = Array.from({ length: C }, (_, j) => j).sort((a, b) => objective[a] - objective[b])
  const last = windows[windows.length - 1]
  const gaussNewton = (j: number) => {
    const J = jacobian(states.slice(j * d, (j + 1) * d), finalResidual[j], last)
    return J.transpose().mmul(J)
  }
  return {
    ...(o.hessian ? { hessian: gaussNewton(best[0]) } : {}),
    ...(o.hessians ? { hessians: best.slice(0, o.hessians).map(gaussNewton) } : {}),
    states: Float64Array.from(best.flatMap((j) => Array.from(states.subarray(j * d, (j + 1) * d)))),
    objective: Float64Array.from(best, (j) => objective[j]),
    misfit: Float64Array.from(best, (j) => misfit[j]),
    evaluations
  }
}

export interface BranchingOptions {
  /** Prior draws scored on the first window; the best beam × branches of them are fitted to it. */
  draws: number
  /** Maxima kept after each window, and the candidates each spawns for the next (itself and branches − 1 draws). */
  beam: number
  branches: number
  /** Windows as fractions of the record, shortest first (the whole record is appended when missing). */
  windows: number[]
  /** Levenberg–Marquardt iterations per window. */
  iterations: number
  seed: number
}

/**
 * Window continuation that branches (a particle version of Pires, Vautard & Talagrand 1996's quasi-static
 * assimilation, in the spirit of sequential Monte Carlo with optimisation moves): each window's best `beam` maxima
 * each spawn `branches − 1` draws of their own Laplace approximation N(x*, (JᵀJ)⁻¹) on that window, and all are
 * fitted to the next window. A short window pins the directions it observes and leaves the others at their prior
 * spread, so the draws re-explore exactly what the next records decide — where plain continuation keeps the
 * single point the short window's prior put there (measured on the (4, 2) vortex twin, pairs 1843 and 1844: plain
 * continuation and a selecting beam end at Φ 108–1,554, this at the truth's misfit; README twin benchmark).
 */
export function branchingContinuation(prior: FlowPrior, model: ForwardModel, observed: Float64Array, sigma: number, o: BranchingOptions): MapStarts {
  const d = prior.latent.dim
  const windows = o.windows[o.windows.length - 1] === 1 ? o.windows : [...o.windows, 1]
  const fit = { iterations: o.iterations, seed: o.seed, windowOnly: true }
  // only the maxima that branch need their Laplace approximation
  let m = mapStarts(prior, model, observed, sigma, { ...fit, draws: o.draws, candidates: o.beam * o.branches, windows: [windows[0]], hessians: windows.length > 1 ? o.beam : 0 })
  let evaluations = m.evaluations
  const rng = new Rng(o.seed, 1, 0x3b2c)
  for (let w = 1; w < windows.length; w++) {
    const keep = Math.min(o.beam, m.states.length / d)
    const rows: number[] = []
    for (let b = 0; b < keep; b++) {
      const x = m.states.subarray(b * d, (b + 1) * d)
      rows.push(...x)
      const H = Float64Array.from(m.hessians![b].to1DArray())
      if (!H.every(Number.isFinite)) continue // a probe left the prior's support: keep the maximum, do not branch
      const L = choleskyLower(H, d) // JᵀJ holds the prior's identity rows: positive definite
      for (let k = 1; k < o.branches; k++) {
        // x* + L⁻ᵀz ~ N(x*, (LLᵀ)⁻¹)
        const u = Float64Array.from({ length: d }, () => rng.normal())
        solveLowerTranspose(L, d, u)
        rows.push(...u.map((v, i) => v + x[i]))
      }
    }
    const from = Float64Array.from(rows)
    m = mapStarts(prior, model, observed, sigma, { ...fit, draws: 0, candidates: from.length / d, from, windows: [windows[w]], hessians: w < windows.length - 1 ? o.beam : 0 })
    evaluations += m.evaluations
  }
  return { ...m, evaluations }
}

/**
 * The whitened misfit residuals (y − G(T(ξ)))/σ of latent rows ξ (count × N); a row of NaN where T(ξ) is
 * inadmissible. `records` < all: only the first records count (the rest are 0), and the vortex model stops there.
 */
export function misfitResiduals(prior: FlowPrior, model: ForwardModel, observed: Float64Array, sigma: number) {
  const d = prior.latent.dim, p = prior.paramDim, N = observed.length, T = model.nTimes
  let params = new Float64Array(0), tracks = new Float64Array(0)
  return (xs: Float64Array, count: number, out: Float64Array, records = T): void => {
    if (params.length < count * p) {
      params = new Float64Array(count * p)
      tracks = new Float64Array(count * N)
    }
    for (let c = 0; c < count; c++) prior.toParams(xs.subarray(c * d, (c + 1) * d), params.subarray(c * p, (c + 1) * p))
    model.run(params, count, tracks, records)
    for (let c = 0; c < count; c++) {
      const r = out.subarray(c * N, (c + 1) * N)
      if (!prior.admissible(params.subarray(c * p, (c + 1) * p))) r.fill(NaN)
      else for (let i = 0; i < N; i++) r[i] = Math.floor(i / 2) % T < records ? (observed[i] - tracks[c * N + i]) / sigma : 0
    }
  }
}
