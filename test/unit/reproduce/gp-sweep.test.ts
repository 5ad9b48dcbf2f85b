import { describe, expect, it } from 'vitest'
import { silentContext } from '../../../src-main/engine/jobs/job'
import { gpPlan, gpSettings, runGpExperiment, serialRunner, type GpRun, type GpSettings } from '../../../src-main/engine/learn/gp-experiment'
import { poolRunner } from '../../../src-main/engine/learn/gp-pool'
import { gpVerdicts, judge, meanSe, nSweepSummary, tCritical } from '../../../src-main/engine/reproduce/gp'

/** A run with the given errors (the other fields as a converged point's). */
const run = (n: number, replicate: number, uGivenV: number, vGivenU: number): GpRun => ({
  dim: 5, batch: 512, n, replicate, steps: 4000, uGivenV, vGivenU, optimum: { uGivenV: 0, vGivenU: 0 }, halfSteps: { uGivenV, vGivenU }, convergenceGap: 0, runs: []
})
const sizes = [2000, 5000, 20000, 100000]
// replicate-specific scatter that does not depend on N: paired differences cancel it, unpaired means do not
const offset = [0.002, -0.001, 0.0035, -0.0025]
const wobble = (r: number, i: number) => 1e-5 * Math.sin(7 * r + 3 * i)

describe('N sweep over replicates (arXiv §6.1, Fig. 10)', () => {
  it('mean, standard error and the t quantile', () => {
    const x = meanSe([1, 2, 3, 4])
    expect(x.mean).toBe(2.5)
    expect(x.se).toBeCloseTo(Math.sqrt(5 / 3 / 4), 12)
    expect(Number.isNaN(meanSe([1]).se)).toBe(true)
    expect(tCritical(3)).toBe(3.182)
    expect(judge({ mean: 1, se: 0.3, count: 4 }).judged).toBe('falls') // t 3.33 > 3.18
    expect(judge({ mean: 1, se: 0.33, count: 4 }).judged).toBe('within SE') // t 3.03
    expect(judge({ mean: -1, se: 0.3, count: 4 }).judged).toBe('rises')
  })
  it('recovers floor + c/N and judges the paired steps: replicate offsets that hide the trend in the means cancel in the pairs', () => {
    const runs = [0, 1, 2, 3].flatMap((r) => sizes.map((n, i) => run(n, r, 1e-4 + 0.2 / n + offset[r] / 10 + wobble(r, i), 0.003 + 60 / n + offset[r] + wobble(r, i))))
    const s = nSweepSummary(runs)
    expect(s.replicates).toBe(4)
    expect(s.vGivenU.fit.c.mean).toBeCloseTo(60, 0)
    expect(s.vGivenU.fit.floor.mean).toBeCloseTo(0.003 + 0.0005, 5) // + the mean offset
    expect(s.vGivenU.steps.map((x) => x.judged)).toEqual(['falls', 'falls', 'falls'])
    expect(s.vGivenU.steps[0].expected).toBeCloseTo(60 * (1 / 2000 - 1 / 5000), 4)
    // the offsets make the replicate means scatter by ~2.7e-3: unpaired, the last step (2.4e-3) is not resolved; paired it is
    const [m2, m3] = [s.vGivenU.means[2], s.vGivenU.means[3]]
    expect((m2.mean - m3.mean) / Math.hypot(m2.se, m3.se)).toBeLessThan(tCritical(3))
    const v = gpVerdicts({ settings: { ...gpSettings(false) }, errorDefinition: '', embeddingDim: [run(10000, 0, 1e-4, 0.01)], batchSize: [run(10000, 0, 1e-4, 0.01)], sampleSize: runs })
    expect(v.sampleSize.holds).toBe(true)
    expect(v.sampleSize.text).toContain('over 4 independent data draws per N')
  })
  it('a flat or rising N sweep does not hold; one replicate falls back to the trend of its points', () => {
    const flat = [0, 1, 2, 3].flatMap((r) => sizes.map((n, i) => run(n, r, 1e-4 + offset[r] / 10 + 3 * wobble(r, i), 0.003 + offset[r] + 30 * wobble(r, i))))
    expect(nSweepSummary(flat).vGivenU.fit.cJudged).toBe('within SE')
    const base = { settings: gpSettings(false), errorDefinition: '', embeddingDim: [run(10000, 0, 1e-4, 0.01)], batchSize: [run(10000, 0, 1e-4, 0.01)] }
    expect(gpVerdicts({ ...base, sampleSize: flat }).sampleSize.holds).toBe(false)
    const rising = [0, 1, 2, 3].flatMap((r) => sizes.map((n, i) => run(n, r, 1e-4 + n * 1e-9 + wobble(r, i), 0.003 + n * 1e-7 + wobble(r, i))))
    const vr = gpVerdicts({ ...base, sampleSize: rising })
    expect(vr.sampleSize.holds).toBe(false)
    expect(vr.sampleSize.text).toContain('RISES')
    const one = gpVerdicts({ ...base, sampleSize: sizes.map((n) => run(n, 0, 1 / n, 1 / n)) })
    expect(one.sampleSize.text).toContain('the u|v error falls')
  })
})

/** A small, fast configuration of the real experiment. */
const small: GpSettings = { ...gpSettings(true), steps: 1200, maxSteps: 1200, dims: [1, 5], batches: [16, 64], sizes: [300, 3000], baseBatch: 32, baseN: 1000, replicates: 4 }

describe('GP experiment on a small configuration', () => {
  it('plans each point once: the base point is shared, every replicate runs every N', () => {
    const plan = gpPlan(small)
    expect(plan.filter((p) => p.sweep === 'sampleSize').length).toBe(8)
    expect(new Set(plan.map((p) => JSON.stringify(p.point))).size).toBe(2 + 2 + 8)
  })
  it('the N sweep falls over its replicates, in both directions, beyond their SE; the closed-form gap is that of Thm 5.1', async () => {
    const r = await runGpExperiment(small, silentContext())
    const s = nSweepSummary(r.sampleSize)
    // v|u: t ≈ 7.7 on 3 dof; u|v sits on a larger finite-batch floor (its draws scatter across it), t ≈ 3.2
    expect(s.vGivenU.overall.judged).toBe('falls')
    expect(s.vGivenU.fit.c.mean).toBeGreaterThan(0)
    expect(s.uGivenV.overall.t).toBeGreaterThan(2)
    expect(s.uGivenV.means[1].mean).toBeLessThan(0.7 * s.uGivenV.means[0].mean)
    // nested data: replicate r's two N share their first 300 pairs, so the paired fall is resolved
    expect(r.sampleSize.map((x) => x.replicate)).toEqual([0, 0, 1, 1, 2, 2, 3, 3])
    // ℓ = 1: the trained error is the rank-1 optimum's plus a small finite-sample part; ℓ = 5: the optimum is exact
    const [d1, d5] = r.embeddingDim
    expect(d1.vGivenU).toBeGreaterThanOrEqual(d1.optimum.vGivenU)
    expect(d1.vGivenU).toBeLessThan(1.2 * d1.optimum.vGivenU)
    expect(d5.optimum.vGivenU).toBeLessThan(1e-9)
    expect(d5.optimum.uGivenV).toBeLessThan(1e-9)
  })
  it('worker threads give the serial runner’s numbers, point for point', async () => {
    const points = gpPlan(small).map((p) => p.point).filter((p) => p.n === 300)
    const serial = new Map<string, GpRun>()
    const pooled = new Map<string, GpRun>()
    await serialRunner(small, silentContext())(points, (p, r) => serial.set(JSON.stringify(p), r))
    await poolRunner(small, 2, silentContext())(points, (p, r) => pooled.set(JSON.stringify(p), r))
    expect(pooled.size).toBe(points.length)
    for (const [k, r] of serial) expect(pooled.get(k)).toEqual(r)
  }, 60_000)
})
