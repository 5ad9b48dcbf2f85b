/**
 * The deployment's flow prior as a finite basis, for simulation-based training and the posterior field: at each
 * time, velocity = a spatially uniform flow (U, V) (mean + slow variability + inertial oscillation) + eddies
 * w = ∇⊥ψ + ∇φ, with ψ and φ on random Fourier features (Rahimi & Recht 2007) drawn from the fitted SE spectra —
 * a basis that is not periodic anywhere, so no drifter feels a wrap. Each coefficient is a stationary Gaussian
 * process in time with the fitted time scales (the uniform flow's 2×2 covariance includes the inertial rotation).
 * Coefficients θ = [U, V, aψ(M), bψ(M), aφ(M), bφ(M)]; velocity at x is H(x) θ with H of shape 2 × P.
 */
import { CholeskyDecomposition, Matrix } from 'ml-matrix'
import { Rng } from '../../flows/rng'
import { inertialAdd, type VelocityKernel } from './gp'

export interface FlowBasis {
  /** Random features per potential. */
  M: number
  /** Coefficients: 2 + 4M. */
  P: number
  /** Frequencies (rad/km) [kx, ky] × M of ψ and of φ. */
  kPsi: Float64Array
  kPhi: Float64Array
  /** Prior mean and standard deviation of each coefficient (the uniform flow's mean is the drifters' mean). */
  mean: Float64Array
  std: Float64Array
  kernel: VelocityKernel
}

/** Draw the random features of a fitted prior kernel (seeded). */
export function flowBasis(kernel: VelocityKernel, mean: [number, number], M: number, seed: number): FlowBasis {
  const p = kernel.params
  const rng = new Rng(seed, 0, 0xf10)
  const draw = (l: number) => Float64Array.from({ length: 2 * M }, () => rng.normal() / l)
  const kPsi = draw(p.psiLength)
  const kPhi = draw(p.phiLength)
  const P = 2 + 4 * M
  const m = new Float64Array(P)
  m[0] = mean[0]
  m[1] = mean[1]
  // ψ has amplitude² s²ℓ² (so that ∇⊥ψ has variance s² per component); each of its 2M features carries 1/M of it.
  const std = new Float64Array(P)
  std[0] = std[1] = Math.sqrt(p.meanVariance + p.inertialVariance)
  for (let i = 0; i < 2 * M; i++) {
    std[2 + i] = Math.sqrt((p.psiVariance * p.psiLength ** 2) / M)
    std[2 + 2 * M + i] = Math.sqrt((p.phiVariance * p.phiLength ** 2) / M)
  }
  return { M, P, kPsi, kPhi, mean: m, std, kernel }
}

/** The two rows of H at (x, y) km: out[c] = ∂u/∂θ_c and out[P + c] = ∂v/∂θ_c. */
export function velocityRows(b: FlowBasis, x: number, y: number, out: Float64Array): void {
  const { M, P } = b
  out.fill(0)
  out[0] = 1
  out[P + 1] = 1
  for (let m = 0; m < M; m++) {
    const kx = b.kPsi[2 * m], ky = b.kPsi[2 * m + 1]
    const ph = kx * x + ky * y
    const s = Math.sin(ph), c = Math.cos(ph)
    // u = −∂ψ/∂y, v = ∂ψ/∂x for ψ = a cos(k·x) + b sin(k·x)
    out[2 + m] = ky * s
    out[P + 2 + m] = -kx * s
    out[2 + M + m] = -ky * c
    out[P + 2 + M + m] = kx * c
    const qx = b.kPhi[2 * m], qy = b.kPhi[2 * m + 1]
    const pp = qx * x + qy * y
    const s2 = Math.sin(pp), c2 = Math.cos(pp)
    // u = ∂φ/∂x, v = ∂φ/∂y
    out[2 + 2 * M + m] = -qx * s2
    out[P + 2 + 2 * M + m] = -qy * s2
    out[2 + 3 * M + m] = qx * c2
    out[P + 2 + 3 * M + m] = qy * c2
  }
}

/** Velocity (m/s) of coefficients θ at (x, y). `rows` is scratch of length 2P. */
export function velocityAt(b: FlowBasis, theta: ArrayLike<number>, x: number, y: number, rows: Float64Array): [number, number] {
  velocityRows(b, x, y, rows)
  let u = 0, v = 0
  for (let c = 0; c < b.P; c++) {
    u += rows[c] * theta[c]
    v += rows[b.P + c] * theta[c]
  }
  return [u, v]
}

/** Cross-covariance weights of the coefficients between times t and t + Δ (h): the uniform flow's 2×2 block, and the eddies' correlation. */
export function temporalWeights(b: FlowBasis, dtHours: number): { uniform: Float64Array; eddy: number } {
  const p = b.kernel.params
  const block = new Float64Array(4)
  inertialAdd(dtHours, p.inertialVariance, p.inertialTime, p.coriolis, block)
  const m = p.meanVariance * Math.exp(-(dtHours * dtHours) / (2 * p.meanTime * p.meanTime))
  block[0] += m
  block[3] += m
  const v0 = p.meanVariance + p.inertialVariance
  for (let i = 0; i < 4; i++) block[i] /= v0
  return { uniform: block, eddy: Math.exp(-(dtHours * dtHours) / (2 * p.eddyTime * p.eddyTime)) }
}

/**
 * Square roots of the coefficients' joint covariance over `n` consecutive samples `stepHours` apart: the uniform
 * flow (2n × 2n, (U, V) interleaved per time) and one eddy coefficient (n × n, unit variance).
 */
export function temporalSqrt(b: FlowBasis, n: number, stepHours: number): { uniform: Matrix; eddy: Matrix } {
  const U = new Matrix(2 * n, 2 * n)
  const E = new Matrix(n, n)
  const v0 = b.std[0] ** 2
  for (let i = 0; i < n; i++)
    for (let j = 0; j < n; j++) {
      const w = temporalWeights(b, (i - j) * stepHours)
      U.set(2 * i, 2 * j, w.uniform[0] * v0 + (i === j ? 1e-10 : 0))
      U.set(2 * i, 2 * j + 1, w.uniform[1] * v0)
      U.set(2 * i + 1, 2 * j, w.uniform[2] * v0)
      U.set(2 * i + 1, 2 * j + 1, w.uniform[3] * v0 + (i === j ? 1e-10 : 0))
      E.set(i, j, w.eddy + (i === j ? 1e-10 : 0))
    }
  return { uniform: new CholeskyDecomposition(U).lowerTriangularMatrix, eddy: new CholeskyDecomposition(E).lowerTriangularMatrix }
}

/** Draw coefficients at n consecutive samples (n × P row-major) from the prior. */
export function drawSequence(b: FlowBasis, roots: { uniform: Matrix; eddy: Matrix }, n: number, rng: Rng, out = new Float64Array(n * b.P)): Float64Array {
  const z = new Float64Array(2 * n)
  for (let i = 0; i < 2 * n; i++) z[i] = rng.normal()
  for (let i = 0; i < 2 * n; i++) {
    let s = 0
    for (let k = 0; k <= i; k++) s += roots.uniform.get(i, k) * z[k]
    out[Math.floor(i / 2) * b.P + (i % 2)] = b.mean[i % 2] + s
  }
  for (let c = 2; c < b.P; c++) {
    for (let i = 0; i < n; i++) z[i] = rng.normal()
    for (let i = 0; i < n; i++) {
      let s = 0
      for (let k = 0; k <= i; k++) s += roots.eddy.get(i, k) * z[k]
      out[i * b.P + c] = b.mean[c] + b.std[c] * s
    }
  }
  return out
}
