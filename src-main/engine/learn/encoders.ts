/**
 * Encoders written with core ops and tf.variable (so every product uses the fast-gradient dense op):
 * identity, linear, MLP, and a small transformer over time tokens for trajectories.
 */
import { tf } from './backend'
import { fusedAttention } from './attention'
import { denseFast, denseInput, denseLayer, mlp } from './dense'
import { normalRng } from './random'
import { choleskyLower, solveLower, solveLowerTranspose } from '../assimilate/posterior/gaussian'

export type Activation = 'relu' | 'gelu' | 'tanh'
export type EncoderKind = 'identity' | 'linear' | 'mlp' | 'sequence'

/** Token layout of the sequence encoder: tokens × tokenDim features per item (see tokens.ts). */
export interface SequenceSpec {
  tokens: number
  tokenDim: number
  model: number
  /** Transformer blocks M (absent in models saved before blocks were configurable: one block, no final norm). */
  blocks?: number
  /** Pooling P: the last token (the paper's §6.3) or the mean over tokens (default of older models). */
  pooling?: 'last' | 'mean'
  /**
   * Add a linear read-out of the mean input token beside the transformer (weights `lin_w`, `lin_b`, zero at build;
   * ridgeReadout sets them to the least-squares map): for basis tokens this is the linear estimate of the coefficients,
   * and the transformer learns the correction. Absent in older models.
   */
  linearReadout?: boolean
}

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
    // relu: the whole MLP as one op (dense.ts mlp); other activations layer by layer
    const whole = layers.map((l) => ({ w: l.w as tf.Tensor2D, b: l.b as tf.Tensor1D }))
    const apply = (x: tf.Tensor2D) => {
      if (spec.activation === 'relu') return mlp(x, whole, true, true)
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
 * A pre-norm transformer over time tokens (arXiv 2505.24134 §6.3: g = P ∘ A_M ∘ … ∘ A_1 ∘ L): a linear patch
 * embedding L plus a learned positional embedding (a plain variable: wasm has no gather gradient), M residual
 * blocks A_k (single-head attention, fused: attention.ts, + MLP, each after a layer norm), a final layer norm, then pooling P — the last
 * token (the paper's choice) or the mean over tokens — and a linear head. Block 0 keeps its unprefixed weight
 * names, so models saved with one block load unchanged.
 */
function buildSequence(spec: EncoderSpec, p: Params): Encoder {
  const seq = spec.sequence
  if (!seq) throw new Error('sequence encoder needs a token layout')
  const { tokens: T, tokenDim, model: d } = seq
  const nBlocks = seq.blocks ?? 1
  const pooling = seq.pooling ?? 'mean'
  const embed = { w: p.weight('embed_w', tokenDim, d), b: p.zeros('embed_b', [d]) }
  const pos = p.weight('pos', T, d, 0.1)
  const blocks = Array.from({ length: nBlocks }, (_, k) => {
    const n = (name: string) => (k === 0 ? name : `b${k}_${name}`)
    return {
      ln1: { g: p.ones(n('ln1_g'), [d]), b: p.zeros(n('ln1_b'), [d]) },
      qkv: { w: p.weight(n('qkv_w'), d, 3 * d), b: p.zeros(n('qkv_b'), [3 * d]) },
      proj: { w: p.weight(n('proj_w'), d, d, 0.5), b: p.zeros(n('proj_b'), [d]) },
      ln2: { g: p.ones(n('ln2_g'), [d]), b: p.zeros(n('ln2_b'), [d]) },
      mlp1: { w: p.weight(n('mlp1_w'), d, 2 * d), b: p.zeros(n('mlp1_b'), [2 * d]) },
      mlp2: { w: p.weight(n('mlp2_w'), 2 * d, d, 0.5), b: p.zeros(n('mlp2_b'), [d]) }
    }
  })
  const lnOut = seq.blocks === undefined ? undefined : { g: p.ones('lnf_g', [d]), b: p.zeros('lnf_b', [d]) }
  const head = { w: p.weight('head_w', d, spec.outputDim), b: p.zeros('head_b', [spec.outputDim]) }
  const lin = seq.linearReadout ? { w: p.zeros('lin_w', [tokenDim, spec.outputDim]), b: p.zeros('lin_b', [spec.outputDim]) } : undefined
  const apply = (x: tf.Tensor2D): tf.Tensor2D => {
    const B = x.shape[0]
    const tok = tf.reshape(x, [B * T, tokenDim]) as tf.Tensor2D
    let h = tf.reshape(tf.add(tf.reshape(affine(tok, embed.w, embed.b, true), [B, T, d]), pos), [B * T, d]) as tf.Tensor2D
    for (const blk of blocks) {
      const mixed = fusedAttention(affine(layerNorm(h, blk.ln1.g, blk.ln1.b), blk.qkv.w, blk.qkv.b), B, T)
      h = tf.add(h, affine(mixed, blk.proj.w, blk.proj.b))
      h = tf.add(h, affine(affine(layerNorm(h, blk.ln2.g, blk.ln2.b), blk.mlp1.w, blk.mlp1.b, false, true), blk.mlp2.w, blk.mlp2.b))
    }
    const h3 = tf.reshape(h, [B, T, d]) as tf.Tensor3D
    let pooled = (pooling === 'last' ? tf.reshape(tf.slice(h3, [0, T - 1, 0], [B, 1, d]), [B, d]) : tf.mean(h3, 1)) as tf.Tensor2D
    if (lnOut) pooled = layerNorm(pooled, lnOut.g, lnOut.b)
    const out = affine(pooled, head.w, head.b)
    if (!lin) return out
    const meanToken = tf.mean(tf.reshape(x, [B, T, tokenDim]), 1) as tf.Tensor2D
    return tf.add(out, affine(meanToken, lin.w, lin.b, true))
  }
  return { spec, variables: p.variables, names: p.names, apply }
}

/**
 * Least-squares map from the mean token of `x` (rows `rows` of n × tokens × tokenDim) to the targets `y` (n × outputDim):
 * W = (MᵀM + λI)⁻¹ Mᵀ Y with a bias column, λ = 1e-6 × mean diagonal (only to keep the solve well posed). Returns
 * [w (tokenDim × outputDim), b (outputDim)] as the sequence encoder's `lin_w`, `lin_b`.
 */
export function ridgeReadout(x: Float32Array, y: Float32Array, rows: ArrayLike<number>, tokens: number, tokenDim: number, outputDim: number): [Float32Array, Float32Array] {
  const F = tokenDim + 1
  const D = outputDim
  if (rows.length === 0) return [new Float32Array(tokenDim * D), new Float32Array(D)] // nothing to fit: the read-out stays zero
  const G = new Float64Array(F * F)
  const R = new Float64Array(F * D)
  const m = new Float64Array(F)
  const width = tokens * tokenDim
  for (let r = 0; r < rows.length; r++) {
    const i = rows[r]
    m.fill(0)
    m[tokenDim] = 1
    for (let t = 0; t < tokens; t++) for (let f = 0; f < tokenDim; f++) m[f] += x[i * width + t * tokenDim + f] / tokens
    for (let a = 0; a < F; a++) {
      if (m[a] === 0) continue
      for (let b = 0; b < F; b++) G[a * F + b] += m[a] * m[b]
      for (let c = 0; c < D; c++) R[a * D + c] += m[a] * y[i * D + c]
    }
  }
  let trace = 0
  for (let a = 0; a < F; a++) trace += G[a * F + a]
  for (let a = 0; a < F; a++) G[a * F + a] += (1e-6 * trace) / F
  // G is symmetric positive definite (the ridge and the bias column's n > 0): one Cholesky, two triangular solves per target column
  const L = choleskyLower(G, F)
  const W = new Float64Array(F * D)
  const z = new Float64Array(F)
  for (let c = 0; c < D; c++) {
    for (let i = 0; i < F; i++) z[i] = R[i * D + c]
    solveLower(L, F, z)
    solveLowerTranspose(L, F, z)
    for (let i = 0; i < F; i++) W[i * D + c] = z[i]
  }
  return [Float32Array.from(W.subarray(0, tokenDim * D)), Float32Array.from(W.subarray(tokenDim * D))]
}
