/**
 * Matrix products with fast gradients. tfjs-wasm's own transposed or batched matMul is ~10× slower than its plain
 * form (feasibility.md §1.3), so without our wasm kernels (wasm/kernels.ts) the gradients transpose explicitly; with
 * them a transpose is a stride and costs nothing. Both give the same bits (each output summed in k order).
 */
import { tf } from './backend'
import { DENSE_GRAD, MLP, wasmKernelsInstalled } from './wasm/kernels'

type Save = (tensors: tf.Tensor[]) => void

/** The last two axes swapped. */
function swapLast(t: tf.Tensor): tf.Tensor {
  const r = t.rank
  return tf.transpose(t, [...Array.from({ length: r - 2 }, (_, i) => i), r - 1, r - 2])
}
/** op(a)·op(b): transposes folded into the kernel when ours serves it, else materialised. */
const ours = () => wasmKernelsInstalled() && tf.getBackend() === 'wasm'
function mm<T extends tf.Tensor>(a: tf.Tensor, b: tf.Tensor, ta: boolean, tb: boolean): T {
  if (ours()) return tf.matMul(a, b, ta, tb) as T
  return tf.matMul(ta ? swapLast(a) : a, tb ? swapLast(b) : b) as T
}
interface Grad<T extends tf.Tensor> { value: T; gradFunc: (dy: T, saved: tf.Tensor[]) => tf.Tensor[] }

const dense2d = tf.customGrad(((x: tf.Tensor2D, w: tf.Tensor2D, save: Save): Grad<tf.Tensor2D> => {
  save([x, w])
  return {
    value: tf.matMul(x, w),
    gradFunc: (dy, [xs, ws]) => [mm(dy, ws, false, true), mm(xs, dy, true, false)]
  }
}) as unknown as (...args: (tf.Tensor | Save)[]) => Grad<tf.Tensor>) as unknown as (x: tf.Tensor2D, w: tf.Tensor2D) => tf.Tensor2D

const denseIn = tf.customGrad(((x: tf.Tensor2D, w: tf.Tensor2D, save: Save): Grad<tf.Tensor2D> => {
  save([x])
  return {
    value: tf.matMul(x, w),
    // x is data, so its gradient is never used: skip that product (≈10 % of a reference step)
    gradFunc: (dy, [xs]) => [tf.zerosLike(xs), mm(xs, dy, true, false)]
  }
}) as unknown as (...args: (tf.Tensor | Save)[]) => Grad<tf.Tensor>) as unknown as (x: tf.Tensor2D, w: tf.Tensor2D) => tf.Tensor2D

const onesRows = new Map<number, tf.Tensor2D>()
/**
 * Σ_i x[i, :] as [1, m] via ones[1, n]·x: wasm's Sum over axis 0 transposes first (~10× slower), while
 * XNNPACK accumulates each column in row order, so the sums are bit-identical to tf.sum(x, 0).
 */
export function columnSums(x: tf.Tensor2D): tf.Tensor2D {
  const n = x.shape[0]
  let ones = onesRows.get(n)
  if (!ones || ones.isDisposed) {
    ones = tf.keep(tf.ones([1, n])) as tf.Tensor2D
    onesRows.set(n, ones)
  }
  return tf.matMul(ones, x)
}

type Layer = (x: tf.Tensor2D, w: tf.Tensor2D, b: tf.Tensor1D) => tf.Tensor2D
/** x·w + b (optionally relu) with the fused forward kernel and a fast backward pass. */
function makeLayer(relu: boolean, input: boolean): Layer {
  return tf.customGrad(((x: tf.Tensor2D, w: tf.Tensor2D, b: tf.Tensor1D, save: Save): Grad<tf.Tensor2D> => {
    // tf.fused.matMul refuses to fuse an activation while gradients are recorded, so call the kernel
    // directly (inside a custom gradient's forward nothing is taped anyway)
    const [n, k] = x.shape
    const m = w.shape[1]
    const attrs = { transposeA: false, transposeB: false, activation: relu ? 'relu' : 'linear' }
    // our kernel takes 2-D operands; tfjs's wants them 3-D
    const y = ours()
      ? (tf.engine().runKernel('_FusedMatMul', { a: x, b: w, bias: b }, attrs) as tf.Tensor2D)
      : (tf.reshape(tf.engine().runKernel('_FusedMatMul', { a: tf.reshape(x, [1, n, k]), b: tf.reshape(w, [1, k, m]), bias: b }, attrs) as tf.Tensor, [n, m]) as tf.Tensor2D)
    save([x, w, y])
    return {
      value: y,
      gradFunc: (dy, [xs, ws, ys]) => {
        if (ours()) {
          // the mask, both products and the bias sums in one kernel call, with the same bits as the ops below
          const g = tf.engine().runKernel(DENSE_GRAD, { dy, x: xs!, w: ws!, y: ys! }, { relu, dx: !input }) as tf.Tensor[]
          return input ? [tf.zerosLike(xs!), ...g] : g
        }
        const g = relu ? tf.mul(dy, tf.step(ys!)) : dy // y > 0 ⇔ pre-activation > 0
        return [input ? tf.zerosLike(xs!) : mm(g, ws!, false, true), mm(xs!, g, true, false), tf.reshape(columnSums(g as tf.Tensor2D), [-1])]
      }
    }
  }) as unknown as (...args: (tf.Tensor | Save)[]) => Grad<tf.Tensor>) as unknown as Layer
}
const layers = { plain: makeLayer(false, false), relu: makeLayer(true, false), plainIn: makeLayer(false, true), reluIn: makeLayer(true, true) }

/**
 * An affine layer x·w + b, relu-activated or not, as one fused kernel forward (on wasm this saves the
 * separate bias Add and Relu, ~1 ms each per 256×256 layer); `input` marks data whose gradient is unused.
 */
export function denseLayer(x: tf.Tensor2D, w: tf.Tensor2D, b: tf.Tensor1D, relu: boolean, input: boolean): tf.Tensor2D {
  return layers[`${relu ? 'relu' : 'plain'}${input ? 'In' : ''}` as keyof typeof layers](x, w, b)
}

/** Whether `mlp` is one kernel on wasm; DRIFTCLIP_WASM_MLP=0 (read by every thread) runs it layer by layer. */
let wholeMlp = process.env.DRIFTCLIP_WASM_MLP !== '0'
/** Tests and benchmarks: false runs `mlp` layer by layer on wasm too (the same bits, one kernel and tape entry per layer). */
export function setWholeMlp(on: boolean): void {
  wholeMlp = on
}

/**
 * An MLP x ↦ h_L, h_{l+1} = h_l·w_l + b_l, relu-activated between layers when `relu` (the last layer is affine), with
 * `input` marking data x whose gradient is unused. On wasm with our kernels the whole forward is one kernel and its
 * backward one more (wasm/kernels.ts MLP, MLP_GRAD): one tape entry per encoder instead of one per layer, with the
 * layer-by-layer bits (tested); elsewhere the layers one by one.
 */
export function mlp(x: tf.Tensor2D, layers: { w: tf.Tensor2D; b: tf.Tensor1D }[], relu: boolean, input: boolean): tf.Tensor2D {
  if (wholeMlp && ours()) {
    const inputs = [x, ...layers.flatMap((l) => [l.w, l.b])] as unknown as tf.NamedTensorMap // an array: see kernels.ts
    return tf.engine().runKernel(MLP, inputs, { relu, dx: !input }) as tf.Tensor2D
  }
  return layers.reduce((h, l, i) => denseLayer(h, l.w, l.b, relu && i < layers.length - 1, input && i === 0), x)
}

const batched = tf.customGrad(((a: tf.Tensor3D, b: tf.Tensor3D, save: Save): Grad<tf.Tensor3D> => {
  save([a, b])
  return {
    value: tf.matMul(a, b),
    gradFunc: (dy, [as, bs]) => [mm(dy, bs!, false, true), mm(as!, dy, true, false)]
  }
}) as unknown as (...args: (tf.Tensor | Save)[]) => Grad<tf.Tensor>) as unknown as (a: tf.Tensor3D, b: tf.Tensor3D) => tf.Tensor3D

/** x·w for x [n, k], w [k, m], with a fast backward pass. */
export function denseFast(x: tf.Tensor2D, w: tf.Tensor2D): tf.Tensor2D {
  return dense2d(x, w)
}

/** x·w where x is input data (no gradient needed for x): the first layer of an encoder. */
export function denseInput(x: tf.Tensor2D, w: tf.Tensor2D): tf.Tensor2D {
  return denseIn(x, w)
}

/** Batched a·b for a [b, n, k], b [b, k, m], with a fast backward pass. */
export function batchMatMulFast(a: tf.Tensor3D, b: tf.Tensor3D): tf.Tensor3D {
  return batched(a, b)
}

/**
 * Rows scaled to unit length, y = z / √(Σ z² + 1e-12) (similarity.ts's l2Normalize), as one op with its gradient
 * written out, dz = r (dy − y Σ_k dy_k y_k) with r = (Σ z² + 1e-12)^(−1/2), both in JavaScript on the values (B × ℓ,
 * a few thousand floats): tfjs's taped form is ~15 kernels per side, forward and backward, each costing more in
 * dispatch than in arithmetic (#15). Within float32 rounding of the taped form (tested); sums in float64.
 */
export const normalizeRows = tf.customGrad(((z: tf.Tensor2D, save: Save): Grad<tf.Tensor2D> => {
  const [n, d] = z.shape
  const x = readValues(z)
  const r = new Float32Array(n)
  const y = new Float32Array(n * d)
  for (let i = 0; i < n; i++) {
    let s = 0
    for (let k = 0; k < d; k++) s += x[i * d + k]! * x[i * d + k]!
    const ri = (r[i] = 1 / Math.sqrt(s + 1e-12))
    for (let k = 0; k < d; k++) y[i * d + k] = x[i * d + k]! * ri
  }
  const value = tf.tensor2d(y, [n, d])
  save([tf.tensor1d(r), value])
  return {
    value,
    gradFunc: (dy, [rs, ys]) => {
      const g = readValues(dy)
      const rv = readValues(rs!)
      const yv = readValues(ys!)
      const dz = new Float32Array(n * d)
      for (let i = 0; i < n; i++) {
        let s = 0
        for (let k = 0; k < d; k++) s += g[i * d + k]! * yv[i * d + k]!
        for (let k = 0; k < d; k++) dz[i * d + k] = rv[i]! * (g[i * d + k]! - yv[i * d + k]! * s)
      }
      return [tf.tensor2d(dz, [n, d])]
    }
  }
}) as unknown as (...args: (tf.Tensor | Save)[]) => Grad<tf.Tensor>) as unknown as (z: tf.Tensor2D) => tf.Tensor2D

interface WasmHeap { wasm?: { HEAPF32: Float32Array }; dataIdMap?: { get(id: object): { memoryOffset: number } | undefined } }
/** A tensor's float32 values: a view of the wasm heap (read it before the next kernel runs), else dataSync's copy. */
function readValues(t: tf.Tensor): Float32Array {
  const b = tf.backend() as unknown as WasmHeap
  const at = b.wasm && b.dataIdMap?.get(t.dataId)?.memoryOffset
  if (b.wasm && at !== undefined) return b.wasm.HEAPF32.subarray(at / 4, at / 4 + t.size)
  return t.dataSync() as Float32Array
}
