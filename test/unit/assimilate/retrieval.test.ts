import { describe, expect, it } from 'vitest'
import { rankInColumn, rankInRow, recallFromRanks, retrievalScores, topK } from '../../../src-main/engine/assimilate/retrieval'

describe('retrieval ranks', () => {
  it('ranks the true partner by descending score', () => {
    const row = [0.1, 0.9, 0.5, 0.7]
    expect(rankInRow(row, 0, 4, 1)).toBe(1)
    expect(rankInRow(row, 0, 4, 3)).toBe(2)
    expect(rankInRow(row, 0, 4, 2)).toBe(3)
    expect(rankInRow(row, 0, 4, 0)).toBe(4)
  })
  it('breaks ties by bank index (lower index ranks first), and NaN ranks last', () => {
    const row = [0.5, 0.5, 0.5]
    expect([0, 1, 2].map((t) => rankInRow(row, 0, 3, t))).toEqual([1, 2, 3])
    expect(rankInRow([NaN, 0.2, 0.1], 0, 3, 2)).toBe(2)
  })
  it('ranks along columns for the reverse direction', () => {
    // 3×2 matrix; column 1 is [0.2, 0.8, 0.5]
    const m = [0, 0.2, 0, 0.8, 0, 0.5]
    expect(rankInColumn(m, 3, 2, 1, 2)).toBe(2)
    expect(rankInColumn(m, 3, 2, 1, 0)).toBe(3)
  })
  it('returns top-k best first', () => {
    expect(topK([0.1, 0.9, 0.5, 0.9], 0, 4, 3)).toEqual([1, 3, 2])
  })
  it('computes R@k, mean and median rank from known ranks', () => {
    const r = recallFromRanks([1, 2, 6, 11])
    expect(r).toEqual({ r1: 0.25, r5: 0.5, r10: 0.75, meanRank: 5, medianRank: 4 })
    expect(recallFromRanks([3, 1, 2]).medianRank).toBe(2)
  })
  it('scores both directions of a logits matrix with a known answer', () => {
    // rows: query trajectories; columns: potentials. Row 1 prefers column 2; column 0 prefers row 2.
    const logits = [
      5, 0, 0, //
      0, 1, 3, //
      6, 0, 4
    ]
    const s = retrievalScores(logits, 3)
    // row ranks: row0 → 1, row1 → 2, row2 → 2 ; column ranks: col0 → 2 (6 > 5), col1 → 1, col2 → 1
    expect(s.trajectoryToPotential).toEqual({ r1: 1 / 3, r5: 1, r10: 1, meanRank: 5 / 3, medianRank: 2 })
    expect(s.potentialToTrajectory).toEqual({ r1: 2 / 3, r5: 1, r10: 1, meanRank: 4 / 3, medianRank: 1 })
  })
  it('rejects a non-square matrix with a message naming the sizes', () => {
    expect(() => retrievalScores([1, 2, 3], 2)).toThrow('logits has 3 entries, expected 2×2')
  })
})
