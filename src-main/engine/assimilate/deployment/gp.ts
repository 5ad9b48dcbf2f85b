/**
 * Gaussian-process regression of drifter velocities (ml-matrix): kernels over (x km, y km, t h) giving the 2×2
 * covariance of velocity between two points, hyperparameters by maximum marginal likelihood (Nelder–Mead in log
 * space over time blocks), and prediction in time blocks with a halo of neighbouring samples.
 *  - `gp`: independent squared-exponential GPs on u and v with shared hyperparameters;
 *  - `helmholtz`: Berlinghieri et al. 2023 (arXiv 2302.10364 §3): independent SE GPs on the stream function ψ
 *    and the velocity potential φ, velocity = ∇⊥ψ + ∇φ, covariance from the kernel's second derivatives;
 *  - `prior`: the deployment's flow prior (prior.ts): a spatially uniform mean flow varying in time, plus
 *    Helmholtz eddies with their own time scale.
 */
import { CholeskyDecomposition, Matrix } from 'ml-matrix'
import { throwIfCancelled } from '../../jobs/job'

/** Observations: positions (km), times (h) and velocities (m/s). */
export interface Points { x: Float64Array; y: Float64Array; t: Float64Array; u: Float64Array; v: Float64Array }

export type KernelKind = 'gp' | 'helmholtz' | 'prior'

/** A stationary velocity kernel: `cov` writes the 2×2 block [uu, uv, vu, vv] for the separation a − b. */
export interface VelocityKernel {
  kind: KernelKind
  /** Hyperparameters by name (variances m²/s², lengths km, times h). */
  params: Record<string, number>
  cov(dx: number, dy: number, dt: number, out: Float64Array): void
  /** Observation noise variance per component, m²/s². */
  noise: number
}

/** Names of each kernel's hyperparameters, in the order the optimiser sees them (all positive). */
export const KERNEL_PARAMS: Record<KernelKind, string[]> = {
  gp: ['variance', 'length', 'time', 'noise'],
  helmholtz: ['psiVariance', 'psiLength', 'phiVariance', 'phiLength', 'time', 'noise'],
  prior: ['meanVariance', 'meanTime', 'inertialVariance', 'inertialTime', 'psiVariance', 'psiLength', 'phiVariance', 'phiLength', 'eddyTime', 'noise']
}

/** Earth's rotation rate, rad/s. */
const OMEGA = 7.2921e-5

/** Coriolis parameter f = 2Ω sin φ at latitude φ (degrees), rad/h: sets the inertial oscillation of the prior. */
export function coriolisPerHour(latDeg: number): number {
  return 2 * OMEGA * Math.sin((latDeg * Math.PI) / 180) * 3600
}

/**
 * Inertial oscillation, uniform in space: the complex velocity u + iv = A e^{−ift} with a circular Gaussian A
 * (clockwise in the northern hemisphere), damped over `time`: cov = s2 [[cos fΔ, sin fΔ], [−sin fΔ, cos fΔ]] e^{−Δ²/2T²}.
 */
export function inertialAdd(dt: number, s2: number, T: number, f: number, out: Float64Array): void {
  const e = s2 * Math.exp(-(dt * dt) / (2 * T * T))
  const c = e * Math.cos(f * dt)
  const s = e * Math.sin(f * dt)
  out[0] += c
  out[3] += c
  out[1] += s
  out[2] -= s
}

/** Helmholtz block of one SE potential with velocity variance s2 and length l: ψ (rotational) or φ (divergent). */
function helmholtzAdd(dx: number, dy: number, s2: number, l: number, rotational: boolean, w: number, out: Float64Array): void {
  const l2 = l * l
  const e = s2 * w * Math.exp(-(dx * dx + dy * dy) / (2 * l2))
  const xx = 1 - (dx * dx) / l2
  const yy = 1 - (dy * dy) / l2
  const xy = (dx * dy) / l2
  out[0] += e * (rotational ? yy : xx)
  out[3] += e * (rotational ? xx : yy)
  out[1] += rotational ? e * xy : -e * xy
  out[2] += rotational ? e * xy : -e * xy
}

/** Build a kernel of `kind` from its hyperparameters. */
export function makeKernel(kind: KernelKind, p: Record<string, number>): VelocityKernel {
  if (kind === 'prior' && !Number.isFinite(p.coriolis)) throw new Error('prior kernel: needs the Coriolis parameter (rad/h)')
  const se = (dt: number, T: number) => Math.exp(-(dt * dt) / (2 * T * T))
  let cov: VelocityKernel['cov']
  if (kind === 'gp')
    cov = (dx, dy, dt, out) => {
      const k = p.variance * Math.exp(-(dx * dx + dy * dy) / (2 * p.length * p.length)) * se(dt, p.time)
      out[0] = out[3] = k
      out[1] = out[2] = 0
    }
  else if (kind === 'helmholtz')
    cov = (dx, dy, dt, out) => {
      out.fill(0)
      const w = se(dt, p.time)
      helmholtzAdd(dx, dy, p.psiVariance, p.psiLength, true, w, out)
      helmholtzAdd(dx, dy, p.phiVariance, p.phiLength, false, w, out)
    }
  else
    cov = (dx, dy, dt, out) => {
      out.fill(0)
      inertialAdd(dt, p.inertialVariance, p.inertialTime, p.coriolis, out)
      const m = p.meanVariance * se(dt, p.meanTime)
      const w = se(dt, p.eddyTime)
      helmholtzAdd(dx, dy, p.psiVariance, p.psiLength, true, w, out)
      helmholtzAdd(dx, dy, p.phiVariance, p.phiLength, false, w, out)
      out[0] += m
      out[3] += m
    }
  return { kind, params: { ...p }, cov, noise: p.noise }
}

/** Covariance of velocities between point sets a (rows) and b (columns): (2na × 2nb), u then v per point. */
function crossCov(k: VelocityKernel, a: Points, ia: ArrayLike<number>, b: Points, ib: ArrayLike<number>): Matrix {
  const M = new Matrix(2 * ia.length, 2 * ib.length)
  const c = new Float64Array(4)
  for (let r = 0; r < ia.length; r++)
    for (let s = 0; s < ib.length; s++) {
      const i = ia[r]
      const j = ib[s]
      k.cov(a.x[i] - b.x[j], a.y[i] - b.y[j], a.t[i] - b.t[j], c)
      M.set(2 * r, 2 * s, c[0])
      M.set(2 * r, 2 * s + 1, c[1])
      M.set(2 * r + 1, 2 * s, c[2])
      M.set(2 * r + 1, 2 * s + 1, c[3])
    }
  return M
}

/** Noisy covariance of a point set with itself, with a small jitter so Cholesky always succeeds. */
function selfCov(k: VelocityKernel, a: Points, ia: ArrayLike<number>): Matrix {
  const K = crossCov(k, a, ia, a, ia)
  const jitter = 1e-8 + k.noise
  for (let i = 0; i < K.rows; i++) K.set(i, i, K.get(i, i) + jitter)
  return K
}

function centred(a: Points, ia: ArrayLike<number>, mean: [number, number]): Matrix {
  const y = new Matrix(2 * ia.length, 1)
  for (let r = 0; r < ia.length; r++) {
    y.set(2 * r, 0, a.u[ia[r]] - mean[0])
    y.set(2 * r + 1, 0, a.v[ia[r]] - mean[1])
  }
  return y
}

/** −log marginal likelihood of the (centred) observations `ia`. */
export function negLogLikelihood(k: VelocityKernel, a: Points, ia: ArrayLike<number>, mean: [number, number]): number {
  const chol = new CholeskyDecomposition(selfCov(k, a, ia))
  if (!chol.isPositiveDefinite()) return Infinity
  const y = centred(a, ia, mean)
  const L = chol.lowerTriangularMatrix
  let logDet = 0
  for (let i = 0; i < L.rows; i++) logDet += 2 * Math.log(L.get(i, i))
  const alpha = chol.solve(y)
  let quad = 0
  for (let i = 0; i < y.rows; i++) quad += y.get(i, 0) * alpha.get(i, 0)
  return 0.5 * (quad + logDet + y.rows * Math.log(2 * Math.PI))
}

/** Posterior mean (and, if asked, the per-point velocity std) at `targets` given observations `ia` of `a`. */
export function predict(
  k: VelocityKernel,
  a: Points,
  ia: ArrayLike<number>,
  mean: [number, number],
  targets: { x: Float64Array; y: Float64Array; t: Float64Array },
  withStd = false
): { u: Float64Array; v: Float64Array; std?: Float64Array } {
  const n = targets.x.length
  const it = Int32Array.from({ length: n }, (_, i) => i)
  const T: Points = { ...targets, u: new Float64Array(n), v: new Float64Array(n) }
  const out = { u: new Float64Array(n).fill(mean[0]), v: new Float64Array(n).fill(mean[1]) } as { u: Float64Array; v: Float64Array; std?: Float64Array }
  const c = new Float64Array(4)
  if (ia.length === 0) {
    if (withStd) {
      k.cov(0, 0, 0, c)
      out.std = new Float64Array(n).fill(Math.sqrt(c[0] + c[3]))
    }
    return out
  }
  const chol = new CholeskyDecomposition(selfCov(k, a, ia))
  const Ks = crossCov(k, T, it, a, ia)
  const mu = Ks.mmul(chol.solve(centred(a, ia, mean)))
  for (let i = 0; i < n; i++) {
    out.u[i] += mu.get(2 * i, 0)
    out.v[i] += mu.get(2 * i + 1, 0)
  }
  if (withStd) {
    const V = chol.solve(Ks.transpose())
    out.std = new Float64Array(n)
    k.cov(0, 0, 0, c)
    for (let i = 0; i < n; i++) {
      let ru = 0
      let rv = 0
      for (let j = 0; j < V.rows; j++) {
        ru += Ks.get(2 * i, j) * V.get(j, 2 * i)
        rv += Ks.get(2 * i + 1, j) * V.get(j, 2 * i + 1)
      }
      out.std[i] = Math.sqrt(Math.max(0, c[0] - ru + c[3] - rv))
    }
  }
  return out
}

/** Minimise f over R^n from x0 with Nelder–Mead (standard coefficients); returns the best point. */
export function nelderMead(f: (x: number[]) => number, x0: number[], opts: { iterations?: number; step?: number } = {}): { x: number[]; value: number } {
  const n = x0.length
  const step = opts.step ?? 0.5
  let simplex = [x0, ...x0.map((_, i) => x0.map((v, j) => (i === j ? v + step : v)))].map((x) => ({ x, f: f(x) }))
  for (let it = 0; it < (opts.iterations ?? 60 * n); it++) {
    simplex.sort((a, b) => a.f - b.f)
    const worst = simplex[n]
    const centroid = x0.map((_, j) => simplex.slice(0, n).reduce((s, p) => s + p.x[j], 0) / n)
    const along = (t: number) => centroid.map((c, j) => c + t * (worst.x[j] - c))
    const r = { x: along(-1), f: 0 }
    r.f = f(r.x)
    if (r.f < simplex[0].f) {
      const e = { x: along(-2), f: 0 }
      e.f = f(e.x)
      simplex[n] = e.f < r.f ? e : r
    } else if (r.f < simplex[n - 1].f) simplex[n] = r
    else {
      const c = { x: along(r.f < worst.f ? -0.5 : 0.5), f: 0 }
      c.f = f(c.x)
      if (c.f < Math.min(r.f, worst.f)) simplex[n] = c
      else simplex = simplex.map((p, i) => (i === 0 ? p : { x: p.x.map((v, j) => simplex[0].x[j] + 0.5 * (v - simplex[0].x[j])), f: 0 })).map((p, i) => (i === 0 ? p : { ...p, f: f(p.x) }))
    }
  }
  simplex.sort((a, b) => a.f - b.f)
  return { x: simplex[0].x, value: simplex[0].f }
}

/**
 * Fit a kernel's hyperparameters by maximum marginal likelihood, summed over independent time blocks of the
 * observations (`blocks`, each a list of point indices), starting from `start`.
 */
export function fitKernel(kind: KernelKind, a: Points, blocks: Int32Array[], mean: [number, number], start: Record<string, number>, iterations?: number, fixed: Record<string, number> = {}, signal?: AbortSignal): VelocityKernel {
  const names = KERNEL_PARAMS[kind]
  const of = (z: number[]) => ({ ...fixed, ...Object.fromEntries(names.map((nm, i) => [nm, Math.exp(z[i])])) })
  const objective = (z: number[]) => {
    if (signal) throwIfCancelled(signal)
    if (z.some((v) => Math.abs(v) > 30)) return Infinity
    const k = makeKernel(kind, of(z))
    let s = 0
    for (const b of blocks) s += negLogLikelihood(k, a, b, mean)
    return Number.isFinite(s) ? s : Infinity
  }
  const best = nelderMead(objective, names.map((nm) => Math.log(start[nm])), { iterations })
  return makeKernel(kind, of(best.x))
}
