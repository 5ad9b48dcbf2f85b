import { describe, expect, it } from 'vitest'
import { diagonalGaussian } from '../../../src-main/engine/assimilate/posterior'
import { smcSampler } from '../../../src-main/engine/assimilate/posterior/smc'

describe('data-tempered SMC (IBIS with adaptive tempering)', () => {
  it('recovers a linear-Gaussian posterior and its evidence in closed form, one observation block at a time', () => {
    // x ~ N(m, diag s²) in 2-d, K = 6 blocks y_j = a_jᵀx + ε, ε ~ N(0, σ²): exact posterior and log Z
    const m = [0.5, -1], s = [1, 2], sigma = 0.1
    const a = [[1, 0], [0, 1], [1, 1], [1, -1], [2, 1], [0.5, 3]]
    const y = [0.9, -0.4, 0.6, 1.1, 1.7, -0.7]
    const K = a.length
    const target = {
      prior: diagonalGaussian(m, s),
      blocks: K,
      blockMisfits(x: Float64Array, n: number, upTo: number, out: Float64Array) {
        for (let c = 0; c < n; c++) for (let j = 0; j < upTo; j++) out[c * K + j] = (y[j] - a[j][0] * x[2 * c] - a[j][1] * x[2 * c + 1]) ** 2 / (2 * sigma * sigma)
      }
    }
    // closed form: precision P = C⁻¹ + AᵀA/σ², mean = P⁻¹(C⁻¹m + Aᵀy/σ²); Z = N(y; Am, ACAᵀ + σ²I)·(2πσ²)^{K/2}
    const P = [[1 / s[0] ** 2, 0], [0, 1 / s[1] ** 2]], b = [m[0] / s[0] ** 2, m[1] / s[1] ** 2]
    for (let j = 0; j < K; j++) {
      for (let p = 0; p < 2; p++) {
        b[p] += (a[j][p] * y[j]) / sigma ** 2
        for (let q = 0; q < 2; q++) P[p][q] += (a[j][p] * a[j][q]) / sigma ** 2
      }
    }
    const det = P[0][0] * P[1][1] - P[0][1] * P[1][0]
    const Cp = [[P[1][1] / det, -P[0][1] / det], [-P[1][0] / det, P[0][0] / det]]
    const mean = [Cp[0][0] * b[0] + Cp[0][1] * b[1], Cp[1][0] * b[0] + Cp[1][1] * b[1]]
    // log Z = −½ min-objective-difference form: log ∫ exp(−Φ) dN = −½(Σy²/σ² + mᵀC⁻¹m − bᵀP⁻¹b) − ½ log(|P||C|)
    const quad = y.reduce((q, v) => q + v * v, 0) / sigma ** 2 + m[0] ** 2 / s[0] ** 2 + m[1] ** 2 / s[1] ** 2 - (b[0] * mean[0] + b[1] * mean[1])
    const logZ = -quad / 2 - Math.log(det * s[0] ** 2 * s[1] ** 2) / 2
    const r = smcSampler(target, { particles: 2000, seed: 3, moves: 8 })
    expect(r.completed).toBe(true)
    expect(r.lambdas[r.lambdas.length - 1]).toBe(K)
    const n = r.particles
    const mu = [0, 1].map((i) => Array.from({ length: n }, (_, k) => r.states[2 * k + i]).reduce((u, v) => u + v, 0) / n)
    const sd = [0, 1].map((i) => Math.sqrt(Array.from({ length: n }, (_, k) => (r.states[2 * k + i] - mu[i]) ** 2).reduce((u, v) => u + v, 0) / n))
    for (const i of [0, 1]) {
      expect(Math.abs(mu[i] - mean[i])).toBeLessThan(0.15 * Math.sqrt(Cp[i][i]))
      expect(sd[i] / Math.sqrt(Cp[i][i])).toBeGreaterThan(0.85)
      expect(sd[i] / Math.sqrt(Cp[i][i])).toBeLessThan(1.15)
    }
    expect(Math.abs(r.logEvidence - logZ)).toBeLessThan(0.3)
    // the final potentials are Φ over every block
    const k = 7, x0 = r.states[2 * k], x1 = r.states[2 * k + 1]
    const phi = y.reduce((q, v, j) => q + (v - a[j][0] * x0 - a[j][1] * x1) ** 2 / (2 * sigma * sigma), 0)
    expect(r.potentials[k]).toBeCloseTo(phi, 8)
  })

  it('keeps both modes of a symmetric bimodal posterior that sharpens block by block', () => {
    // 1-d, prior N(0, 1), every block adds (x² − 1)²/(2·0.1²): modes at ±1 of equal mass
    const K = 5
    const target = {
      prior: diagonalGaussian([0], [1]),
      blocks: K,
      blockMisfits(x: Float64Array, n: number, upTo: number, out: Float64Array) {
        for (let c = 0; c < n; c++) for (let j = 0; j < upTo; j++) out[c * K + j] = (x[c] * x[c] - 1) ** 2 / 0.02
      }
    }
    const r = smcSampler(target, { particles: 2000, seed: 9 })
    const positive = Array.from(r.states).filter((v) => v > 0).length / r.particles
    expect(positive).toBeGreaterThan(0.4)
    expect(positive).toBeLessThan(0.6)
    for (const v of r.states) expect(Math.abs(Math.abs(v) - 1)).toBeLessThan(0.3)
  })

  it('refuses too few particles with one line', () => {
    const target = { prior: diagonalGaussian([0], [1]), blocks: 1, blockMisfits: () => {} }
    expect(() => smcSampler(target, { particles: 2, seed: 1 })).toThrow('SMC: 2 particles (at least 4)')
  })
})
