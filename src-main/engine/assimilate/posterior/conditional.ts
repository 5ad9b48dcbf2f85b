/**
 * The learned conditional ν(v | u) ∝ exp(s(g_u(u), g_v(v))/τ) μ_v(dv) without a bank (arXiv 2505.24134 §5,
 * eqs. 41 and 48, here with a non-centred prior and affine encoder). With a Gaussian prior μ_v = N(m, C) and an
 * affine potential encoder g_v(v) = W v + b (identity and linear encoders, including the input standardisation),
 * write z = g_u(u) for the query's embedding. Then:
 *
 * - dot, s = ⟨z, W v + b⟩: log ν = zᵀW v/τ − ½(v−m)ᵀC⁻¹(v−m) + const, a Gaussian with the prior's covariance
 *   and a shifted mean:  ν = N(m + C Wᵀz/τ, C)  (the covariance is the prior's: eq. 41, Cor. 5.2).
 * - l2, s = −½|z − W v − b|²: the tilt adds WᵀW/τ to the precision:
 *   ν = N(Σ (C⁻¹m + Wᵀ(z − b)/τ), Σ)  with  Σ = (C⁻¹ + WᵀW/τ)⁻¹  (eq. 48).
 * - cosine: not Gaussian; `tiltPotential` gives Φ(v) = −s/τ for the pCN sampler, any encoder.
 * - dot with the fixed quadratic potential encoder g_v(v) = (v, −½ v⊗v) and an embedding z = (η, vec Λ), Λ ⪰ 0:
 *   s = ηᵀv − ½ vᵀΛv, so ν = N(Σ(C⁻¹m + η), Σ) with Σ = (C⁻¹ + Λ)⁻¹ (`quadraticConditional`): a query-dependent
 *   precision, which no linear potential encoder can give.
 */
import { Matrix, inverse } from 'ml-matrix'
import type { MetricKind } from '../../../shared/training'
import { denseGaussian, type GaussianPrior } from './gaussian'

/** g(v) = W v + b with W of shape embedding × input. */
export interface AffineMap {
  weight: Matrix
  bias: Float64Array
}

/** The exact Gaussian ν(v | u) for the dot or l2 metric (throws for cosine: use pCN with `tiltPotential`). */
export function gaussianConditional(prior: GaussianPrior, encoder: AffineMap, z: ArrayLike<number>, tau: number, metric: MetricKind): GaussianPrior {
  const W = encoder.weight
  if (W.columns !== prior.dim) throw new Error(`gaussianConditional: encoder takes ${W.columns} inputs, the prior has ${prior.dim}`)
  if (W.rows !== z.length || encoder.bias.length !== z.length) throw new Error(`gaussianConditional: encoder gives ${W.rows} outputs, the embedding has ${z.length}`)
  if (!(tau > 0)) throw new Error(`gaussianConditional: temperature ${tau} must be positive`)
  const C = prior.covariance()
  const m = Matrix.columnVector(Array.from(prior.mean))
  const zc = Matrix.columnVector(Array.from(z))
  if (metric === 'dot') {
    const mean = m.add(C.mmul(W.transpose()).mmul(zc).div(tau))
    return denseGaussian(mean.getColumn(0), C)
  }
  if (metric !== 'l2') throw new Error(`gaussianConditional: no closed form for the ${metric} metric; sample it with pcn and tiltPotential`)
  const Ci = inverse(C)
  const precision = Ci.clone().add(W.transpose().mmul(W).div(tau))
  const cov = inverse(precision)
  const shift = zc.clone().sub(Matrix.columnVector(Array.from(encoder.bias)))
  const mean = cov.mmul(Ci.mmul(m).add(W.transpose().mmul(shift).div(tau)))
  return denseGaussian(mean.getColumn(0), cov)
}

/** The exact ν(v | u) ∝ exp(ηᵀv − ½ vᵀΛv) μ_v (dot metric, quadratic potential encoder; τ absorbed in η, Λ). */
export function quadraticConditional(prior: GaussianPrior, eta: ArrayLike<number>, Lambda: Matrix): GaussianPrior {
  const d = prior.dim
  if (eta.length !== d || Lambda.rows !== d || Lambda.columns !== d) throw new Error(`quadraticConditional: η has ${eta.length} entries and Λ is ${Lambda.rows}×${Lambda.columns} for a prior of dimension ${d}`)
  const Ci = inverse(prior.covariance())
  const cov = inverse(Ci.clone().add(Lambda))
  const mean = cov.mmul(Ci.mmul(Matrix.columnVector(Array.from(prior.mean))).add(Matrix.columnVector(Array.from(eta))))
  return denseGaussian(mean.getColumn(0), cov)
}

/** s(z, y) for one embedding pair of length ℓ (the metrics of learn/similarity.ts). */
export function score(z: ArrayLike<number>, y: ArrayLike<number>, metric: MetricKind): number {
  let d = 0, zz = 0, yy = 0
  for (let k = 0; k < z.length; k++) {
    d += z[k] * y[k]
    zz += z[k] * z[k]
    yy += y[k] * y[k]
  }
  if (metric === 'dot') return d
  if (metric === 'cosine') return d / Math.sqrt((zz + 1e-12) * (yy + 1e-12))
  return d - 0.5 * (zz + yy)
}

/**
 * Φ(v) = −s(z, g_v(v))/τ for a batch of states: the pCN potential of ν(v | u) for any potential encoder
 * `encode` (rows in, embeddings out, count × ℓ).
 */
export function tiltPotential(z: ArrayLike<number>, tau: number, metric: MetricKind, encode: (states: Float64Array, count: number) => Float64Array) {
  const l = z.length
  return (states: Float64Array, count: number, out: Float64Array): void => {
    const e = encode(states, count)
    for (let c = 0; c < count; c++) out[c] = -score(z, e.subarray(c * l, (c + 1) * l), metric) / tau
  }
}

/** The affine map v ↦ W v + b as a batch encoder (for `tiltPotential`). */
export function affineEncoder(map: AffineMap): (states: Float64Array, count: number) => Float64Array {
  const W = map.weight.to2DArray()
  const rows = map.weight.rows, cols = map.weight.columns
  return (states, count) => {
    const out = new Float64Array(count * rows)
    for (let c = 0; c < count; c++)
      for (let r = 0; r < rows; r++) {
        let s = map.bias[r]
        for (let k = 0; k < cols; k++) s += W[r][k] * states[c * cols + k]
        out[c * rows + r] = s
      }
    return out
  }
}
