import { describe, expect, it } from 'vitest'
import { chooseBackend, tf } from '../../../src-main/engine/learn/backend'

// The chooser's order on this machine, with tfjs-node's load simulated: it prefers native TensorFlow, falls back
// to wasm with the reason in plain words, and honours an explicit request.
describe('backend chooser', () => {
  it('falls back to wasm with the loader error when the native addon fails to load', async () => {
    const info = await chooseBackend(undefined, () => {
      throw new Error('The Node.js native addon module (tfjs_binding.node) can not be found at path: /x/lib/napi-v8/tfjs_binding.node.\nPlease run command …')
    })
    expect(info.name).toBe('wasm')
    expect(tf.getBackend()).toBe('wasm')
    expect(info.reason).toMatch(/^tfjs-node did not load \(The Node\.js native addon module \(tfjs_binding\.node\) can not be found at path: \/x\/lib\/napi-v8\/tfjs_binding\.node\.\); using wasm with SIMD/)
  })
  it('says "not installed" when the package is missing', async () => {
    const info = await chooseBackend(undefined, () => {
      throw new Error("Cannot find module '@tensorflow/tfjs-node'")
    })
    expect(info).toEqual({ name: 'wasm', reason: expect.stringMatching(/^tfjs-node is not installed; using wasm/) as unknown as string })
  })
  it('notices a native module that loads but registers no backend', async () => {
    let loaded = 0
    const info = await chooseBackend(undefined, () => loaded++)
    expect(loaded).toBe(1)
    expect(info.name).toBe('wasm')
    expect(info.reason).toMatch(/^tfjs-node loaded but its backend did not initialise; using wasm/)
  })
  it('prefers native TensorFlow when it loads and registers its backend', async () => {
    const info = await chooseBackend(undefined, () => {
      // stands in for tfjs-node: registers a 'tensorflow' backend (the cpu kernels under the native name)
      if (!tf.findBackendFactory('tensorflow')) tf.registerBackend('tensorflow', () => tf.findBackendFactory('cpu')!() as tf.KernelBackend)
    })
    expect(info).toEqual({ name: 'tensorflow', reason: 'native TensorFlow (tfjs-node) loaded' })
    expect(tf.getBackend()).toBe('tensorflow')
    tf.removeBackend('tensorflow')
  })
  it('skips the native attempt when wasm is asked for', async () => {
    let tried = false
    const info = await chooseBackend('wasm', () => (tried = true))
    expect(tried).toBe(false)
    expect(info.reason).toMatch(/^wasm requested; using wasm/)
  })
})
