import { spawnSync } from 'node:child_process'
import { mkdtempSync, readFileSync, rmSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { afterEach, beforeAll, describe, expect, it } from 'vitest'
import { initBackend, tf } from '../../../src-main/engine/learn/backend'
import { fusedMultiplyAdd, setFusedMultiplyAdd, wasmKernelsInstalled, withTfjsKernels } from '../../../src-main/engine/learn/wasm/kernels'
import { denseLayer } from '../../../src-main/engine/learn/dense'
import { condHalf, condLoss } from '../../../src-main/engine/learn/losses'
import { GEMM_RELAXED_WASM_BASE64, GEMM_WASM_BASE64 } from '../../../src-main/engine/learn/wasm/gemm-wasm-bytes'

beforeAll(async () => {
  await initBackend('wasm')
})
afterEach(() => setFusedMultiplyAdd(undefined))
/** The plain SIMD128 build (XNNPACK's bits), for the tests that compare bits with tfjs. */
const plainBuild = () => setFusedMultiplyAdd(false)

let seed = 7
/** Deterministic values in [-0.5, 0.5) (no tfjs random op, so nothing depends on the kernels under test). */
function rand(shape: number[]): tf.Tensor {
  const n = shape.reduce((a, b) => a * b, 1)
  return tf.tensor(Float32Array.from({ length: n }, () => ((seed = (seed * 16807) % 2147483647) / 2147483647) - 0.5), shape)
}
const values = (t: tf.Tensor) => Array.from(t.dataSync())
/** The last two axes swapped, as a materialised tensor. */
const swapLast = (t: tf.Tensor) => tf.transpose(t, [...Array.from({ length: t.rank - 2 }, (_, i) => i), t.rank - 1, t.rank - 2])

/**
 * op(a)·op(b) + bias in float64 from the values (the exact product the kernels round), and for each output the
 * bound (k + 2)·2⁻²⁴·(|bias| + Σ|a||b|) on the error of any k-term float32 sum of float32 products.
 */
function reference(a: tf.Tensor, b: tf.Tensor, ta: boolean, tb: boolean, bias?: tf.Tensor): { exact: number[]; bound: number[] } {
  const A = (ta ? swapLast(a) : a).arraySync() as number[][]
  const B = (tb ? swapLast(b) : b).arraySync() as number[][]
  const c = bias ? values(bias) : undefined
  const k = B.length
  const exact: number[] = [], bound: number[] = []
  for (const row of A)
    B[0]!.forEach((_, j) => {
      let s = c ? c[j]! : 0, abs = Math.abs(s)
      row.forEach((x, i) => ((s += x * B[i]![j]!), (abs += Math.abs(x * B[i]![j]!))))
      exact.push(s)
      bound.push((k + 2) * 2 ** -24 * abs)
    })
  return { exact, bound }
}

describe('our wasm matrix kernels (wasm/gemm.c) in place of tfjs-wasm BatchMatMul and _FusedMatMul', () => {
  it('are installed on the wasm backend', () => {
    expect(wasmKernelsInstalled()).toBe(true)
  })

  // [m, k, n, bias, relu]: the reference model's layers, sizes that are no multiple of 4 or 8, one row, k = 1
  const plain: [number, number, number, boolean, boolean][] = [
    [256, 200, 256, true, true], [256, 256, 32, true, false], [7, 13, 19, false, false], [5, 3, 9, true, true],
    [1, 256, 64, false, false], [13, 1, 8, true, false], [6, 17, 3, true, true], [9, 40, 16, false, true]
  ]
  it('give tfjs’s (XNNPACK’s) bits for untransposed products, with bias and relu, at odd sizes', () => {
    plainBuild()
    for (const [m, k, n, withBias, relu] of plain) {
      const a = rand([m, k]), b = rand([k, n]), bias = withBias ? rand([n]) : undefined
      const run = () => values(withBias || relu ? tf.fused.matMul({ a, b, bias, activation: relu ? 'relu' : 'linear' }) : tf.matMul(a, b))
      expect(run()).toEqual(withTfjsKernels(tf, run))
    }
  })

  it('take transposes as strides: the bits of tfjs’s product of the materialised transposes, at odd sizes', () => {
    plainBuild()
    for (const [m, k, n] of [[7, 13, 19], [256, 256, 256], [200, 256, 256], [5, 9, 33], [4, 8, 8]] as const)
      for (const ta of [false, true])
        for (const tb of [false, true])
          for (const withBias of [false, true]) {
            const a = rand(ta ? [k, m] : [m, k]), b = rand(tb ? [n, k] : [k, n]), bias = withBias ? rand([n]) : undefined
            const ours = values(tf.fused.matMul({ a, b, transposeA: ta, transposeB: tb, bias }))
            // tfjs's own transposed path is a slower loop that sums in blocks of 48 (and mis-indexes a bias):
            // its XNNPACK path on the materialised transposes sums in k order, as ours does
            const theirs = withTfjsKernels(tf, () => values(tf.fused.matMul({ a: ta ? swapLast(a) : a, b: tb ? swapLast(b) : b, bias })))
            expect(ours).toEqual(theirs)
          }
  })

  it('are within float32 rounding of the float64 product, both builds, every transpose, bias, relu, odd sizes', () => {
    const builds = [false, ...(fusedMultiplyAdd() ? [true] : [])]
    for (const fused of builds)
      for (const [m, k, n] of [[11, 6, 9], [9, 40, 16], [256, 200, 32]] as const)
        for (const ta of [false, true])
          for (const tb of [false, true]) {
            setFusedMultiplyAdd(fused)
            const a = rand(ta ? [k, m] : [m, k]), b = rand(tb ? [n, k] : [k, n]), bias = rand([n])
            const { exact, bound } = reference(a, b, ta, tb, bias)
            const lin = values(tf.fused.matMul({ a, b, transposeA: ta, transposeB: tb, bias }))
            const relu = values(tf.fused.matMul({ a, b, transposeA: ta, transposeB: tb, bias, activation: 'relu' }))
            lin.forEach((x, i) => expect(Math.abs(x - exact[i]!)).toBeLessThanOrEqual(bound[i]!))
            expect(relu).toEqual(lin.map((x) => (x > 0 ? x : 0)))
          }
  })

  it('fuse multiply-adds where the engine has relaxed SIMD (Node 20: behind the flag the kernels set)', () => {
    expect(fusedMultiplyAdd()).toBe(true)
    const a = rand([64, 64]), b = rand([64, 64])
    setFusedMultiplyAdd(false)
    const plain = values(tf.matMul(a, b))
    setFusedMultiplyAdd(true)
    const fused = values(tf.matMul(a, b))
    expect(fused).not.toEqual(plain) // one rounding fewer per term changes some last bits
  })

  it('batch: equal batches and one matrix broadcast over the batch, each entry the bits of its own 2-D product', () => {
    plainBuild()
    const a3 = rand([3, 5, 9]), b3 = rand([3, 9, 17]), b2 = rand([9, 17]), a1 = rand([1, 5, 9])
    const entries = (x: tf.Tensor, i: number) => (x.rank === 3 && x.shape[0]! > 1 ? tf.squeeze(tf.slice(x, [i, 0, 0], [1, -1, -1]), [0]) : x.rank === 3 ? tf.squeeze(x, [0]) : x)
    for (const [a, b, ta, tb] of [[a3, b3, false, false], [a3, b2, false, false], [a1, b3, false, false], [a3, b3, true, true]] as const) {
      const aa = ta ? swapLast(a) : a, bb = tb ? swapLast(b) : b
      const ours = tf.matMul(aa, bb, ta, tb)
      expect(ours.shape).toEqual([3, 5, 17])
      for (let i = 0; i < 3; i++) {
        const theirs = withTfjsKernels(tf, () => values(tf.matMul(entries(a, i), entries(b, i))))
        expect(values(tf.slice(ours, [i, 0, 0], [1, -1, -1]))).toEqual(theirs)
      }
    }
  })

  it('dense layer backward in one call: the bits of the op-by-op gradient on tfjs’s kernels (relu or not, data input or not, odd sizes)', () => {
    plainBuild()
    for (const [n, k, m] of [[256, 200, 256], [7, 13, 19], [5, 3, 9], [12, 8, 32]] as const)
      for (const relu of [false, true])
        for (const input of [false, true]) {
          const x = rand([n, k]), w = rand([k, m]), b = rand([m]), up = rand([n, m])
          const grads = () => tf.grads((a: tf.Tensor, c: tf.Tensor, d: tf.Tensor) => tf.sum(tf.mul(denseLayer(a as tf.Tensor2D, c as tf.Tensor2D, d as tf.Tensor1D, relu, input), up)))([x, w, b]).map(values)
          const ours = grads()
          expect(ours[1]!.some((g) => g !== 0)).toBe(true)
          expect(ours).toEqual(withTfjsKernels(tf, grads))
        }
  })

  it('softmax and log-sum-exp of the conditional loss in one call: within float32 rounding of tfjs’s ops, rows and columns, odd sizes, logits up to ±100', () => {
    for (const [r, c, scale] of [[256, 256, 14], [7, 13, 100], [5, 5, 1], [1, 9, 30], [33, 3, 60]] as const) {
      const S = tf.mul(rand([r, c]), 2 * scale) as tf.Tensor2D
      for (const along of ['rows', 'cols'] as const) {
        const ours = condHalf(S, along)
        const theirs = withTfjsKernels(tf, () => condHalf(S, along))
        const [p, q] = [values(ours.probs), values(theirs.probs)]
        p.forEach((x, i) => expect(Math.abs(x - q[i]!)).toBeLessThanOrEqual(16 * 2 ** -24 * Math.max(q[i]!, 1e-30) + 1e-37))
        const [a, b] = [ours.lseSum.dataSync()[0]!, theirs.lseSum.dataSync()[0]!]
        const n = along === 'rows' ? r : c // tfjs sums the n log-sum-exps in float32, ours in float64
        expect(Math.abs(a - b)).toBeLessThanOrEqual((n + 4) * 2 ** -24 * (Math.abs(b) + n))
        // each row (column) of the softmax sums to 1
        const sums = values(tf.sum(ours.probs, along === 'rows' ? 1 : 0))
        sums.forEach((x) => expect(Math.abs(x - 1)).toBeLessThan(1e-5))
      }
    }
    const nan = condHalf(tf.tensor2d([[0, NaN], [1, 2]]), 'rows')
    expect(Number.isNaN(values(nan.probs)[0]!)).toBe(true) // a NaN logit is not hidden
    expect(values(condHalf(tf.tensor2d([[0, -200]]), 'rows').probs)).toEqual([1, 0])
  })

  it('the conditional loss’s value and gradient through the fused softmax and gradient kernels: within float32 rounding of tfjs’s ops', () => {
    const S = tf.mul(rand([64, 64]), 28) as tf.Tensor2D
    for (const [lu, lv] of [[1, 1], [2, 0], [0, 2], [0.5, 1.5]] as const) {
      const run = () => {
        const { value, grads } = tf.variableGrads(() => condLoss(tf.mul(v, 1) as tf.Tensor2D, lu, lv), [v])
        return { value: value.dataSync()[0]!, grad: values(grads[v.name]!) }
      }
      const v = tf.variable(S)
      const ours = run(), theirs = withTfjsKernels(tf, run)
      expect(Math.abs(ours.value - theirs.value)).toBeLessThan(1e-6 * Math.abs(theirs.value) + 1e-6)
      ours.grad.forEach((g, i) => expect(Math.abs(g - theirs.grad[i]!)).toBeLessThanOrEqual(1e-6 * Math.abs(theirs.grad[i]!) + 1e-9))
      expect(ours.grad.some((g) => g !== 0)).toBe(true)
      v.dispose()
    }
  })

  it('clone shares the data (no copy) and outlives its source; a variable’s assign leaves earlier clones as they were', () => {
    const x = rand([3, 4])
    const before = values(x)
    const y = tf.clone(x)
    const be = tf.backend() as unknown as { dataIdMap: { get(id: object): { memoryOffset: number } } }
    expect(be.dataIdMap.get(y.dataId).memoryOffset).toBe(be.dataIdMap.get(x.dataId).memoryOffset)
    x.dispose()
    expect(values(y)).toEqual(before)
    const v = tf.variable(y)
    const kept = tf.clone(v)
    v.assign(tf.zeros([3, 4]))
    expect(values(kept)).toEqual(before)
    expect(values(v)).toEqual(new Array(12).fill(0))
    expect(values(tf.clone(tf.tensor1d(['a', 'b'] as unknown as number[], 'string' as 'float32')))).toEqual(['a', 'b'])
  })

  it('leave what they do not cover to tfjs: other activations, int32, a bad inner size (tfjs’s message)', () => {
    plainBuild()
    const a = rand([4, 6]), b = rand([6, 5])
    const elu = values(tf.fused.matMul({ a, b, activation: 'elu' }))
    expect(elu).toEqual(withTfjsKernels(tf, () => values(tf.fused.matMul({ a, b, activation: 'elu' }))))
    expect(() => tf.matMul(tf.tensor2d([[1, 2]], [1, 2], 'int32'), tf.tensor2d([[3], [4]], [2, 1], 'int32'))).toThrow(/non-float32/)
    expect(() => tf.matMul(a, a)).toThrow(/inner shapes \(6\) and \(4\)/)
  })

  it.each([['SIMD128', GEMM_WASM_BASE64], ['relaxed SIMD', GEMM_RELAXED_WASM_BASE64]])('%s build: imports the backend’s memory and nothing else, and carries no data segment (it must not write into tfjs’s heap)', (_, base64) => {
    fusedMultiplyAdd() // sets Node 20's relaxed-SIMD flag
    const bytes = Buffer.from(base64, 'base64')
    const mod = new WebAssembly.Module(bytes)
    expect(WebAssembly.Module.imports(mod)).toEqual([{ module: 'env', name: 'memory', kind: 'memory' }])
    expect(WebAssembly.Module.exports(mod).map((e) => e.name).sort()).toEqual(['block_grad', 'column_partials', 'cond_grad', 'dense_grad', 'gemm', 'softmax'])
    // walk the sections: id 11 is data, 5 a memory of its own
    const ids: number[] = []
    for (let at = 8; at < bytes.length;) {
      ids.push(bytes[at]!)
      let size = 0, shift = 0, byte: number
      at++
      do {
        byte = bytes[at++]!
        size |= (byte & 0x7f) << shift
        shift += 7
      } while (byte & 0x80)
      at += size
    }
    expect(ids).not.toContain(11)
    expect(ids).not.toContain(5)
  })

  const tools = ['clang', 'wasm-ld', 'llvm-objdump', 'python3'].every((t) => spawnSync('sh', ['-c', `command -v ${t}`]).status === 0)
  it.skipIf(!tools)('are the build of wasm/gemm.c (rebuilt here when clang, wasm-ld and llvm-objdump are installed)', () => {
    const dir = mkdtempSync(join(tmpdir(), 'driftclip-wasm-'))
    try {
      const r = spawnSync('bash', ['src-main/engine/learn/wasm/build.sh', dir], { encoding: 'utf8' })
      expect(r.stderr).toBe('')
      expect(readFileSync(join(dir, 'gemm.wasm')).toString('base64')).toBe(GEMM_WASM_BASE64)
      expect(readFileSync(join(dir, 'gemm-relaxed.wasm')).toString('base64')).toBe(GEMM_RELAXED_WASM_BASE64)
    } finally {
      rmSync(dir, { recursive: true, force: true })
    }
  })
})
