/**
 * Physically informed trajectory features (engineered, not learned): for a flow whose velocity is linear in its
 * parameters, w(x, t) = A(x, t) v (the Fourier flow: v = Re/Im ψ_k, arXiv 2505.24134 §6.3), each observed path
 * gives a linear regression for v. With start x₀ (known) and records y_j at t_j,
 *
 *   y_j − x₀ = ∫₀^{t_j} w(x(s), s) ds ≈ R_j v,   R_j = Σ_{i≤j} ½ (A(y_{i−1}, t_{i−1}) + A(y_i, t_i)) (t_i − t_{i−1}),
 *
 * the trapezoid rule along the observed (noisy) path, and the noise on y_j is iid N(0, σ²). The feature is the
 * regularised least-squares (ridge, the prior's precision as penalty) estimate
 *
 *   v̂ = (Σ_j R_jᵀR_j/σ² + C⁻¹)⁻¹ Σ_j R_jᵀ(y_j − x₀)/σ²,
 *
 * the posterior mean of that linearised model — a point where the true posterior is nearly linear in the input.
 * A learned head (linear or MLP trajectory encoder) reads v̂ and is trained contrastively like any other encoder.
 * Only the basis A (the flow's own velocity evaluated for unit parameters) is flow-specific; flows whose velocity is
 * not linear in their parameters (point vortices: positions are parameters) have no such features.
 */
import { CholeskyDecomposition, Matrix } from 'ml-matrix'
import type { PairedDataset } from '../data/dataset-types'
import { fourierSigmas, fourierWavenumbers } from '../flows/fourier'
import { tracerStarts } from '../flows/plan'
import { UserError } from '../jobs/job'

/** Everything the features need, stored in the model so inference computes exactly the same map. */
export interface PathFeatureSpec {
  kind: 'lagrangian-ls'
  flow: 'fourier'
  modesPerSide: number
  /** The data set's frequencies ω_k (radians per time unit). */
  omega: number[]
  /** Tracer starts (tracers × 2) at t = 0, and the record times. */
  starts: number[]
  times: number[]
  /** σ of the regression (the data set's position noise, floored so noise-free data stay well posed). */
  noise: number
  /** Prior variances of v (the ridge penalty's diagonal, C = diag). */
  priorVariance: number[]
  /** Regression rows used per tracer (records evenly spaced; every record when there are fewer). */
  rowsPerTracer: number
}

/** Smallest σ in the regression: noise-free data are then fitted to ~1e-3 domain lengths (the trapezoid's own error). */
const NOISE_FLOOR = 1e-3
/** Rows per tracer at most (the normal equations cost rows × paramDim² per tracer): every record of the paper's 1000. */
const MAX_ROWS = 1000

/** The feature spec of a data set (refused for flows whose velocity is not linear in the parameters). */
export function pathFeatureSpec(ds: PairedDataset): PathFeatureSpec {
  if (ds.config.flow !== 'fourier')
    throw new UserError(`the lagrangian trajectory features need a flow whose velocity is linear in its parameters (the Fourier flow); the ${ds.config.flow} flow is not (its positions are parameters)`)
  const { kx, ky, omega } = ds.flowConstants
  const sigma = fourierSigmas(ds.config.fourier, kx, ky)
  const priorVariance: number[] = []
  for (const s of sigma) priorVariance.push((s * s) / 2, (s * s) / 2)
  return {
    kind: 'lagrangian-ls', flow: 'fourier', modesPerSide: ds.config.fourier.modesPerSide,
    omega: Array.from(omega), starts: Array.from(tracerStarts(ds.config)), times: Array.from(ds.times),
    noise: Math.max(ds.config.noise, NOISE_FLOOR), priorVariance, rowsPerTracer: Math.min(MAX_ROWS, ds.nTimes)
  }
}

/**
 * Velocity basis A(x, t): out[p] = u-velocity and out[P + p] = v-velocity of parameter p set to 1 (linearity). Mode j
 * with phase θ = ω_j t + 2π k·x moves as w = 2π(−k_y, k_x) Im(c e^{iθ}): Re ψ_j = 1 gives sin θ, Im ψ_j = 1 gives
 * cos θ (flows/fourier.ts' kernel, one mode at a time) — O(K) per point.
 */
export function fourierBasis(spec: Pick<PathFeatureSpec, 'modesPerSide' | 'omega'>): { paramDim: number; at(x: number, y: number, t: number, out: Float64Array): void } {
  const { kx, ky } = fourierWavenumbers(spec.modesPerSide)
  const omega = Float64Array.from(spec.omega)
  const K = omega.length, P = 2 * K
  return {
    paramDim: P,
    at(x, y, t, out) {
      for (let j = 0; j < K; j++) {
        const theta = omega[j] * t + TWO_PI * (kx[j] * x + ky[j] * y)
        const s = Math.sin(theta), c = Math.cos(theta)
        const u = -TWO_PI * ky[j], v = TWO_PI * kx[j]
        out[2 * j] = u * s
        out[2 * j + 1] = u * c
        out[P + 2 * j] = v * s
        out[P + 2 * j + 1] = v * c
      }
    }
  }
}

const TWO_PI = 2 * Math.PI

/**
 * The linearised likelihood of one path (tracers × times × 2 at `trajectories[offset…]`): its Gram matrix
 * G = Σ_j R_jᵀR_j/σ² (P × P, row-major, full) and b = Σ_j R_jᵀ(y_j − x₀)/σ², so that the path's log-likelihood is
 * −½ vᵀG v + bᵀv + const to the accuracy of the trapezoid rule along the observed path.
 */
export function pathNormalEquations(spec: PathFeatureSpec, trajectories: Float64Array, offset = 0): { G: Float64Array; b: Float64Array } {
  const basis = fourierBasis(spec)
  const P = basis.paramDim
  const nTr = spec.starts.length / 2, T = spec.times.length
  if (trajectories.length < offset + nTr * T * 2) throw new Error(`pathFeatures: ${trajectories.length - offset} numbers are fewer than one trajectory of ${nTr} tracers × ${T} times`)
  const w = 1 / (spec.noise * spec.noise)
  const rows = new Set(Array.from({ length: spec.rowsPerTracer }, (_, r) => Math.round(((r + 1) * T) / spec.rowsPerTracer) - 1))
  const a0 = new Float64Array(2 * P), a1 = new Float64Array(2 * P), R = new Float64Array(2 * P)
  const G = new Float64Array(P * P), b = new Float64Array(P)
  for (let tr = 0; tr < nTr; tr++) {
    const x0 = spec.starts[2 * tr], y0 = spec.starts[2 * tr + 1]
    let t0 = 0
    basis.at(x0, y0, t0, a0)
    R.fill(0)
    for (let j = 0; j < T; j++) {
      const o = offset + (tr * T + j) * 2
      const x = trajectories[o], y = trajectories[o + 1], t = spec.times[j]
      basis.at(x, y, t, a1)
      const h = 0.5 * (t - t0)
      for (let i = 0; i < 2 * P; i++) R[i] += h * (a0[i] + a1[i])
      a0.set(a1)
      t0 = t
      if (!rows.has(j)) continue
      const dx = x - x0, dy = y - y0
      for (let p = 0; p < P; p++) {
        const rp = R[p], sp = R[P + p]
        b[p] += w * (rp * dx + sp * dy)
        for (let q = 0; q <= p; q++) G[p * P + q] += w * (rp * R[q] + sp * R[P + q])
      }
    }
  }
  for (let p = 0; p < P; p++) for (let q = 0; q < p; q++) G[q * P + p] = G[p * P + q]
  return { G, b }
}

/** v̂ of `count` trajectories (tracers × times × 2 each, unwrapped positions) → count × paramDim. */
export function pathFeatures(spec: PathFeatureSpec, trajectories: Float64Array, count: number): Float64Array {
  const P = spec.priorVariance.length
  const len = spec.starts.length * spec.times.length
  if (trajectories.length < count * len) throw new Error(`pathFeatures: ${trajectories.length} numbers are fewer than ${count} trajectories of ${spec.starts.length / 2} tracers × ${spec.times.length} times`)
  const out = new Float64Array(count * P)
  for (let c = 0; c < count; c++) {
    const { G, b } = pathNormalEquations(spec, trajectories, c * len)
    const M = new Matrix(P, P)
    for (let p = 0; p < P; p++) for (let q = 0; q < P; q++) M.set(p, q, G[p * P + q] + (p === q ? 1 / spec.priorVariance[p] : 0))
    out.set(new CholeskyDecomposition(M).solve(Matrix.columnVector(Array.from(b))).getColumn(0), c * P)
  }
  return out
}
