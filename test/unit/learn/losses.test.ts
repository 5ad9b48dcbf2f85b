import { beforeAll, describe, expect, it } from 'vitest'
import { initBackend, tf } from '../../../src-main/engine/learn/backend'
import { condLoss, jointLoss, lossWeights, mmdLoss } from '../../../src-main/engine/learn/losses'
import { logitMatrix, logitsJs, scoreMatrix, temperatureOf, temperatureVariable } from '../../../src-main/engine/learn/similarity'

beforeAll(async () => {
  await initBackend('wasm')
})

const val = (t: tf.Scalar) => t.dataSync()[0]
const m = (rows: number[][]) => tf.tensor2d(rows)

describe('conditional loss', () => {
  it('is log B at zero similarity, for every weighting with λu + λv = 2', () => {
    const S = tf.zeros([5, 5]) as tf.Tensor2D
    expect(val(condLoss(S, 1, 1))).toBeCloseTo(Math.log(5), 5)
    expect(val(condLoss(S, 2, 0))).toBeCloseTo(Math.log(5), 5)
    expect(val(condLoss(S, 0, 2))).toBeCloseTo(Math.log(5), 5)
  })
  it('matches a hand computation on the identity logits: log(1 + e) − 1', () => {
    expect(val(condLoss(m([[1, 0], [0, 1]]), 1, 1))).toBeCloseTo(Math.log(1 + Math.E) - 1, 5)
  })
  it('normalises over the u index (columns) for u|v and over v (rows) for v|u', () => {
    const S = m([[2, 0], [1, 0]]) // S[i][j] = s(u_i, v_j)
    const e = Math.exp
    const uGivenV = -0.5 * (2 - Math.log(e(2) + e(1)) + (0 - Math.log(2)))
    const vGivenU = -0.5 * (2 - Math.log(e(2) + 1) + (0 - Math.log(e(1) + 1)))
    expect(val(condLoss(S, 2, 0))).toBeCloseTo(uGivenV, 5)
    expect(val(condLoss(S, 0, 2))).toBeCloseTo(vGivenU, 5)
    expect(val(condLoss(S, 1, 1))).toBeCloseTo((uGivenV + vGivenU) / 2, 5)
    expect(Math.abs(uGivenV - vGivenU)).toBeGreaterThan(0.05)
  })
  it('has the gradient of the taped formula (fused op with a written-out gradient)', () => {
    const ref = (S: tf.Tensor2D, lu: number, lv: number) => {
      const d = tf.mean(tf.sum(tf.mul(S, tf.eye(S.shape[0])), 1))
      return tf.add(tf.mul(lu / 2, tf.sub(tf.mean(tf.logSumExp(S, 0)), d)), tf.mul(lv / 2, tf.sub(tf.mean(tf.logSumExp(S, 1)), d))) as tf.Scalar
    }
    const S = tf.mul(tf.randomNormal([9, 9], 0, 1, 'float32', 3), 3) as tf.Tensor2D
    for (const [lu, lv] of [[1, 1], [2, 0], [0, 2], [0.5, 3]]) {
      const a = tf.valueAndGrad((x: tf.Tensor) => ref(x as tf.Tensor2D, lu, lv))(S)
      const b = tf.valueAndGrad((x: tf.Tensor) => condLoss(x as tf.Tensor2D, lu, lv))(S)
      expect(b.value.dataSync()[0]).toBeCloseTo(a.value.dataSync()[0], 5)
      expect(tf.max(tf.abs(tf.sub(a.grad, b.grad))).dataSync()[0]).toBeLessThan(1e-6)
    }
  })
  it('uses the paper weights per loss name', () => {
    expect(lossWeights({ loss: 'cond' })).toEqual([1, 1])
    expect(lossWeights({ loss: 'cond-u' })).toEqual([2, 0])
    expect(lossWeights({ loss: 'cond-v' })).toEqual([0, 2])
    expect(lossWeights({ loss: 'cond', lambdaU: 3 })).toEqual([3, 1])
  })
})

describe('joint loss', () => {
  it('is 0 at zero similarity', () => {
    expect(val(jointLoss(tf.zeros([4, 4]) as tf.Tensor2D))).toBeCloseTo(0, 6)
  })
  it('uses only the off-diagonal pairs as the product-of-marginals sample', () => {
    const rows = [[1, 0.5, -1], [2, 0, 0.3], [-0.5, 1.5, 3]]
    let off = 0
    for (let i = 0; i < 3; i++) for (let j = 0; j < 3; j++) if (i !== j) off += Math.exp(rows[i][j])
    const expected = -(1 + 0 + 3) / 3 + Math.log(off / 6)
    expect(val(jointLoss(m(rows)))).toBeCloseTo(expected, 5)
  })
})

describe('MMD conditional loss', () => {
  // direct transcription of the U-statistic (arXiv 2505.24134 Appendix B, Example B.1) for the u|v side
  function direct(S: number[][], K: number[][]): number {
    const B = S.length
    let total = 0
    for (let i = 0; i < B; i++) {
      const w = S.map((row, k) => (k === i ? 0 : Math.exp(row[i])))
      const z = w.reduce((a, b) => a + b, 0)
      const q = w.map((x) => x / z)
      let quad = 0
      let cross = 0
      for (let j = 0; j < B; j++) {
        cross += K[i][j] * q[j]
        for (let k = 0; k < B; k++) if (j !== k) quad += K[j][k] * q[j] * q[k]
      }
      total += 0.5 * ((B - 1) / (B - 2)) * quad - cross
    }
    return total / B
  }
  const S = [[0.3, -1, 2, 0], [1, 0.2, -0.4, 0.8], [0, 1.1, 0.5, -2], [0.7, 0.1, 0.9, 1.3]]
  const K = [[1, 0.2, 0.5, 0.1], [0.2, 1, 0.3, 0.6], [0.5, 0.3, 1, 0.4], [0.1, 0.6, 0.4, 1]]
  it('matches a direct transcription of the U-statistic on both sides', () => {
    const St = S[0].map((_, j) => S.map((r) => r[j]))
    expect(val(mmdLoss(m(S), m(K), m(K), 1, 0))).toBeCloseTo(direct(S, K), 5)
    expect(val(mmdLoss(m(S), m(K), m(K), 0, 1))).toBeCloseTo(direct(St, K), 5)
    expect(Math.abs(direct(S, K) - direct(St, K))).toBeGreaterThan(1e-3)
  })
  it('is −½ for a constant kernel and uniform weights', () => {
    const ones = tf.ones([5, 5]) as tf.Tensor2D
    expect(val(mmdLoss(tf.zeros([5, 5]) as tf.Tensor2D, ones, ones, 1, 0))).toBeCloseTo(-0.5, 5)
  })
})

describe('similarity', () => {
  const zu = [[1, 0], [3, 4]]
  const zv = [[0, 2], [1, 1]]
  it('computes cosine, dot and l2 scores by hand', () => {
    expect(Array.from(scoreMatrix(m(zu), m(zv), 'dot').dataSync())).toEqual([0, 1, 8, 7])
    const cos = Array.from(scoreMatrix(m(zu), m(zv), 'cosine').dataSync())
    ;[0, Math.SQRT1_2, 0.8, 7 / (5 * Math.SQRT2)].forEach((c, i) => expect(cos[i]).toBeCloseTo(c, 5))
    const l2 = Array.from(scoreMatrix(m(zu), m(zv), 'l2').dataSync())
    ;[-2.5, -0.5, -6.5, -6.5].forEach((c, i) => expect(l2[i]).toBeCloseTo(c, 5))
  })
  it('agrees with the plain-JavaScript logits used for inference', () => {
    for (const metric of ['cosine', 'dot', 'l2'] as const) {
      const scale = temperatureVariable(0.5, false)
      const t = Array.from(logitMatrix(m(zu), m(zv), metric, scale).dataSync())
      const js = logitsJs(new Float32Array(zu.flat()), 2, new Float32Array(zv.flat()), 2, 2, metric, 0.5)
      t.forEach((x, i) => expect(x).toBeCloseTo(js[i], 4))
    }
  })
  it('sums every plain-JavaScript logit in k order, four bank rows at a time or one (the same bits as pair by pair)', () => {
    // pair by pair in float64, k order: what the blocked loop must reproduce exactly, at sizes with and without a tail
    const direct = (zu: Float32Array, nu: number, zv: Float32Array, nv: number, dim: number, metric: 'cosine' | 'dot' | 'l2', tau: number) => {
      const sq = (z: Float32Array, i: number) => { let s = 0; for (let k = 0; k < dim; k++) s += z[i * dim + k]! * z[i * dim + k]!; return s }
      const out: number[] = []
      for (let i = 0; i < nu; i++)
        for (let j = 0; j < nv; j++) {
          let d = 0
          for (let k = 0; k < dim; k++) d += zu[i * dim + k]! * zv[j * dim + k]!
          const s = metric === 'cosine' ? d / Math.sqrt((sq(zu, i) + 1e-12) * (sq(zv, j) + 1e-12)) : metric === 'dot' ? d : d - 0.5 * (sq(zu, i) + sq(zv, j))
          out.push(s / tau)
        }
      return out
    }
    let seed = 3
    const rand = (n: number) => Float32Array.from({ length: n }, () => ((seed = (seed * 16807) % 2147483647) / 2147483647) * 2 - 1)
    for (const [nu, nv, dim] of [[3, 4, 5], [2, 7, 3], [5, 3, 32], [1, 9, 1]] as const)
      for (const metric of ['cosine', 'dot', 'l2'] as const) {
        const zu = rand(nu * dim), zv = rand(nv * dim)
        expect(Array.from(logitsJs(zu, nu, zv, nv, dim, metric, 0.07))).toEqual(direct(zu, nu, zv, nv, dim, metric, 0.07))
      }
  })
  it('clamps the temperature like open_clip to [0.01, 1]', () => {
    expect(temperatureOf(temperatureVariable(0.001, true))).toBeCloseTo(0.01, 6)
    expect(temperatureOf(temperatureVariable(2, true))).toBeCloseTo(1, 6)
    expect(temperatureOf(temperatureVariable(0.07, true))).toBeCloseTo(0.07, 6)
  })
})
