import { mkdtempSync, existsSync, readdirSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { describe, expect, it } from 'vitest'
import { SimulationConfig } from '../../../src-main/shared/simulation'
import { runSimulation, simulateDataset, simulatePairs } from '../../../src-main/engine/flows/simulate'
import { splitSizes } from '../../../src-main/engine/flows/plan'
import { readDataset } from '../../../src-main/engine/data/dataset'
import { fieldOfPair } from '../../../src-main/engine/flows/field'
import { advectInField } from '../../../src-main/engine/flows/advect'
import { CancelledError, silentContext, UserError } from '../../../src-main/engine/jobs/job'
import type { JobProgress } from '../../../src-main/shared/contract'

const small = SimulationConfig.parse({ pairs: 7, steps: 300, recordEvery: 30, tracers: 2, seed: 11 })
const bytes = (a: Float64Array) => Buffer.from(a.buffer, a.byteOffset, a.byteLength)

describe('paired data sets', () => {
  it('gives bit-identical data for the same seed whatever the number of workers', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'driftclip-sim-'))
    const progress: JobProgress[] = []
    const ctx = { ...silentContext(), progress: (p: JobProgress) => progress.push(p) }
    const one = await runSimulation(small, join(dir, 'one.nc'), ctx, 1)
    await runSimulation(small, join(dir, 'two.nc'), silentContext(), 2)
    const a = await readDataset(join(dir, 'one.nc'))
    const b = await readDataset(join(dir, 'two.nc'))
    const c = simulateDataset(small)
    expect(bytes(a.trajectories).equals(bytes(b.trajectories))).toBe(true)
    expect(bytes(a.params).equals(bytes(b.params))).toBe(true)
    expect(bytes(a.trajectories).equals(bytes(c.trajectories))).toBe(true)
    expect(one.pairs).toBe(7)
    expect(progress.at(-1)).toMatchObject({ done: 7, total: 7, unit: 'pairs' })
    expect(progress[0]).toMatchObject({ done: 0, total: 7 })
    expect(progress.filter((p) => p.metrics).at(-1)?.metrics?.pairsPerSecond).toBeGreaterThan(0)
    expect(progress.at(-1)?.message).toBe(`writing ${join(dir, 'one.nc')}`)
  }, 60_000)

  it('simulates any block of pairs exactly as the whole set does', () => {
    const whole = simulateDataset(small)
    const part = simulatePairs(small, 3, 2)
    const per = small.tracers * whole.nTimes * 2
    expect(bytes(part.trajectories).equals(bytes(whole.trajectories.subarray(3 * per, 5 * per)))).toBe(true)
    expect(bytes(part.params).equals(bytes(whole.params.subarray(3 * 98, 5 * 98)))).toBe(true)
  })

  it('changes with the seed', () => {
    const other = simulateDataset({ ...small, seed: 12 })
    expect(bytes(other.params).equals(bytes(simulateDataset(small).params))).toBe(false)
    expect(bytes(other.trajectories).equals(bytes(simulateDataset(small).trajectories))).toBe(false)
  })

  it('adds Gaussian observation noise of the requested size to recorded positions only', () => {
    const cfg = SimulationConfig.parse({ pairs: 20, steps: 200, recordEvery: 10, noise: 0.01 })
    const noisy = simulateDataset(cfg)
    const clean = simulateDataset({ ...cfg, noise: 0 })
    expect(noisy.params).toEqual(clean.params)
    let ss = 0, mean = 0
    for (let i = 0; i < noisy.trajectories.length; i++) {
      const d = noisy.trajectories[i] - clean.trajectories[i]
      ss += d * d
      mean += d
    }
    const n = noisy.trajectories.length
    expect(Math.sqrt(ss / n)).toBeGreaterThan(0.009)
    expect(Math.sqrt(ss / n)).toBeLessThan(0.011)
    expect(Math.abs(mean / n)).toBeLessThan(0.001)
  })

  it('records at t = j·recordEvery·dt from the configured starts, and re-advecting the field reproduces them', () => {
    const ds = simulateDataset(small)
    expect(ds.times[0]).toBeCloseTo(30e-5, 15)
    expect(ds.times[ds.nTimes - 1]).toBeCloseTo(300e-5, 15)
    const times = Float64Array.from([0, ...ds.times])
    const again = advectInField(fieldOfPair(ds, 4), Float64Array.from([0.75, 0.75, 0.85, 0.75]), times, 1e-5)
    const per = ds.nTracers * ds.nTimes * 2
    for (let p = 0; p < 2; p++)
      for (let r = 0; r < ds.nTimes; r++)
        for (let c = 0; c < 2; c++)
          expect(again[(p * times.length + r + 1) * 2 + c]).toBeCloseTo(ds.trajectories[4 * per + (p * ds.nTimes + r) * 2 + c], 10)
  })

  it('Dormand–Prince and RK4 agree on the same flows', () => {
    const cfg = SimulationConfig.parse({ pairs: 2, steps: 1000, recordEvery: 100 })
    const rk = simulateDataset(cfg)
    const dp = simulateDataset({ ...cfg, integrator: 'dopri5' })
    for (let i = 0; i < rk.trajectories.length; i++) expect(Math.abs(dp.trajectories[i] - rk.trajectories[i])).toBeLessThan(1e-7)
    const vcfg = SimulationConfig.parse({ flow: 'vortex', pairs: 2, steps: 1000, dt: 1e-3, recordEvery: 100 })
    const vrk = simulateDataset(vcfg)
    const vdp = simulateDataset({ ...vcfg, integrator: 'dopri5' })
    for (let i = 0; i < vrk.trajectories.length; i++) expect(Math.abs(vdp.trajectories[i] - vrk.trajectories[i])).toBeLessThan(1e-6)
  })

  it('splits train / validation / test by the configured fractions', () => {
    expect(splitSizes(SimulationConfig.parse({ pairs: 1000 }))).toEqual({ train: 800, validation: 100, test: 100 })
    const ds = simulateDataset({ ...small, pairs: 10, validationFraction: 0.2, testFraction: 0.3 })
    expect(Array.from(ds.split)).toEqual([0, 0, 0, 0, 0, 1, 1, 2, 2, 2])
  })

  it('refuses start positions that do not match the tracer count', () => {
    expect(() => simulateDataset({ ...small, starts: [[0.1, 0.2]] })).toThrow(
      new UserError('simulation: 1 start positions given for 2 tracers; give exactly one (x, y) per tracer')
    )
  })

  it('writes nothing when cancelled', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'driftclip-cancel-'))
    const controller = new AbortController()
    // cancel once the first chunk is back, while others are still being simulated
    const ctx = { ...silentContext(controller.signal), progress: (p: JobProgress) => (p.done > 0 ? controller.abort() : undefined) }
    await expect(runSimulation({ ...small, pairs: 40 }, join(dir, 'c.nc'), ctx, 1)).rejects.toBeInstanceOf(CancelledError)
    expect(existsSync(join(dir, 'c.nc'))).toBe(false)
    expect(readdirSync(dir)).toEqual([])
  }, 60_000)
})
