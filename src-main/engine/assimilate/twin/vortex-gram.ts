/**
 * The point-vortex path's linearised likelihood, the vortex analogue of the Fourier path's Gram matrix
 * (learn/path-features.ts): the vortex flow is not linear in its parameters, so the likelihood is linearised about a
 * point estimate ξ₀ in the prior's latent coordinates (posterior/flow-prior.ts) instead,
 *   r(ξ) = (y − G(T(ξ)))/σ ≈ r₀ + J(ξ − ξ₀),   −log-likelihood ≈ ½ξᵀG_uξ − b_uᵀξ + const,
 *   G_u = JᵀJ,  b_u = G_u ξ₀ − Jᵀr₀,
 * which is what the quadratic potential encoder's dot product reads (twin/learned-methods.ts): with the head at
 * a = α = 1, γ = 0 and ξ₀ the posterior maximum, ν(ξ | u) is the Laplace approximation N(ξ₀, (I + JᵀJ)⁻¹).
 * ξ₀ is found per path: the nearest bank paths (the train pairs' recorded tracks, by squared distance to the observed
 * ones — no forward run) give starts, Levenberg–Marquardt on ½|r|² + ½|ξ|² refines them with the exact Jacobian of
 * the likelihood's RK4 (flows/vortex-tangent.ts, chained with the prior's latent map by central differences), a few
 * iterations from each start screen them and the best is iterated to convergence. Everything here is the model's
 * own linearisation and a nearest-neighbour search; nothing is learned.
 */
import type { SimulationConfig } from '../../../shared/simulation'
import { planSimulation } from '../../flows/plan'
import { VortexRk4 } from '../../flows/vortex-rk4'
import { VortexTangentRk4 } from '../../flows/vortex-tangent'
import { choleskyLower, solveLower, solveLowerTranspose, type FlowPrior } from '../posterior'

/** Residuals r = (y − G(T(ξ)))/σ (N) and J = ∂r/∂ξ (N × latent dim, row-major) at one latent state. */
export interface LinearisedResiduals {
  readonly dim: number
  readonly length: number
  /** Records per tracer. */
  readonly records: number
  /**
   * r and J at ξ; false when T(ξ) is outside the prior's support or the run diverged. `records` < all: the
   * likelihood of the first records alone (the later entries of r and J are 0, and the runs stop there).
   */
  evaluate(xi: Float64Array, r: Float64Array, J: Float64Array, records?: number): boolean
  /** r alone (one plain RK4 run, a fifth of the tangent-linear one's cost), the same numbers as `evaluate`'s. */
  residuals(xi: Float64Array, r: Float64Array, records?: number): boolean
}

/** A vortex twin's whitened residuals and their Jacobian, at the likelihood's RK4 step (`coarsening` simulator steps). */
export function vortexResiduals(cfg: SimulationConfig, prior: FlowPrior, observed: Float64Array, coarsening: number): LinearisedResiduals {
  if (cfg.flow !== 'vortex') throw new Error('vortexResiduals: a point-vortex config is needed')
  const plan = planSimulation(cfg)
  if (cfg.recordEvery % coarsening !== 0) throw new Error(`vortexResiduals: coarsening ${coarsening} does not divide the record interval ${cfg.recordEvery}`)
  const perRecord = cfg.recordEvery / coarsening, steps = plan.nTimes * perRecord, dt = cfg.dt * coarsening
  const tl = new VortexTangentRk4(plan.nVortices, cfg.tracers), rk4 = new VortexRk4(plan.nVortices, cfg.tracers)
  const N = cfg.tracers * plan.nTimes * 2, P = plan.paramDim, d = prior.latent.dim
  if (observed.length !== N) throw new Error(`vortexResiduals: ${observed.length} observed numbers, the model records ${N}`)
  const v = new Float64Array(P), vp = new Float64Array(P), vm = new Float64Array(P), x = new Float64Array(d)
  const tracks = new Float64Array(N), jp = new Float64Array(N * P), dmap = new Float64Array(P * d)
  const sigma = cfg.noise
  const T = plan.nTimes
  const inWindow = (q: number, records: number) => Math.floor(q / 2) % T < records
  const whiten = (r: Float64Array, records: number) => {
    for (let q = 0; q < N; q++) {
      r[q] = inWindow(q, records) ? (observed[q] - tracks[q]) / sigma : 0
      if (!Number.isFinite(r[q])) return false
    }
    return true
  }
  return {
    dim: d,
    length: N,
    records: T,
    residuals(xi, r, records = T) {
      prior.toParams(xi, v)
      if (!prior.admissible(v)) return false
      rk4.run(v, plan.starts, dt, steps, perRecord, tracks, 0, records)
      return whiten(r, records)
    },
    evaluate(xi, r, J, records = T) {
      prior.toParams(xi, v)
      if (!prior.admissible(v)) return false
      tl.run(v, plan.starts, dt, steps, perRecord, tracks, jp, records)
      // ∂v/∂ξ of the prior's smooth latent map by central differences (no forward run: the map is closed-form)
      for (let c = 0; c < d; c++) {
        const h = 1e-5 * (1 + Math.abs(xi[c]))
        x.set(xi)
        x[c] = xi[c] + h
        prior.toParams(x, vp)
        x[c] = xi[c] - h
        prior.toParams(x, vm)
        for (let i = 0; i < P; i++) dmap[i * d + c] = (vp[i] - vm[i]) / (2 * h)
      }
      if (!whiten(r, records)) return false
      for (let q = 0; q < N; q++) {
        if (!inWindow(q, records)) {
          J.fill(0, q * d, (q + 1) * d)
          continue
        }
        for (let c = 0; c < d; c++) {
          let s = 0
          for (let i = 0; i < P; i++) s += jp[q * P + i] * dmap[i * d + c]
          J[q * d + c] = -s / sigma
        }
      }
      return true
    }
  }
}

/**
 * The iterations end when the squared Newton decrement gᵀH⁻¹g (the Gauss–Newton step's length in the Laplace
 * Gaussian's own metric) is below this: the conditional's mean ξ₀ − H⁻¹g is then within 1e-2 of its spread from ξ₀,
 * and each further step costs a tangent run.
 */
const CONVERGED = 1e-4

export interface GaussNewtonOptions {
  /** Levenberg–Marquardt iterations on every start before the best is kept (default 4). */
  screen?: number
  /** Iterations on each kept start, at most (default 30). */
  iterations?: number
  /** Screened starts refined to convergence, the lowest f kept (default 1). */
  refine?: number
  /** Screening: the Jacobian re-evaluated after every this many accepted chord steps (default never). */
  refreshEvery?: number
  /** Screen with each start's own Jacobian kept throughout (default true: plain runs only after the first). */
  frozenScreen?: boolean
  /**
   * Screen each start on these leading fractions of the record first, in order, then on the whole (window
   * continuation, Pires, Vautard & Talagrand 1996: a short window's misfit is nearly quadratic, so its basin is wide).
   */
  windows?: number[]
}

/** The path's linearised likelihood about the point estimate ξ₀. */
export interface VortexPathGram {
  /** G_u = JᵀJ (latent dim², row-major) and b_u = G_uξ₀ − Jᵀr₀. */
  G: Float64Array
  b: Float64Array
  /** ξ₀ and its misfit ½|r₀|² (N/2 ≈ the truth's in expectation). */
  point: Float64Array
  misfit: number
  /** Residual-and-Jacobian evaluations used. */
  evaluations: number
}

/** f = ½|r|² + ½|ξ|² and the misfit ½|r|² of a fit. */
export interface FitValue {
  f: number
  misfit: number
}

/**
 * Levenberg–Marquardt on f(ξ) = ½|r(ξ)|² + ½|ξ|² (the negative log posterior for the N(0, I) latent prior) over the
 * first `records` records, with workspaces shared by its calls; `linearise` gives the Laplace approximation's terms.
 */
export function lmFitter(res: LinearisedResiduals) {
  const d = res.dim, N = res.length
  const r = new Float64Array(N), J = new Float64Array(N * d), rt = new Float64Array(N)
  const H = new Float64Array(d * d), Hx = new Float64Array(d * d), g = new Float64Array(d), step = new Float64Array(d), trial = new Float64Array(d)
  const state = { evaluations: 0 }
  const half = (res: Float64Array, x: Float64Array): FitValue => {
    let s = 0
    for (let q = 0; q < N; q++) s += res[q] * res[q]
    let p = 0
    for (let c = 0; c < d; c++) p += x[c] * x[c]
    return { misfit: s / 2, f: (s + p) / 2 }
  }
  /**
   * Iterate from x (in place); returns f and the misfit at the final x. `frozen`: the Jacobian of the start is kept
   * (re-evaluated every `refreshEvery` accepted steps; the chord method: plain runs only, for screening the starts).
   */
  const fit = (x: Float64Array, its: number, frozen: boolean, records = res.records, refreshEvery = Infinity): FitValue => {
    state.evaluations++
    if (!res.evaluate(x, r, J, records)) return { f: Infinity, misfit: Infinity }
    let cur = half(r, x), lambda = 1e-3
    for (let it = 0; it < its; it++) {
      // gradient Jᵀr + ξ and Gauss–Newton Hessian JᵀJ + I at x
      for (let a = 0; a < d; a++) {
        let s = x[a]
        for (let q = 0; q < N; q++) s += J[q * d + a] * r[q]
        g[a] = s
      }
      gramOf(J, N, d, 1, H)
      if (newtonDecrement(H, g, d) < CONVERGED) break
      let accepted = false
      // trial steps need the residuals only; the Jacobian is evaluated where a step is accepted
      for (let tries = 0; tries < 8 && !accepted; tries++) {
        Hx.set(H)
        for (let a = 0; a < d; a++) Hx[a * d + a] *= 1 + lambda
        // JᵀJ + I is positive definite, but near a close vortex encounter J's entries are so large that rounding can
        // leave it indefinite: more damping then
        const L = choleskyOrUndefined(Hx, d)
        if (!L) {
          lambda *= 4
          continue
        }
        for (let a = 0; a < d; a++) step[a] = -g[a]
        solveLower(L, d, step)
        solveLowerTranspose(L, d, step)
        for (let a = 0; a < d; a++) trial[a] = x[a] + step[a]
        state.evaluations++
        const next = res.residuals(trial, rt, records) ? half(rt, trial) : { f: Infinity, misfit: Infinity }
        if (next.f < cur.f) {
          x.set(trial)
          r.set(rt)
          cur = next
          lambda = Math.max(1e-9, lambda / 3)
          accepted = true
        } else lambda *= 4
      }
      if (!accepted) break
      if (frozen && (it + 1) % refreshEvery !== 0) continue
      state.evaluations++
      res.evaluate(x, r, J, records)
    }
    return cur
  }
  /** G = JᵀJ and b = Gx₀ − Jᵀr₀ at x₀ over the first `records` records (one tangent run). */
  const linearise = (x0: Float64Array, records = res.records) => {
    state.evaluations++
    res.evaluate(x0, r, J, records)
    const G = gramOf(J, N, d, 0, new Float64Array(d * d)), b = new Float64Array(d)
    for (let a = 0; a < d; a++) {
      let s = 0
      for (let c = 0; c < d; c++) s += G[a * d + c] * x0[c]
      for (let q = 0; q < N; q++) s -= J[q * d + a] * r[q]
      b[a] = s
    }
    return { G, b, ...half(r, x0) }
  }
  return { fit, linearise, state }
}

/**
 * Levenberg–Marquardt on f(ξ) = ½|r(ξ)|² + ½|ξ|² from each of `starts` (rows) for `screen` iterations, the lowest f
 * then to convergence; its linearisation there.
 */
export function vortexPathGram(res: LinearisedResiduals, starts: Float64Array, o: GaussNewtonOptions = {}): VortexPathGram {
  const d = res.dim
  const screen = o.screen ?? 4, iterations = o.iterations ?? 30
  const { fit, linearise, state } = lmFitter(res)
  const count = starts.length / d
  const screened: { f: number; x: Float64Array }[] = []
  for (let k = 0; k < count; k++) {
    const x = starts.slice(k * d, (k + 1) * d)
    for (const w of o.windows ?? []) fit(x, screen, o.frozenScreen ?? true, Math.max(1, Math.round(w * res.records)), o.refreshEvery)
    screened.push({ f: fit(x, screen, o.frozenScreen ?? true, res.records, o.refreshEvery).f, x })
  }
  // the screening's ranking is rough (nearly equal maxima lie in different basins): the best few are refined fully
  screened.sort((a, b) => a.f - b.f)
  let best = { f: Infinity, misfit: Infinity, x: screened[0].x }
  for (const c of screened.slice(0, Math.max(1, o.refine ?? 1))) {
    const s = fit(c.x, iterations, false)
    if (s.f < best.f) best = { ...s, x: c.x }
  }
  const x0 = best.x
  if (!(best.f < Infinity)) throw new Error('vortexPathGram: no start has a finite likelihood')
  // r and J at x0 (the last step's Jacobian is not evaluated inside the loop)
  const { G, b } = linearise(x0)
  return { G, b, point: x0, misfit: best.misfit, evaluations: state.evaluations }
}

/** JᵀJ + ridge·I of J (N × d, row-major) into `out` (d × d, symmetric). */
function gramOf(J: Float64Array, N: number, d: number, ridge: number, out: Float64Array): Float64Array {
  for (let a = 0; a < d; a++)
    for (let b = 0; b <= a; b++) {
      let h = a === b ? ridge : 0
      for (let q = 0; q < N; q++) h += J[q * d + a] * J[q * d + b]
      out[a * d + b] = out[b * d + a] = h
    }
  return out
}

/** gᵀH⁻¹g for a symmetric positive-definite H (d × d, row-major); +∞ where rounding has made H indefinite. */
function newtonDecrement(H: Float64Array, g: Float64Array, d: number): number {
  const L = choleskyOrUndefined(H, d)
  if (!L) return Infinity
  const z = Float64Array.from(g)
  solveLower(L, d, z)
  let s = 0
  for (let a = 0; a < d; a++) s += z[a] * z[a]
  return s
}

/** The Cholesky factor of A (d × d), or undefined where rounding has left it indefinite. */
export function choleskyOrUndefined(A: Float64Array, d: number): Float64Array | undefined {
  try {
    return choleskyLower(A, d)
  } catch {
    return undefined
  }
}

/**
 * The `k` bank paths nearest to `observed` by squared distance (bank rows of `observed.length` numbers, row-major),
 * leaving out row `exclude` (a train pair's own path when the head is fitted on the train pairs).
 */
export function nearestPaths(bank: Float64Array, observed: Float64Array, k: number, exclude = -1): number[] {
  const len = observed.length, rows = bank.length / len
  const dist = new Float64Array(rows)
  for (let i = 0; i < rows; i++) {
    let s = 0
    for (let q = 0; q < len; q++) s += (bank[i * len + q] - observed[q]) ** 2
    dist[i] = i === exclude || !Number.isFinite(s) ? Infinity : s
  }
  const out: number[] = []
  for (let j = 0; j < Math.min(k, rows); j++) {
    let arg = -1
    for (let i = 0; i < rows; i++) if (dist[i] < Infinity && (arg < 0 || dist[i] < dist[arg])) arg = i
    if (arg < 0) break
    out.push(arg)
    dist[arg] = Infinity
  }
  return out
}
