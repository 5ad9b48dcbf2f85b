import { afterEach, beforeAll, describe, expect, it } from 'vitest'
import { initBackend, tf } from '../../../src-main/engine/learn/backend'
import { batchMatMulFast, denseFast, denseInput, denseLayer, mlp, normalizeRows, setWholeMlp } from '../../../src-main/engine/learn/dense'
import { fit } from '../../../src-main/engine/learn/fit'
import { prepareTraining } from '../../../src-main/engine/learn/train'
import { silentContext } from '../../../src-main/engine/jobs/job'
import { syntheticDataset } from './synthetic'
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

describe('mlp: an MLP as one kernel forward and one backward on wasm (kernels.ts MLP, MLP_GRAD)', () => {
  let seed = 11
  const rand = (shape: number[]) => tf.tensor(Float32Array.from({ length: shape.reduce((a, b) => a * b, 1) }, () => ((seed = (seed * 16807) % 2147483647) / 2147483647) - 0.5), shape)
  const bits = (t: tf.Tensor) => Array.from(t.dataSync())
  afterEach(() => setWholeMlp(true))

  it('gives the layer-by-layer bits for the output and every gradient (1–4 layers, data input or not, odd sizes), one kernel each way', async () => {
    for (const [n, dims] of [[256, [200, 256, 256, 32]], [7, [13, 19, 5]], [5, [3, 9]], [33, [10, 16, 12, 8, 4]]] as [number, number[]][])
      for (const input of [true, false]) {
        const x = rand([n, dims[0]!]) as tf.Tensor2D
        const flat = [x, ...dims.slice(1).flatMap((m, i) => [rand([dims[i]!, m]), rand([m])])]
        const up = rand([n, dims[dims.length - 1]!])
        const run = (whole: boolean) => {
          setWholeMlp(whole)
          const f = (...a: tf.Tensor[]) => mlp(a[0] as tf.Tensor2D, dims.slice(1).map((_, i) => ({ w: a[1 + 2 * i] as tf.Tensor2D, b: a[2 + 2 * i] as tf.Tensor1D })), true, input)
          const { value, grads } = tf.tidy(() => {
            const g = tf.grads((...a: tf.Tensor[]) => tf.sum(tf.mul(f(...a), up)))(flat)
            return { value: f(...flat), grads: input ? g.slice(1) : g }
          })
          return [bits(value), ...grads.map(bits)]
        }
        const whole = run(true)
        expect(whole.slice(1).every((g) => g.some((v) => v !== 0))).toBe(true)
        expect(whole).toEqual(run(false))
      }
    setWholeMlp(true)
    const x = rand([9, 4]) as tf.Tensor2D, layers = [{ w: rand([4, 6]) as tf.Tensor2D, b: rand([6]) as tf.Tensor1D }, { w: rand([6, 3]) as tf.Tensor2D, b: rand([3]) as tf.Tensor1D }]
    const { kernels } = await tf.profile(() => tf.grads((w0: tf.Tensor) => tf.sum(mlp(x, [{ w: w0 as tf.Tensor2D, b: layers[0]!.b }, layers[1]!], true, true)))([layers[0]!.w]))
    const names = kernels.map((k) => k.name)
    expect(names.filter((k) => k === 'DriftclipMlp' || k === 'DriftclipMlpGrad')).toEqual(['DriftclipMlp', 'DriftclipMlpGrad'])
    expect(names).not.toContain('_FusedMatMul')
  })

  it('frees the hidden activations with the output (they share its heap block): no tensor or backend data is left after a gradient', () => {
    const x = rand([16, 8]) as tf.Tensor2D
    const flat = [rand([8, 12]), rand([12]), rand([12, 12]), rand([12]), rand([12, 4]), rand([4])]
    const f = (...a: tf.Tensor[]) => tf.sum(mlp(x, [0, 1, 2].map((i) => ({ w: a[2 * i] as tf.Tensor2D, b: a[2 * i + 1] as tf.Tensor1D })), true, true))
    tf.dispose(tf.grads(f)(flat)) // warm caches (scratch buffers)
    const tensors = tf.memory().numTensors, data = tf.engine().backend.numDataIds()
    tf.dispose(tf.grads(f)(flat))
    tf.dispose(tf.tidy(() => f(...flat)))
    expect(tf.memory().numTensors).toBe(tensors)
    expect(tf.engine().backend.numDataIds()).toBe(data)
  })

  it('trains to the same weights bit for bit: a few Adam steps of the one-thread loop, one kernel or layer by layer', async () => {
    const ds = syntheticDataset({ pairs: 160, seed: 5 })
    const train = async (whole: boolean) => {
      setWholeMlp(whole)
      const p = prepareTraining(ds, { dim: 6, widths: [24, 16], activation: 'relu', batch: 32, epochs: 2, learningRate: 1e-2, warmupFraction: 0, patience: 0, learnTemperature: true })
      const r = await fit(p.net, p.data, p.settings, silentContext())
      return { history: r.history, weights: [...p.net.encU.variables, ...p.net.encV.variables, p.net.logScale].map(bits) }
    }
    const whole = await train(true)
    expect(whole.history[1]!.trainLoss).toBeLessThan(whole.history[0]!.trainLoss)
    expect(whole).toEqual(await train(false))
  })
})
