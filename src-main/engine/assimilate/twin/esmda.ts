/**
 * The classical baseline: the ensemble smoother with multiple data assimilation (ES-MDA; Emerick & Reynolds 2013)
 * on the flow parameters — an ensemble Kalman update of the whole window repeated `iterations` times with the
 * observation-error variance inflated by α = iterations (Σ 1/α = 1), each time with perturbed observations.
 * It works in the prior's latent coordinates (for the vortex prior the inverse-CDF map keeps members inside the
 * support). Multiplicative inflation ρ of the parameter anomalies before each update counters the ensemble's
 * collapse. No localisation: every parameter is a global flow coefficient or a vortex that all tracers feel, so
 * there is no parameter–observation distance to taper by; the ensemble (default 100) exceeds the parameter count.
 * The update is done in ensemble space, K d = A_x (A_yᵀA_y + (Ne−1)ασ² I)⁻¹ A_yᵀ d, so only Ne × Ne systems are solved.
 */
import { Matrix, solve } from 'ml-matrix'
import { Rng } from '../../flows/rng'
import { drawGaussian, type FlowPrior } from '../posterior'
import type { ForwardModel } from './forward'

export interface EsmdaOptions {
  members: number
  iterations: number
  /** Multiplicative inflation of the parameter anomalies before each update (1 = none). */
  inflation: number
  seed: number
}

/** Posterior ensemble of v (members × paramDim) for one pair's observed tracks. */
export function esmda(prior: FlowPrior, model: ForwardModel, observed: Float64Array, sigma: number, o: EsmdaOptions): Float64Array {
  const Ne = o.members, d = prior.latent.dim, p = prior.paramDim
  const N = observed.length
  const rng = new Rng(o.seed, 0, 0xe5d0)
  const X = new Float64Array(Ne * d)
  const z = new Float64Array(d)
  for (let j = 0; j < Ne; j++) drawGaussian(prior.latent, rng, X.subarray(j * d, (j + 1) * d), z)
  const params = new Float64Array(Ne * p)
  const Y = new Float64Array(Ne * N)
  const alpha = o.iterations
  for (let it = 0; it < o.iterations; it++) {
    inflate(X, Ne, d, o.inflation)
    for (let j = 0; j < Ne; j++) prior.toParams(X.subarray(j * d, (j + 1) * d), params.subarray(j * p, (j + 1) * p))
    model.run(params, Ne, Y)
    const Ax = anomalies(X, Ne, d), Ay = anomalies(Y, Ne, N)
    const G = Ay.mmul(Ay.transpose()) // Ne × Ne = A_yᵀA_y in member-row layout
    const c = (Ne - 1) * alpha * sigma * sigma
    for (let j = 0; j < Ne; j++) G.set(j, j, G.get(j, j) + c)
    // innovations with perturbed observations, member rows
    const D = new Matrix(Ne, N)
    for (let j = 0; j < Ne; j++)
      for (let i = 0; i < N; i++) {
        const y = Y[j * N + i]
        D.set(j, i, Number.isFinite(y) ? observed[i] + Math.sqrt(alpha) * sigma * rng.normal() - y : 0)
      }
    const W = solve(G, Ay.mmul(D.transpose())) // Ne × Ne: column j = weights of member j's update
    const dX = W.transpose().mmul(Ax) // Ne × d
    for (let j = 0; j < Ne; j++) for (let k = 0; k < d; k++) X[j * d + k] += dX.get(j, k)
  }
  for (let j = 0; j < Ne; j++) prior.toParams(X.subarray(j * d, (j + 1) * d), params.subarray(j * p, (j + 1) * p))
  return params
}

/** Member rows minus their mean, as a matrix (Ne × n). */
function anomalies(X: Float64Array, Ne: number, n: number): Matrix {
  const mean = new Float64Array(n)
  for (let j = 0; j < Ne; j++) for (let k = 0; k < n; k++) mean[k] += X[j * n + k] / Ne
  const A = new Matrix(Ne, n)
  for (let j = 0; j < Ne; j++) for (let k = 0; k < n; k++) A.set(j, k, Number.isFinite(X[j * n + k]) ? X[j * n + k] - mean[k] : 0)
  return A
}

/** Multiplicative anomaly inflation of an ensemble (Ne rows of d): each member moved ρ× as far from the ensemble mean. */
export function inflate(X: Float64Array, Ne: number, d: number, rho: number): void {
  if (rho === 1) return
  for (let k = 0; k < d; k++) {
    let m = 0
    for (let j = 0; j < Ne; j++) m += X[j * d + k] / Ne
    for (let j = 0; j < Ne; j++) X[j * d + k] = m + rho * (X[j * d + k] - m)
  }
}
