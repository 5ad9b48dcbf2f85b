/** Test helper: train centred linear encoders full-batch on Gaussian samples and read off A = GᵀH, B = GᵀG. */
import { Matrix } from 'ml-matrix'
import type { LossKind, MetricKind } from '../../../src-main/shared/training'
import { tf } from '../../../src-main/engine/learn/backend'
import { buildEncoder } from '../../../src-main/engine/learn/encoders'
import { batchLoss, type PairNet } from '../../../src-main/engine/learn/fit'
import { lossWeights } from '../../../src-main/engine/learn/losses'
import { sampleGaussian } from '../../../src-main/engine/learn/gaussian'

/** A fixed 3 + 2 dimensional covariance with canonical correlations ≈ 0.6 and 0.35. */
export const C = new Matrix([
  [1.0, 0.3, 0.1, 0.5, 0.1],
  [0.3, 1.2, 0.2, 0.2, 0.4],
  [0.1, 0.2, 0.8, 0.1, 0.2],
  [0.5, 0.2, 0.1, 1.0, 0.25],
  [0.1, 0.4, 0.2, 0.25, 0.9]
])
export const NU = 3
export const NV = 2

/** Empirical covariance of the rows of x (n × d, centred at the true zero mean). */
export function empiricalCov(x: Float64Array, n: number, d: number): Matrix {
  const M = new Matrix(d, d)
  for (let i = 0; i < n; i++) for (let a = 0; a < d; a++) for (let b = 0; b < d; b++) M.set(a, b, M.get(a, b) + (x[i * d + a] * x[i * d + b]) / n)
  return M
}

export function trainLinear(opts: { loss: LossKind; metric: MetricKind; dim: number; n: number; steps: number; lr: number; seed: number }): { A: Matrix; B: Matrix; Chat: Matrix; finalLoss: number } {
  const x = sampleGaussian(C, opts.n, opts.seed)
  const d = NU + NV
  const u = new Float32Array(opts.n * NU)
  const v = new Float32Array(opts.n * NV)
  for (let i = 0; i < opts.n; i++) {
    for (let a = 0; a < NU; a++) u[i * NU + a] = x[i * d + a]
    for (let b = 0; b < NV; b++) v[i * NV + b] = x[i * d + NU + b]
  }
  const spec = { outputDim: opts.dim, widths: [], activation: 'relu' as const, bias: false, kind: 'linear' as const }
  const net: PairNet = {
    encU: buildEncoder({ ...spec, inputDim: NU }, opts.seed + 1),
    encV: buildEncoder({ ...spec, inputDim: NV }, opts.seed + 2),
    logScale: tf.variable(tf.scalar(0), false) // τ = 1 (absorbed into G, H)
  }
  const xu = tf.tensor2d(u, [opts.n, NU])
  const xv = tf.tensor2d(v, [opts.n, NV])
  const s = { loss: opts.loss, metric: opts.metric, weights: lossWeights({ loss: opts.loss }) }
  const optimizer = tf.train.adam(opts.lr)
  const vars = [...net.encU.variables, ...net.encV.variables]
  let finalLoss = NaN
  for (let k = 0; k < opts.steps; k++) {
    const l = optimizer.minimize(() => batchLoss(net, xu, xv, s), true, vars) as tf.Scalar
    finalLoss = l.dataSync()[0]
    l.dispose()
  }
  // encoders apply x·W with W [n_in, ℓ], so G = Wuᵀ and A = GᵀH = Wu·Wvᵀ, B = GᵀG = Wu·Wuᵀ
  const Wu = new Matrix(NU, opts.dim)
  const Wv = new Matrix(NV, opts.dim)
  const wu = net.encU.variables[0].dataSync()
  const wv = net.encV.variables[0].dataSync()
  for (let a = 0; a < NU; a++) for (let k = 0; k < opts.dim; k++) Wu.set(a, k, wu[a * opts.dim + k])
  for (let b = 0; b < NV; b++) for (let k = 0; k < opts.dim; k++) Wv.set(b, k, wv[b * opts.dim + k])
  optimizer.dispose()
  tf.dispose([xu, xv, ...vars, net.logScale])
  return { A: Wu.mmul(Wv.transpose()), B: Wu.mmul(Wu.transpose()), Chat: empiricalCov(x, opts.n, d), finalLoss }
}
