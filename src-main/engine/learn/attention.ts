/**
 * Fused single-head self-attention for the sequence encoder, forward and backward written out in plain
 * JavaScript over Float32Arrays. tfjs-wasm runs a batch of small products ([128, 50, 64] × [128, 64, 50])
 * at ~0.5 GFLOP/s and needs a split of the fused q|k|v projection, transposes and a softmax op around them;
 * measured on the paper's trajectory encoder (batch 128, 50 tokens, width 64), those six batched products
 * took ~320 of ~580 ms per training step. Here one op takes the fused projection [B·T, 3d] and returns
 * softmax(q kᵀ/√d) v as [B·T, d], with its gradient in the same layout.
 */
import { tf } from './backend'

type Save = (tensors: tf.Tensor[]) => void

/** out[b, i] = Σ_j P[b, i, j] v[b, j] with P = softmax_j(q[b, i]·k[b, j] / √d); also returns P. */
export function attentionForward(qkv: Float32Array, B: number, T: number, d: number): { out: Float32Array; probs: Float32Array } {
  const w = 3 * d
  const scale = 1 / Math.sqrt(d)
  const out = new Float32Array(B * T * d)
  const probs = new Float32Array(B * T * T)
  const row = new Float64Array(T)
  for (let b = 0; b < B; b++) {
    const base = b * T * w
    for (let i = 0; i < T; i++) {
      const qi = base + i * w
      let max = -Infinity
      for (let j = 0; j < T; j++) {
        const kj = base + j * w + d
        let s = 0
        for (let c = 0; c < d; c++) s += qkv[qi + c] * qkv[kj + c]
        row[j] = s * scale
        if (row[j] > max) max = row[j]
      }
      let z = 0
      for (let j = 0; j < T; j++) z += row[j] = Math.exp(row[j] - max)
      const p = (b * T + i) * T
      const o = (b * T + i) * d
      for (let j = 0; j < T; j++) {
        const pij = row[j] / z
        probs[p + j] = pij
        const vj = base + j * w + 2 * d
        for (let c = 0; c < d; c++) out[o + c] += pij * qkv[vj + c]
      }
    }
  }
  return { out, probs }
}

/** Gradient of attentionForward with respect to the fused projection, given dL/dout. */
export function attentionBackward(qkv: Float32Array, probs: Float32Array, dOut: Float32Array, B: number, T: number, d: number): Float32Array {
  const w = 3 * d
  const scale = 1 / Math.sqrt(d)
  const grad = new Float32Array(B * T * w)
  const dp = new Float64Array(T)
  for (let b = 0; b < B; b++) {
    const base = b * T * w
    for (let i = 0; i < T; i++) {
      const p = (b * T + i) * T
      const o = (b * T + i) * d
      // dP_ij = dO_i · v_j, dV_j += P_ij dO_i
      let dot = 0
      for (let j = 0; j < T; j++) {
        const vj = base + j * w + 2 * d
        const pij = probs[p + j]
        let s = 0
        for (let c = 0; c < d; c++) {
          s += dOut[o + c] * qkv[vj + c]
          grad[vj + c] += pij * dOut[o + c]
        }
        dp[j] = s
        dot += pij * s
      }
      // dS_ij = P_ij (dP_ij − Σ_j P_ij dP_ij); dq_i += scale dS_ij k_j; dk_j += scale dS_ij q_i
      const qi = base + i * w
      for (let j = 0; j < T; j++) {
        const ds = probs[p + j] * (dp[j] - dot) * scale
        if (ds === 0) continue
        const kj = base + j * w + d
        for (let c = 0; c < d; c++) {
          grad[qi + c] += ds * qkv[kj + c]
          grad[kj + c] += ds * qkv[qi + c]
        }
      }
    }
  }
  return grad
}

const ops = new Map<string, (qkv: tf.Tensor2D) => tf.Tensor2D>()

/** Self-attention of B sequences of T tokens from the fused projection qkv [B·T, 3d] → [B·T, d]. */
export function fusedAttention(qkv: tf.Tensor2D, B: number, T: number): tf.Tensor2D {
  const d = qkv.shape[1] / 3
  const key = `${B},${T},${d}`
  let op = ops.get(key)
  if (!op) {
    op = tf.customGrad(((x: tf.Tensor2D, save: Save) => {
      const data = x.dataSync() as Float32Array
      const { out, probs } = attentionForward(data, B, T, d)
      const p = tf.tensor1d(probs)
      save([x, p])
      return {
        value: tf.tensor2d(out, [B * T, d]),
        gradFunc: (dy: tf.Tensor, [xs, ps]: tf.Tensor[]) => [tf.tensor2d(attentionBackward(xs.dataSync() as Float32Array, ps.dataSync() as Float32Array, dy.dataSync() as Float32Array, B, T, d), [B * T, 3 * d])]
      }
    }) as never) as unknown as (qkv: tf.Tensor2D) => tf.Tensor2D
    ops.set(key, op)
  }
  return op(qkv)
}
