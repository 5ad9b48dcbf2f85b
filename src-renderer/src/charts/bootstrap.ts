/**
 * Bootstrap intervals over independent test queries. For R@k (fractions of the queries) resampling n queries of
 * which a fraction p were hits gives Binomial(n, p) hit counts, so the percentile bootstrap needs only p and n.
 * Seeded, so the same result always draws the same bars. Pure.
 */
import { mulberry32 } from '@shared/mulberry32'

export const BOOTSTRAP_REPLICATES = 2000

/** Percentile bootstrap interval [lo, hi] (default 95 %) of a proportion p of n queries. */
export function bootstrapProportion(p: number, n: number, opts: { replicates?: number; level?: number; seed?: number } = {}): [number, number] {
  if (!(n > 0) || !Number.isFinite(p)) return [NaN, NaN]
  const hits = Math.round(Math.min(1, Math.max(0, p)) * n)
  const B = opts.replicates ?? BOOTSTRAP_REPLICATES
  const rand = mulberry32(opts.seed ?? 1)
  const draws = new Float64Array(B)
  for (let b = 0; b < B; b++) {
    let k = 0
    for (let i = 0; i < n; i++) if (rand() * n < hits) k++
    draws[b] = k / n
  }
  draws.sort()
  const tail = (1 - (opts.level ?? 0.95)) / 2
  const at = (q: number) => draws[Math.min(B - 1, Math.max(0, Math.round(q * (B - 1))))]
  return [at(tail), at(1 - tail)]
}

/** Per-query squared errors of one method (RmseRow.perQuery). */
export interface QuerySquares {
  velocity: number[]
  truth: number[]
  psi: number[]
  tracer?: number[]
}

export type PooledRmse = 'velocityRmse' | 'relativeVelocityRmse' | 'tracerRmse' | 'streamFunctionRmse'

/** The pooled score of the queries `pick` (indices into the per-query arrays), as RmseTable pools them. */
function pooled(q: QuerySquares, key: PooledRmse, pick: ArrayLike<number>): number {
  const sum = (a: number[]) => {
    let s = 0
    for (let i = 0; i < pick.length; i++) s += a[pick[i]]
    return s
  }
  if (key === 'relativeVelocityRmse') return Math.sqrt(sum(q.velocity) / sum(q.truth))
  const a = key === 'velocityRmse' ? q.velocity : key === 'streamFunctionRmse' ? q.psi : q.tracer
  return a ? Math.sqrt(sum(a) / pick.length) : NaN
}

/**
 * Percentile bootstrap interval [lo, hi] (default 95 %) of a pooled RMSE, resampling the test queries with
 * replacement. Seeded (default 1), so every method of one comparison (same number of queries) draws the same
 * resamples: the intervals are paired. RMSE scales linearly with its unit, so convert the interval, not the squares.
 */
export function bootstrapRmse(q: QuerySquares, key: PooledRmse, opts: { replicates?: number; level?: number; seed?: number } = {}): [number, number] {
  const n = q.velocity.length
  if (!n || (key === 'tracerRmse' && q.tracer?.length !== n)) return [NaN, NaN]
  const B = opts.replicates ?? BOOTSTRAP_REPLICATES
  const rand = mulberry32(opts.seed ?? 1)
  const pick = new Uint32Array(n)
  const draws = new Float64Array(B)
  for (let b = 0; b < B; b++) {
    for (let i = 0; i < n; i++) pick[i] = Math.floor(rand() * n)
    draws[b] = pooled(q, key, pick)
  }
  draws.sort()
  const tail = (1 - (opts.level ?? 0.95)) / 2
  const at = (p: number) => draws[Math.min(B - 1, Math.max(0, Math.round(p * (B - 1))))]
  return [at(tail), at(1 - tail)]
}
