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
import type { PairedDataset } from '../data/dataset-types'
import { fourierSigmas, fourierWavenumbers } from '../flows/fourier'
import { tracerStarts } from '../flows/plan'
import { UserError } from '../jobs/job'
import { choleskyLower, solveLower, solveLowerTranspose } from '../assimilate/posterior/gaussian'
import { gramOfColumns, gramScratch } from '../flows/gram-wasm'

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
 *
 * Computed through the basis' structure rather than row by row: both velocity components of parameter p share one
 * trapezoid integral F_j[p] of sin θ or cos θ, scaled by U_p = −2πk_y or V_p = 2πk_x, so
 *   G_pq = (U_pU_q + V_pV_q) Σ_j F_j[p]F_j[q]/σ²,   b_p = (U_p Σ_j F_j[p]Δx_j + V_p Σ_j F_j[p]Δy_j)/σ²,
 * one symmetric rank-n product (`gramOfColumns`, WebAssembly SIMD) instead of n rank-2 updates; and the phases of
 * every record from `pathPhases` (two trig pairs per record instead of 2K).
 */
export function pathNormalEquations(spec: PathFeatureSpec, trajectories: Float64Array, offset = 0): { G: Float64Array; b: Float64Array } {
  checkLength('pathNormalEquations', spec, trajectories, offset)
  return plainEquations(spec, trajectories, offset, pathPhases(spec, trajectories, offset), spec.rowsPerTracer)
}

function checkLength(name: string, spec: PathFeatureSpec, trajectories: Float64Array, offset: number): void {
  const nTr = spec.starts.length / 2, T = spec.times.length
  if (trajectories.length < offset + nTr * T * 2) throw new Error(`${name}: ${trajectories.length - offset} numbers are fewer than one trajectory of ${nTr} tracers × ${T} times`)
}

/** `pathNormalEquations` on `rows` evenly spaced records per tracer, from the path's phase table. */
function plainEquations(spec: PathFeatureSpec, trajectories: Float64Array, offset: number, phases: Float64Array, rows: number): { G: Float64Array; b: Float64Array } {
  const { K, U, V } = prepared(spec)
  const P = 2 * K
  const nTr = spec.starts.length / 2, T = spec.times.length
  const w = 1 / (spec.noise * spec.noise)
  const isRow = new Uint8Array(T)
  for (let r = 0; r < rows; r++) isRow[Math.round(((r + 1) * T) / rows) - 1] = 1
  let n = 0
  for (const x of isRow) n += x
  const stride = n * nTr
  const cols = gramScratch(P, stride) // F_j[p] at column p, row (tracer, j): column-major for `gramOfColumns`
  const F = new Float64Array(P), sx = new Float64Array(P), sy = new Float64Array(P)
  let row = 0
  for (let tr = 0; tr < nTr; tr++) {
    const x0 = spec.starts[2 * tr], y0 = spec.starts[2 * tr + 1]
    const base = tr * (T + 1) * P
    let t0 = 0
    F.fill(0)
    for (let j = 0; j < T; j++) {
      const o = offset + (tr * T + j) * 2
      const t = spec.times[j], h = 0.5 * (t - t0), a0 = base + j * P, a1 = a0 + P
      for (let p = 0; p < P; p++) F[p] += h * (phases[a0 + p] + phases[a1 + p])
      t0 = t
      if (!isRow[j]) continue
      const dx = trajectories[o] - x0, dy = trajectories[o + 1] - y0
      for (let p = 0; p < P; p++) {
        const f = F[p]
        sx[p] += f * dx
        sy[p] += f * dy
        cols[p * stride + row] = f
      }
      row++
    }
  }
  const G = gramOfColumns(cols, P, stride)
  const b = new Float64Array(P)
  for (let p = 0; p < P; p++) {
    b[p] = w * (U[p] * sx[p] + V[p] * sy[p])
    for (let q = 0; q < P; q++) G[p * P + q] *= w * (U[p] * U[q] + V[p] * V[q])
  }
  return { G, b }
}

/**
 * The phases of every record of a path: for tracer tr, row j (0: the launch at t = 0; j + 1: record j) holds
 * sin θ_k, cos θ_k at [(tr·(T + 1) + j)·P + 2k, … + 1], from e^{iθ} = e^{iωt} e^{2πi(k_x x + k_y y)}: the time
 * factors tabulated once per spec (the record times are every query's), the space factors as products of powers of
 * e^{2πix}, e^{2πiy} (integer wavenumbers, by angle addition) — two trig pairs per record instead of 2K. Both stages
 * of `whitenedNormalEquations` read the one table. A scratch buffer of the spec's, overwritten by the next call.
 */
function pathPhases(spec: PathFeatureSpec, trajectories: Float64Array, offset: number): Float64Array {
  const pre = prepared(spec)
  const { K, ix, iy, kMin, span, timePhase } = pre
  const P = 2 * K, nTr = spec.starts.length / 2, T = spec.times.length
  const out = (pre.phases ??= new Float64Array(nTr * (T + 1) * P))
  const px = new Float64Array(2 * span), py = new Float64Array(2 * span)
  for (let tr = 0; tr < nTr; tr++)
    for (let j = 0; j <= T; j++) {
      const o = offset + (tr * T + j - 1) * 2
      const x = j === 0 ? spec.starts[2 * tr] : trajectories[o], y = j === 0 ? spec.starts[2 * tr + 1] : trajectories[o + 1]
      powersOf(x, kMin, span, px)
      powersOf(y, kMin, span, py)
      const to = j * P, at = (tr * (T + 1) + j) * P
      for (let k = 0; k < K; k++) {
        const a = ix[k], c = iy[k]
        const xc = px[a], xs = px[a + 1], yc = py[c], ys = py[c + 1]
        const sc = xc * yc - xs * ys, ss = xs * yc + xc * ys // e^{2πi(k_x x + k_y y)}
        const ts = timePhase[to + 2 * k], tc = timePhase[to + 2 * k + 1]
        out[at + 2 * k] = ss * tc + sc * ts
        out[at + 2 * k + 1] = sc * tc - ss * ts
      }
    }
  return out
}

/** What the normal equations need of a spec, computed once per spec: wavenumbers, velocity factors, e^{iω_k t} per record. */
const preparedSpecs = new WeakMap<PathFeatureSpec, ReturnType<typeof prepare>>()
const prepared = (spec: PathFeatureSpec) => {
  let p = preparedSpecs.get(spec)
  if (!p) preparedSpecs.set(spec, (p = prepare(spec)))
  return p
}
function prepare(spec: PathFeatureSpec) {
  const { kx, ky } = fourierWavenumbers(spec.modesPerSide)
  const K = kx.length, P = 2 * K
  let kMin = 0, kMax = 0
  for (let k = 0; k < K; k++) {
    kMin = Math.min(kMin, kx[k], ky[k])
    kMax = Math.max(kMax, kx[k], ky[k])
  }
  const U = new Float64Array(P), V = new Float64Array(P)
  for (let k = 0; k < K; k++) {
    U[2 * k] = U[2 * k + 1] = -TWO_PI * ky[k]
    V[2 * k] = V[2 * k + 1] = TWO_PI * kx[k]
  }
  // where cos, sin of 2πk_x x and 2πk_y y sit in `powersOf`'s output (integers, so the hot loop indexes with no conversion)
  const ix = Int32Array.from(kx, (k) => 2 * (k - kMin)), iy = Int32Array.from(ky, (k) => 2 * (k - kMin))
  const T = spec.times.length
  const timePhase = new Float64Array((T + 1) * P) // row 0: t = 0; row j + 1: times[j]; (sin, cos) of ω_k t
  for (let j = 0; j <= T; j++) {
    const t = j === 0 ? 0 : spec.times[j - 1]
    for (let k = 0; k < K; k++) {
      timePhase[j * P + 2 * k] = Math.sin(spec.omega[k] * t)
      timePhase[j * P + 2 * k + 1] = Math.cos(spec.omega[k] * t)
    }
  }
  // ∂θ_k/∂x, ∂θ_k/∂y (the factors of `addModeGradient`, the same products)
  const tkx = Float64Array.from(kx, (k) => TWO_PI * k), tky = Float64Array.from(ky, (k) => TWO_PI * k)
  return { K, ix, iy, kMin, span: kMax - kMin + 1, U, V, tkx, tky, timePhase, phases: undefined as Float64Array | undefined }
}

/** out[2(m − kMin)] = cos 2πmz, out[2(m − kMin) + 1] = sin 2πmz for m in [kMin, kMin + span): one trig pair, then products. */
function powersOf(z: number, kMin: number, span: number, out: Float64Array): void {
  const c = Math.cos(TWO_PI * z), s = Math.sin(TWO_PI * z)
  const zero = -kMin
  out[2 * zero] = 1
  out[2 * zero + 1] = 0
  for (let m = zero + 1; m < span; m++) {
    const pc = out[2 * (m - 1)], ps = out[2 * (m - 1) + 1]
    out[2 * m] = pc * c - ps * s
    out[2 * m + 1] = pc * s + ps * c
  }
  for (let m = zero - 1; m >= 0; m--) {
    const pc = out[2 * (m + 1)], ps = out[2 * (m + 1) + 1]
    out[2 * m] = pc * c + ps * s
    out[2 * m + 1] = ps * c - pc * s
  }
}

/** v̂ of `count` trajectories (tracers × times × 2 each, unwrapped positions) → count × paramDim. */
export function pathFeatures(spec: PathFeatureSpec, trajectories: Float64Array, count: number): Float64Array {
  const P = spec.priorVariance.length
  const len = spec.starts.length * spec.times.length
  if (trajectories.length < count * len) throw new Error(`pathFeatures: ${trajectories.length} numbers are fewer than ${count} trajectories of ${spec.starts.length / 2} tracers × ${spec.times.length} times`)
  const out = new Float64Array(count * P)
  for (let c = 0; c < count; c++) out.set(ridgeEstimate(spec, pathNormalEquations(spec, trajectories, c * len)), c * P)
  return out
}

/**
 * ∇w at (x, y, t) for the coefficients v: out = (∂u/∂x, ∂u/∂y, ∂v/∂x, ∂v/∂y). With θ_k = ω_k t + 2π k·x the mode
 * moves as w = (U_k, V_k)(Re ψ_k sin θ_k + Im ψ_k cos θ_k), so ∂/∂x_i brings 2πk_i (Re ψ_k cos θ_k − Im ψ_k sin θ_k).
 */
export function fourierVelocityGradient(spec: Pick<PathFeatureSpec, 'modesPerSide' | 'omega'>, v: ArrayLike<number>, x: number, y: number, t: number, out: Float64Array): void {
  const { kx, ky } = fourierWavenumbers(spec.modesPerSide)
  out.fill(0)
  for (let k = 0; k < kx.length; k++) {
    const theta = spec.omega[k] * t + TWO_PI * (kx[k] * x + ky[k] * y)
    addModeGradient(kx[k], ky[k], v[2 * k] * Math.cos(theta) - v[2 * k + 1] * Math.sin(theta), out)
  }
}

/** One mode's share of ∇w, g = dθ-derivative of its amplitude (Re ψ cos θ − Im ψ sin θ). */
function addModeGradient(kx: number, ky: number, g: number, out: Float64Array): void {
  const U = -TWO_PI * ky, V = TWO_PI * kx
  const gx = TWO_PI * kx * g, gy = TWO_PI * ky * g
  out[0] += U * gx
  out[1] += U * gy
  out[2] += V * gx
  out[3] += V * gy
}

/**
 * The path's normal equations by generalised least squares with the regression's true error covariance.
 *
 * Which covariance. The rows are d_j = y_j − x₀ with x₀ the known launch point (the simulator adds noise to the
 * records only, flows/pair.ts), so the position noise alone gives d_j iid errors ε_j ~ N(0, σ²I): for these
 * cumulative rows ordinary least squares already is GLS (the tridiagonal σ²(2, −1) covariance belongs to increments
 * y_j − y_{j−1}, and GLS on increments with it is the same estimator). What OLS gets wrong is that R_j is integrated
 * along the *observed* positions, so the noise also enters the regressors: with J_i = ∇w(x_i, t_i) and trapezoid
 * weights, R_j(y)v = R_j(x)v + Σ_{i≤j} c_ij J_i ε_i (c_jj = h_j/2, c_ij = (h_i + h_{i+1})/2 for i < j), and the
 * residual is r = d − R(y)v = (I − M)ε, M block lower triangular with blocks c_ij J_i. Its covariance is
 * σ²(I − M)(I − M)ᵀ, whose square root (I − M) is triangular: whitening z = (I − M)⁻¹ r is one forward recursion,
 *   z_j = (I − ½h_j J_j)⁻¹ (r_j + Q_j),   Q_{j+1} = Q_j + ½(h_j + h_{j+1}) J_j z_j,
 * O(records) per column, applied to d and to every column of R. At the truth, (I − M)⁻¹R(x) is exactly the
 * tangent-linear sensitivity ∂x_j/∂v of the trapezoid path, so G = R̃ᵀR̃/σ² is the Gauss–Newton precision of the
 * exact likelihood (the Laplace approximation's), where plain RᵀR/σ² drops the flow's straining of perturbations.
 *
 * J depends on v: it is evaluated at `at` (default the plain ridge estimate v̂ of `pathNormalEquations`: feasible
 * GLS in two stages). Every record is whitened (the recursion chains through all of them), whatever `rowsPerTracer`;
 * above BLOCKED_ROWS records per tracer the equations are those of the whitened rows' block sums (`block`), which
 * keeps G's cost that of 200 rows (paper twin, 40 test pairs: 12.5 → 5.4 CPU-ms, the same coefficient error 0.866
 * and calibration as every row; the posterior mean moves by at most 0.25 of the exact posterior's Mahalanobis norm).
 */
export function whitenedNormalEquations(spec: PathFeatureSpec, trajectories: Float64Array, offset = 0, options: WhiteningOptions = {}): { G: Float64Array; b: Float64Array; at: Float64Array } {
  const { K, U, V, tkx, tky } = prepared(spec)
  const P = 2 * K
  const nTr = spec.starts.length / 2, T = spec.times.length
  checkLength('whitenedNormalEquations', spec, trajectories, offset)
  const phases = pathPhases(spec, trajectories, offset) // one table for both stages
  const v = options.at ? Float64Array.from(options.at) : ridgeEstimate(spec, plainEquations(spec, trajectories, offset, phases, Math.min(spec.rowsPerTracer, FIRST_STAGE_ROWS)))
  if (v.length !== P) throw new Error(`whitenedNormalEquations: linearisation point has ${v.length} coefficients, the flow ${P}`)
  const w = 1 / (spec.noise * spec.noise)
  const s = options.block ?? defaultBlock(T)
  if (!(Number.isInteger(s) && s >= 1)) throw new Error(`whitenedNormalEquations: block ${s} is not a positive integer`)
  const blocks = Math.ceil(T / s)
  const stride = 2 * blocks * nTr
  const cols = gramScratch(P, stride) // Σ_block R̃/√|B|: column p, row (tracer, block, component)
  const data = new Float64Array(stride) // Σ_block d̃/√|B|
  const F = new Float64Array(P)
  // per column p: [Q_x, Q_y, Σ_block z_x, Σ_block z_y] (Q the running Σ c J z), the data's last: one array, one stream
  const S = new Float64Array(4 * P + 4)
  for (let tr = 0; tr < nTr; tr++) {
    const x0 = spec.starts[2 * tr], y0 = spec.starts[2 * tr + 1]
    const base = tr * (T + 1) * P
    F.fill(0)
    S.fill(0)
    let t0 = 0
    for (let j = 0; j < T; j++) {
      const o = offset + (tr * T + j) * 2
      const x = trajectories[o], y = trajectories[o + 1], t = spec.times[j]
      const a0 = base + j * P, a1 = a0 + P
      const h = t - t0, hNext = j + 1 < T ? spec.times[j + 1] - t : 0
      t0 = t
      // J at the record from the phases already at hand: g_k = Re ψ_k cos θ_k − Im ψ_k sin θ_k (`addModeGradient`'s sums, in registers)
      let j00 = 0, j01 = 0, j10 = 0, j11 = 0
      for (let k = 0; k < K; k++) {
        const g = v[2 * k] * phases[a1 + 2 * k + 1] - v[2 * k + 1] * phases[a1 + 2 * k]
        const gx = tkx[k] * g, gy = tky[k] * g, u = U[2 * k], w2 = V[2 * k]
        j00 += u * gx
        j01 += u * gy
        j10 += w2 * gx
        j11 += w2 * gy
      }
      // B = (I − ½hJ)⁻¹ (2 × 2), and the weight of this record's z in every later row
      const m00 = 1 - 0.5 * h * j00, m01 = -0.5 * h * j01, m10 = -0.5 * h * j10, m11 = 1 - 0.5 * h * j11
      const det = m00 * m11 - m01 * m10
      const b00 = m11 / det, b01 = -m01 / det, b10 = -m10 / det, b11 = m00 / det
      const c = 0.5 * (h + hNext)
      // z = B (r + Q), then Q += c J z: the data first (its z enters b), then every column of R (U_p F, V_p F)
      const sd = 4 * P
      let ex = x - x0 + S[sd], ey = y - y0 + S[sd + 1]
      const dx = b00 * ex + b01 * ey, dy = b10 * ex + b11 * ey
      S[sd] += c * (j00 * dx + j01 * dy)
      S[sd + 1] += c * (j10 * dx + j11 * dy)
      S[sd + 2] += dx
      S[sd + 3] += dy
      for (let p = 0; p < P; p++) {
        const q = 4 * p
        const f = (F[p] += 0.5 * h * (phases[a0 + p] + phases[a1 + p]))
        ex = U[p] * f + S[q]
        ey = V[p] * f + S[q + 1]
        const zx = b00 * ex + b01 * ey, zy = b10 * ex + b11 * ey
        S[q] += c * (j00 * zx + j01 * zy)
        S[q + 1] += c * (j10 * zx + j11 * zy)
        S[q + 2] += zx
        S[q + 3] += zy
      }
      if ((j + 1) % s !== 0 && j + 1 < T) continue
      // u_B = Σ_{j∈B} z_j/√|B| has iid N(0, σ²) noise: the reduced observation's exact normal equations
      const k = Math.floor(j / s), f = 1 / Math.sqrt(Math.min(s, T - k * s)), row = 2 * (tr * blocks + k)
      for (let p = 0; p <= P; p++) {
        const q = 4 * p
        const zx = S[q + 2] * f, zy = S[q + 3] * f
        S[q + 2] = S[q + 3] = 0
        if (p === P) {
          data[row] = zx
          data[row + 1] = zy
        } else {
          cols[p * stride + row] = zx
          cols[p * stride + row + 1] = zy
        }
      }
    }
  }
  const b = new Float64Array(P)
  for (let p = 0; p < P; p++) {
    let sum = 0
    for (let r = 0; r < stride; r++) sum += cols[p * stride + r] * data[r]
    b[p] = w * sum
  }
  const G = gramOfColumns(cols, P, stride)
  for (let i = 0; i < G.length; i++) G[i] *= w
  return { G, b, at: v }
}

export interface WhiteningOptions {
  /**
   * Where ∇w is evaluated (default: the first stage's ridge estimate).
   */
  at?: ArrayLike<number>
  /**
   * Records per block (default: 1 up to BLOCKED_ROWS records per tracer, else enough to keep to that many blocks):
   * the equations are those of the block sums of the whitened rows, u_B = Σ_{j∈B} z_j/√|B| — an exact Gaussian
   * likelihood of a reduced observation (its noise is again iid N(0, σ²)), consistent between G and b. It gives up
   * only the within-block variation of the whitened regressors, which are integrals along the path and vary slowly.
   * (Summing G alone over every 5th row while b kept every row was tried: G within 1e-4, but the inconsistency moved
   * the paper twin's posterior means by hundreds of posterior sds along its stiff directions.)
   */
  block?: number
}

/** Whitened rows per tracer at most in the Gram matrix (its 2·rows·P² cost is most of the whitening's). */
const BLOCKED_ROWS = 200
const defaultBlock = (T: number) => (T <= BLOCKED_ROWS ? 1 : Math.ceil(T / BLOCKED_ROWS))

/**
 * Rows per tracer of the first stage (where J is evaluated): v̂ only places the linearisation, so a tenth of the
 * paper's 1000 records does (40 paper-twin test pairs: coefficient error 0.866 with 100, 250 or every record), and
 * its Gram is most of the first stage's cost.
 */
const FIRST_STAGE_ROWS = 100

/** v̂ = (G + C⁻¹)⁻¹ b: the ridge estimate of a path's normal equations (the prior's precision as penalty). */
export function ridgeEstimate(spec: PathFeatureSpec, { G, b }: { G: Float64Array; b: Float64Array }): Float64Array {
  const P = b.length
  const A = Float64Array.from(G)
  for (let p = 0; p < P; p++) A[p * P + p] += 1 / spec.priorVariance[p]
  const L = choleskyLower(A, P)
  const x = Float64Array.from(b)
  solveLower(L, P, x)
  solveLowerTranspose(L, P, x)
  return x
}
