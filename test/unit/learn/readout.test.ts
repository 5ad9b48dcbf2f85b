import { beforeAll, describe, expect, it } from 'vitest'
import { initBackend, tf } from '../../../src-main/engine/learn/backend'
import { buildEncoder, ridgeReadout, type EncoderSpec } from '../../../src-main/engine/learn/encoders'
import { normalRng } from '../../../src-main/engine/learn/random'

beforeAll(async () => {
  await initBackend('wasm')
})

const T = 3, td = 4, out = 2
const spec = (linearReadout: boolean): EncoderSpec => ({ kind: 'sequence', inputDim: T * td, outputDim: out, widths: [], activation: 'relu', bias: true, sequence: { tokens: T, tokenDim: td, model: 8, blocks: 1, pooling: 'mean', linearReadout } })

describe('linear read-out of the mean token beside the transformer', () => {
  it('recovers an exact linear map of the mean token (with bias) by least squares', () => {
    const n = 40
    const rand = normalRng(3)
    const x = Float32Array.from({ length: n * T * td }, () => rand())
    const W = [[1, -2], [0.5, 0], [0, 3], [-1, 1]]
    const b = [0.25, -0.5]
    const y = new Float32Array(n * out)
    for (let i = 0; i < n; i++)
      for (let c = 0; c < out; c++) {
        let s = b[c]
        for (let f = 0; f < td; f++) {
          let m = 0
          for (let t = 0; t < T; t++) m += x[i * T * td + t * td + f] / T
          s += m * W[f][c]
        }
        y[i * out + c] = s
      }
    const [w, bias] = ridgeReadout(x, y, Array.from({ length: n }, (_, i) => i), T, td, out)
    for (let f = 0; f < td; f++) for (let c = 0; c < out; c++) expect(w[f * out + c]).toBeCloseTo(W[f][c], 3)
    expect(bias[0]).toBeCloseTo(b[0], 3)
    expect(bias[1]).toBeCloseTo(b[1], 3)
  })

  it('adds mean-token · lin_w + lin_b to the same transformer (zero at build, so the same output)', () => {
    const plain = buildEncoder(spec(false), 5)
    const withLin = buildEncoder(spec(true), 5)
    expect(withLin.names.slice(-2)).toEqual(['lin_w', 'lin_b'])
    const x = tf.tensor2d([[1, 2, 3, 4, 0, 0, 0, 0, 2, 1, 0, -1], [0, 1, 0, 1, 1, 0, 1, 0, -3, 0, 0, 3]])
    const a = plain.apply(x).arraySync()
    expect(withLin.apply(x).arraySync()).toEqual(a)
    withLin.variables[withLin.names.indexOf('lin_w')].assign(tf.tensor2d([[1, 0], [0, 1], [0, 0], [2, 0]]))
    withLin.variables[withLin.names.indexOf('lin_b')].assign(tf.tensor1d([0.5, 0]))
    const d = withLin.apply(x).arraySync()
    // mean tokens: [1, 1, 1, 1] and [-2/3, 1/3, 1/3, 4/3] → [1 + 2 + 0.5, 1] and [−2/3 + 8/3 + 0.5, 1/3]
    const expected = [[3.5, 1], [2.5, 1 / 3]]
    for (let i = 0; i < 2; i++) for (let c = 0; c < out; c++) expect(d[i][c] - a[i][c]).toBeCloseTo(expected[i][c], 5)
  })
})
