import { beforeAll, describe, expect, it } from 'vitest'
import { initBackend, tf } from '../../../src-main/engine/learn/backend'
import { WeightAverage, decayForSpan } from '../../../src-main/engine/reproduce/ema'

beforeAll(async () => {
  await initBackend('wasm')
})

describe('weight average for evaluation', () => {
  it('is the debiased exponential average of the iterates, computed by hand', () => {
    const v = tf.variable(tf.tensor1d([0, 0]))
    const avg = new WeightAverage([v], 0.5)
    const iterates = [[1, 10], [3, 20], [5, 40]]
    for (const w of iterates) {
      v.assign(tf.tensor1d(w))
      avg.update()
    }
    // weights 0.25·w1 + 0.5·w2 + 1·w3 (∝ d^{t−s}) over their sum 1.75: the same as Σ(1−d)d^{t−s}w_s / (1 − d³)
    const expected = [(0.25 * 1 + 0.5 * 3 + 5) / 1.75, (0.25 * 10 + 0.5 * 20 + 40) / 1.75]
    const a = avg.average(0)
    expect(a[0]).toBeCloseTo(expected[0], 5)
    expect(a[1]).toBeCloseTo(expected[1], 5)
    v.dispose()
  })

  it('returns the only iterate after one update, and decay 0 follows the last one', () => {
    const v = tf.variable(tf.tensor2d([[2, -1]]))
    const one = new WeightAverage([v], 0.99)
    one.update()
    expect(Array.from(one.average(0))).toEqual([2, -1])
    const last = new WeightAverage([v], 0)
    last.update()
    v.assign(tf.tensor2d([[7, 8]]))
    last.update()
    expect(Array.from(last.average(0))).toEqual([7, 8])
    v.dispose()
  })

  it('swaps the average in for evaluation and the raw weights back, also when the evaluation throws', () => {
    const v = tf.variable(tf.tensor1d([1]))
    const avg = new WeightAverage([v], 0.5)
    avg.update()
    v.assign(tf.tensor1d([3]))
    avg.update() // average (0.5·1 + 3) / 1.5
    const seen = avg.withAverage(tf, () => v.dataSync()[0])
    expect(seen).toBeCloseTo(3.5 / 1.5, 6)
    expect(v.dataSync()[0]).toBe(3)
    expect(() => avg.withAverage(tf, () => { throw new Error('boom') })).toThrow('boom')
    expect(v.dataSync()[0]).toBe(3)
    v.dispose()
  })

  it('refuses a decay outside [0, 1) and sizes the decay by the span of steps', () => {
    const v = tf.variable(tf.tensor1d([1]))
    expect(() => new WeightAverage([v], 1)).toThrow('decay must be in [0, 1), got 1')
    v.dispose()
    expect(decayForSpan(5120, 0.1)).toBeCloseTo(1 - 1 / 512, 12)
    expect(decayForSpan(4, 0.1)).toBe(0) // a span under one step: no averaging
  })
})
