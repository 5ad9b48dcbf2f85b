/**
 * Convergence diagnostics of several MCMC chains of one scalar (Gelman et al., BDA3 §11.4–11.5; Vehtari et al.
 * 2021 for the split form): split-R̂ and the effective sample size with Geyer's initial monotone sequence. Pure.
 * Chains are rows of `x`: chains × n draws.
 */
import { normalQuantile } from './normal'

/** Split-R̂: each chain halved, then sqrt(var⁺/W). ≈ 1 for mixed chains; above 1.01–1.1 means not yet mixed. */
export function splitRhat(x: Float64Array, chains: number): number {
  const n = Math.floor(x.length / chains)
  const half = Math.floor(n / 2)
  if (half < 2) return NaN
  const halves: Float64Array[] = []
  for (let c = 0; c < chains; c++) {
    halves.push(x.subarray(c * n, c * n + half))
    halves.push(x.subarray(c * n + n - half, c * n + n))
  }
  const { W, varPlus } = varianceParts(halves)
  return W > 0 ? Math.sqrt(varPlus / W) : varPlus > 0 ? Infinity : 1
}

/**
 * Effective sample size over all chains: M·n / (1 + 2 Σ ρ_t), with the combined autocorrelation
 * ρ_t = 1 − (W − mean autocovariance_t)/var⁺ and the sum truncated by Geyer's initial positive, monotone sequence.
 */
export function effectiveSampleSizeOf(x: Float64Array, chains: number): number {
  const n = Math.floor(x.length / chains)
  if (n < 4) return NaN
  const rows = Array.from({ length: chains }, (_, c) => x.subarray(c * n, (c + 1) * n))
  const { W, varPlus } = varianceParts(rows)
  if (!(varPlus > 0)) return chains * n
  const centred = rows.map((r) => {
    const m = mean(r)
    return r.map((v) => v - m)
  })
  const autocov = (t: number): number => {
    let s = 0
    for (const r of centred) {
      let a = 0
      for (let i = 0; i + t < n; i++) a += r[i] * r[i + t]
      s += a / n
    }
    return s / chains
  }
  const rho = (t: number): number => 1 - (W - autocov(t)) / varPlus
  // Geyer: pairs Γ_k = ρ_{2k} + ρ_{2k+1}, summed while positive, forced non-increasing
  let tau = -1
  let previous = Infinity
  for (let k = 0; 2 * k + 1 < n; k++) {
    let pair = rho(2 * k) + rho(2 * k + 1)
    if (!(pair > 0)) break
    if (pair > previous) pair = previous
    previous = pair
    tau += 2 * pair
  }
  return (chains * n) / Math.max(tau, 1 / Math.log10(Math.max(10, chains * n)))
}

/** Within-chain mean variance W and the pooled estimate var⁺ = (n−1)/n W + B/n. */
function varianceParts(rows: Float64Array[]): { W: number; varPlus: number } {
  const n = rows[0].length
  const means = rows.map(mean)
  const grand = mean(Float64Array.from(means))
  let W = 0
  rows.forEach((r, c) => {
    let s = 0
    for (const v of r) s += (v - means[c]) ** 2
    W += s / (n - 1)
  })
  W /= rows.length
  let B = 0
  for (const m of means) B += (m - grand) ** 2
  B = rows.length > 1 ? (n * B) / (rows.length - 1) : 0
  return { W, varPlus: ((n - 1) / n) * W + B / n }
}

function mean(r: Float64Array): number {
  let s = 0
  for (const v of r) s += v
  return s / r.length
}

/**
 * Rank-normalised split-R̂ (Vehtari, Gelman, Simpson, Carpenter & Bürkner 2021, §4.2): the pooled draws replaced by
 * the normal scores Φ⁻¹((rank − 3/8)/(S + 1/4)) (ties share their mean rank), split-R̂ of those and of the folded
 * draws |x − median|, the larger of the two. Unlike plain split-R̂ it is finite for heavy tails (the velocity at a
 * point near a vortex) and sees chains that differ in spread, not only in location; it depends on the draws only
 * through their ranks, so any increasing transform of x leaves it unchanged.
 */
export function rankNormalizedRhat(x: Float64Array, chains: number): number {
  const n = Math.floor(x.length / chains)
  if (n < 4) return NaN
  const used = x.subarray(0, chains * n)
  const sorted = Float64Array.from(used).sort()
  const median = sorted.length % 2 ? sorted[(sorted.length - 1) / 2] : (sorted[sorted.length / 2 - 1] + sorted[sorted.length / 2]) / 2
  const folded = used.map((v) => Math.abs(v - median))
  return Math.max(splitRhat(normalScores(used), chains), splitRhat(normalScores(folded), chains))
}

/** Effective sample size of the rank-normalised draws (the "bulk ESS" of Vehtari et al. 2021). */
export function rankNormalizedEss(x: Float64Array, chains: number): number {
  const n = Math.floor(x.length / chains)
  return n < 4 ? NaN : effectiveSampleSizeOf(normalScores(x.subarray(0, chains * n)), chains)
}

/** Normal scores of the pooled draws by rank (average rank for ties); non-finite draws rank above every finite one. */
export function normalScores(x: Float64Array): Float64Array {
  const S = x.length
  const key = (v: number) => (Number.isNaN(v) ? Infinity : v)
  const order = Array.from({ length: S }, (_, i) => i).sort((a, b) => key(x[a]) - key(x[b]) || 0)
  const out = new Float64Array(S)
  for (let i = 0; i < S; ) {
    let j = i
    while (j + 1 < S && key(x[order[j + 1]]) === key(x[order[i]])) j++
    const rank = (i + j) / 2 + 1 // 1-based mean rank of the tie group
    const z = normalQuantile((rank - 0.375) / (S + 0.25))
    for (let k = i; k <= j; k++) out[order[k]] = z
    i = j + 1
  }
  return out
}
