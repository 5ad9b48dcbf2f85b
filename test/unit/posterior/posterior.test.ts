import { Matrix } from 'ml-matrix'
import { describe, expect, it } from 'vitest'
import { Rng } from '../../../src-main/engine/flows/rng'
import { simulateDataset } from '../../../src-main/engine/flows/simulate'
import {
  adaptivePcn, affineEncoder, diagonalGaussian, effectiveSampleSizeOf, flowPrior, gaussianConditional, normalCdf, normalQuantile, pcn,
  sampleMoments, simulatorParams, splitRhat, tiltPotential
} from '../../../src-main/engine/assimilate/posterior'
import { SimulationConfig } from '../../../src-main/shared/simulation'

const prior3 = diagonalGaussian([0.5, -1, 0], [1, 0.5, 2])
const encoder = { weight: new Matrix([[1, 0.5, -0.3], [0.2, -1, 0.4]]), bias: Float64Array.from([0.1, -0.2]) }
const z = [0.8, -0.6]

describe('pCN', () => {
  it('keeps the Gaussian prior invariant: with Φ ≡ 0 every move is accepted and the draws have the prior moments', () => {
    const r = pcn({ prior: prior3, potential: (_s, n, out) => out.fill(0, 0, n) }, { chains: 4, steps: 4000, burnIn: 0, seed: 3, beta: 0.5 })
    expect(r.diagnostics.acceptance).toBe(1)
    const { mean, variance } = sampleMoments(r)
    for (let i = 0; i < 3; i++) {
      expect(Math.abs(mean[i] - prior3.mean[i])).toBeLessThan(0.12 * Math.sqrt(prior3.variance[i]))
      expect(variance[i] / prior3.variance[i]).toBeGreaterThan(0.9)
      expect(variance[i] / prior3.variance[i]).toBeLessThan(1.1)
    }
    expect(r.diagnostics.maxRhat).toBeLessThan(1.02)
  })

  it('samples the exact linear-Gaussian posterior and adapts its step towards the target acceptance', () => {
    // y = A x + noise, prior N(m, C): posterior precision C⁻¹ + AᵀA/σ², mean Σ(C⁻¹m + Aᵀy/σ²)
    const A = encoder.weight, sigma = 0.3, y = [1, 0.4]
    const potential = (s: Float64Array, n: number, out: Float64Array) => {
      for (let c = 0; c < n; c++) {
        let phi = 0
        for (let r = 0; r < 2; r++) {
          let p = 0
          for (let k = 0; k < 3; k++) p += A.get(r, k) * s[c * 3 + k]
          phi += (y[r] - p) ** 2 / (2 * sigma * sigma)
        }
        out[c] = phi
      }
    }
    // the same posterior is the l2 conditional with W = A/σ, b = 0, z = y/σ, τ = 1
    const exact = gaussianConditional(prior3, { weight: A.clone().div(sigma), bias: new Float64Array(2) }, y.map((v) => v / sigma), 1, 'l2')
    const plain = pcn({ prior: prior3, potential }, { chains: 4, steps: 6000, burnIn: 1000, seed: 5, beta: 0.9 })
    expect(plain.diagnostics.acceptance).toBeGreaterThan(0.15)
    expect(plain.diagnostics.acceptance).toBeLessThan(0.35)
    // the fitted-reference variant samples the same target, and mixes better
    const fitted = adaptivePcn({ prior: prior3, potential }, { chains: 4, steps: 5000, exploreSteps: 1000, seed: 5 })
    expect(fitted.diagnostics.minEss).toBeGreaterThan(plain.diagnostics.minEss)
    for (const r of [plain, fitted]) {
      const { mean, variance } = sampleMoments(r)
      for (let i = 0; i < 3; i++) {
        expect(Math.abs(mean[i] - exact.mean[i])).toBeLessThan(0.1 * Math.sqrt(exact.variance[i]) + 0.02)
        expect(variance[i] / exact.variance[i]).toBeGreaterThan(0.8)
        expect(variance[i] / exact.variance[i]).toBeLessThan(1.25)
      }
      expect(r.diagnostics.maxRhat).toBeLessThan(1.05)
      expect(r.diagnostics.minEss).toBeGreaterThan(200)
    }
  })

  it('starts chains where told and rejects states with infinite potential', () => {
    const starts = Float64Array.from([0.1, 0.1, 0.1, 0.2, 0.2, 0.2])
    const potential = (s: Float64Array, n: number, out: Float64Array) => {
      for (let c = 0; c < n; c++) out[c] = s[c * 3] < 0 ? Infinity : 0
    }
    const r = pcn({ prior: prior3, potential }, { chains: 2, steps: 500, burnIn: 0, seed: 1, starts, beta: 1 })
    for (let k = 0; k < r.samples.length / 3; k++) expect(r.samples[k * 3]).toBeGreaterThanOrEqual(0)
    expect(r.diagnostics.acceptance).toBeLessThan(0.8)
  })
})

describe('exact Gaussian conditional of a linear potential encoder', () => {
  for (const metric of ['dot', 'l2'] as const)
    it(`${metric}: the closed form agrees with pCN on exp(s/τ) μ_v`, () => {
      const tau = 0.7
      const exact = gaussianConditional(prior3, encoder, z, tau, metric)
      const r = pcn({ prior: prior3, potential: tiltPotential(z, tau, metric, affineEncoder(encoder)) }, { chains: 4, steps: 6000, burnIn: 800, seed: 11 })
      const { mean, variance } = sampleMoments(r)
      for (let i = 0; i < 3; i++) {
        expect(Math.abs(mean[i] - exact.mean[i])).toBeLessThan(0.1 * Math.sqrt(exact.variance[i]))
        expect(variance[i] / exact.variance[i]).toBeGreaterThan(0.85)
        expect(variance[i] / exact.variance[i]).toBeLessThan(1.15)
      }
      if (metric === 'dot') expect(Array.from(exact.variance)).toEqual(Array.from(prior3.variance).map((v) => expect.closeTo(v, 12)))
      else for (let i = 0; i < 3; i++) expect(exact.variance[i]).toBeLessThan(prior3.variance[i])
    })

  it('has no closed form for cosine, and says what to use instead', () => {
    expect(() => gaussianConditional(prior3, encoder, z, 1, 'cosine')).toThrow('no closed form for the cosine metric; sample it with pcn and tiltPotential')
  })
})

describe('convergence diagnostics on known chains', () => {
  const ar1 = (phi: number, n: number, chains: number, shift = 0) => {
    const x = new Float64Array(n * chains)
    for (let c = 0; c < chains; c++) {
      const rng = new Rng(9, c, 1)
      let v = rng.normal() / Math.sqrt(1 - phi * phi)
      for (let i = 0; i < n; i++) x[c * n + i] = (v = phi * v + rng.normal()) + c * shift
    }
    return x
  }
  it('ESS of an AR(1) chain is close to n(1 − φ)/(1 + φ); of independent draws close to n', () => {
    const n = 20000
    const ess = effectiveSampleSizeOf(ar1(0.9, n, 4), 4)
    const theory = (4 * n * 0.1) / 1.9
    expect(ess / theory).toBeGreaterThan(0.8)
    expect(ess / theory).toBeLessThan(1.25)
    expect(effectiveSampleSizeOf(ar1(0, 5000, 2), 2) / 10000).toBeGreaterThan(0.85)
  })
  it('split-R̂ is ≈ 1 for mixed chains and large for chains stuck apart or drifting', () => {
    expect(splitRhat(ar1(0.5, 4000, 4), 4)).toBeLessThan(1.01)
    expect(splitRhat(ar1(0.5, 4000, 4, 2), 4)).toBeGreaterThan(1.5)
    const trend = Float64Array.from({ length: 2000 }, (_, i) => (i % 1000) / 100)
    expect(splitRhat(trend, 2)).toBeGreaterThan(1.5)
  })
})

describe('the flow prior of the simulator', () => {
  it('Fourier: the diagonal Gaussian whose draws the simulator stores, byte for byte', () => {
    const cfg = SimulationConfig.parse({ flow: 'fourier', pairs: 3, seed: 7, steps: 20, dt: 1e-4, recordEvery: 10, fourier: { modesPerSide: 3 } })
    const ds = simulateDataset(cfg)
    const prior = flowPrior(cfg)
    expect(prior.paramDim).toBe(18)
    for (let p = 0; p < 3; p++) expect(Array.from(simulatorParams(cfg, p))).toEqual(Array.from(ds.params.subarray(p * 18, (p + 1) * 18)))
    // E|w|² = Σ 2π²|k|² σ_k² = rmsSpeed²: the latent variances carry σ_k²/2 per real coefficient
    const k2 = [...Array(9).keys()].map((j) => (Math.floor(j % 3) - 1) ** 2 + (Math.floor(j / 3) + 1) ** 2)
    const energy = k2.reduce((s, k, j) => s + 2 * Math.PI * Math.PI * k * 2 * prior.latent.variance[2 * j], 0)
    expect(energy).toBeCloseTo(cfg.fourier.rmsSpeed ** 2, 10)
  })

  it('vortex: the radial and inverse-CDF map round-trips and carries N(0, I) onto the simulator’s uniform disc and circulations', () => {
    const cfg = SimulationConfig.parse({ flow: 'vortex', pairs: 1, seed: 2, tracers: 1, vortex: { vortices: 2, mixedSigns: true } })
    const prior = flowPrior(cfg)
    expect(prior.latent.dim).toBe(8)
    const v = simulatorParams(cfg, 0)
    const l = new Float64Array(8), back = new Float64Array(6)
    prior.toLatent(v, l)
    prior.toParams(l, back)
    for (let i = 0; i < 6; i++) expect(back[i]).toBeCloseTo(v[i], 6)
    expect(prior.admissible(v)).toBe(true)
    const rng = new Rng(4, 0, 0)
    let r2 = 0, g = 0, negative = 0
    const n = 4000
    for (let k = 0; k < n; k++) {
      for (let i = 0; i < 8; i++) l[i] = rng.normal()
      prior.toParams(l, back)
      r2 += (back[0] ** 2 + back[1] ** 2) / n
      g += Math.abs(back[4]) / n
      negative += back[4] < 0 ? 1 / n : 0
    }
    expect(r2).toBeCloseTo(0.5, 1) // E r² = R²/2 for a uniform disc
    expect(g).toBeCloseTo(2 * Math.PI, 1)
    expect(negative).toBeCloseTo(0.5, 1)
    const crowded = Float64Array.from([0, 0, 0.1, 0, 1, 1])
    expect(prior.admissible(crowded)).toBe(false)
  })

  it('normal quantile inverts the CDF', () => {
    for (const p of [1e-9, 0.01, 0.3, 0.5, 0.77, 0.999]) expect(normalCdf(normalQuantile(p))).toBeCloseTo(p, 12)
    expect(normalCdf(1.959963984540054)).toBeCloseTo(0.975, 6)
  })
})
