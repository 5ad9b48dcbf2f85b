import { describe, expect, it } from 'vitest'
import { bisectorLaunches, launchStudy, studyFlow } from '../../../src-main/engine/assimilate/twin/launch-study'
import { vortexTwins } from '../../../src-main/engine/assimilate/twin/twins'
import { SimulationConfig } from '../../../src-main/shared/simulation'

describe('launch-location study (KIJ (2, 1))', () => {
  it('launches lie on the perpendicular bisector of the vortex pair, the first at its centre', () => {
    const truth = Float64Array.from([-0.4, 0, 0.4, 0, 6, 6])
    const [a, b] = bisectorLaunches(truth, [0, 0.5])
    expect(a).toEqual([0, 0])
    expect(b[0]).toBeCloseTo(0, 12)
    expect(Math.abs(b[1])).toBeCloseTo(0.5, 12)
  })

  it('studies the first test flow that admits every launch, so the line from the saddle is run whole', () => {
    const [spec] = vortexTwins(2048)
    const distances = [0, 0.1, 0.2, 0.3, 0.45, 0.6, 0.8, 1, 1.3]
    // test pair 1843's vortices are too close for the centre launches; 1845's admit all nine
    const f = studyFlow(spec, [1843, 1844, 1845, 1846], distances)!
    expect(f.pair).toBe(1845)
    for (const start of bisectorLaunches(f.truth, distances))
      for (let j = 0; j < 2; j++) expect(Math.hypot(start[0] - f.truth[2 * j], start[1] - f.truth[2 * j + 1])).toBeGreaterThanOrEqual(spec.config.vortex.minSeparation)
    expect(studyFlow(spec, [1843], distances)).toBeUndefined()
  })

  it('runs EnKF and MCMC from each launch on one true flow, and skips a launch inside the separation rule', () => {
    const [spec] = vortexTwins(8)
    const small = { ...spec, grid: 6, frames: 2, config: SimulationConfig.parse({ ...spec.config, steps: 100, dt: 2e-2, recordEvery: 5 }) }
    const truth = Float64Array.from([-0.4, 0, 0.4, 0, 6, 6])
    // 0.3 from the centre along the bisector is 0.5 from each vortex; 0.4 along the line through them would be a vortex
    const points = launchStudy(small, truth, { distances: [0, 0.3], filter: { members: 30, inflation: 1, localisation: Infinity }, mcmc: { chains: 2, steps: 300, keep: 20 }, seed: 1 })
    expect(points).toHaveLength(2)
    for (const p of points) {
      expect(p.skipped).toBeUndefined()
      for (const s of [p.enkf!, p.mcmc!]) for (const v of [s.rmse, s.tracerRmse, s.coverage90]) expect(Number.isFinite(v)).toBe(true)
      expect(p.halfN).toBe(20)
    }
    const tooClose = launchStudy(small, Float64Array.from([-0.1, 0, 0.1, 0, 6, 6]), { distances: [0], filter: { members: 10, inflation: 1, localisation: Infinity }, mcmc: { chains: 1, steps: 100, keep: 10 }, seed: 1 })
    expect(tooClose[0].skipped).toBe('within the separation rule of a vortex')
  })
})
