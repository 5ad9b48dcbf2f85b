import { describe, expect, it } from 'vitest'
import { calibrate } from '../../../src-main/engine/assimilate/calibration'
import { uniformFloat64 } from 'pure-rand/distribution/uniformFloat64'
import { xoroshiro128plus } from 'pure-rand/generator/xoroshiro128plus'

/** Standard normals from a seeded stream (Box–Muller). */
function normals(n: number, seed: number): Float64Array {
  const rng = xoroshiro128plus(seed)
  return Float64Array.from({ length: n }, () => Math.sqrt(-2 * Math.log(1 - uniformFloat64(rng))) * Math.cos(2 * Math.PI * uniformFloat64(rng)))
}

/**
 * The paper's 2-D Gaussian (§5.4): C_uu = C_vv = 1.5, C_uv = 1, so E[v|u] = 2u/3, Var(v|u) = 5/6, marginal 1.5.
 * Queries u with their true v; the bank holds marginal samples of v (or of u for the u|v direction), and the
 * logits are the closed-form optimal tilts of each loss (arXiv 2505.24134 §5.1–5.3, the 2-D example of §5.4), so the calibration must reproduce theory.
 */
function gaussianCase(seed: number, queries: number, bankSize: number) {
  const z1 = normals(queries, seed)
  const z2 = normals(queries, seed + 1)
  const s = Math.sqrt(1.5)
  // v = (2/3)u + sqrt(5/6) ε with u ~ N(0, 1.5)
  const u = z1.map((z) => s * z)
  const v = u.map((x, q) => (2 / 3) * x + Math.sqrt(5 / 6) * z2[q]!)
  const bank = normals(bankSize, seed + 2).map((z) => s * z)
  return { u, v, bank }
}

function logitsOf(query: Float64Array, bank: Float64Array, score: (q: number, b: number) => number): Float64Array {
  const out = new Float64Array(query.length * bank.length)
  query.forEach((q, i) => bank.forEach((b, j) => (out[i * bank.length + j] = score(q, b))))
  return out
}

describe('calibration of a conditional against the Gaussian theory', () => {
  const { u, v, bank } = gaussianCase(11, 800, 3000)
  const run = (logits: Float64Array, truths: Float64Array) =>
    calibrate({ logits, queries: u.length, bankSize: bank.length, strideQ: bank.length, strideJ: 1, bank, truths, dim: 1 })

  it('inner product + conditional loss (A* = 1/2.25): right means, spread inflated to the marginal', () => {
    const c = run(logitsOf(u, bank, (x, y) => (x * y) / 2.25), v)
    expect(c.slope).toBeGreaterThan(0.9)
    expect(c.slope).toBeLessThan(1.1)
    // model Var(v|u) = C_vv = 1.5 (finite bank: within 0.1), well above the true conditional std sqrt(5/6) = 0.913
    expect(Math.abs(c.spread - Math.sqrt(1.5))).toBeLessThan(0.1)
    expect(Math.abs(c.skill - Math.sqrt(5 / 6))).toBeLessThan(0.1) // error of the true conditional mean
    expect(c.ratio).toBeGreaterThan(1.2) // sqrt(1.5 / (5/6)) = 1.34
  })
  it('inner product + joint loss (A* = 1/3): means shrunk to u/2, slope (2/3)/(1/2) = 4/3', () => {
    const c = run(logitsOf(u, bank, (x, y) => (x * y) / 3), v)
    expect(c.slope).toBeGreaterThan(1.2)
    expect(c.slope).toBeLessThan(1.5)
  })
  it('one-sided L2 (A* = 0.8, B* = 8/15): the u|v conditional is matched in mean and spread', () => {
    // u|v direction: queries are v, the bank holds marginal u samples, truths are the paired u.
    const logits = logitsOf(v, bank, (y, x) => -0.5 * (8 / 15) * x * x + 0.8 * x * y)
    const c = calibrate({ logits, queries: v.length, bankSize: bank.length, strideQ: bank.length, strideJ: 1, bank, truths: u, dim: 1 })
    expect(c.slope).toBeGreaterThan(0.9)
    expect(c.slope).toBeLessThan(1.1)
    expect(c.ratio).toBeGreaterThan(0.9)
    expect(c.ratio).toBeLessThan(1.1)
  })
  it('reads a transposed logits matrix through its strides', () => {
    const l = logitsOf(u.subarray(0, 50), bank, (x, y) => (x * y) / 2.25)
    const t = new Float64Array(l.length)
    for (let q = 0; q < 50; q++) for (let j = 0; j < bank.length; j++) t[j * 50 + q] = l[q * bank.length + j]!
    const a = calibrate({ logits: l, queries: 50, bankSize: bank.length, strideQ: bank.length, strideJ: 1, bank, truths: v, dim: 1 })
    const b = calibrate({ logits: t, queries: 50, bankSize: bank.length, strideQ: 1, strideJ: 50, bank, truths: v, dim: 1 })
    expect(b).toEqual(a)
  })
})
