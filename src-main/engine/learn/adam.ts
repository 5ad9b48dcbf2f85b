/**
 * Adam as one loop over a flat parameter buffer. tfjs's Adam runs ~10 kernels per variable (≈ 2.6 CPU-ms of a
 * ≈ 30 ms reference step on wasm); this loop ≈ 0.9 ms, and data-parallel workers each run it on their slice of
 * the parameters only (in wasm too, each on its own copy). A trainer that owns its buffers keeps them in WebAssembly memory and runs the loop there
 * (wasm/adam.c: the same float64 operations two at a time, so the same bits; tested). Same update and defaults as tf.train.adam (β1 = 0.9, β2 = 0.999, ε = 1e-7, bias-corrected
 * moments) and the same saved state (iterations, then the first and second moments per variable), so a checkpoint
 * written by either loads in the other.
 */
import { tf } from './backend'
import type { OptimizerState } from './parallel-protocol'
import { ADAM_WASM_BASE64 } from './wasm/adam-wasm-bytes'
import { webAssembly, type WasmMemory } from '../wasm-api'

interface AdamExports {
  memory: WasmMemory
  adam(p: number, m: number, v: number, g: number, from: number, to: number, lr: number, c1: number, c2: number): void
}
let adamModule: object | undefined
/** params, m, v and gradients of `size` floats in a WebAssembly memory of their own, and its update. */
function wasmBuffers(size: number): { buffers: FlatBuffers; grads: Float32Array; update: (from: number, to: number, lr: number, c1: number, c2: number) => void } {
  const { Module, Instance } = webAssembly
  adamModule ??= new Module(Buffer.from(ADAM_WASM_BASE64, 'base64'))
  const ex = new Instance(adamModule, {}).exports as AdamExports
  const free = ex.memory.buffer.byteLength // past its stack: ours
  const bytes = 16 * size
  ex.memory.grow(Math.ceil(bytes / 65536))
  const at = (i: number) => free + 4 * size * i
  const view = (i: number) => new Float32Array(ex.memory.buffer, at(i), size) // the memory never grows again
  const [p, m, v, g] = [0, 1, 2, 3].map(at) as [number, number, number, number]
  return { buffers: { params: view(0), m: view(1), v: view(2) }, grads: view(3), update: (from, to, lr, c1, c2) => ex.adam(p, m, v, g, from, to, lr, c1, c2) }
}

const BETA1 = 0.9
const BETA2 = 0.999
const EPSILON = 1e-7 // tfjs's float32 backend epsilon, tf.train.adam's default

interface WasmHeap { wasm?: { HEAPF32: Float32Array }; dataIdMap?: { get(id: object): { memoryOffset: number } | undefined } }
/** Copy a tensor's values into `out` straight from wasm memory (dataSync would allocate a new array every step). */
export function readInto(t: tf.Tensor, out: Float32Array): void {
  const b = tf.backend() as unknown as WasmHeap
  const at = b.wasm && b.dataIdMap?.get(t.dataId)?.memoryOffset
  if (b.wasm && at !== undefined) out.set(b.wasm.HEAPF32.subarray(at / 4, at / 4 + t.size))
  else out.set(t.dataSync() as Float32Array)
}

/** The update of elements [from, to) in JavaScript (wasm/adam.c does the same operations). */
function adamLoop({ params, m, v }: FlatBuffers, g: Float32Array, from: number, to: number, lr: number, c1: number, c2: number): void {
  for (let k = from; k < to; k++) {
    const gk = g[k]!
    const mk = BETA1 * m[k]! + (1 - BETA1) * gk
    const vk = BETA2 * v[k]! + (1 - BETA2) * gk * gk
    m[k] = mk
    v[k] = vk
    params[k] -= (lr * (mk / c1)) / (Math.sqrt(vk / c2) + EPSILON)
  }
}

/** Buffers of a flat trainer (shared between data-parallel workers, so each can update a slice). */
export interface FlatBuffers { params: Float32Array; m: Float32Array; v: Float32Array }

/** The trainable variables as one flat buffer, with Adam's moments beside it. */
export class FlatAdam {
  readonly offsets: number[]
  readonly size: number
  readonly buffers: FlatBuffers
  /** The wasm loop over buffers of its own (when none were given), and its gradient buffer. */
  private readonly wasm?: { grads: Float32Array; update: (from: number, to: number, lr: number, c1: number, c2: number) => void }
  iterations = 0
  learningRate: number

  /**
   * `buffers` (optional, e.g. SharedArrayBuffer-backed) are filled from the variables and `state`; `clampLast`
   * bounds the last parameter after each step (the learned temperature's log scale).
   */
  constructor(readonly variables: tf.Variable[], learningRate: number, state?: OptimizerState, buffers?: FlatBuffers, private readonly clampLast?: (x: number) => number) {
    this.offsets = variables.reduce<number[]>((o, x) => [...o, o[o.length - 1]! + x.size], [0])
    this.size = this.offsets[variables.length]!
    this.learningRate = learningRate
    if (buffers) this.buffers = buffers
    else {
      const w = wasmBuffers(this.size)
      this.buffers = w.buffers
      this.wasm = { grads: w.grads, update: w.update }
    }
    this.load()
    if (state) {
      const n = variables.length
      if (state.values.length !== 2 * n + 1) throw new Error(`optimizer state has ${state.values.length} arrays; ${2 * n + 1} expected for ${n} variables`)
      this.iterations = state.values[0]![0]!
      for (let i = 0; i < n; i++) {
        this.buffers.m.set(state.values[1 + i]!, this.offsets[i])
        this.buffers.v.set(state.values[1 + n + i]!, this.offsets[i])
      }
    }
  }

  /** The parameter slice of variable i in `buf`. */
  slice(buf: Float32Array, i: number): Float32Array {
    return buf.subarray(this.offsets[i], this.offsets[i + 1])
  }

  /** Copy a gradient map (from optimizer.computeGradients / tf.variableGrads) into `out`, in variable order. */
  readGradients(grads: tf.NamedTensorMap, out: Float32Array): void {
    this.variables.forEach((x, i) => readInto(grads[x.name]!, this.slice(out, i)))
  }

  /**
   * One Adam step on params[from, to) with gradients g[from, to) (a worker passes its slice; every worker must
   * step, so the iteration count stays the same everywhere). Does not touch the variables: see `store`.
   */
  step(g: Float32Array, from = 0, to = this.size): void {
    const t = ++this.iterations
    const { params } = this.buffers
    const c1 = 1 - BETA1 ** t
    const c2 = 1 - BETA2 ** t
    if (this.wasm) {
      if (g !== this.wasm.grads) this.wasm.grads.set(g.subarray(from, to), from)
      this.wasm.update(from, to, this.learningRate, c1, c2)
    } else adamLoop(this.buffers, g, from, to, this.learningRate, c1, c2)
    if (this.clampLast && to === this.size && to > from) params[to - 1] = this.clampLast(params[to - 1]!)
  }

  /**
   * Adam on [from, to) with the gradient Σ_r parts[r·size + k] over `ranks` partial gradients (a data-parallel
   * reduce-scatter's slice), summed in rank order in float64 and rounded once: written into rank 0's part (where
   * parallel.ts reads the whole gradient) and straight into the wasm update's gradient buffer, in one pass (the loop
   * specialised for two ranks runs ≈ 4× faster in V8 than the general one: 0.1–0.2 against 0.45–0.9 ms for half the
   * reference model's 216,128 parameters).
   */
  stepSummed(parts: Float32Array, ranks: number, from: number, to: number): void {
    const P = this.size
    const out = this.wasm?.grads ?? parts
    if (ranks === 1) {
      if (out !== parts) out.set(parts.subarray(from, to), from)
    } else if (ranks === 2) for (let k = from; k < to; k++) out[k] = parts[k] = parts[k]! + parts[P + k]!
    else
      for (let k = from; k < to; k++) {
        let t = parts[k]!
        for (let r = 1; r < ranks; r++) t += parts[r * P + k]!
        out[k] = parts[k] = t
      }
    this.step(out, from, to)
  }

  /** Variables ← the flat parameters (or `params`, the same layout: data-parallel workers' all-gathered copy). */
  store(params = this.buffers.params): void {
    this.variables.forEach((x, i) => {
      const t = tf.tensor(this.slice(params, i), x.shape)
      x.assign(t)
      t.dispose()
    })
  }

  /** The flat parameters ← variables (after they were assigned elsewhere). */
  load(): void {
    this.variables.forEach((x, i) => readInto(x, this.slice(this.buffers.params, i)))
  }

  /** Saved state in tfjs Adam's getWeights layout. */
  state(): OptimizerState {
    const names = this.variables.map((x) => x.name)
    const shapes = this.variables.map((x) => x.shape)
    const copy = (buf: Float32Array) => this.variables.map((_, i) => this.slice(buf, i).slice())
    return {
      names: ['iter', ...names.map((n) => `${n}/m`), ...names.map((n) => `${n}/v`)],
      values: [Float32Array.of(this.iterations), ...copy(this.buffers.m), ...copy(this.buffers.v)],
      shapes: [[], ...shapes, ...shapes]
    }
  }
}
