import { describe, expect, it } from 'vitest'
import { drawGaussianRows, flowPrior } from '../../../src-main/engine/assimilate/posterior'
import { chooseCoarsening, coarseningCandidates, forwardModel } from '../../../src-main/engine/assimilate/twin/forward'
import { mcmcReference } from '../../../src-main/engine/assimilate/twin/reference'
import { posteriorFields } from '../../../src-main/engine/assimilate/twin/posterior-fields'
import { crpsSorted, fieldsOfDraws, nearPathMask, quantile, scoreEnsemble } from '../../../src-main/engine/assimilate/twin/score'
import { frameTimes } from '../../../src-main/engine/assimilate/bank-fields'
import { defaultGrid } from '../../../src-main/engine/flows/field'
import { simulateDataset } from '../../../src-main/engine/flows/simulate'
import { SimulationConfig } from '../../../src-main/shared/simulation'

const fourier = SimulationConfig.parse({
  flow: 'fourier', pairs: 4, seed: 3, tracers: 2, starts: [[0.25, 0.25], [0.75, 0.75]], steps: 200, dt: 2e-4, recordEvery: 10,
  noise: 0.005, fourier: { modesPerSide: 2 }
})
const noiseFree = { ...fourier, noise: 0 }

describe('twin forward model', () => {
  it('reproduces the simulator’s noise-free tracks exactly at the fine step (Fourier and vortex)', () => {
    const ds = simulateDataset(noiseFree)
    const model = forwardModel(noiseFree, 1)
    const out = new Float64Array(ds.trajectories.length)
    model.run(ds.params, ds.nPairs, out)
    expect(Array.from(out)).toEqual(Array.from(ds.trajectories))
    const vortex = SimulationConfig.parse({ flow: 'vortex', pairs: 2, seed: 1, tracers: 1, steps: 400, dt: 1e-2, recordEvery: 20, rtol: 1e-8 })
    const dv = simulateDataset(vortex)
    const vm = forwardModel(vortex, 1)
    const vo = new Float64Array(dv.trajectories.length)
    vm.run(dv.params, dv.nPairs, vo)
    for (let i = 0; i < vo.length; i++) expect(vo[i]).toBeCloseTo(dv.trajectories[i], 12)
  })

  it('coarsens the likelihood’s RK4 step only as far as the measured trajectory error stays under the tolerance', () => {
    const prior = flowPrior(fourier)
    const loose = chooseCoarsening(fourier, prior, 5e-4)
    expect(coarseningCandidates(fourier)).toContain(loose.coarsening)
    expect(loose.maxError).toBeLessThan(5e-4)
    expect(loose.coarsening).toBeGreaterThan(1)
    const strict = chooseCoarsening(fourier, prior, 1e-16)
    expect(strict.coarsening).toBe(1)
  })
})

describe('MCMC reference posterior on a small Fourier twin', () => {
  it('chains started from the prior reach misfit ≈ N/2, mix (split-R̂), and beat the prior mean by far', () => {
    const ds = simulateDataset(fourier)
    const pair = 3
    const len = ds.nTracers * ds.nTimes * 2
    const observed = ds.trajectories.slice(pair * len, (pair + 1) * len)
    const truth = ds.params.slice(pair * ds.paramDim, (pair + 1) * ds.paramDim)
    const r = mcmcReference(fourier, observed, { chains: 4, steps: 4000, seed: 2, keep: 200 })
    expect(r.halfN).toBe(40)
    for (const m of r.finalMisfit) expect(m).toBeLessThan(2 * r.halfN)
    expect(r.run.diagnostics.maxRhat).toBeLessThan(1.2)
    expect(r.run.diagnostics.acceptance).toBeGreaterThan(0.1)
    const grid = defaultGrid(ds, 8), times = frameTimes(ds, 3)
    const model = forwardModel(noiseFree, 1)
    const trueTracks = new Float64Array(len)
    model.run(truth, 1, trueTracks)
    const q = { truth: fieldsOfDraws(ds, truth, grid, times), trueTracks, near: nearPathMask(ds, grid, observed, 0.1) }
    const posterior = scoreEnsemble(ds, q, r.params, grid, times, model)
    const prior = flowPrior(fourier)
    const priorDraws = drawGaussianRows(prior.latent, 200, 5)
    const priorScore = scoreEnsemble(ds, q, priorDraws, grid, times, model)
    expect(posterior.relativeRmse).toBeLessThan(priorScore.relativeRmse / 2)
    expect(posterior.spreadSkill).toBeGreaterThan(0.6)
    expect(posterior.spreadSkill).toBeLessThan(1.6)
    expect(posterior.tracerRmse).toBeLessThan(3 * fourier.noise)
    expect(posterior.coverage90).toBeGreaterThan(0.5)
  })

  it('refuses noise-free data: the likelihood would be singular', () => {
    expect(() => mcmcReference(noiseFree, new Float64Array(80), { chains: 1, steps: 10, seed: 1 })).toThrow('simulate with --noise σ')
  })
})

describe('ensemble scores', () => {
  it('CRPS of a single member is the absolute error; of a wide symmetric ensemble less than it', () => {
    expect(crpsSorted(Float64Array.of(2), 5)).toBe(3)
    expect(crpsSorted(Float64Array.of(-1, 1), 0)).toBeCloseTo(1 - 0.5, 12) // E|X| = 1, ½E|X − X'| = ½
    expect(quantile(Float64Array.of(0, 1, 2, 3, 4), 0.25)).toBe(1)
    expect(quantile(Float64Array.of(0, 10), 0.05)).toBeCloseTo(0.5, 12)
  })
  it('the truth as a one-member ensemble scores zero error', () => {
    const ds = simulateDataset(noiseFree)
    const grid = defaultGrid(ds, 6), times = frameTimes(ds, 2)
    const truth = ds.params.slice(0, ds.paramDim)
    const model = forwardModel(noiseFree, 1)
    const tracks = new Float64Array(ds.nTracers * ds.nTimes * 2)
    model.run(truth, 1, tracks)
    const q = { truth: fieldsOfDraws(ds, truth, grid, times), trueTracks: tracks, near: nearPathMask(ds, grid, tracks, 0.2) }
    const s = scoreEnsemble(ds, q, Float64Array.from([...truth, ...truth]), grid, times, model)
    expect(s.rmse).toBe(0)
    expect(s.tracerRmse).toBe(0)
    expect(s.crps).toBe(0)
    expect(s.coverage90).toBe(1)
  })
})

describe('posterior fields from draws', () => {
  it('mean, spread and members of velocity, ψ and vorticity, and re-advected tracers; identical draws have zero spread', () => {
    const ds = simulateDataset(noiseFree)
    const grid = defaultGrid(ds, 6), times = frameTimes(ds, 2)
    const model = forwardModel(noiseFree, 1)
    const one = ds.params.slice(0, ds.paramDim)
    const same = posteriorFields(ds, Float64Array.from([...one, ...one, ...one]), grid, times, model)
    expect(Math.max(...same.velocityStd)).toBeLessThan(1e-12)
    expect(Math.max(...same.tracks.std)).toBeLessThan(1e-12)
    same.tracks.mean.forEach((x, i) => expect(x).toBeCloseTo(ds.trajectories[i], 12))
    expect(same.mean.vorticity).toBeDefined()
    const two = posteriorFields(ds, ds.params.slice(0, 2 * ds.paramDim), grid, times, model)
    expect(two.members.count).toBe(2)
    const a = fieldsOfDraws(ds, ds.params.slice(0, ds.paramDim), grid, times), b = fieldsOfDraws(ds, ds.params.slice(ds.paramDim, 2 * ds.paramDim), grid, times)
    expect(two.mean.u[5]).toBeCloseTo((a.u[5] + b.u[5]) / 2, 12)
    expect(two.velocityStd[5]).toBeCloseTo(Math.hypot(a.u[5] - b.u[5], a.v[5] - b.v[5]) / 2, 12)
  })
})
