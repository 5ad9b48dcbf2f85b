/**
 * A set encoder over drifters (DeepSets, Zaheer et al. 2017): each drifter contributes a feature block
 * [f_1 … f_F, n] where n counts its valid samples and f already sums its per-sample features; blocks of absent
 * drifters are zero. The encoder pools by masked mean, Σ_d f_d / max(Σ_d n_d, 1), then applies a learned affine
 * head. Any subset of drifters works, so leaving one out is zeroing its block, not retraining.
 */
import { tf } from './backend'
import { denseLayer } from './dense'
import type { Encoder, EncoderSpec } from './encoders'
import { normalRng } from './random'

/** Layout of the set encoder's input rows: `members` blocks of `features` + 1 (the count) numbers. */
export interface SetLayout {
  members: number
  features: number
}

/** Width of one member's block. */
export const blockWidth = (l: SetLayout): number => l.features + 1

/** Masked mean over the members of rows [B, members·(features+1)] → [B, features]. */
export function poolMembers(x: tf.Tensor2D, l: SetLayout): tf.Tensor2D {
  const B = x.shape[0]
  const summed = tf.sum(tf.reshape(x, [B, l.members, blockWidth(l)]), 1) as tf.Tensor2D
  const [f, n] = tf.split(summed, [l.features, 1], 1) as [tf.Tensor2D, tf.Tensor2D]
  return tf.div(f, tf.maximum(n, 1)) as tf.Tensor2D
}

/** The same pooling in plain JavaScript for one row (inference and tests). */
export function poolMembersJs(row: ArrayLike<number>, l: SetLayout): Float64Array {
  const out = new Float64Array(l.features)
  let n = 0
  const w = blockWidth(l)
  for (let m = 0; m < l.members; m++) {
    for (let f = 0; f < l.features; f++) out[f] += row[m * w + f]
    n += row[m * w + l.features]
  }
  return out.map((x) => x / Math.max(n, 1))
}

/** Set encoder with an affine head features → outputDim (seeded Glorot weights, zero bias). */
export function buildSetEncoder(layout: SetLayout, outputDim: number, seed: number): Encoder {
  const rand = normalRng(seed)
  const std = Math.sqrt(2 / (layout.features + outputDim))
  const init = new Float32Array(layout.features * outputDim).map(() => std * rand())
  const w = tf.variable(tf.tensor2d(init, [layout.features, outputDim]), true)
  const b = tf.variable(tf.zeros([outputDim]), true)
  const spec: EncoderSpec = { kind: 'set', inputDim: layout.members * blockWidth(layout), outputDim, widths: [], activation: 'relu', bias: true }
  return {
    spec,
    variables: [w, b],
    names: ['w', 'b'],
    apply: (x) => denseLayer(poolMembers(x, layout), w as tf.Tensor2D, b as tf.Tensor1D, false, true)
  }
}
