/**
 * The Gram matrix XᵀX of contiguous columns in WebAssembly SIMD (source and build: wasm/gram.c, wasm/build-gram.sh):
 * the largest cost of a path's normal equations (learn/path-features.ts). At the paper's settings, 98 columns × 1000
 * rows, it takes 0.9 ms against the JS 2 × 4-block loop's 3.9 ms (measured 2026-12-03, load ≈ 1.5); its sums pair
 * even and odd rows, so it agrees with the sequential sum to a few ulp, not bit for bit (tested). One instance per
 * thread, created on first use; not re-entrant.
 */
import { GRAM_WASM_BASE64 } from './gram-wasm-bytes'
import { webAssembly, type WasmMemory } from '../wasm-api'

const { Module, Instance } = webAssembly

interface Exports {
  memory: WasmMemory
  gram(cols: number, P: number, n: number, M: number): void
}

let instance: { ex: Exports; free: number } | undefined

function load(): { ex: Exports; free: number } {
  const ex = new Instance(new Module(Buffer.from(GRAM_WASM_BASE64, 'base64')), {}).exports as Exports
  // everything past the initial memory (stack) is ours: the columns, then M
  return { ex, free: ex.memory.buffer.byteLength }
}

/** Room for P columns of n rows and their P × P Gram matrix: the module's memory grown if need be. */
function reserve(P: number, n: number): { ex: Exports; free: number } {
  instance ??= load()
  const { ex, free } = instance
  const need = free + 8 * (P * n + P * P) - ex.memory.buffer.byteLength
  if (need > 0) ex.memory.grow(Math.ceil(need / 65536))
  return instance
}

/**
 * A zeroed P·n column buffer inside the module's memory: columns written there go to `gramOfColumns` without a copy
 * (and no P·n array is allocated per call). Valid until the next `gramScratch` or `gramOfColumns` call.
 */
export function gramScratch(P: number, n: number): Float64Array {
  const { ex, free } = reserve(P, n)
  return new Float64Array(ex.memory.buffer, free, P * n).fill(0)
}

/** M = XᵀX (P × P, row-major, full) of the columns X_p = cols[p·n … (p + 1)·n). */
export function gramOfColumns(cols: Float64Array, P: number, n: number): Float64Array {
  if (cols.length < P * n) throw new Error(`gramOfColumns: ${cols.length} numbers are fewer than ${P} columns of ${n}`)
  const { ex, free } = reserve(P, n)
  const buf = ex.memory.buffer
  if (cols.buffer !== buf || cols.byteOffset !== free) new Float64Array(buf, free, P * n).set(cols.subarray(0, P * n))
  const at = free + 8 * P * n
  ex.gram(free, P, n, at)
  return new Float64Array(buf.slice(at, at + 8 * P * P))
}
