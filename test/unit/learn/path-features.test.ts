import { describe, expect, it } from 'vitest'
import { pathFeatures, pathFeatureSpec } from '../../../src-main/engine/learn/path-features'
import { simulateDataset } from '../../../src-main/engine/flows/simulate'
import { trainOnDataset } from '../../../src-main/engine/learn/train'
import { silentContext, UserError } from '../../../src-main/engine/jobs/job'
import { SimulationConfig } from '../../../src-main/shared/simulation'

const base = { flow: 'fourier', pairs: 24, seed: 3, tracers: 2, starts: [[0.25, 0.25], [0.75, 0.6]], steps: 200, dt: 2e-4, recordEvery: 10, fourier: { modesPerSide: 2 } } as const

/** Relative error of v̂ against v, summed over the pairs. */
function relativeError(noise: number): number {
  const ds = simulateDataset(SimulationConfig.parse({ ...base, noise }))
  const f = pathFeatures(pathFeatureSpec(ds), ds.trajectories, ds.nPairs)
  let e = 0, n = 0
  for (let i = 0; i < f.length; i++) {
    e += (f[i] - ds.params[i]) ** 2
    n += ds.params[i] ** 2
  }
  return Math.sqrt(e / n)
}

describe('lagrangian path-regression features', () => {
  it('recover the coefficients of noise-free paths within a few per cent (trapezoid rule, ridge at σ = 1e-3) and degrade gracefully with noise', () => {
    const clean = relativeError(0)
    expect(clean).toBeLessThan(0.06)
    const noisy = relativeError(0.01)
    expect(noisy).toBeGreaterThan(clean)
    expect(noisy).toBeLessThan(0.5)
  })

  it('shrink to the prior mean (zero) when the path carries no information (σ huge)', () => {
    const ds = simulateDataset(SimulationConfig.parse({ ...base, noise: 0 }))
    const spec = { ...pathFeatureSpec(ds), noise: 1e6 }
    const f = pathFeatures(spec, ds.trajectories, 2)
    for (const x of f) expect(Math.abs(x)).toBeLessThan(1e-9)
  })

  it('are refused with one clear line for a flow that is not linear in its parameters', () => {
    const ds = simulateDataset(SimulationConfig.parse({ flow: 'vortex', pairs: 4, seed: 1, tracers: 1, steps: 20, dt: 1e-3, recordEvery: 10 }))
    expect(() => pathFeatureSpec(ds)).toThrow(new UserError('the lagrangian trajectory features need a flow whose velocity is linear in its parameters (the Fourier flow); the vortex flow is not (its positions are parameters)'))
  })

  it('a model trained on them encodes a query through the same features (stored in the model)', async () => {
    const ds = simulateDataset(SimulationConfig.parse({ ...base, pairs: 64, noise: 0.005 }))
    const { model } = await trainOnDataset(ds, { features: 'lagrangian', encoder: 'linear', potentialEncoder: 'linear', loss: 'cond-v', metric: 'l2', dim: 8, epochs: 1, batch: 16, seed: 1, parallel: 'off', patience: 0 }, silentContext())
    expect(model.meta.architecture.features?.kind).toBe('lagrangian-ls')
    expect(model.encU.spec.inputDim).toBe(ds.paramDim)
    const z = model.encodeTrajectories(ds.trajectories, 2)
    expect(z).toHaveLength(16)
    for (const x of z) expect(Number.isFinite(x)).toBe(true)
    model.dispose()
    await expect(trainOnDataset(ds, { features: 'lagrangian', encoder: 'sequence', dim: 8, epochs: 1 }, silentContext())).rejects.toThrow('the lagrangian trajectory features are one vector per trajectory')
  })
})
