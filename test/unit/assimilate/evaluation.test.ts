import { describe, expect, it } from 'vitest'
import { evaluateBaselines } from '../../../src-main/engine/assimilate/baselines'
import { evaluateLearned } from '../../../src-main/engine/assimilate/learned'
import { BASELINES, type RmseMethod } from '../../../src-main/shared/assimilation'
import { fieldViewOf } from '../../../src-main/engine/assimilate/field-view'
import { pairsOfSplit, planEvaluation, prepareEvaluation } from '../../../src-main/engine/assimilate/setup'
import { samplePairs } from '../../../src-main/engine/assimilate/bank-fields'
import { weightedMean } from '../../../src-main/engine/assimilate/grid-frames'
import { defaultGrid } from '../../../src-main/engine/flows/field'
import { silentContext } from '../../../src-main/engine/jobs/job'
import { lookupModel, tinyFourier } from './fixtures'

const ds = tinyFourier()
const setup = prepareEvaluation(ds, { grid: 8, frames: 3, maxTest: 12, maxBank: 4096, samples: 16, seed: 5 }, silentContext())
const baselines = evaluateBaselines(setup, silentContext())
const row = (rows: typeof baselines, m: RmseMethod) => rows.find((r) => r.kind === m.kind && r.variant === m.variant)!

describe('evaluation with baselines', () => {
  it('refuses a grid × frames whose sampled fields would not fit in memory, before allocating anything', () => {
    const members = pairsOfSplit(ds, 'train').length + 12
    const huge = { grid: 4096, frames: 50, maxTest: 12, maxBank: 4096, samples: 16, seed: 5 }
    const gib = ((members * 50 * 4096 ** 2 * 24) / 2 ** 30).toFixed(1)
    expect(() => planEvaluation(ds, huge)).toThrow(`a 4096² grid × 50 frames for ${members} fields (bank and queries) needs ${gib} GiB, more than the 2 GiB limit: use a smaller --grid or fewer --frames`)
    expect(() => planEvaluation(ds, { ...huge, grid: 8, frames: 3 })).not.toThrow()
  })
  it('uses the test split as queries and the train split as bank', () => {
    expect(setup.testPairs.length).toBe(12)
    expect(Array.from(setup.testPairs).every((p) => ds.split[p] === 2)).toBe(true)
    expect(Array.from(setup.bankPairs).every((p) => ds.split[p] === 0)).toBe(true)
  })
  it('the zero field scores relative RMSE exactly 1 and the oracle beats every other baseline', () => {
    expect(row(baselines, { kind: 'zero' }).relativeVelocityRmse).toBeCloseTo(1, 12)
    const oracle = row(baselines, { kind: 'oracle' }).velocityRmse
    for (const r of baselines) expect(oracle).toBeLessThanOrEqual(r.velocityRmse + 1e-12)
    expect(baselines.map((r) => r.kind)).toEqual(Object.keys(BASELINES))
    expect(baselines.map((r) => r.method)).toEqual(['baseline: zero field', 'baseline: train-mean field', 'baseline: nearest trajectory (raw L2)', 'baseline: oracle (best in bank)'])
  })
  it('a flat conditional (τ → ∞) is the train-mean climatology, with ESS = bank size', () => {
    const flat = evaluateLearned(lookupModel(ds, 1e12), setup, 'flat', silentContext())
    const mean = row(flat.rmse, { kind: 'mean', variant: 'flat' })
    expect(mean.velocityRmse).toBeCloseTo(row(baselines, { kind: 'train-mean' }).velocityRmse, 9)
    expect(mean.tracerRmse).toBeCloseTo(row(baselines, { kind: 'train-mean' }).tracerRmse, 9)
    expect(flat.ess.min).toBeCloseTo(setup.bankPairs.length, 6)
  })
  it('a sharp conditional (τ → 0) collapses: ESS ≈ 1, the sample is the mode, perfect retrieval', () => {
    const sharp = evaluateLearned(lookupModel(ds, 1e-9), setup, 'sharp', silentContext())
    expect(sharp.ess.max).toBeCloseTo(1, 6)
    expect(row(sharp.rmse, { kind: 'sample', variant: 'sharp' }).velocityRmse).toBeCloseTo(row(sharp.rmse, { kind: 'top1', variant: 'sharp' }).velocityRmse, 12)
    expect(row(sharp.rmse, { kind: 'mean', variant: 'sharp' }).velocityRmse).toBeCloseTo(row(sharp.rmse, { kind: 'top1', variant: 'sharp' }).velocityRmse, 9)
    expect(sharp.retrieval.trajectoryToPotential.r1).toBe(1)
    expect(sharp.retrieval.potentialToTrajectory.medianRank).toBe(1)
    expect(sharp.calibration.potentialGivenTrajectory.spread).toBeCloseTo(0, 6)
  })
  it('a field view of a flat conditional shows the exact bank-mean field', () => {
    const view = fieldViewOf(ds, lookupModel(ds, 1e12), { index: 0, grid: 8, frames: 2 })
    const bank = pairsOfSplit(ds, 'train')
    const expected = weightedMean(samplePairs(ds, bank, defaultGrid(ds, 8), Float64Array.from(view.times)), new Float64Array(bank.length).fill(1 / bank.length))
    view.reconstruction!.u[1]!.forEach((x, i) => expect(x).toBeCloseTo(expected.u[64 + i]!, 9))
    expect(view.ess).toBeCloseTo(bank.length, 6)
  })
  it('a field view of a test case carries truth, reconstruction, uncertainty and tracks as plain arrays', () => {

    const view = fieldViewOf(ds, lookupModel(ds, 1e-9), { index: 1, grid: 8, frames: 2 })
    expect(view.truth.u.length).toBe(2)
    expect(view.truth.u[0]!.length).toBe(64)
    expect(view.uncertainty![0]!.every((s) => Math.abs(s) < 1e-9)).toBe(true)
    expect(view.tracks.length).toBe(ds.nTracers)
    expect(view.tracks[0]!.length).toBe(ds.nTimes)
    expect(view.ess).toBeCloseTo(1, 6)
    expect(JSON.parse(JSON.stringify(view)).x).toEqual(view.x)
    expect(() => fieldViewOf(ds, undefined, { index: 99, grid: 8, frames: 2 })).toThrow('test case 99 does not exist: the test split has 12 cases (0–11)')
  })
})
