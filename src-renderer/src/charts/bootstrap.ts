/**
 * Bootstrap intervals for scores that are fractions of independent test queries (R@k). Resampling n queries of
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
