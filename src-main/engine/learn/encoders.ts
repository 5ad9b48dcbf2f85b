/**
 * Encoders written with core ops and tf.variable (so every product uses the fast-gradient dense op):
 * identity, linear, MLP, and a small transformer over time tokens for trajectories.
 */
import { tf } from './backend'
import { batchMatMulFast, denseFast, denseInput, denseLayer } from './dense'
import { normalRng } from './random'

export type Activation = 'relu' | 'gelu' | 'tanh'
export type EncoderKind = 'identity' | 'linear' | 'mlp' | 'sequence'

/** Token layout of the sequence encoder: tokens × tokenDim features per item (see tokens.ts). */
export interface SequenceSpec { tokens: number; tokenDim: number; model: number }

export interface EncoderSpec {
  kind: EncoderKind
  inputDim: number
  outputDim: number
  /** Hidden widths (mlp) — ignored otherwise. */
  widths: number[]
  activation: Activation
  /** Linear encoders without bias for the centred Gaussian analysis (paper eq. 38). */
  bias: boolean
  sequence?: SequenceSpec
}

export interface Encoder {
  readonly spec: EncoderSpec
  /** Trainable weights in a fixed order (saved in this order, with `names`). */
  readonly variables: tf.Variable[]
  readonly names: string[]
  apply(x: tf.Tensor2D): tf.Tensor2D
}

function activate(x: tf.Tensor2D, a: Activation): tf.Tensor2D {
  if (a === 'relu') return tf.relu(x)
  if (a === 'tanh') return tf.tanh(x)
  return tf.mul(tf.mul(x, 0.5), tf.add(1, tf.erf(tf.mul(x, Math.SQRT1_2)))) // erf-GELU
}

class Params {
  readonly variables: tf.Variable[] = []
  readonly names: string[] = []
  constructor(private readonly rand: () => number) {}
  /** Glorot-normal weights [fanIn, fanOut]. */
  weight(name: string, fanIn: number, fanOut: number, scale = 1): tf.Variable {
    const std = scale * Math.sqrt(2 / (fanIn + fanOut))
    const values = new Float32Array(fanIn * fanOut)
    for (let i = 0; i < values.length; i++) values[i] = std * this.rand()
    return this.add(name, tf.tensor2d(values, [fanIn, fanOut]))
  }
  zeros(name: string, shape: number[]): tf.Variable {
    return this.add(name, tf.zeros(shape))
  }
  ones(name: string, shape: number[]): tf.Variable {
    return this.add(name, tf.ones(shape))
  }
  private add(name: string, t: tf.Tensor): tf.Variable {
    const v = tf.variable(t, true)
    t.dispose()
    this.variables.push(v)
    this.names.push(name)
    return v
  }
}

/** x·w + b (optionally relu); `input` marks a data input whose gradient is not needed. */
function affine(x: tf.Tensor2D, w: tf.Variable, b?: tf.Variable, input = false, relu = false): tf.Tensor2D {
  if (b) return denseLayer(x, w as tf.Tensor2D, b as tf.Tensor1D, relu, input)
  const y = input ? denseInput(x, w as tf.Tensor2D) : denseFast(x, w as tf.Tensor2D)
  return relu ? tf.relu(y) : y
}

/** Layer normalisation over the last axis (moments-based; its gradient works on wasm). */
function layerNorm(x: tf.Tensor2D, gain: tf.Variable, shift: tf.Variable): tf.Tensor2D {
  const { mean, variance } = tf.moments(x, -1, true)
  return tf.add(tf.mul(tf.div(tf.sub(x, mean), tf.sqrt(tf.add(variance, 1e-5))), gain), shift)
}

/** Build an encoder with seeded initial weights. */
export function buildEncoder(spec: EncoderSpec, seed: number): Encoder {
  const p = new Params(normalRng(seed))
  if (spec.kind === 'identity') {
    if (spec.inputDim !== spec.outputDim) throw new Error(`identity encoder needs dim = input size (${spec.inputDim}), got ${spec.outputDim}`)
    return { spec, variables: [], names: [], apply: (x) => x }
  }
  if (spec.kind === 'linear') {
    const w = p.weight('w', spec.inputDim, spec.outputDim)
    const b = spec.bias ? p.zeros('b', [spec.outputDim]) : undefined
    return { spec, variables: p.variables, names: p.names, apply: (x) => affine(x, w, b, true) }
  }
  if (spec.kind === 'mlp') {
    const sizes = [spec.inputDim, ...spec.widths, spec.outputDim]
    const layers = sizes.slice(1).map((out, i) => ({ w: p.weight(`w${i}`, sizes[i], out), b: p.zeros(`b${i}`, [out]) }))
    const apply = (x: tf.Tensor2D) => {
      let h = x
      layers.forEach((l, i) => {
        const hidden = i < layers.length - 1
        const fusedRelu = hidden && spec.activation === 'relu'
        h = affine(h, l.w, l.b, i === 0, fusedRelu)
        if (hidden && !fusedRelu) h = activate(h, spec.activation)
      })
      return h
    }
    return { spec, variables: p.variables, names: p.names, apply }
  }
  return buildSequence(spec, p)
}

/**
 * One pre-norm transformer block (single-head attention + MLP) over tokens, mean-pooled, then a linear
 * head. Tokens are patches of consecutive recorded times (laid out by tokens.ts); a learned positional
 * embedding is added (a plain variable: wasm has no gather gradient).
 */
function buildSequence(spec: EncoderSpec, p: Params): Encoder {
  const seq = spec.sequence
  if (!seq) throw new Error('sequence encoder needs a token layout')
  const { tokens: T, tokenDim, model: d } = seq
  const embed = { w: p.weight('embed_w', tokenDim, d), b: p.zeros('embed_b', [d]) }
  const pos = p.weight('pos', T, d, 0.1)
  const ln1 = { g: p.ones('ln1_g', [d]), b: p.zeros('ln1_b', [d]) }
  const qkv = { w: p.weight('qkv_w', d, 3 * d), b: p.zeros('qkv_b', [3 * d]) }
  const proj = { w: p.weight('proj_w', d, d, 0.5), b: p.zeros('proj_b', [d]) }
  const ln2 = { g: p.ones('ln2_g', [d]), b: p.zeros('ln2_b', [d]) }
  const mlp1 = { w: p.weight('mlp1_w', d, 2 * d), b: p.zeros('mlp1_b', [2 * d]) }
  const mlp2 = { w: p.weight('mlp2_w', 2 * d, d, 0.5), b: p.zeros('mlp2_b', [d]) }
  const head = { w: p.weight('head_w', d, spec.outputDim), b: p.zeros('head_b', [spec.outputDim]) }
  const apply = (x: tf.Tensor2D): tf.Tensor2D => {
    const B = x.shape[0]
    const tok = tf.reshape(x, [B * T, tokenDim]) as tf.Tensor2D
    let h = tf.reshape(tf.add(tf.reshape(affine(tok, embed.w, embed.b, true), [B, T, d]), pos), [B * T, d]) as tf.Tensor2D
    const a = affine(layerNorm(h, ln1.g, ln1.b), qkv.w, qkv.b)
    const [q, k, v] = tf.split(a, 3, 1).map((t) => tf.reshape(t, [B, T, d]) as tf.Tensor3D)
    const att = tf.softmax(tf.mul(batchMatMulFast(q, tf.transpose(k, [0, 2, 1])), 1 / Math.sqrt(d)))
    const mixed = tf.reshape(batchMatMulFast(att as tf.Tensor3D, v), [B * T, d]) as tf.Tensor2D
    h = tf.add(h, affine(mixed, proj.w, proj.b))
    h = tf.add(h, affine(affine(layerNorm(h, ln2.g, ln2.b), mlp1.w, mlp1.b, false, true), mlp2.w, mlp2.b))
    const pooled = tf.mean(tf.reshape(h, [B, T, d]), 1) as tf.Tensor2D
    return affine(pooled, head.w, head.b)
  }
  return { spec, variables: p.variables, names: p.names, apply }
}
