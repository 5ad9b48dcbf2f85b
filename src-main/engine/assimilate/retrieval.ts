/**
 * Cross-modal retrieval scores (paper §1.8, Algorithm 1): rank of the true partner in a logits matrix,
 * R@1/5/10, mean and median rank, in both directions. Pure: typed arrays in, numbers out.
 */
import type { RecallAtK, RetrievalScores } from '../../shared/assimilation'

/**
 * 1-based rank of item `trueIndex` in row `row` of a row-major `rows × cols` score matrix, higher = better.
 * Ties are broken deterministically by bank index, as a stable descending sort would: an item with the
 * same score ranks ahead of the true one only if its index is lower. NaN scores rank last.
 */
export function rankInRow(scores: ArrayLike<number>, row: number, cols: number, trueIndex: number): number {
  const base = row * cols
  const s = clean(scores[base + trueIndex])
  let rank = 1
  for (let j = 0; j < cols; j++) {
    const sj = clean(scores[base + j])
    if (sj > s || (sj === s && j < trueIndex)) rank++
  }
  return rank
}

/** Same as `rankInRow` but along column `col` (the reverse direction of the same matrix). */
export function rankInColumn(scores: ArrayLike<number>, rows: number, cols: number, col: number, trueIndex: number): number {
  const s = clean(scores[trueIndex * cols + col])
  let rank = 1
  for (let i = 0; i < rows; i++) {
    const si = clean(scores[i * cols + col])
    if (si > s || (si === s && i < trueIndex)) rank++
  }
  return rank
}

function clean(x: number | undefined): number {
  return x === undefined || Number.isNaN(x) ? -Infinity : x
}

/** Indices of the k largest scores of one row, best first (ties: lower index first). */
export function topK(scores: ArrayLike<number>, row: number, cols: number, k: number): number[] {
  const idx = Array.from({ length: cols }, (_, j) => j)
  const base = row * cols
  idx.sort((a, b) => clean(scores[base + b]) - clean(scores[base + a]) || a - b)
  return idx.slice(0, Math.min(k, cols))
}

/** R@1, R@5, R@10 (fractions in [0, 1]), mean rank and median rank (mean of the two middle ranks if even). */
export function recallFromRanks(ranks: ArrayLike<number>): RecallAtK {
  const n = ranks.length
  if (n === 0) return { r1: NaN, r5: NaN, r10: NaN, meanRank: NaN, medianRank: NaN }
  const sorted = Float64Array.from(ranks).sort()
  const within = (k: number) => sorted.filter((r) => r <= k).length / n
  const mid = n >> 1
  const median = n % 2 === 1 ? sorted[mid]! : (sorted[mid - 1]! + sorted[mid]!) / 2
  return { r1: within(1), r5: within(5), r10: within(10), meanRank: sorted.reduce((a, b) => a + b, 0) / n, medianRank: median }
}

/**
 * Both directions on a square n × n logits matrix of paired items, logits[i*n + j] = s(u_i, v_j)/τ,
 * whose true pairs lie on the diagonal: trajectory→potential ranks along rows, potential→trajectory
 * along columns.
 */
export function retrievalScores(logits: ArrayLike<number>, n: number): RetrievalScores {
  if (logits.length !== n * n) throw new Error(`retrievalScores: logits has ${logits.length} entries, expected ${n}×${n}`)
  const rowRanks = new Float64Array(n)
  const colRanks = new Float64Array(n)
  for (let i = 0; i < n; i++) {
    rowRanks[i] = rankInRow(logits, i, n, i)
    colRanks[i] = rankInColumn(logits, n, n, i, i)
  }
  return { trajectoryToPotential: recallFromRanks(rowRanks), potentialToTrajectory: recallFromRanks(colRanks) }
}
