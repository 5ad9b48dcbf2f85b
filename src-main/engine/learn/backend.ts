/**
 * The one module that loads TensorFlow.js and picks its backend: native tfjs-node if it loads,
 * else wasm with SIMD, else plain cpu — always with the reason. Every learn module imports `tf` from here.
 */
import * as tf from '@tensorflow/tfjs'
import { setWasmPaths } from '@tensorflow/tfjs-backend-wasm'
import { createRequire } from 'node:module'
import { dirname, join, sep } from 'node:path'
import type { BackendInfo, BackendName } from '../../shared/training'

export { tf }

// PROD silences tfjs's "Hi there, install tfjs-node" banner and skips debug-only checks
tf.env().set('PROD', true)

let chosen: BackendInfo | undefined
let pending: Promise<BackendInfo> | undefined

async function tryNative(): Promise<string | undefined> {
  try {
    const require = createRequire(import.meta.url)
    require('@tensorflow/tfjs-node')
    if (!(await tf.setBackend('tensorflow'))) return 'tfjs-node loaded but its backend did not initialise'
    return undefined
  } catch (err) {
    const msg = err instanceof Error ? err.message.split('\n')[0] : String(err)
    return /Cannot find module/.test(msg) ? 'tfjs-node is not installed' : `tfjs-node did not load (${msg})`
  }
}

async function tryWasm(): Promise<string | undefined> {
  try {
    const require = createRequire(import.meta.url)
    const pkg = require.resolve('@tensorflow/tfjs-backend-wasm/package.json')
    setWasmPaths(join(dirname(pkg), 'dist') + sep)
    if (!(await tf.setBackend('wasm'))) return 'the wasm backend did not initialise'
    await tf.ready()
    return undefined
  } catch (err) {
    return `wasm failed (${err instanceof Error ? err.message.split('\n')[0] : String(err)})`
  }
}

async function choose(preferred?: BackendName): Promise<BackendInfo> {
  const why: string[] = []
  if (preferred === 'cpu') {
    await tf.setBackend('cpu')
    return { name: 'cpu', reason: 'cpu requested' }
  }
  if (preferred !== 'wasm') {
    const failed = await tryNative()
    if (!failed) return { name: 'tensorflow', reason: 'native TensorFlow (tfjs-node) loaded' }
    why.push(failed)
  } else why.push('wasm requested')
  const wasmFailed = await tryWasm()
  if (!wasmFailed) {
    const simd = Boolean(tf.env().getAsync ? await tf.env().getAsync('WASM_HAS_SIMD_SUPPORT') : false)
    return { name: 'wasm', reason: `${why.join('; ')}; using wasm${simd ? ' with SIMD' : ' without SIMD'}, single-threaded per worker` }
  }
  why.push(wasmFailed)
  await tf.setBackend('cpu')
  return { name: 'cpu', reason: `${why.join('; ')}; using the slow plain-JavaScript cpu backend` }
}

/**
 * Choose and initialise the backend once per thread (later calls return the first choice unless a
 * different `preferred` backend is asked for). tfjs-node → wasm (SIMD) → cpu.
 */
export async function initBackend(preferred?: BackendName): Promise<BackendInfo> {
  if (chosen && (!preferred || preferred === chosen.name)) return chosen
  if (pending && !preferred) return pending
  pending = choose(preferred).then((info) => (chosen = info))
  return pending
}

/** The backend chosen by `initBackend` in this thread, if any. */
export function currentBackend(): BackendInfo | undefined {
  return chosen
}
