import { beforeAll, describe, expect, it } from 'vitest'
import { initBackend, tf } from '../../../src-main/engine/learn/backend'
import { attentionBackward, attentionForward, fusedAttention } from '../../../src-main/engine/learn/attention'
import { buildEncoder } from '../../../src-main/engine/learn/encoders'
import { arrangeTokens, coversAllTimes, defaultTokenLayout, tokenDim, type TokenBasis } from '../../../src-main/engine/learn/tokens'
import { fourierWavenumbers } from '../../../src-main/engine/flows/fourier'

beforeAll(async () => {
  await initBackend('wasm')
})

/** A trajectory whose x coordinate is the record index and y = −index − 1 (tracer r adds 10,000 r). */
function indexTrajectory(tracers: number, times: number): Float64Array {
  const t = new Float64Array(tracers * times * 2)
  for (let r = 0; r < tracers; r++)
    for (let k = 0; k < times; k++) {
      t[(r * times + k) * 2] = k + 10_000 * r
      t[(r * times + k) * 2 + 1] = -k - 1 - 10_000 * r
    }
  return t
}

describe('time tokens (patch embedding over every recorded time, arXiv §6.3)', () => {
  it("the paper's 1000 records: 25 tokens of 40 consecutive times each, every time exactly once, in order", () => {
    const l = defaultTokenLayout(1, 1000, 25)
    expect(l).toEqual({ tracers: 1, times: 1000, tokens: 25, patch: 40 })
    expect(tokenDim(l)).toBe(80)
    const x = arrangeTokens(indexTrajectory(1, 1000), 1, l)
    const xs = Array.from({ length: 1000 }, (_, s) => x[s * 2])
    expect(xs).toEqual(Array.from({ length: 1000 }, (_, k) => k))
    expect(x[2 * 999 + 1]).toBe(-1000)
  })
  it('a record that the patch does not divide: all times covered, the last token padded with the final position', () => {
    const l = defaultTokenLayout(2, 103, 10) // patch 11 → 10 tokens = 110 slots
    expect(l.patch).toBe(11)
    expect(l.tokens).toBe(10)
    expect(coversAllTimes(l)).toBe(true)
    const x = arrangeTokens(indexTrajectory(2, 103), 1, l)
    const seen = new Set<number>()
    for (let s = 0; s < l.tokens * l.patch; s++) for (let r = 0; r < 2; r++) seen.add(x[s * 4 + r * 2])
    for (let k = 0; k < 103; k++) {
      expect(seen.has(k)).toBe(true)
      expect(seen.has(k + 10_000)).toBe(true)
    }
    expect(x[(l.tokens * l.patch - 1) * 4 + 2]).toBe(102 + 10_000) // padding repeats the last time of tracer 2
  })
  it('more tokens allowed than times: one time per token', () => {
    expect(defaultTokenLayout(1, 50, 100)).toEqual({ tracers: 1, times: 50, tokens: 50, patch: 1 })
  })
})

describe('basis tokens: velocity × the flow’s Fourier features, averaged per patch', () => {
  const times = Array.from({ length: 1000 }, (_, j) => (j + 1) * 1e-4)
  const basis: TokenBasis = { kind: 'fourier-velocity', modesPerSide: 7, omega: Array.from({ length: 49 }, (_, k) => 3 * k - 70), times }
  /** A straight path x = 0.75 + a t, y = 0.75 + b t: its central differences are exactly (a, b) at every record. */
  const line = (a: number, b: number) => Float64Array.from(times.flatMap((t) => [0.75 + a * t, 0.75 + b * t]))
  it("the paper's 1000 records in 10 tokens of 100: w, x and w·cos θ_k, w·sin θ_k (θ_k = ω_k t + 2π k·x) match their closed forms", () => {
    const l = defaultTokenLayout(1, 1000, 10, basis)
    expect([l.tokens, l.patch, tokenDim(l)]).toEqual([10, 100, 4 + 4 * 49])
    const [a, b] = [3, -2]
    const x = arrangeTokens(line(a, b), 1, l)
    const { kx, ky } = fourierWavenumbers(7)
    for (const tok of [0, 4, 9]) {
      const f = x.subarray(tok * tokenDim(l), (tok + 1) * tokenDim(l))
      const ts = times.slice(tok * 100, tok * 100 + 100)
      const mean = (g: (t: number) => number) => ts.reduce((s, t) => s + g(t), 0) / ts.length
      expect(f[0]).toBeCloseTo(a, 3)
      expect(f[1]).toBeCloseTo(b, 3)
      expect(f[2]).toBeCloseTo(mean((t) => 0.75 + a * t), 5)
      for (const k of [0, 24, 48]) {
        const theta = (t: number) => basis.omega[k] * t + 2 * Math.PI * (kx[k] * (0.75 + a * t) + ky[k] * (0.75 + b * t))
        expect(f[4 + 4 * k]).toBeCloseTo(a * mean((t) => Math.cos(theta(t))), 3)
        expect(f[4 + 4 * k + 1]).toBeCloseTo(a * mean((t) => Math.sin(theta(t))), 3)
        expect(f[4 + 4 * k + 3]).toBeCloseTo(b * mean((t) => Math.sin(theta(t))), 3)
      }
    }
  })
  it('every recorded time lands in exactly one token: moving record j moves only token ⌊j / patch⌋ (also with a ragged last patch)', () => {
    for (const [T, maxTokens] of [[1000, 10], [103, 10]]) {
      const l = defaultTokenLayout(1, T, maxTokens, { kind: 'fourier-velocity', modesPerSide: 1, omega: [5], times: times.slice(0, T) }) // one mode: fast
      expect(coversAllTimes(l)).toBe(true)
      const base = line(1, 1).subarray(0, 2 * T)
      const x0 = arrangeTokens(base, 1, l)
      const td = tokenDim(l)
      const hits = new Array<number>(l.tokens).fill(0)
      for (let j = 0; j < T; j++) {
        const moved = base.slice()
        moved[2 * j] += 0.01 // x of record j only
        const x1 = arrangeTokens(moved, 1, l)
        const changed = Array.from({ length: l.tokens }, (_, tok) => Math.abs(x1[tok * td + 2] - x0[tok * td + 2]) > 1e-7)
        const tok = Math.floor(j / l.patch)
        expect(changed.map((c, i) => (c ? i : -1)).filter((i) => i >= 0)).toEqual([tok])
        expect(x1[tok * td + 2] - x0[tok * td + 2]).toBeCloseTo(0.01 / Math.min(l.patch, T - tok * l.patch), 6)
        hits[tok]++
      }
      expect(hits.reduce((s, h) => s + h, 0)).toBe(T)
    }
  })
})

describe('fused attention', () => {
  const [B, T, d] = [3, 5, 4]
  let qkv: tf.Tensor2D
  let dy: tf.Tensor2D
  beforeAll(() => {
    qkv = tf.randomNormal([B * T, 3 * d], 0, 1, 'float32', 7) as tf.Tensor2D
    dy = tf.randomNormal([B * T, d], 0, 1, 'float32', 8) as tf.Tensor2D
  })
  /** Reference attention from tfjs ops. */
  const reference = (a: tf.Tensor2D) => {
    const [q, k, v] = tf.split(a, 3, 1).map((t) => tf.reshape(t, [B, T, d]) as tf.Tensor3D)
    const p = tf.softmax(tf.div(tf.matMul(q, k, false, true), Math.sqrt(d)))
    return tf.reshape(tf.matMul(p as tf.Tensor3D, v), [B * T, d])
  }
  it('matches softmax(q kᵀ/√d) v and its gradient', () => {
    const maxDiff = (a: tf.Tensor, b: tf.Tensor) => tf.max(tf.abs(tf.sub(a, b))).dataSync()[0]
    expect(maxDiff(fusedAttention(qkv, B, T), reference(qkv))).toBeLessThan(1e-5)
    const g = (f: (a: tf.Tensor2D) => tf.Tensor) => tf.grad((a: tf.Tensor) => tf.sum(tf.mul(f(a as tf.Tensor2D), dy)))(qkv)
    expect(maxDiff(g((a) => fusedAttention(a, B, T)), g(reference))).toBeLessThan(1e-5)
  })
  it('attention rows are probabilities and uniform when q = 0', () => {
    const x = new Float32Array(B * T * 3 * d).fill(0)
    for (let i = 0; i < B * T; i++) for (let c = 0; c < d; c++) x[i * 3 * d + 2 * d + c] = i % T // v = token index
    const { out, probs } = attentionForward(x, B, T, d)
    for (let i = 0; i < B * T; i++) {
      expect(probs.subarray(i * T, (i + 1) * T).reduce((a, b) => a + b, 0)).toBeCloseTo(1, 6)
      expect(out[i * d]).toBeCloseTo((T - 1) / 2, 5)
    }
    expect(attentionBackward(x, probs, new Float32Array(B * T * d), B, T, d).every((v) => v === 0)).toBe(true)
  })
  it('the encoder stacks M blocks, pools the last token or the mean, and gives different outputs for the two', () => {
    const spec = (blocks: number, pooling: 'last' | 'mean') => ({ kind: 'sequence' as const, inputDim: 6 * 8, outputDim: 5, widths: [], activation: 'relu' as const, bias: true, sequence: { tokens: 6, tokenDim: 8, model: 16, blocks, pooling } })
    const three = buildEncoder(spec(3, 'last'), 1)
    expect(three.names.filter((n) => n.endsWith('qkv_w'))).toEqual(['qkv_w', 'b1_qkv_w', 'b2_qkv_w'])
    const x = tf.randomNormal([4, 48], 0, 1, 'float32', 3) as tf.Tensor2D
    const last = buildEncoder(spec(1, 'last'), 1).apply(x)
    const mean = buildEncoder(spec(1, 'mean'), 1).apply(x)
    expect(last.shape).toEqual([4, 5])
    expect(tf.max(tf.abs(tf.sub(last, mean))).dataSync()[0]).toBeGreaterThan(1e-3)
  })
})
