import { beforeAll, describe, expect, it } from 'vitest'
import { initBackend, tf } from '../../../src-main/engine/learn/backend'
import { batchMatMulFast, denseFast, denseInput, denseLayer, normalizeRows } from '../../../src-main/engine/learn/dense'
import { l2Normalize } from '../../../src-main/engine/learn/similarity'

beforeAll(async () => {
  await initBackend('wasm')
})

const maxDiff = (a: tf.Tensor, b: tf.Tensor) => tf.max(tf.abs(tf.sub(a, b))).dataSync()[0]

describe('fast-gradient matrix products agree with tfjs built-ins', () => {
  let x: tf.Tensor2D, w: tf.Tensor2D, b: tf.Tensor1D, up: tf.Tensor
  beforeAll(() => {
    x = tf.randomNormal([7, 5], 0, 1, 'float32', 1)
    w = tf.randomNormal([5, 3], 0, 1, 'float32', 2)
    b = tf.randomNormal([3], 0, 1, 'float32', 3)
    up = tf.randomNormal([7, 3], 0, 1, 'float32', 4) // a fixed upstream gradient
  })
  it('denseFast: value and both gradients', () => {
    const [gx, gw] = tf.grads((a: tf.Tensor, c: tf.Tensor) => tf.sum(tf.mul(denseFast(a as tf.Tensor2D, c as tf.Tensor2D), up)))([x, w])
    const [rx, rw] = tf.grads((a: tf.Tensor, c: tf.Tensor) => tf.sum(tf.mul(tf.matMul(a, c), up)))([x, w])
    expect(maxDiff(denseFast(x, w), tf.matMul(x, w))).toBeLessThan(1e-6)
    expect(maxDiff(gx, rx)).toBeLessThan(1e-5)
    expect(maxDiff(gw, rw)).toBeLessThan(1e-5)
  })
  it('denseLayer (fused bias + relu) and denseInput: weight and bias gradients', () => {
    for (const relu of [false, true]) {
      const ref = (a: tf.Tensor, c: tf.Tensor, d: tf.Tensor) => {
        const y = tf.add(tf.matMul(a, c), d)
        return tf.sum(tf.mul(relu ? tf.relu(y) : y, up))
      }
      const fast = (a: tf.Tensor, c: tf.Tensor, d: tf.Tensor) => tf.sum(tf.mul(denseLayer(a as tf.Tensor2D, c as tf.Tensor2D, d as tf.Tensor1D, relu, false), up))
      const r = tf.grads(ref)([x, w, b])
      const f = tf.grads(fast)([x, w, b])
      r.forEach((g, i) => expect(maxDiff(f[i], g)).toBeLessThan(1e-5))
    }
    const [, gw] = tf.grads((a: tf.Tensor, c: tf.Tensor) => tf.sum(tf.mul(denseInput(a as tf.Tensor2D, c as tf.Tensor2D), up)))([x, w])
    const [, rw] = tf.grads((a: tf.Tensor, c: tf.Tensor) => tf.sum(tf.mul(tf.matMul(a, c), up)))([x, w])
    expect(maxDiff(gw, rw)).toBeLessThan(1e-5)
  })
  it('batchMatMulFast: value and both gradients', () => {
    const a = tf.randomNormal([2, 4, 3], 0, 1, 'float32', 5) as tf.Tensor3D
    const c = tf.randomNormal([2, 3, 6], 0, 1, 'float32', 6) as tf.Tensor3D
    const u = tf.randomNormal([2, 4, 6], 0, 1, 'float32', 7)
    const f = tf.grads((p: tf.Tensor, q: tf.Tensor) => tf.sum(tf.mul(batchMatMulFast(p as tf.Tensor3D, q as tf.Tensor3D), u)))([a, c])
    const r = tf.grads((p: tf.Tensor, q: tf.Tensor) => tf.sum(tf.mul(tf.matMul(p, q), u)))([a, c])
    expect(maxDiff(batchMatMulFast(a, c), tf.matMul(a, c))).toBeLessThan(1e-6)
    r.forEach((g, i) => expect(maxDiff(f[i], g)).toBeLessThan(1e-5))
  })
})

describe('normalizeRows (l2Normalize as one op)', () => {
  it('gives the taped form\'s unit rows and gradient within float32 rounding, and a finite gradient at a zero row', () => {
    const z = tf.concat([tf.randomNormal([6, 5], 0, 3, 'float32', 7), tf.zeros([1, 5])]) as tf.Tensor2D
    const up = tf.randomNormal([7, 5], 0, 1, 'float32', 8)
    const y = normalizeRows(z)
    expect(maxDiff(y, l2Normalize(z))).toBeLessThan(1e-6)
    expect(Array.from(tf.sum(tf.square(y), 1).dataSync()).slice(0, 6).every((n) => Math.abs(n - 1) < 1e-6)).toBe(true)
    const g = tf.grad((a: tf.Tensor) => tf.sum(tf.mul(normalizeRows(a as tf.Tensor2D), up)))(z)
    const ref = tf.grad((a: tf.Tensor) => tf.sum(tf.mul(l2Normalize(a as tf.Tensor2D), up)))(z)
    expect(tf.max(tf.abs(ref)).dataSync()[0]).toBeGreaterThan(0.1)
    expect(maxDiff(g, ref) / tf.max(tf.abs(ref)).dataSync()[0]!).toBeLessThan(1e-6)
    // the zero row: y = 0 and dz = dy / √1e-12, finite, as the taped form gives
    expect(Array.from(g.dataSync().slice(30))).toEqual(Array.from(ref.dataSync().slice(30)))
  })
})
