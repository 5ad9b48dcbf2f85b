/**
 * The one module that loads TensorFlow.js and picks its backend: native tfjs-node if it loads,
 * else wasm with SIMD, else plain cpu — always with the reason. Every learn module imports `tf` from here.
 */
import * as tf from '@tensorflow/tfjs'
import { setWasmPaths } from '@tensorflow/tfjs-backend-wasm'
import { createRequire } from 'node:module'
import { dirname, join, sep } from 'node:path'
import type { BackendInfo, BackendName } from '../../shared/training'
import { installWasmKernels, wasmKernelsInstalled } from './wasm/kernels'

export { tf }

// PROD silences tfjs's "Hi there, install tfjs-node" banner and skips debug-only checks
tf.env().set('PROD', true)

let chosen: BackendInfo | undefined
let pending: Promise<BackendInfo> | undefined

/** Loads the native binding (it registers the 'tensorflow' backend); replaced in tests to simulate a failed load. */
export type NativeLoader = () => unknown
const requireNative: NativeLoader = () => createRequire(import.meta.url)('@tensorflow/tfjs-node')

async function tryNative(load: NativeLoader): Promise<string | undefined> {
  const firstLine = (err: unknown) => (err instanceof Error ? err.message.split('\n')[0] : String(err))
  try {
    load()
  } catch (err) {
    const msg = firstLine(err)
    return /Cannot find module/.test(msg) ? 'tfjs-node is not installed' : `tfjs-node did not load (${msg})`
  }
  try {
    if (tf.findBackendFactory('tensorflow') && (await tf.setBackend('tensorflow'))) return undefined
    return 'tfjs-node loaded but its backend did not initialise'
  } catch (err) {
    return `tfjs-node loaded but its backend did not initialise (${firstLine(err)})`
  }
}

async function tryWasm(): Promise<string | undefined> {
  try {
    const require = createRequire(import.meta.url)
    const pkg = require.resolve('@tensorflow/tfjs-backend-wasm/package.json')
    setWasmPaths(join(dirname(pkg), 'dist') + sep)
    if (!(await tf.setBackend('wasm'))) return 'the wasm backend did not initialise'
    await tf.ready()
    installWasmKernels(tf)
    return undefined
  } catch (err) {
    return `wasm failed (${err instanceof Error ? err.message.split('\n')[0] : String(err)})`
  }
}

/**
 * Pick and initialise a backend: tfjs-node when it loads, else wasm (SIMD), else cpu, with the reason.
 * `loadNative` is the native loader (tests pass one that throws). Prefer `initBackend`, which chooses once.
 */
export async function chooseBackend(preferred?: BackendName, loadNative: NativeLoader = requireNative): Promise<BackendInfo> {
  const why: string[] = []
  if (preferred === 'cpu') {
    await tf.setBackend('cpu')
    return { name: 'cpu', reason: 'cpu requested' }
  }
  if (preferred !== 'wasm') {
    const failed = await tryNative(loadNative)
    if (!failed) return { name: 'tensorflow', reason: 'native TensorFlow (tfjs-node) loaded' }
    why.push(failed)
  } else why.push('wasm requested')
  const wasmFailed = await tryWasm()
  if (!wasmFailed) {
    const simd = Boolean(tf.env().getAsync ? await tf.env().getAsync('WASM_HAS_SIMD_SUPPORT') : false)
    const ours = wasmKernelsInstalled() ? ' and our SIMD matrix kernels' : ''
    return { name: 'wasm', reason: `${why.join('; ')}; using wasm${simd ? ' with SIMD' : ' without SIMD'}${ours}, single-threaded per worker` }
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
  pending = chooseBackend(preferred).then((info) => (chosen = info))
  return pending
}

/** The backend chosen by `initBackend` in this thread, if any. */
export function currentBackend(): BackendInfo | undefined {
  return chosen
}
