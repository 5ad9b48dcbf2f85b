import { CholeskyDecomposition, Matrix, inverse } from 'ml-matrix'
import { describe, expect, it } from 'vitest'
import { diagnose, diagonalGaussian } from '../../../src-main/engine/assimilate/posterior'
import { ridgeSampler, type ResidualTarget } from '../../../src-main/engine/assimilate/posterior/ridge'
import { mcmcReference } from '../../../src-main/engine/assimilate/twin/reference'
import { simulateDataset } from '../../../src-main/engine/flows/simulate'
import { SimulationConfig } from '../../../src-main/shared/simulation'

const columnMoments = (x: Float64Array, d: number) => {
  const n = x.length / d
  const mean = Array.from({ length: d }, (_, i) => {
    let s = 0
    for (let k = 0; k < n; k++) s += x[k * d + i]
    return s / n
  })
  const cov = (i: number, j: number) => {
    let s = 0
    for (let k = 0; k < n; k++) s += (x[k * d + i] - mean[i]) * (x[k * d + j] - mean[j])
    return s / (n - 1)
  }
  return { mean, cov }
}

/** 3 unknowns, 4 observations y = Au + σε with a N(0, I) prior; one direction nearly unobserved (a weak direction). */
function linearGaussianTarget() {
  const A = new Matrix([[1, 0.5, 0], [0.2, 1, 0.01], [1, -1, 0], [0, 0.3, 0.02]])
  const y = [0.4, -0.2, 0.1, 0.3], sigma = 0.1
  const target: ResidualTarget = {
    prior: diagonalGaussian([0, 0, 0], [1, 1, 1]),
    length: 4,
    residuals(u, count, out) {
      for (let c = 0; c < count; c++) for (let q = 0; q < 4; q++) out[c * 4 + q] = (y[q] - (A.get(q, 0) * u[c * 3] + A.get(q, 1) * u[c * 3 + 1] + A.get(q, 2) * u[c * 3 + 2])) / sigma
    }
  }
  // the exact posterior N(m, C): H = AᵀA/σ² + I, b = Aᵀy/σ², m = H⁻¹b, C = H⁻¹
  const H = A.transpose().mmul(A).div(sigma * sigma).add(Matrix.eye(3))
  const b = A.transpose().mmul(Matrix.columnVector(y)).div(sigma * sigma)
  const C = inverse(H)
  return { A, y, sigma, target, H, b, C, m: C.mmul(b).to1DArray() }
}

/** Sample mean within 0.1 posterior sd and every covariance entry within 10 % of √(C_ii C_jj) (Monte Carlo error with ~1,000 effective draws: ~4 %). */
function expectMoments(samples: Float64Array, m: number[], C: Matrix): void {
  const { mean, cov } = columnMoments(samples, 3)
  for (let i = 0; i < 3; i++) {
    expect(Math.abs(mean[i] - m[i])).toBeLessThan(0.1 * Math.sqrt(C.get(i, i)))
    for (let j = 0; j < 3; j++) expect(Math.abs(cov(i, j) - C.get(i, j))).toBeLessThan(0.1 * Math.sqrt(C.get(i, i) * C.get(j, j)))
  }
}

describe('ridge sampler (Gauss–Newton conditional + walk on the weak directions)', () => {
  it('samples a linear-Gaussian posterior exactly: mean and covariance of N((AᵀA/σ² + I)⁻¹Aᵀy/σ², (AᵀA/σ² + I)⁻¹)', () => {
    const { target, C, m } = linearGaussianTarget()
    const r = ridgeSampler(target, { chains: 4, steps: 4000, burnIn: 1000, seed: 3, modes: Float64Array.from(m) })
    expect(r.weakDirections).toBeGreaterThanOrEqual(1)
    expectMoments(r.samples, m, C)
    expect(diagnose(r.samples, r.potentials, 4, r.kept, 3, r.acceptance).maxRhat).toBeLessThan(1.02)
  })

  it('stays exact with sheet jumps between given maxima (one of them off the mode): the same linear-Gaussian moments', () => {
    const { target, C, m } = linearGaussianTarget()
    // a second "maximum" 2 posterior sd off and narrow jumps (half the walk): the proposal piles up at both maxima, so its density must enter α
    const off = m.map((v, i) => v + 2 * Math.sqrt(C.get(i, i)))
    const r = ridgeSampler(target, { chains: 4, steps: 4000, burnIn: 1000, seed: 7, modes: Float64Array.from([...m, ...off]), sheetJumps: true, sheetJumpScale: 0.5, jumpRate: 0.8 })
    expect(r.modes).toBe(2)
    expect(r.jumpAcceptance).toBeGreaterThan(0.05)
    expectMoments(r.samples, m, C)
  })

  it('follows a curved ridge: the marginal moments of a banana match quadrature', () => {
    // π(u) ∝ exp(−(u₂ − b u₁²)²/2ε² − |u|²/2): a parabola of width ε = 0.02 that a linear proposal cannot follow
    const b = 1, eps = 0.02
    const target: ResidualTarget = {
      prior: diagonalGaussian([0, 0], [1, 1]),
      length: 1,
      residuals(u, count, out) {
        for (let c = 0; c < count; c++) out[c] = (u[2 * c + 1] - b * u[2 * c] ** 2) / eps
      }
    }
    // exact: u₂ | u₁ ~ N(b u₁²/(1 + ε²), ε²/(1 + ε²)), u₁ ∝ exp(−u₁²/2 − b²u₁⁴/2(1 + ε²))
    const grid = Array.from({ length: 4001 }, (_, k) => -4 + k * 0.002)
    const w = grid.map((x) => Math.exp(-x * x / 2 - (b * b * x ** 4) / (2 * (1 + eps * eps))))
    const Z = w.reduce((a, v) => a + v, 0)
    const Ex2 = grid.reduce((a, x, k) => a + x * x * w[k], 0) / Z
    const Ey = (b * Ex2) / (1 + eps * eps)
    const r = ridgeSampler(target, { chains: 4, steps: 6000, burnIn: 1500, seed: 5, modes: Float64Array.from([0, 0]) })
    expect(r.weakDirections).toBe(1)
    const n = r.samples.length / 2
    let x2 = 0, yy = 0
    for (let k = 0; k < n; k++) {
      x2 += r.samples[2 * k] ** 2 / n
      yy += r.samples[2 * k + 1] / n
    }
    expect(x2).toBeCloseTo(Ex2, 1)
    expect(yy).toBeCloseTo(Ey, 1)
    expect(diagnose(r.samples, r.potentials, 4, r.kept, 2, r.acceptance).maxRhat).toBeLessThan(1.05)
  })

  it('estimates the evidence of a linear-Gaussian posterior: log ∫ exp(−½|y − Au|²/σ² − ½|u|²) du = −½ log|H| − ½(|y|²/σ² − bᵀH⁻¹b) (+ d/2 log 2π)', () => {
    const { y, sigma, target, H, b, m } = linearGaussianTarget()
    const exact = -0.5 * Math.log(new CholeskyDecomposition(H).lowerTriangularMatrix.diag().reduce((a, l) => a * l * l, 1)) - 0.5 * (y.reduce((a, v) => a + v * v, 0) / sigma ** 2 - b.transpose().mmul(Matrix.columnVector(m)).get(0, 0))
    const r = ridgeSampler(target, { chains: 4, steps: 1000, burnIn: 500, seed: 3, modes: Float64Array.from(m), evidenceDraws: 800 })
    expect(r.logEvidence!).toBeCloseTo(exact, 1)
    // the stiff conditional is exact here, so only the walked coordinates' Gaussian, inflated 2×, costs weight variance
    expect(r.evidenceEss!).toBeGreaterThan(80)
  })

  it('refuses maxima of the wrong length', () => {
    const target: ResidualTarget = { prior: diagonalGaussian([0, 0], [1, 1]), length: 1, residuals: (_u, n, out) => out.fill(0, 0, n) }
    expect(() => ridgeSampler(target, { chains: 1, steps: 10, burnIn: 0, seed: 1, modes: new Float64Array(3) })).toThrow('3 mode values for dimension 2')
  })
})

describe('MCMC reference on a tiny KIJ (2, 1) twin (2 vortices, 1 drifter)', () => {
  const cfg = SimulationConfig.parse({ flow: 'vortex', pairs: 3, seed: 5, tracers: 1, steps: 100, dt: 2e-2, recordEvery: 5, noise: 0.02, vortex: { vortices: 2 } })

  it('the ridge sampler from posterior maxima mixes (split-R̂ ≤ 1.1 over 4 chains) and every chain sits at the truth’s misfit ≈ N/2', () => {
    const ds = simulateDataset(cfg)
    const len = ds.nTracers * ds.nTimes * 2
    for (const pair of [0, 1]) {
      const observed = ds.trajectories.slice(pair * len, (pair + 1) * len)
      const r = mcmcReference(cfg, observed, { chains: 4, steps: 2000, seed: 3 + pair, keep: 100 })
      expect(r.ridge).toBeDefined()
      expect(r.diagnostics.maxRhat).toBeLessThan(1.1)
      expect(r.diagnostics.rhatPotential).toBeLessThan(1.1)
      expect(r.diagnostics.minEss).toBeGreaterThan(40)
      // Φ of a posterior draw ≈ N/2 ± a few √N (N = 40 observed numbers here)
      for (const m of r.finalMisfit) expect(Math.abs(m - r.halfN)).toBeLessThan(3 * Math.sqrt(2 * r.halfN))
    }
  })

  it('the basins sampler gives a weighted mixture of each basin’s own chains: weights sum to 1, draws by weight, every basin sampled at the truth’s misfit', () => {
    const ds = simulateDataset(cfg)
    const len = ds.nTracers * ds.nTimes * 2
    const observed = ds.trajectories.slice(0, len)
    const r = mcmcReference(cfg, observed, { chains: 4, steps: 2000, seed: 3, keep: 50, sampler: 'basins' })
    const basins = r.basins!
    expect(basins.length).toBeGreaterThanOrEqual(1)
    expect(basins.reduce((a, b) => a + b.weight, 0)).toBeCloseTo(1, 12)
    expect(basins.reduce((a, b) => a + b.draws, 0)).toBe(200)
    expect(r.params.length).toBe(200 * 6)
    for (const b of basins) {
      expect(Math.abs(b.draws - b.weight * 200)).toBeLessThanOrEqual(1)
      expect(b.evidenceEss).toBeGreaterThan(0)
      for (const m of b.finalMisfit) expect(Math.abs(m - r.halfN)).toBeLessThan(3 * Math.sqrt(2 * r.halfN))
    }
    // the heaviest basin's chains mix on this small twin
    expect(basins[0].rhat).toBeLessThan(1.1)
    expect(r.invariants!.maxRhat).toBeLessThan(1.2)
  })
})
