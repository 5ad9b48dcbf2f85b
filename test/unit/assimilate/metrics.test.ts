import { describe, expect, it } from 'vitest'
import { countsAsWeights, emptyStack, stackMember, weightedMean, weightedVelocityStd, type FieldStack } from '../../../src-main/engine/assimilate/grid-frames'
import { streamFunctionRmse, trackRmse, velocityRms, velocityRmse } from '../../../src-main/engine/assimilate/metrics'

/** Two frames of three cells with arbitrary values, plus copies shifted by constants. */
function base(): FieldStack {
  const s = emptyStack(1, 2, 3)
  s.u.set([1, 2, 3, 4, 5, 6])
  s.v.set([0, -1, 2, 1, 0, 3])
  s.psi.set([3, 1, 4, 1, 5, 9])
  return s
}

describe('scores', () => {
  it('velocity RMSE of a field against itself plus a constant vector is the offset length', () => {
    const a = base()
    const b = base()
    b.u.forEach((x, i) => (b.u[i] = x + 0.3))
    b.v.forEach((x, i) => (b.v[i] = x - 0.4))
    const r = velocityRmse(a, b)
    expect(r.overall).toBeCloseTo(0.5, 14)
    expect(Array.from(r.perFrame).map((x) => +x.toFixed(12))).toEqual([0.5, 0.5])
  })
  it('per-frame velocity RMSE localises an error to its frame', () => {
    const a = base()
    const b = base()
    b.u[4] = b.u[4]! + 3 // frame 1, one of 3 cells
    const r = velocityRmse(a, b)
    expect(r.perFrame[0]).toBe(0)
    expect(r.perFrame[1]).toBeCloseTo(Math.sqrt(9 / 3), 14)
    expect(r.overall).toBeCloseTo(Math.sqrt(9 / 6), 14)
  })
  it('RMS speed of a constant field is its speed, and relative RMSE of the zero field is 1', () => {
    const c = emptyStack(1, 1, 4)
    c.u.fill(3)
    c.v.fill(4)
    expect(velocityRms(c).overall).toBe(5)
    expect(velocityRmse(c, emptyStack(1, 1, 4)).overall / velocityRms(c).overall).toBe(1)
  })
  it('stream-function RMSE ignores a constant offset per frame but not a shape change', () => {
    const a = base()
    const b = base()
    b.psi.set([13, 11, 14, -1, 3, 7]) // frame 0: +10, frame 1: −2
    expect(streamFunctionRmse(a, b).overall).toBeCloseTo(0, 12)
    b.psi[0] = 16 // frame 0 now [16,11,14] vs [3,1,4]: demeaned errors [+2,-1,-1]
    const r = streamFunctionRmse(a, b)
    expect(r.perFrame[0]).toBeCloseTo(Math.sqrt(6 / 3), 12)
    expect(r.perFrame[1]).toBeCloseTo(0, 12)
  })
  it('tracer RMSE is the mean squared distance per time and overall', () => {
    // 2 tracers × 2 times; tracer 0 off by (3,4) at time 1 only
    const obs = [0, 0, 1, 1, 5, 5, 6, 6]
    const pred = [0, 0, 4, 5, 5, 5, 6, 6]
    const r = trackRmse(pred, obs, 2, 2)
    expect(Array.from(r.perFrame)).toEqual([0, Math.sqrt(25 / 2)])
    expect(r.overall).toBeCloseTo(Math.sqrt(25 / 4), 14)
    expect(() => trackRmse([0], obs, 2, 2)).toThrow('expected 2×2×2 positions')
  })
})

describe('weighted combinations of a bank', () => {
  function bank(): FieldStack {
    const s = emptyStack(3, 1, 2)
    s.u.set([1, 1, 3, 3, 10, 10])
    s.v.set([0, 0, 0, 0, 0, 0])
    s.psi.set([1, 2, 3, 4, 5, 6])
    return s
  }
  it('weighted mean and std with hand-made weights', () => {
    const s = bank()
    const mean = weightedMean(s, [0.5, 0.5, 0])
    expect(Array.from(mean.u)).toEqual([2, 2])
    expect(Array.from(mean.psi)).toEqual([2, 3])
    expect(Array.from(weightedVelocityStd(s, [0.5, 0.5, 0], mean))).toEqual([1, 1])
  })
  it('a collapsed weight vector returns that member exactly with zero spread', () => {
    const s = bank()
    const mean = weightedMean(s, [0, 0, 1])
    expect(Array.from(mean.u)).toEqual(Array.from(stackMember(s, 2).u))
    expect(Array.from(weightedVelocityStd(s, [0, 0, 1], mean))).toEqual([0, 0])
  })
  it('drawn indices become equal weights with repeats', () => {
    expect(Array.from(countsAsWeights([2, 0, 2, 2], 3))).toEqual([0.25, 0, 0.75])
    expect(() => weightedMean(bank(), [1, 0])).toThrow('2 weights for a bank of 3')
  })
})
