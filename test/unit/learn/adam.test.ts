import { beforeAll, describe, expect, it } from 'vitest'
import { initBackend, tf } from '../../../src-main/engine/learn/backend'
import { FlatAdam } from '../../../src-main/engine/learn/adam'

beforeAll(async () => {
  await initBackend('wasm')
})

const values = (vs: tf.Variable[]) => vs.flatMap((v) => Array.from(v.dataSync()))
const make = () => [tf.variable(tf.tensor2d([[0.5, -1], [2, 0.25]])), tf.variable(tf.tensor1d([0.1, -0.3, 0.7]))]
// a loss with different curvature per parameter, so the moments matter
const loss = (vs: tf.Variable[]) => () => tf.add(tf.sum(tf.square(tf.sub(vs[0]!, 1))), tf.sum(tf.mul(tf.pow(vs[1]!, 4), 3))) as tf.Scalar

describe('FlatAdam', () => {
  it("takes tf.train.adam's steps (float32 rounding apart) and its saved state loads into tfjs's Adam and back", async () => {
    const a = make()
    const b = make()
    const ref = tf.train.adam(0.05)
    const flat = new FlatAdam(b, 0.05)
    const g = new Float32Array(flat.size)
    for (let i = 0; i < 6; i++) {
      ref.minimize(loss(a), false, a)
      const { value, grads } = tf.variableGrads(loss(b), b)
      flat.readGradients(grads, g)
      tf.dispose([value, ...Object.values(grads)])
      flat.step(g)
      flat.store()
    }
    values(b).forEach((x, k) => expect(x).toBeCloseTo(values(a)[k]!, 4))
    expect(values(b)).not.toEqual(values(make())) // it moved
    // its state continues in tfjs's Adam exactly as tfjs's own state does
    const st = flat.state()
    expect(st.names[0]).toBe('iter')
    expect(st.values[0]![0]).toBe(6)
    const again = tf.train.adam(0.05)
    await again.setWeights(st.names.map((name, i) => ({ name, tensor: tf.tensor(st.values[i]!, st.shapes[i]) })))
    const tfState = await ref.getWeights()
    const restored = new FlatAdam(make(), 0.05, { names: tfState.map((w) => w.name), values: tfState.map((w) => Float32Array.from(w.tensor.dataSync())), shapes: tfState.map((w) => w.tensor.shape) })
    expect(restored.iterations).toBe(6)
    Array.from(restored.buffers.m).forEach((x, k) => expect(x).toBeCloseTo(flat.buffers.m[k]!, 4))
    Array.from(restored.buffers.v).forEach((x, k) => expect(x).toBeCloseTo(flat.buffers.v[k]!, 4))
    expect(() => new FlatAdam(make(), 0.05, { names: ['iter'], values: [Float32Array.of(1)], shapes: [[]] })).toThrow('optimizer state has 1 arrays; 5 expected for 2 variables')
  })
  it('clamps the last parameter after a step that reaches it, and steps a slice only', () => {
    const vs = [tf.variable(tf.tensor1d([1, 2, 3]))]
    const flat = new FlatAdam(vs, 0.5, undefined, undefined, (x) => Math.min(x, 2.9))
    flat.step(Float32Array.of(1, 1, -1), 0, 2)
    const p = Array.from(flat.buffers.params) // Adam's first step moves by lr·g/(|g| + ε) ≈ lr·sign(g)
    expect(p[0]).toBeCloseTo(0.5, 6)
    expect(p[1]).toBeCloseTo(1.5, 6)
    expect(p[2]).toBe(3)
    flat.step(Float32Array.of(0, 0, -1), 2, 3)
    expect(flat.buffers.params[2]).toBeCloseTo(2.9, 6)
  })
  it('runs its update in WebAssembly (wasm/adam.c) with the bits of the JavaScript loop, odd sizes and slices included', () => {
    for (const n of [1, 7, 64, 1001]) {
      let seed = n
      const rand = () => ((seed = (seed * 16807) % 2147483647) / 2147483647) - 0.5
      const shapes = [[n], [3]]
      const init = shapes.map((sh) => Float32Array.from({ length: sh[0]! }, rand))
      const vars = () => init.map((x, i) => tf.variable(tf.tensor(x, shapes[i])))
      const wasm = new FlatAdam(vars(), 0.01) // owns its buffers: the wasm loop
      const size = n + 3
      const js = new FlatAdam(vars(), 0.01, undefined, { params: new Float32Array(size), m: new Float32Array(size), v: new Float32Array(size) })
      for (let t = 0; t < 5; t++) {
        const g = Float32Array.from({ length: size }, () => rand() * 10 ** (t - 2))
        const [from, to] = t === 3 ? [1, size - 1] : [0, size]
        wasm.step(g, from, to)
        js.step(g, from, to)
        if (t === 1) {
          wasm.learningRate = 0.02
          js.learningRate = 0.02
        }
      }
      expect(Array.from(wasm.buffers.params)).toEqual(Array.from(js.buffers.params))
      expect(Array.from(wasm.buffers.m)).toEqual(Array.from(js.buffers.m))
      expect(Array.from(wasm.buffers.v)).toEqual(Array.from(js.buffers.v))
      expect(Array.from(wasm.buffers.params)).not.toEqual(Array.from(new Float32Array([...init[0]!, ...init[1]!]))) // it moved
    }
  })
  it('stepSummed (the data-parallel reduce-scatter): the bits of summing the ranks\' partials in rank order in float64 and stepping, 1–3 ranks, wasm and JS', () => {
    let seed = 5
    const rand = () => ((seed = (seed * 16807) % 2147483647) / 2147483647) - 0.5
    const size = 37
    const vars = () => [tf.variable(tf.tensor1d(Float32Array.from({ length: size }, (_, i) => i / size)))]
    for (const ranks of [1, 2, 3])
      for (const own of [true, false]) {
        const buffers = () => (own ? undefined : { params: new Float32Array(size), m: new Float32Array(size), v: new Float32Array(size) })
        const summed = new FlatAdam(vars(), 0.01, undefined, buffers())
        const ref = new FlatAdam(vars(), 0.01, undefined, buffers())
        for (let t = 0; t < 3; t++) {
          const parts = Float32Array.from({ length: ranks * size }, () => rand() * 10 ** (t - 1))
          const g = new Float32Array(size)
          for (let k = 0; k < size; k++) {
            let x = parts[k]!
            for (let r = 1; r < ranks; r++) x += parts[r * size + k]!
            g[k] = x
          }
          const [from, to] = t === 1 ? [3, 30] : [0, size]
          summed.stepSummed(parts, ranks, from, to)
          ref.step(g, from, to)
        }
        expect(Array.from(summed.buffers.params)).toEqual(Array.from(ref.buffers.params))
        expect(Array.from(summed.buffers.v)).toEqual(Array.from(ref.buffers.v))
      }
  })
})
