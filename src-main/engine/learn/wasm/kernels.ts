/**
 * Our WebAssembly SIMD kernels (gemm.c, built by build.sh into gemm-wasm-bytes.ts) registered in place of tfjs-wasm's
 * BatchMatMul and _FusedMatMul. They run on the backend's heap (the module imports its memory), take transposes as
 * strides, and give XNNPACK's bits where tfjs used XNNPACK (tested against tfjs's own kernels). Cases they do not
 * cover (other dtypes and activations, general batch broadcasting) go to tfjs's kernel. Training products are ~a
 * third of a reference step's CPU time (#15). DRIFTCLIP_WASM_KERNELS=0 keeps tfjs's kernels.
 */
import type * as TF from '@tensorflow/tfjs'
import { setFlagsFromString } from 'node:v8'
import { GEMM_RELAXED_WASM_BASE64, GEMM_WASM_BASE64 } from './gemm-wasm-bytes'
import { webAssembly } from '../../wasm-api'

const { Module, Instance, validate } = webAssembly

interface Exports {
  gemm(batch: number, M: number, N: number, K: number, a: number, abs: number, ars: number, acs: number, b: number, bbs: number, brs: number, bcs: number, bias: number, c: number, relu: number, scratch: number): void
  cond_grad(B: number, P: number, Q: number, a: number, b: number, c: number, k: number, G: number): void
  softmax(S: number, R: number, C: number, rows: number, P: number, zm: number): void
  dense_grad(n: number, k: number, m: number, x: number, w: number, y: number, dy: number, dx: number, dw: number, db: number, relu: number, scratch: number): void
  column_partials(S: number, R: number, C: number, zm: number): void
  block_grad(R: number, C: number, lo: number, S: number, P: number, lse: number, a: number, b: number, c: number, k: number, G: number): void
}

type TensorInfo = TF.TensorInfo
/** The parts of tfjs-wasm's backend object the kernels use. */
interface WasmBackend {
  wasm: { asm: { memory: object }; HEAPF32: Float32Array; _malloc(bytes: number): number; _free(ptr: number): void }
  dataIdMap: { get(id: object): { memoryOffset: number } }
  /** memoryOffset: data already allocated (with wasm._malloc; disposing the tensor frees it) */
  makeOutput(shape: number[], dtype: 'float32', memoryOffset?: number): TensorInfo
  incRef(dataId: object): void
}
type KernelArgs = { inputs: Record<string, TensorInfo | undefined>; backend: unknown; attrs?: Record<string, unknown> }
type KernelFunc = (args: KernelArgs) => TensorInfo

/**
 * Whether the products fuse each multiply-add (relaxed SIMD's f32x4.relaxed_madd: ~1.4× the speed, one rounding
 * fewer per term, so no longer XNNPACK's bits). Node 20's V8 has relaxed SIMD behind a flag, set here; newer engines
 * (Electron's) have it on. Chosen once per thread, the same in every thread of a process, so parallel training keeps
 * the one-thread loop's bits. DRIFTCLIP_WASM_FMA=0 keeps the plain SIMD128 build.
 */
let fma: boolean | undefined

function relaxedSimd(): boolean {
  if (process.env.DRIFTCLIP_WASM_FMA === '0') return false
  const bytes = Buffer.from(GEMM_RELAXED_WASM_BASE64, 'base64')
  if (validate(bytes)) return true
  try {
    setFlagsFromString('--experimental-wasm-relaxed-simd')
  } catch {
    return false
  }
  return validate(bytes)
}

/** Whether the products fuse multiply-adds in this thread. */
export function fusedMultiplyAdd(): boolean {
  return (fma ??= relaxedSimd())
}

/** Tests: choose the build (false: XNNPACK's bits; true needs relaxed SIMD); undefined goes back to the default. */
export function setFusedMultiplyAdd(on: boolean | undefined): void {
  fma = on === undefined ? undefined : on && relaxedSimd()
}

/** One instance per backend memory and build; a scratch buffer for copying transposed right-hand operands. */
let bound: { memory: object; fma: boolean; ex: Exports; scratch: number; scratchBytes: number } | undefined

function instance(b: WasmBackend): NonNullable<typeof bound> {
  const memory = b.wasm.asm.memory
  const fused = fusedMultiplyAdd()
  if (bound?.memory === memory && bound.fma === fused) return bound
  if (bound?.memory === memory && bound.scratch) b.wasm._free(bound.scratch)
  const bytes = Buffer.from(fused ? GEMM_RELAXED_WASM_BASE64 : GEMM_WASM_BASE64, 'base64')
  const ex = new Instance(new Module(bytes), { env: { memory } }).exports as Exports
  bound = { memory, fma: fused, ex, scratch: 0, scratchBytes: 0 }
  return bound
}

function scratchFor(b: WasmBackend, inst: NonNullable<typeof bound>, bytes: number): number {
  if (bytes > inst.scratchBytes) {
    if (inst.scratch) b.wasm._free(inst.scratch)
    inst.scratchBytes = Math.max(bytes, 2 * inst.scratchBytes)
    inst.scratch = b.wasm._malloc(inst.scratchBytes) >>> 0
  }
  return inst.scratch
}

const size = (shape: number[]) => shape.reduce((p, n) => p * n, 1)
const same = (x: number[], y: number[]) => x.length === y.length && x.every((v, i) => v === y[i])

/**
 * Identity (tf.clone, and every tensor a custom gradient saves: ~40 per reference step) shares the data, as Reshape
 * does, instead of tfjs-wasm's copy: tensors are immutable (a variable's assign swaps its data), which the cpu
 * backend's Identity assumes too. −0.7 CPU-ms per reference step (same-process A/B, load 11).
 */
function identity(args: KernelArgs): TensorInfo | undefined {
  const x = args.inputs.x
  if (!x || x.dtype === 'string') return undefined
  ;(args.backend as WasmBackend).incRef(x.dataId)
  return { dataId: x.dataId, shape: x.shape, dtype: x.dtype }
}

/** C = act(bias + op(A) op(B)) on our kernel, or undefined when it does not cover the case. */
function matMul(args: KernelArgs, broadcast: (a: number[], b: number[]) => number[]): TensorInfo | undefined {
  const { a, b, bias, preluActivationWeights } = args.inputs
  const attrs = args.attrs ?? {}
  const activation = (attrs.activation as string | undefined) ?? 'linear'
  if (!a || !b || a.dtype !== 'float32' || b.dtype !== 'float32' || preluActivationWeights) return undefined
  if (activation !== 'linear' && activation !== 'relu') return undefined
  const ta = Boolean(attrs.transposeA), tb = Boolean(attrs.transposeB)
  const ra = a.shape.length, rb = b.shape.length
  if (ra < 2 || rb < 2) return undefined
  const [aRows, aCols] = [a.shape[ra - 2]!, a.shape[ra - 1]!]
  const [bRows, bCols] = [b.shape[rb - 2]!, b.shape[rb - 1]!]
  const M = ta ? aCols : aRows, K = ta ? aRows : aCols
  const N = tb ? bRows : bCols
  if ((tb ? bCols : bRows) !== K) return undefined // tfjs's kernel throws its own message
  if (bias && (bias.dtype !== 'float32' || bias.shape.length !== 1 || bias.shape[0] !== N)) return undefined
  const aOuter = a.shape.slice(0, -2), bOuter = b.shape.slice(0, -2)
  const outer = broadcast(aOuter, bOuter)
  const batchA = size(aOuter), batchB = size(bOuter), batch = size(outer)
  // one operand's batch is the whole batch, the other's is that or a single matrix broadcast over it
  if ((batchA !== 1 && !same(aOuter, outer)) || (batchB !== 1 && !same(bOuter, outer))) return undefined
  const be = args.backend as WasmBackend
  const inst = instance(be)
  const at = (t: TensorInfo) => be.dataIdMap.get(t.dataId).memoryOffset
  // B's strips of 8 columns are packed (and a transposed A), gemm.c's product
  const scratch = N >= 8 ? scratchFor(be, inst, (8 * K + (ta ? M * K : 0)) * 4) : 0
  const out = be.makeOutput([...outer, M, N], 'float32')
  inst.ex.gemm(
    batch, M, N, K,
    at(a), batchA > 1 ? M * K : 0, ta ? 1 : K, ta ? M : 1,
    at(b), batchB > 1 ? K * N : 0, tb ? 1 : N, tb ? K : 1,
    bias ? at(bias) : 0, at(out), activation === 'relu' ? 1 : 0, scratch
  )
  return out
}

/** tfjs's kernel configs and ours, by kernel name, once installed. */
const configs = new Map<string, { tfjs: TF.KernelConfig; ours: TF.KernelConfig }>()
let installed = false

/** The name of our softmax / log-sum-exp kernel (wasm only; see softmaxLse). */
export const SOFTMAX_LSE = 'DriftclipSoftmaxLse'

/**
 * [Σ log-sum-exp, softmax] of a 2-D x along its rows (`along` 'rows': over each row's entries) or columns, in one call:
 * the max, e^(x − max) (a SIMD exp within ~2 ulp of expf), its sums and the division; the B logs and the sum in
 * float64 here. Within float32 rounding of the op-by-op form in losses.ts (tested).
 */
function softmaxLse(args: KernelArgs): TensorInfo[] {
  const x = args.inputs.x!
  const rows = args.attrs?.along === 'rows'
  const [R, C] = x.shape as [number, number]
  const be = args.backend as WasmBackend
  const inst = instance(be)
  const at = (t: TensorInfo) => be.dataIdMap.get(t.dataId).memoryOffset
  const n = rows ? R : C
  const zm = scratchFor(be, inst, 8 * n)
  const probs = be.makeOutput([R, C], 'float32'), lse = be.makeOutput([], 'float32')
  inst.ex.softmax(at(x), R, C, rows ? 1 : 0, at(probs), zm)
  const heap = new Float32Array(be.wasm.HEAPF32.buffer)
  let sum = 0
  if (rows) for (let i = 0; i < n; i++) sum += Math.log(heap[zm / 4 + 2 * i]!) + heap[zm / 4 + 2 * i + 1]!
  else for (let j = 0; j < n; j++) sum += Math.log(heap[zm / 4 + j]!) + heap[zm / 4 + n + j]!
  heap[at(lse) / 4] = sum
  return [lse, probs]
}

/** The name of our conditional-loss gradient kernel (wasm only; see condGrad). */
export const COND_GRAD = 'DriftclipCondGrad'

/**
 * losses.ts condOp's gradient ((I·a + P·b) + Q·c)·(dy/B) from the saved row softmax P (if λv ≠ 0) and column softmax
 * Q (if λu ≠ 0), a = −(λu+λv)/2, b = λv/2, c = λu/2, in one call with the op-by-op bits.
 */
function condGrad(args: KernelArgs): TensorInfo {
  const { rows, cols, dy } = args.inputs
  const lu = Number(args.attrs?.lu), lv = Number(args.attrs?.lv)
  const some = (rows ?? cols)!
  const B = some.shape[0]!
  const be = args.backend as WasmBackend
  const inst = instance(be)
  const at = (t: TensorInfo) => be.dataIdMap.get(t.dataId).memoryOffset
  const g = be.makeOutput([B, B], 'float32')
  const k = Math.fround(be.wasm.HEAPF32[at(dy!) / 4]! / B) // tf.div(dy, B) in float32
  inst.ex.cond_grad(B, rows ? at(rows) : 0, cols ? at(cols) : 0, -(lu + lv) / 2, lv / 2, lu / 2, k, at(g))
  return g
}

/** The name of our dense-layer backward kernel (wasm only; see denseGrad). */
export const DENSE_GRAD = 'DriftclipDenseGrad'

/**
 * [dx, dw, db] of y = act(x·w + b) for upstream dy, x [n, k], w [k, m], y [n, m] (dx omitted when `dx` is false): one
 * call in place of dense.ts's mask, two products and column sums, with their bits.
 */
function denseGrad(args: KernelArgs): TensorInfo[] {
  const { dy, x, w, y } = args.inputs as Record<string, TensorInfo>
  const relu = Boolean(args.attrs?.relu), withDx = Boolean(args.attrs?.dx)
  const [n, k] = x!.shape as [number, number]
  const m = w!.shape[1]!
  const be = args.backend as WasmBackend
  const inst = instance(be)
  const at = (t: TensorInfo) => be.dataIdMap.get(t.dataId).memoryOffset
  const scratch = scratchFor(be, inst, denseGradScratch(n, k, m, relu, withDx) * 4)
  const dx = withDx ? be.makeOutput([n, k], 'float32') : undefined
  const dw = be.makeOutput([k, m], 'float32'), db = be.makeOutput([m], 'float32')
  inst.ex.dense_grad(n, k, m, at(x!), at(w!), at(y!), at(dy!), dx ? at(dx) : 0, at(dw), at(db), relu ? 1 : 0, scratch)
  return dx ? [dx, dw, db] : [dw, db]
}

/** Floats of dense_grad's scratch (gemm.c): the relu mask, then the larger of its two products' packing. */
const denseGradScratch = (n: number, k: number, m: number, relu: boolean, dx: boolean) => (relu ? n * m : 0) + Math.max(dx ? 8 * m : 0, 8 * n + k * n) + 1

/** The name of our whole-MLP forward kernel (wasm only; see mlpForward). */
export const MLP = 'DriftclipMlp'
/** The name of its backward kernel (see mlpGrad). */
export const MLP_GRAD = 'DriftclipMlpGrad'

/** Each layer's [k, m] from the weights w_0 … w_{L−1}. */
const layerSizes = (w: TensorInfo[]) => ({ k: w.map((t) => t.shape[0]!), m: w.map((t) => t.shape[1]!) })

/**
 * y = h_L of h_{l+1} = act_l(h_l·w_l + b_l), h_0 = x [n, k_0], act_l = relu for the hidden layers (attrs.relu) and the
 * identity for the last: an MLP's whole forward in one kernel, each layer the gemm call _FusedMatMul makes (so its
 * bits). The hidden activations h_1 … h_{L−1}, which the backward needs, live in the same heap block after y's values,
 * so they are freed with y's data (its saved clone shares it) and need no outputs of their own (the tape would
 * allocate a zero gradient for every output that does not reach the loss).
 */
function mlpForward(args: KernelArgs): TensorInfo {
  // inputs [x, w_0, b_0, w_1, b_1, …] (an array: the gradient saves them all)
  const [x, ...wb] = args.inputs as unknown as TensorInfo[]
  const relu = Boolean(args.attrs?.relu)
  const L = wb.length / 2
  const w = wb.filter((_, i) => i % 2 === 0), b = wb.filter((_, i) => i % 2 === 1)
  const { k, m } = layerSizes(w)
  const n = x!.shape[0]!
  if (x!.shape[1] !== k[0] || k.some((kl, l) => l > 0 && kl !== m[l - 1])) throw new Error(`${MLP}: layer sizes ${[x!.shape[1], ...k.slice(1)]} do not chain with ${m}`)
  const be = args.backend as WasmBackend
  const inst = instance(be)
  const at = (t: TensorInfo) => be.dataIdMap.get(t.dataId).memoryOffset
  const hidden = m.slice(0, -1).reduce((s, ml) => s + n * ml, 0)
  const y = (be.wasm._malloc(4 * (n * m[L - 1]! + hidden)) >>> 0)
  const out = be.makeOutput([n, m[L - 1]!], 'float32', y)
  const scratch = scratchFor(be, inst, 4 * 8 * Math.max(...k)) // B's packed strips (gemm.c)
  let h = at(x!)
  for (let l = 0, next = y + 4 * n * m[L - 1]!; l < L; l++) {
    const to = l === L - 1 ? y : next
    inst.ex.gemm(1, n, m[l]!, k[l]!, h, 0, k[l]!, 1, at(w[l]!), 0, m[l]!, 1, at(b[l]!), to, relu && l < L - 1 ? 1 : 0, scratch)
    h = to
    next += 4 * n * m[l]!
  }
  return out
}

/**
 * [dw_0, db_0, …, dw_{L−1}, db_{L−1}] (and dx last, when attrs.dx) of mlpForward for upstream dy, from the saved x,
 * weights and y (whose heap block holds the hidden activations): dense_grad layer by layer from the last, each
 * layer's dx the previous one's dy, as the op-by-op layers' gradients chain, so the same bits.
 */
function mlpGrad(args: KernelArgs): TensorInfo[] {
  // inputs [dy, y, x, w_0, …, w_{L−1}]
  const [dy, y, x, ...w] = args.inputs as unknown as TensorInfo[]
  const relu = Boolean(args.attrs?.relu), withDx = Boolean(args.attrs?.dx)
  const L = w.length
  const { k, m } = layerSizes(w)
  const n = x!.shape[0]!
  const be = args.backend as WasmBackend
  const inst = instance(be)
  const at = (t: TensorInfo) => be.dataIdMap.get(t.dataId).memoryOffset
  // scratch: two ping-pong buffers for the hidden layers' gradients, then dense_grad's own (relu mask, packing)
  const widest = Math.max(0, ...m.slice(0, -1))
  const own = Math.max(...m.map((ml, l) => denseGradScratch(n, k[l]!, ml, relu && l < L - 1, l > 0 || withDx)))
  const scratch = scratchFor(be, inst, 4 * (2 * n * widest + own))
  const ping = [scratch, scratch + 4 * n * widest], rest = scratch + 8 * n * widest
  const grads = w.flatMap((_, l) => [be.makeOutput([k[l]!, m[l]!], 'float32'), be.makeOutput([m[l]!], 'float32')])
  const dx = withDx ? be.makeOutput([n, k[0]!], 'float32') : undefined
  // h_l's offset: x for l = 0, else in y's block after y
  const hiddenAt: number[] = [at(x!)]
  for (let l = 1, next = at(y!) + 4 * n * m[L - 1]!; l < L; l++, next += 4 * n * m[l - 2]!) hiddenAt.push(next)
  let g = at(dy!)
  for (let l = L - 1; l >= 0; l--) {
    const into = l > 0 ? ping[l % 2]! : dx ? at(dx) : 0
    inst.ex.dense_grad(n, k[l]!, m[l]!, hiddenAt[l]!, at(w[l]!), l < L - 1 ? hiddenAt[l + 1]! : at(y!), g, into, at(grads[2 * l]!), at(grads[2 * l + 1]!), relu && l < L - 1 ? 1 : 0, rest)
    g = into
  }
  return dx ? [...grads, dx] : grads
}

/**
 * Per column j of a row block S (R × C, wasm) of the data-parallel conditional loss (shard-loss.ts): out[j] = the
 * max over the block's rows, out[C + j] = Σ_i e^(S_ij − max) (the SIMD exp of softmaxLse), in one call.
 */
export function columnPartials(backend: unknown, S: TensorInfo, out: Float32Array): void {
  const [R, C] = S.shape as [number, number]
  const be = backend as WasmBackend
  const inst = instance(be)
  const zm = scratchFor(be, inst, 8 * C)
  inst.ex.column_partials(be.dataIdMap.get(S.dataId).memoryOffset, R, C, zm)
  const heap = new Float32Array(be.wasm.HEAPF32.buffer, zm, 2 * C)
  out.set(heap.subarray(C), 0) // max
  out.set(heap.subarray(0, C), C) // Σ e^(S − max)
}

/** The name of the data-parallel block-loss gradient kernel (wasm only; see blockGrad). */
export const BLOCK_GRAD = 'DriftclipBlockGrad'

/**
 * shard-loss.ts's block gradient ((I·a + P·b) + Q·c)·(dy/B) of rows [lo, lo + R) of a B × B batch in one call, from
 * the block S, its saved row softmax P (if λv ≠ 0) and the columns' log-sum-exps `lse` [B] (if λu ≠ 0; Q = e^(S − lse)),
 * a = −(λu+λv)/2, b = λv/2, c = λu/2: cond_grad's operations, with the column softmax formed from the whole batch's lse.
 */
function blockGrad(args: KernelArgs): TensorInfo {
  const { S, rows, lse, dy } = args.inputs
  const lu = Number(args.attrs?.lu), lv = Number(args.attrs?.lv), lo = Number(args.attrs?.lo)
  const [R, C] = S!.shape as [number, number]
  const be = args.backend as WasmBackend
  const inst = instance(be)
  const at = (t: TensorInfo) => be.dataIdMap.get(t.dataId).memoryOffset
  const g = be.makeOutput([R, C], 'float32')
  const k = Math.fround(be.wasm.HEAPF32[at(dy!) / 4]! / C) // tf.div(dy, B) in float32
  inst.ex.block_grad(R, C, lo, at(S!), rows ? at(rows) : 0, lse ? at(lse) : 0, -(lu + lv) / 2, lv / 2, lu / 2, k, at(g))
  return g
}

/**
 * MLP's one gradient: the whole backward in one MLP_GRAD call, made when the tape reaches the node (inside the
 * backward pass's scope, which keeps what the lazy gradients return); saved: the inputs x, w_0, b_0, …, then y.
 */
function registerMlpGradient(tf: typeof TF): void {
  tf.registerGradient({
    kernelName: MLP, saveAllInputs: true, outputsToSave: [true],
    gradFunc: (dy, saved, attrs) => {
      const [x, ...wb] = saved
      const y = wb.pop()!
      const L = wb.length / 2
      const g = tf.engine().runKernel(MLP_GRAD, [dy as TF.Tensor, y, x!, ...wb.filter((_, i) => i % 2 === 0)] as unknown as TF.NamedTensorMap, attrs as TF.NamedAttrMap) as TF.Tensor[]
      // by input index: 0 is x (its gradient last, when asked for), then w_l, b_l at 1 + 2l, 2 + 2l
      const out: Record<string, () => TF.Tensor> = { 0: () => (attrs.dx ? g[2 * L]! : tf.zerosLike(x!)) }
      g.slice(0, 2 * L).forEach((t, i) => (out[i + 1] = () => t))
      return out
    }
  })
}

/** Whether our kernels serve matMul on the wasm backend (so transposed operands cost nothing extra). */
export function wasmKernelsInstalled(): boolean {
  return installed
}

function register(tf: typeof TF, use: 'tfjs' | 'ours'): void {
  for (const [name, c] of configs) {
    tf.unregisterKernel(name, 'wasm')
    tf.registerKernel(c[use])
  }
  installed = use === 'ours'
}

/**
 * Register our kernels for the wasm backend (after it initialised): BatchMatMul, _FusedMatMul and Identity in place
 * of tfjs's, and the dense, softmax and conditional-loss kernels; returns whether they are in use. Idempotent. Each
 * keeps tfjs's kernel for what it does not cover.
 */
export function installWasmKernels(tf: typeof TF): boolean {
  if (installed) return true
  if (configs.size === 0) {
    if (process.env.DRIFTCLIP_WASM_KERNELS === '0') return false
    const broadcast = (x: number[], y: number[]) => tf.broadcast_util.assertAndGetBroadcastShape(x, y)
    const ours: Record<string, (args: KernelArgs) => TensorInfo | undefined> = { BatchMatMul: (a) => matMul(a, broadcast), _FusedMatMul: (a) => matMul(a, broadcast), Identity: identity }
    for (const [name, kernel] of Object.entries(ours)) {
      const original = tf.getKernel(name, 'wasm')
      if (!original) return false
      const fallback = original.kernelFunc as unknown as KernelFunc
      const kernelFunc = (args: KernelArgs) => kernel(args) ?? fallback(args)
      configs.set(name, { tfjs: original, ours: { ...original, kernelFunc: kernelFunc as unknown as TF.KernelFunc } })
    }
    tf.registerKernel({ kernelName: DENSE_GRAD, backendName: 'wasm', kernelFunc: denseGrad as unknown as TF.KernelFunc })
    tf.registerKernel({ kernelName: COND_GRAD, backendName: 'wasm', kernelFunc: condGrad as unknown as TF.KernelFunc })
    tf.registerKernel({ kernelName: BLOCK_GRAD, backendName: 'wasm', kernelFunc: blockGrad as unknown as TF.KernelFunc })
    tf.registerKernel({ kernelName: SOFTMAX_LSE, backendName: 'wasm', kernelFunc: softmaxLse as unknown as TF.KernelFunc })
    tf.registerKernel({ kernelName: MLP, backendName: 'wasm', kernelFunc: mlpForward as unknown as TF.KernelFunc })
    tf.registerKernel({ kernelName: MLP_GRAD, backendName: 'wasm', kernelFunc: mlpGrad as unknown as TF.KernelFunc })
    registerMlpGradient(tf)
  }
  register(tf, 'ours')
  return true
}

/** Run `f` on tfjs's own kernels (tests and benchmarks compare the two), then restore ours if they were in use. */
export function withTfjsKernels<T>(tf: typeof TF, f: () => T): T {
  const was = installed
  if (was) register(tf, 'tfjs')
  try {
    return f()
  } finally {
    if (was) register(tf, 'ours')
  }
}
