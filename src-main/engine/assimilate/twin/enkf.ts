/**
 * The classical filter of Lagrangian data assimilation: an ensemble Kalman filter on the state augmented with the
 * tracers (Kuznetsov, Ide & Jones 2003 used the extended Kalman filter on it; Evensen 1994 for the ensemble form).
 * Augmented state z = [v, s]: the flow parameters v (Fourier coefficients; or the vortices' initial positions and
 * circulations) and the dynamic state s (the tracers' current positions, preceded for point vortices by the vortices'
 * current positions). Between observation times each member's s is forecast by the twin's own RK4 under its own v;
 * at each observation time the stochastic analysis (perturbed observations) updates the whole of z from the observed
 * tracer positions, so v — which the table scores — is corrected through its ensemble covariance with the tracers
 * (a filter with the parameters carried along: at the end, v holds the whole window's information, like a smoother).
 * Multiplicative inflation ρ of the forecast anomalies counters the ensemble's collapse; Gaspari–Cohn localisation
 * (half-width c) tapers the covariance between a state entry and an observed tracer by their distance, an entry of
 * vortex i located at vortex i's current ensemble-mean position (v's Fourier coefficients are global: never tapered).
 * A member whose forecast diverges (two vortices colliding in RK4) is replaced by a copy of another member.
 */
import { Rng } from '../../flows/rng'
import type { FlowPrior } from '../posterior'
import { inflate } from './esmda'
import type { SegmentModel } from './forward'
import { permuteVortices, vortexMatcher } from './vortex-labels'

export interface EnkfOptions {
  members: number
  /** Multiplicative inflation of the forecast anomalies before each analysis (1 = none). */
  inflation: number
  /** Gaspari–Cohn half-width in domain lengths (Infinity = no localisation). */
  localisation: number
  seed: number
}

/**
 * One stochastic EnKF analysis, in place: members X (Ne × n, row-major), observed entries `observedIndex` of the
 * state (H selects them), observation y with independent noise σ. `taper(i, j)` multiplies the covariance between
 * state entry i and observation j (default 1). Pure apart from the draws from `rng`.
 */
export function enkfAnalysis(X: Float64Array, Ne: number, n: number, observedIndex: ArrayLike<number>, y: ArrayLike<number>, sigma: number, rng: Rng, taper?: (i: number, j: number) => number): void {
  const p = observedIndex.length
  const mean = new Float64Array(n)
  for (let e = 0; e < Ne; e++) for (let i = 0; i < n; i++) mean[i] += X[e * n + i] / Ne
  // P_xy (n × p) and P_yy (p × p) from the anomalies, both tapered
  const Pxy = new Float64Array(n * p), Pyy = new Float64Array(p * p)
  for (let e = 0; e < Ne; e++)
    for (let j = 0; j < p; j++) {
      const a = X[e * n + observedIndex[j]] - mean[observedIndex[j]]
      for (let i = 0; i < n; i++) Pxy[i * p + j] += ((X[e * n + i] - mean[i]) * a) / (Ne - 1)
    }
  for (let j = 0; j < p; j++) for (let k = 0; k < p; k++) Pyy[j * p + k] = Pxy[observedIndex[j] * p + k]
  if (taper)
    for (let i = 0; i < n; i++) for (let j = 0; j < p; j++) Pxy[i * p + j] *= taper(i, j)
  if (taper)
    for (let j = 0; j < p; j++) for (let k = 0; k < p; k++) Pyy[j * p + k] *= taper(observedIndex[j], k)
  for (let j = 0; j < p; j++) Pyy[j * p + j] += sigma * sigma
  const L = cholesky(Pyy, p)
  const d = new Float64Array(p), w = new Float64Array(p)
  for (let e = 0; e < Ne; e++) {
    for (let j = 0; j < p; j++) d[j] = y[j] + sigma * rng.normal() - X[e * n + observedIndex[j]]
    solveCholesky(L, p, d, w)
    for (let i = 0; i < n; i++) {
      let s = 0
      for (let j = 0; j < p; j++) s += Pxy[i * p + j] * w[j]
      X[e * n + i] += s
    }
  }
}

/** The EnKF posterior ensemble of v (members × paramDim) for one pair's observed tracks (tracers × times × 2). */
export function enkf(prior: FlowPrior, model: SegmentModel, initial: Float64Array, observed: Float64Array, sigma: number, o: EnkfOptions): Float64Array {
  const Ne = o.members, P = prior.paramDim, S = model.stateDim, n = P + S
  const { nTracers, nTimes } = model
  if (initial.length !== Ne * P) throw new Error(`enkf: ${initial.length / P} initial members for an ensemble of ${Ne}`)
  const rng = new Rng(o.seed, 0, 0xe4cf)
  const X = new Float64Array(Ne * n)
  for (let e = 0; e < Ne; e++) {
    X.set(initial.subarray(e * P, (e + 1) * P), e * n)
    model.initial(initial.subarray(e * P, (e + 1) * P), X.subarray(e * n + P, (e + 1) * n))
  }
  const observedIndex = Int32Array.from({ length: 2 * nTracers }, (_, j) => P + S - 2 * nTracers + j)
  const y = new Float64Array(2 * nTracers)
  const vortices = prior.flow === 'vortex' ? P / 3 : 0
  const align = vortices > 1 ? vortexMatcher(vortices, Math.abs(initial[2 * vortices]) || 1) : undefined
  const mean = new Float64Array(n)
  for (let r = 0; r < nTimes; r++) {
    for (let e = 0; e < Ne; e++) model.advance(X.subarray(e * n, e * n + P), X.subarray(e * n + P, (e + 1) * n), r)
    replaceDiverged(X, Ne, n, rng)
    if (vortices > 1) alignLabels(X, Ne, n, P, vortices, align)
    inflate(X, Ne, n, o.inflation)
    for (let t = 0; t < nTracers; t++) {
      y[2 * t] = observed[(t * nTimes + r) * 2]
      y[2 * t + 1] = observed[(t * nTimes + r) * 2 + 1]
    }
    mean.fill(0)
    for (let e = 0; e < Ne; e++) for (let i = 0; i < n; i++) mean[i] += X[e * n + i] / Ne
    const taper = Number.isFinite(o.localisation) && vortices > 0 ? vortexTaper(mean, P, S, vortices, observedIndex, o.localisation) : undefined
    enkfAnalysis(X, Ne, n, observedIndex, y, sigma, rng, taper)
  }
  const out = new Float64Array(Ne * P)
  for (let e = 0; e < Ne; e++) out.set(X.subarray(e * n, e * n + P), e * P)
  return out
}

/** Gaspari–Cohn (1999) fifth-order taper of distance r at half-width c (1 at 0, 0 beyond 2c). */
export function gaspariCohn(r: number, c: number): number {
  const z = Math.abs(r) / c
  if (z >= 2) return 0
  if (z <= 1) return -0.25 * z ** 5 + 0.5 * z ** 4 + 0.625 * z ** 3 - (5 / 3) * z ** 2 + 1
  return (1 / 12) * z ** 5 - 0.5 * z ** 4 + 0.625 * z ** 3 + (5 / 3) * z ** 2 - 5 * z + 4 - 2 / (3 * z)
}

/** Location of every augmented-state entry of a vortex twin (vortex i's entries at its current mean position, tracers at theirs), and the taper to each observation. */
function vortexTaper(mean: Float64Array, P: number, S: number, nv: number, observedIndex: Int32Array, c: number): (i: number, j: number) => number {
  const loc = new Float64Array(2 * (P + S))
  const at = (i: number, x: number, y: number) => {
    loc[2 * i] = x
    loc[2 * i + 1] = y
  }
  for (let v = 0; v < nv; v++) {
    const x = mean[P + 2 * v], y = mean[P + 2 * v + 1]
    at(2 * v, x, y)
    at(2 * v + 1, x, y)
    at(2 * nv + v, x, y)
    at(P + 2 * v, x, y)
    at(P + 2 * v + 1, x, y)
  }
  for (let i = P + 2 * nv; i < P + S; i += 2) {
    at(i, mean[i], mean[i + 1])
    at(i + 1, mean[i], mean[i + 1])
  }
  return (i, j) => {
    const k = observedIndex[j]
    return gaspariCohn(Math.hypot(loc[2 * i] - loc[2 * k], loc[2 * i + 1] - loc[2 * k + 1]), c)
  }
}

/**
 * Identical vortices carry arbitrary labels, so a prior ensemble mixes every labelling and its covariances between a
 * labelled vortex and the tracers wash out. Before each analysis every member's labels (its initial positions,
 * circulations and current positions together) are permuted to match the ensemble's current configuration: first
 * member 0's, then the mean of the aligned ensemble. Exact: a relabelling changes no member's flow.
 */
function alignLabels(X: Float64Array, Ne: number, n: number, P: number, nv: number, match: ReturnType<typeof vortexMatcher> | undefined): void {
  if (!match) return
  const key = (e: number, out: Float64Array) => {
    out.set(X.subarray(e * n + P, e * n + P + 2 * nv))
    out.set(X.subarray(e * n + 2 * nv, e * n + 3 * nv), 2 * nv)
  }
  const ref = new Float64Array(3 * nv), k = new Float64Array(3 * nv)
  const v0 = new Float64Array(3 * nv), cur = new Float64Array(3 * nv), out = new Float64Array(3 * nv)
  key(0, ref)
  for (let pass = 0; pass < 2; pass++) {
    for (let e = 0; e < Ne; e++) {
      key(e, k)
      const perm = match(k, ref)
      if (perm.every((i, j) => i === j)) continue
      v0.set(X.subarray(e * n, e * n + 3 * nv))
      permuteVortices(v0, perm, nv, 1, out)
      X.set(out, e * n)
      cur.set(k)
      permuteVortices(cur, perm, nv, 1, out)
      X.set(out.subarray(0, 2 * nv), e * n + P)
    }
    ref.fill(0)
    for (let e = 0; e < Ne; e++) {
      key(e, k)
      for (let i = 0; i < 3 * nv; i++) ref[i] += k[i] / Ne
    }
  }
}

function replaceDiverged(X: Float64Array, Ne: number, n: number, rng: Rng): void {
  const finite = (e: number) => X.subarray(e * n, (e + 1) * n).every((v) => Number.isFinite(v) && Math.abs(v) < 1e6)
  const ok = Array.from({ length: Ne }, (_, e) => e).filter(finite)
  if (ok.length === Ne || ok.length === 0) return
  for (let e = 0; e < Ne; e++) if (!finite(e)) {
      const from = ok[Math.floor(rng.uniform() * ok.length)]
      X.set(X.subarray(from * n, (from + 1) * n), e * n)
    }
}

/** Lower Cholesky factor of a small SPD matrix (p × p, row-major). */
function cholesky(A: Float64Array, p: number): Float64Array {
  const L = new Float64Array(p * p)
  for (let i = 0; i < p; i++)
    for (let j = 0; j <= i; j++) {
      let s = A[i * p + j]
      for (let k = 0; k < j; k++) s -= L[i * p + k] * L[j * p + k]
      L[i * p + j] = i === j ? Math.sqrt(Math.max(s, 1e-300)) : s / L[j * p + j]
    }
  return L
}

/** w = A⁻¹ d with A = L Lᵀ. */
function solveCholesky(L: Float64Array, p: number, d: Float64Array, w: Float64Array): void {
  for (let i = 0; i < p; i++) {
    let s = d[i]
    for (let k = 0; k < i; k++) s -= L[i * p + k] * w[k]
    w[i] = s / L[i * p + i]
  }
  for (let i = p - 1; i >= 0; i--) {
    let s = w[i]
    for (let k = i + 1; k < p; k++) s -= L[k * p + i] * w[k]
    w[i] = s / L[i * p + i]
  }
}
