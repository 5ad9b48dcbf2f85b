/**
 * A Gaussian measure N(m, C) on R^d as the samplers need it: its mean, its marginal variances, and a square root
 * L (L Lᵀ = C) applied to a vector, so that m + L z with z ~ N(0, I) is a draw. Diagonal priors (the Fourier
 * flow's) never build a matrix; dense ones (conditionals) keep their Cholesky factor. Pure.
 */
import { CholeskyDecomposition, Matrix, inverse } from 'ml-matrix'
import { Rng } from '../../flows/rng'

export interface GaussianPrior {
  readonly dim: number
  readonly mean: Float64Array
  /** diag C: the marginal variances. */
  readonly variance: Float64Array
  /** out = L z with L Lᵀ = C (out and z must not alias). */
  applySqrt(z: Float64Array, out: Float64Array): void
  /** The covariance as a matrix (dense; built on demand for diagonal priors). */
  covariance(): Matrix
}

/** N(mean, diag(std²)). */
export function diagonalGaussian(mean: ArrayLike<number>, std: ArrayLike<number>): GaussianPrior {
  if (mean.length !== std.length) throw new Error(`diagonalGaussian: ${mean.length} means for ${std.length} standard deviations`)
  const s = Float64Array.from(std)
  for (const x of s) if (!(x >= 0) || !Number.isFinite(x)) throw new Error(`diagonalGaussian: standard deviation ${x} is not a finite non-negative number`)
  return {
    dim: s.length,
    mean: Float64Array.from(mean),
    variance: s.map((x) => x * x),
    applySqrt(z, out) {
      for (let i = 0; i < s.length; i++) out[i] = s[i] * z[i]
    },
    covariance: () => Matrix.diag(Array.from(s, (x) => x * x))
  }
}

/** N(mean, cov) for a symmetric positive-definite `cov` (symmetrised first; throws when it is not positive definite). */
export function denseGaussian(mean: ArrayLike<number>, cov: Matrix): GaussianPrior {
  const d = mean.length
  if (cov.rows !== d || cov.columns !== d) throw new Error(`denseGaussian: covariance is ${cov.rows}×${cov.columns} for a mean of length ${d}`)
  const C = cov.clone().add(cov.transpose()).div(2)
  const chol = new CholeskyDecomposition(C)
  if (!chol.isPositiveDefinite()) throw new Error('denseGaussian: covariance is not positive definite')
  const L = chol.lowerTriangularMatrix.to2DArray()
  return {
    dim: d,
    mean: Float64Array.from(mean),
    variance: Float64Array.from({ length: d }, (_, i) => C.get(i, i)),
    applySqrt(z, out) {
      for (let r = 0; r < d; r++) {
        const row = L[r]
        let s = 0
        for (let k = 0; k <= r; k++) s += row[k] * z[k]
        out[r] = s
      }
    },
    covariance: () => C.clone()
  }
}

/** One draw m + L z into `out` (z from `rng`; `scratch` of length d avoids an allocation). */
export function drawGaussian(g: GaussianPrior, rng: Rng, out: Float64Array = new Float64Array(g.dim), scratch: Float64Array = new Float64Array(g.dim)): Float64Array {
  for (let i = 0; i < g.dim; i++) scratch[i] = rng.normal()
  g.applySqrt(scratch, out)
  for (let i = 0; i < g.dim; i++) out[i] += g.mean[i]
  return out
}

/** n seeded draws, row-major n × d. */
export function drawGaussianRows(g: GaussianPrior, n: number, seed: number): Float64Array {
  const rng = new Rng(seed, 0, STREAM_DRAWS)
  const out = new Float64Array(n * g.dim)
  const row = new Float64Array(g.dim), z = new Float64Array(g.dim)
  for (let i = 0; i < n; i++) out.set(drawGaussian(g, rng, row, z), i * g.dim)
  return out
}

/** Salt of the random stream of `drawGaussianRows` (distinct from the simulator's streams). */
const STREAM_DRAWS = 0x6a55

/** x ↦ −½ (x − m)ᵀ C⁻¹ (x − m): the log density of N(m, C) up to its constant. */
export function logDensityOf(g: GaussianPrior): (x: Float64Array) => number {
  const d = g.dim
  const P = inverse(g.covariance()).to2DArray()
  const r = new Float64Array(d)
  return (x) => {
    for (let i = 0; i < d; i++) r[i] = x[i] - g.mean[i]
    let q = 0
    for (let i = 0; i < d; i++) {
      const row = P[i]
      let s = 0
      for (let k = 0; k < d; k++) s += row[k] * r[k]
      q += r[i] * s
    }
    return -0.5 * q
  }
}

/** The Gaussian with the sample mean and covariance of rows (n × d), covariance scaled by `inflation`² plus `jitter`·diag. */
export function fitGaussian(rows: Float64Array, d: number, inflation = 1, jitter = 1e-10): GaussianPrior {
  const n = rows.length / d
  if (n < 2) throw new Error(`fitGaussian: need at least 2 rows, got ${n}`)
  const mean = new Float64Array(d)
  for (let k = 0; k < n; k++) for (let i = 0; i < d; i++) mean[i] += rows[k * d + i] / n
  const C = new Matrix(d, d)
  for (let k = 0; k < n; k++)
    for (let i = 0; i < d; i++) {
      const a = rows[k * d + i] - mean[i]
      for (let j = 0; j <= i; j++) C.set(i, j, C.get(i, j) + (a * (rows[k * d + j] - mean[j])) / (n - 1))
    }
  for (let i = 0; i < d; i++)
    for (let j = 0; j <= i; j++) {
      const v = C.get(i, j) * inflation * inflation
      C.set(i, j, v)
      C.set(j, i, v)
    }
  let scale = 0
  for (let i = 0; i < d; i++) scale = Math.max(scale, C.get(i, i))
  for (let i = 0; i < d; i++) C.set(i, i, C.get(i, i) + jitter * Math.max(scale, 1e-300))
  return denseGaussian(mean, C)
}

/**
 * Lower Cholesky factor L (L Lᵀ = A) of a symmetric positive-definite d × d matrix (row-major; only the lower
 * triangle is read), as a new array. Throws when A is not positive definite.
 */
export function choleskyLower(A: Float64Array, d: number): Float64Array {
  const L = new Float64Array(d * d)
  for (let i = 0; i < d; i++) {
    const ri = i * d
    for (let j = 0; j <= i; j++) {
      const rj = j * d
      let s = A[ri + j]
      for (let k = 0; k < j; k++) s -= L[ri + k] * L[rj + k]
      if (i === j) {
        if (!(s > 0)) throw new Error(`choleskyLower: the matrix is not positive definite (pivot ${i}: ${s})`)
        L[ri + i] = Math.sqrt(s)
      } else L[ri + j] = s / L[rj + j]
    }
  }
  return L
}

/** x = L⁻¹ x in place (forward substitution; L lower, row-major d × d). */
export function solveLower(L: Float64Array, d: number, x: Float64Array): void {
  for (let i = 0; i < d; i++) {
    const ri = i * d
    let s = x[i]
    for (let k = 0; k < i; k++) s -= L[ri + k] * x[k]
    x[i] = s / L[ri + i]
  }
}

/** x = L⁻ᵀ x in place (back substitution by rows of L: once x_i is final its share leaves every earlier unknown). */
export function solveLowerTranspose(L: Float64Array, d: number, x: Float64Array): void {
  for (let i = d - 1; i >= 0; i--) {
    const ri = i * d
    const xi = (x[i] /= L[ri + i])
    for (let k = 0; k < i; k++) x[k] -= L[ri + k] * xi
  }
}
