/**
 * Alignment metrics s(u, v) as score matrices, and the learned temperature (log-parametrised and
 * clamped like open_clip: logit scale 1/τ ∈ [1, 100]).
 */
import type { MetricKind } from '../../shared/training'
import { tf } from './backend'
import { denseFast, normalizeRows } from './dense'

/** Largest logit scale ln(1/τ): τ ≥ 0.01, as open_clip. */
export const MAX_LOG_SCALE = Math.log(100)

/** Row-wise L2 normalisation (epsilon keeps the gradient finite at 0). */
export function l2Normalize(z: tf.Tensor2D): tf.Tensor2D {
  return tf.mul(z, tf.rsqrt(tf.add(tf.sum(tf.square(z), 1, true), 1e-12)))
}

/**
 * Score matrix s[i, j] = s(u_i, v_j) for embeddings zu [nu, ℓ], zv [nv, ℓ]:
 * cosine ⟨ḡ_u, ḡ_v⟩, dot ⟨g_u, g_v⟩, l2 −½|g_u − g_v|² (arXiv 2505.24134 §5.1–5.2).
 */
export function scoreMatrix(zu: tf.Tensor2D, zv: tf.Tensor2D, metric: MetricKind): tf.Tensor2D {
  if (metric === 'cosine') return denseFast(normalizeRows(zu), tf.transpose(normalizeRows(zv))) // l2Normalize as one op
  const dot = denseFast(zu, tf.transpose(zv))
  if (metric === 'dot') return dot
  const nu = tf.sum(tf.square(zu), 1, true) // [nu, 1]
  const nv = tf.reshape(tf.sum(tf.square(zv), 1), [1, -1]) // [1, nv]
  return tf.sub(dot, tf.mul(0.5, tf.add(nu, nv)))
}

/** Logits S = s/τ with 1/τ = exp(logScale) (logScale clamped to [0, ln 100]). */
export function logitMatrix(zu: tf.Tensor2D, zv: tf.Tensor2D, metric: MetricKind, logScale: tf.Tensor): tf.Tensor2D {
  return tf.mul(scoreMatrix(zu, zv, metric), tf.exp(tf.clipByValue(logScale, 0, MAX_LOG_SCALE)))
}

/** The temperature variable initialised at τ0 (trainable or not). */
export function temperatureVariable(tau: number, trainable: boolean): tf.Variable {
  return tf.variable(tf.scalar(clampLog(Math.log(1 / tau))), trainable)
}

/** The log scale clamped to [0, ln 100], as after every optimiser step (open_clip does the same). */
export function clampLog(v: number): number {
  return Math.min(MAX_LOG_SCALE, Math.max(0, v))
}

/** Temperature τ = 1/exp(logScale) as a number. */
export function temperatureOf(logScale: tf.Variable): number {
  return Math.exp(-clampLog(logScale.dataSync()[0]))
}

/**
 * The same logits in plain JavaScript (inference on a bank): out[i*nv + j] = s(u_i, v_j)/τ. Each dot product is summed
 * in float64 in k order; four bank rows at a time share the loads of u_i (the same sums, so the same bits as one pair
 * at a time; ≈ 2× faster at 200 × 4,096 × 32, the evaluation's logits on the model's thread).
 */
export function logitsJs(zu: Float32Array, nu: number, zv: Float32Array, nv: number, dim: number, metric: MetricKind, tau: number): Float64Array {
  const out = new Float64Array(nu * nv)
  const u = Float64Array.from(zu.subarray(0, nu * dim)), v = Float64Array.from(zv.subarray(0, nv * dim))
  const norm = (z: Float64Array, n: number) => {
    const r = new Float64Array(n)
    for (let i = 0; i < n; i++) {
      let s = 0
      for (let k = 0; k < dim; k++) s += z[i * dim + k]! * z[i * dim + k]!
      r[i] = s
    }
    return r
  }
  const su = norm(u, nu)
  const sv = norm(v, nv)
  const dots = new Float64Array(nv)
  for (let i = 0; i < nu; i++) {
    const a = i * dim
    let j = 0
    for (; j + 3 < nv; j += 4) {
      const b0 = j * dim, b1 = b0 + dim, b2 = b1 + dim, b3 = b2 + dim
      let d0 = 0, d1 = 0, d2 = 0, d3 = 0
      for (let k = 0; k < dim; k++) {
        const x = u[a + k]!
        d0 += x * v[b0 + k]!
        d1 += x * v[b1 + k]!
        d2 += x * v[b2 + k]!
        d3 += x * v[b3 + k]!
      }
      dots[j] = d0
      dots[j + 1] = d1
      dots[j + 2] = d2
      dots[j + 3] = d3
    }
    for (; j < nv; j++) {
      let d = 0
      for (let k = 0; k < dim; k++) d += u[a + k]! * v[j * dim + k]!
      dots[j] = d
    }
    const o = i * nv
    for (let j = 0; j < nv; j++) {
      const d = dots[j]!
      const s = metric === 'cosine' ? d / Math.sqrt((su[i]! + 1e-12) * (sv[j]! + 1e-12)) : metric === 'dot' ? d : d - 0.5 * (su[i]! + sv[j]!)
      out[o + j] = s / tau
    }
  }
  return out
}
