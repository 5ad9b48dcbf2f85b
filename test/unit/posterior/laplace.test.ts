import { Matrix } from 'ml-matrix'
import { describe, expect, it } from 'vitest'
import { denseGaussian, diagonalGaussian, gaussianConditional, pcn, sampleMoments, withReference, type FlowPrior } from '../../../src-main/engine/assimilate/posterior'
import { checkCoarsening, chooseCoarsening, coarseningCandidates, forwardModel, type ForwardModel } from '../../../src-main/engine/assimilate/twin/forward'
import { laplaceApproximation, mcmcReference, misfitPotential } from '../../../src-main/engine/assimilate/twin/reference'
import { flowPrior } from '../../../src-main/engine/assimilate/posterior'
import { simulateDataset } from '../../../src-main/engine/flows/simulate'
import { UserError } from '../../../src-main/engine/jobs/job'
import { SimulationConfig } from '../../../src-main/shared/simulation'

// a linear "flow": 3 parameters observed through y = A v + x₀ (4 numbers = 1 tracer × 2 times × 2), σ = 0.2
const A = new Matrix([[1, 0.5, -0.3], [0.2, -1, 0.4], [0.7, 0.1, 0.9], [-0.4, 0.6, 0.2]])
const sigma = 0.2
const x0 = [0.3, -0.1, 0.2, 0.5]
const latent = diagonalGaussian([0.2, -0.5, 0], [1, 0.5, 2])
const linearPrior: FlowPrior = {
  flow: 'fourier', paramDim: 3, latent, description: 'linear toy',
  toParams: (l, out) => out.set(l), toLatent: (v, out) => out.set(v), admissible: () => true
}
const linearModel: ForwardModel = {
  nTracers: 1, nTimes: 2, paramDim: 3, coarsening: 1,
  run(params, count, out) {
    for (let c = 0; c < count; c++)
      for (let r = 0; r < 4; r++) {
        let s = x0[r]
        for (let k = 0; k < 3; k++) s += A.get(r, k) * params[c * 3 + k]
        out[c * 4 + r] = s
      }
  }
}
const observed = Float64Array.from([1.1, -0.2, 0.9, 0.4])
// the exact posterior: the l2 conditional with W = A/σ, b = x₀/σ, z = y/σ (posterior/conditional.ts)
const exact = gaussianConditional(latent, { weight: A.clone().div(sigma), bias: Float64Array.from(x0, (v) => v / sigma) }, Array.from(observed, (v) => v / sigma), 1, 'l2')

describe('Laplace approximation and generalised pCN', () => {
  it('the Laplace approximation (Levenberg–Marquardt + Gauss–Newton Hessian) of a linear-Gaussian model is its exact posterior', () => {
    const l = laplaceApproximation(linearPrior, linearModel, observed, sigma, Float64Array.from([3, 3, -3, -2, 1, 0]))
    const C = l.reference.covariance(), E = exact.covariance()
    for (let i = 0; i < 3; i++) {
      expect(l.reference.mean[i]).toBeCloseTo(exact.mean[i], 5)
      for (let j = 0; j < 3; j++) expect(C.get(i, j)).toBeCloseTo(E.get(i, j), 5)
    }
  })

  it('gpCN on a Gaussian reference keeps the posterior invariant: exact reference → every move accepted; a wrong one → still the exact moments', () => {
    const target = { prior: latent, potential: misfitPotential(linearPrior, linearModel, observed, sigma) }
    const onExact = pcn(withReference(target, exact), { chains: 4, steps: 3000, burnIn: 0, seed: 2, beta: 0.9 })
    expect(onExact.diagnostics.acceptance).toBeGreaterThan(0.999)
    const wrong = denseGaussian(Array.from(exact.mean, (m, i) => m + 0.5 * Math.sqrt(exact.variance[i])), exact.covariance().mul(2.25))
    const r = pcn(withReference(target, wrong), { chains: 4, steps: 8000, burnIn: 1000, seed: 3, beta: 0.5 })
    expect(r.diagnostics.acceptance).toBeLessThan(0.95)
    for (const run of [onExact, r]) {
      const { mean, variance } = sampleMoments(run)
      for (let i = 0; i < 3; i++) {
        expect(Math.abs(mean[i] - exact.mean[i])).toBeLessThan(0.08 * Math.sqrt(exact.variance[i]))
        expect(variance[i] / exact.variance[i]).toBeGreaterThan(0.88)
        expect(variance[i] / exact.variance[i]).toBeLessThan(1.12)
      }
    }
  })
})

describe('coarse likelihood step', () => {
  const cfg = SimulationConfig.parse({ flow: 'fourier', pairs: 2, seed: 3, tracers: 1, starts: [[0.75, 0.75]], steps: 400, dt: 1e-4, recordEvery: 10, noise: 0.005, fourier: { modesPerSide: 3 } })
  const prior = flowPrior(cfg)

  it('Fourier steps longer than the record interval are Hermite-interpolated and converge at fourth order', () => {
    expect(coarseningCandidates(cfg)).toEqual([1, 2, 5, 10, 20, 40, 50, 80, 100, 200, 400])
    const ds = simulateDataset({ ...cfg, noise: 0 })
    const err = (f: number) => {
      const out = new Float64Array(ds.trajectories.length)
      forwardModel(cfg, f).run(ds.params, ds.nPairs, out)
      return Math.max(...out.map((x, i) => Math.abs(x - ds.trajectories[i])))
    }
    const e40 = err(40), e80 = err(80)
    expect(e40).toBeGreaterThan(0)
    expect(e80 / e40).toBeGreaterThan(8) // 16 for a clean fourth-order method
    expect(e80 / e40).toBeLessThan(32)
  })

  it('is chosen from the measured error and a requested step whose error reaches σ/10 is refused with one line', () => {
    const tol = 0.1 * cfg.noise
    const chosen = chooseCoarsening(cfg, prior, tol)
    expect(chosen.maxError).toBeLessThan(tol)
    expect(checkCoarsening(cfg, prior, chosen.coarsening, tol)).toEqual(chosen)
    const next = coarseningCandidates(cfg).find((f) => f > chosen.coarsening)!
    expect(() => checkCoarsening(cfg, prior, next, tol)).toThrow(UserError)
    expect(() => checkCoarsening(cfg, prior, next, tol)).toThrow(/measured trajectory error .* is not below the tolerance/)
    expect(() => checkCoarsening(cfg, prior, 3, tol)).toThrow('coarsening 3: the likelihood\'s step must divide the record interval 10 or be a multiple of it dividing the 400 steps')
    const ds = simulateDataset(cfg)
    expect(() => mcmcReference(cfg, ds.trajectories.slice(0, ds.nTimes * 2), { chains: 2, steps: 200, seed: 1, coarsening: next })).toThrow(UserError)
  })
})
