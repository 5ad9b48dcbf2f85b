import { describe, expect, it } from 'vitest'
import { frameTimes, samplePairs } from '../../../src-main/engine/assimilate/bank-fields'
import { flowOfParams, weightedFlow, weightedMeanParams, ZERO_FLOW } from '../../../src-main/engine/assimilate/combined-flow'
import { nearestTrajectory, oracleMember } from '../../../src-main/engine/assimilate/baselines'
import { stackMember, weightedMean } from '../../../src-main/engine/assimilate/grid-frames'
import { velocityRmse } from '../../../src-main/engine/assimilate/metrics'
import { pairsOfSplit } from '../../../src-main/engine/assimilate/setup'
import { observedTrack, tracerScore } from '../../../src-main/engine/assimilate/tracers'
import { defaultGrid, fieldOfPair } from '../../../src-main/engine/flows/field'
import { tinyFourier } from './fixtures'

const ds = tinyFourier()
const grid = defaultGrid(ds, 8)
const times = frameTimes(ds, 3)

describe('reconstruction on a Fourier flow', () => {
  it('frame times span the record window', () => {
    expect(times[0]).toBe(ds.times[0])
    expect(times[1]).toBeCloseTo((ds.times[0]! + ds.times[ds.nTimes - 1]!) / 2, 14)
    expect(times[2]).toBe(ds.times[ds.nTimes - 1])
  })
  it('Σ w_j field_j equals the field of the weighted mean coefficients (velocity is linear in them)', () => {
    const pairs = [0, 3, 7, 11]
    const w = [0.1, 0.2, 0.3, 0.4]
    const stack = samplePairs(ds, pairs, grid, times)
    const combined = weightedMean(stack, w)
    const viaParams = samplePairs({ ...ds, nPairs: 1, params: weightedMeanParams(ds, pairs, w) }, [0], grid, times)
    expect(velocityRmse(combined, viaParams).overall).toBeLessThan(1e-12)
    const flow = weightedFlow(ds, pairs, w)
    const out = new Float64Array(2)
    flow.velocity(0.3, 0.6, 0.04, out)
    const expected = [0, 0]
    const tmp = new Float64Array(2)
    pairs.forEach((p, k) => {
      fieldOfPair(ds, p).velocity(0.3, 0.6, 0.04, tmp)
      expected[0] += w[k]! * tmp[0]!
      expected[1] += w[k]! * tmp[1]!
    })
    expect(out[0]).toBeCloseTo(expected[0]!, 12)
    expect(out[1]).toBeCloseTo(expected[1]!, 12)
  })
  it('the flow of a pair’s own parameters is that pair’s flow', () => {
    const a = samplePairs(ds, [5], grid, times)
    const b = flowOfParams(ds, ds.params.slice(5 * ds.paramDim, 6 * ds.paramDim))
    const out = new Float64Array(2)
    b.velocity(0.2, 0.2, times[1]!, out)
    const ref = new Float64Array(2)
    fieldOfPair(ds, 5).velocity(0.2, 0.2, times[1]!, ref)
    expect(Array.from(out)).toEqual(Array.from(ref))
    expect(stackMember(a, 0).u.length).toBe(3 * 64)
    expect(() => flowOfParams(ds, new Float64Array(2))).toThrow('2 parameters, expected 18')
  })
  it('re-advecting the observed starts in the true field reproduces the observed track', () => {
    const pair = pairsOfSplit(ds, 'test')[0]!
    const score = tracerScore(fieldOfPair(ds, pair), ds, pair)
    expect(score.perFrame[0]).toBe(0)
    expect(score.overall).toBeLessThan(1e-6)
    // the zero flow leaves tracers where they started: error = distance travelled
    const track = observedTrack(ds, pair)
    const zero = tracerScore(ZERO_FLOW, ds, pair)
    const last = ds.nTimes - 1
    const d0 = Math.hypot(track[last * 2]! - track[0]!, track[last * 2 + 1]! - track[1]!)
    const d1 = Math.hypot(track[(ds.nTimes + last) * 2]! - track[ds.nTimes * 2]!, track[(ds.nTimes + last) * 2 + 1]! - track[ds.nTimes * 2 + 1]!)
    expect(zero.perFrame[last]).toBeCloseTo(Math.sqrt((d0 * d0 + d1 * d1) / 2), 12)
  })
  it('nearest trajectory and oracle find an exact member of the bank', () => {
    const bank = [2, 9, 4, 13]
    const len = ds.nTracers * ds.nTimes * 2
    expect(nearestTrajectory(ds.trajectories.subarray(4 * len, 5 * len), ds.trajectories, bank)).toBe(2)
    const stack = samplePairs(ds, bank, grid, times)
    expect(oracleMember(stack, stackMember(stack, 3))).toBe(3)
  })
})
