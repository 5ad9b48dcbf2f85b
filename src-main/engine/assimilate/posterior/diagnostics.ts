/**
 * Convergence diagnostics of several MCMC chains of one scalar (Gelman et al., BDA3 §11.4–11.5; Vehtari et al.
 * 2021 for the split form): split-R̂ and the effective sample size with Geyer's initial monotone sequence. Pure.
 * Chains are rows of `x`: chains × n draws.
 */

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
