import { describe, expect, it } from 'vitest'
import { dominantIndices, effectiveSampleSize, resampleIndices, softmaxWeights } from '../../../src-main/engine/assimilate/weights'

describe('conditional weights', () => {
  it('softmax is shift invariant and normalised', () => {
    const w = softmaxWeights([0, Math.log(3)])
    expect(w[0]).toBeCloseTo(0.25, 14)
    expect(w[1]).toBeCloseTo(0.75, 14)
    const shifted = softmaxWeights([1000, 1000 + Math.log(3)])
    expect(shifted[1]).toBeCloseTo(0.75, 12)
    expect(shifted[0]! + shifted[1]!).toBeCloseTo(1, 14)
  })
  it('reads a slice of a logits matrix', () => {
    expect(Array.from(softmaxWeights([9, 9, 0, 0], 2, 2))).toEqual([0.5, 0.5])
  })
  it('ESS is N for uniform weights and 1 for a collapse', () => {
    expect(effectiveSampleSize([0.25, 0.25, 0.25, 0.25])).toBeCloseTo(4, 12)
    const collapsed = softmaxWeights([0, 200, 0, 0])
    expect(effectiveSampleSize(collapsed)).toBeCloseTo(1, 12)
    expect(effectiveSampleSize([0.5, 0.5, 0])).toBeCloseTo(2, 12)
  })
  it('resampling is seeded and follows the weights', () => {
    const w = [0.1, 0, 0.6, 0.3]
    const a = resampleIndices(w, 20000, 7)
    expect(Array.from(resampleIndices(w, 20000, 7))).toEqual(Array.from(a))
    expect(Array.from(resampleIndices(w, 50, 8))).not.toEqual(Array.from(a.slice(0, 50)))
    const counts = [0, 0, 0, 0]
    for (const i of a) counts[i]!++
    expect(counts[1]).toBe(0)
    expect(counts[0]! / 20000).toBeCloseTo(0.1, 1)
    expect(counts[2]! / 20000).toBeCloseTo(0.6, 1)
    expect(counts[3]! / 20000).toBeCloseTo(0.3, 1)
  })
  it('a collapsed posterior always draws the same item', () => {
    expect(new Set(resampleIndices([0, 0, 1], 100, 3))).toEqual(new Set([2]))
  })
  it('keeps the dominant weights carrying the requested mass', () => {
    expect(dominantIndices([0.05, 0.6, 0.05, 0.3], 0.85, 10)).toEqual([1, 3])
    expect(dominantIndices([0.25, 0.25, 0.25, 0.25], 1, 2)).toEqual([0, 1])
  })
})

describe('seeded stream', () => {
  it('first draws are spread over [0, 1) across small seeds (no bias of the first sample)', async () => {
    const { seededStream } = await import('../../../src-main/engine/assimilate/weights')
    const { uniformFloat64 } = await import('pure-rand/distribution/uniformFloat64')
    const first = Array.from({ length: 200 }, (_, s) => uniformFloat64(seededStream(s)))
    const mean = first.reduce((a, b) => a + b, 0) / first.length
    expect(mean).toBeGreaterThan(0.4)
    expect(mean).toBeLessThan(0.6)
    expect(first.filter((x) => x > 0.99).length).toBeLessThan(10)
    // flat weights: the first drawn index differs between seeds
    expect(new Set(Array.from({ length: 20 }, (_, s) => resampleIndices(new Float64Array(50).fill(0.02), 1, s)[0])).size).toBeGreaterThan(10)
  })
})
