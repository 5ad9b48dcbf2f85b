import { describe, expect, it } from 'vitest'
import { itIsTheBuildOf } from './wasm-build'
import { gramOfColumns, gramScratch } from '../../../src-main/engine/flows/gram-wasm'
import { GRAM_WASM_BASE64 } from '../../../src-main/engine/flows/gram-wasm-bytes'

/** XᵀX by its definition (sequential sums). */
function naive(cols: Float64Array, P: number, n: number): Float64Array {
  const M = new Float64Array(P * P)
  for (let p = 0; p < P; p++)
    for (let q = 0; q < P; q++) {
      let s = 0
      for (let j = 0; j < n; j++) s += cols[p * n + j] * cols[q * n + j]
      M[p * P + q] = s
    }
  return M
}

describe('WebAssembly SIMD Gram kernel', () => {
  it('is XᵀX for any size (its 2 × 4 blocks, odd and even rows, every remainder) to 1e-13, exactly symmetric', () => {
    for (const [P, n] of [[7, 5], [8, 3], [1, 4], [2, 1], [9, 2], [98, 401]]) {
      const cols = Float64Array.from({ length: P * n }, (_, i) => Math.sin(1.7 * i + 0.3))
      const M = gramOfColumns(cols, P, n), want = naive(cols, P, n)
      const scale = Math.max(...want.map(Math.abs))
      for (let p = 0; p < P; p++)
        for (let q = 0; q < P; q++) {
          expect(Math.abs(M[p * P + q] - want[p * P + q])).toBeLessThan(1e-13 * scale)
          expect(M[p * P + q]).toBe(M[q * P + p])
        }
    }
  })

  it('reads columns written into its scratch without a copy, and gives the same bits as from a copy; the memory grows for larger sizes', () => {
    const P = 5, n = 6
    const cols = Float64Array.from({ length: P * n }, (_, i) => Math.cos(0.9 * i))
    const copied = gramOfColumns(cols, P, n)
    const scratch = gramScratch(P, n)
    expect(Array.from(scratch)).toEqual(new Array(P * n).fill(0)) // zeroed, though the last call left columns there
    scratch.set(cols)
    expect(Array.from(gramOfColumns(scratch, P, n))).toEqual(Array.from(copied))
    const big = gramOfColumns(new Float64Array(120 * 3000).fill(0.5), 120, 3000) // 2.9 MB: past the initial memory
    expect(big[0]).toBe(750)
    expect(big[120 * 120 - 1]).toBe(750)
    expect(() => gramOfColumns(cols, P, n + 1)).toThrow('gramOfColumns: 30 numbers are fewer than 5 columns of 7')
  })

  itIsTheBuildOf('src-main/engine/flows/wasm/build-gram.sh', 'gram.c', GRAM_WASM_BASE64)
})
