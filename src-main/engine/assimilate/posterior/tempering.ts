/**
 * Parallel tempering with pCN moves, for multimodal posteriors π(dx) ∝ exp(−Φ(x)) μ(dx) (the point-vortex twin:
 * label symmetry, separatrices and wrap-around in the angle latent leave plain pCN stuck in one basin).
 * Level k targets the tempered posterior π_k ∝ exp(−b_k Φ) μ with 1 = b_0 > b_1 > … > b_{K−1} = bMin (the hottest
 * is nearly the prior); each of `chains` independent ladders moves every level by one pCN step and then proposes
 * replica swaps between neighbours (Geyer 1991), accepted with min(1, exp((b_k − b_{k+1})(Φ_k − Φ_{k+1}))), in the
 * deterministic even/odd order (Syed et al. 2022, non-reversible PT). During burn-in:
 * - each level's pCN step adapts to an acceptance of 0.25 (Robbins–Monro on log β, as in pcn.ts);
 * - the ladder adapts to equal swap rates between neighbours (log-gaps of log b scaled by exp(κ(a_k − ā)), the
 *   total span fixed; in the spirit of Vousden, Farr & Mandel 2016);
 * - halfway, each level's pCN reference becomes a Gaussian N(m_k, C_k) fitted to that level's states (generalised
 *   pCN: the move is reversible for that Gaussian, so the level's acceptance carries the exact correction
 *   −b_kΦ + log μ − log N(m_k, C_k)); the target is unchanged.
 * Everything is frozen after burn-in, so the kept cold draws come from one fixed, π-invariant kernel. All K × chains
 * proposals are evaluated in one potential call. Pure.
 */
import { Rng } from '../../flows/rng'
import { throwIfCancelled } from '../../jobs/job'
import { drawGaussian, fitGaussian, logDensityOf, type GaussianPrior } from './gaussian'
import type { PcnTarget } from './pcn'

export interface TemperingOptions {
  /** Independent ladders (their cold levels are the chains split-R̂ compares). */
  chains: number
  /** Levels per ladder, the cold one included (≥ 2). */
  levels: number
  /** Inverse temperature of the hottest level (e.g. 1 / a typical prior misfit). */
  bMin: number
  /** Kept steps per chain after burn-in. */
  steps: number
  burnIn: number
  thin?: number
  seed: number
  /** Cold-level starts, chains × dim (default prior draws); hotter levels start from prior draws. */
  starts?: Float64Array
  /**
   * An exact symmetry of the target (exchangeable identical vortices): halfway through burn-in a pivot (the
   * lowest-misfit cold state) is fixed, every state is mapped into the pivot's fundamental domain (its Voronoi cell
   * under the group), and later proposals outside it are rejected. The target becomes π restricted to that domain,
   * which gives every symmetric quantity (fields, tracks) the same law while the fitted references see one mode.
   */
  symmetry?: TargetSymmetry
  signal?: AbortSignal
  onProgress?: (done: number, total: number) => void
}

export interface TargetSymmetry {
  /** Map `state` (in place) to the group element closest to `pivot`. */
  canonicalize(pivot: Float64Array, state: Float64Array): void
  /** Whether `state` already is its own closest element to `pivot`. */
  inDomain(pivot: Float64Array, state: Float64Array): boolean
}

export interface TemperingResult {
  dim: number
  chains: number
  kept: number
  /** Cold-level draws, chains × kept × dim (latent coordinates of the target). */
  samples: Float64Array
  /** Φ of each kept cold draw, chains × kept. */
  potentials: Float64Array
  /** pCN acceptance of each chain's cold level after burn-in. */
  acceptance: Float64Array
  /** The frozen ladder b_0 = 1 > … > bMin and its swap acceptance between neighbours after burn-in. */
  ladder: Float64Array
  swapAcceptance: Float64Array
  /** pCN step of each level after burn-in. */
  betas: Float64Array
  /** Round trips cold → hot → cold completed after burn-in, summed over chains (how often the cold level was refreshed from the top). */
  roundTrips: number
}

const ADAPT_EVERY = 25
/** Scale of a fitted reference over the level's sample spread: wide, since burn-in has seen only part of a ridge, and a reference narrower than the posterior pulls chains back while a wider one only asks for a smaller β. */
const REFERENCE_INFLATION = 3
const TARGET_ACCEPTANCE = 0.25
const STREAM_TEMPER = 0x7e3b

export function parallelTempering(target: PcnTarget, o: TemperingOptions): TemperingResult {
  const mu = target.prior
  const d = mu.dim, K = o.levels, M = o.chains
  if (!(K >= 2) || !(M >= 1) || !(o.steps >= 1) || !(o.burnIn >= 0)) throw new Error(`parallelTempering: need levels ≥ 2, chains ≥ 1, steps ≥ 1, burnIn ≥ 0 (got ${K}, ${M}, ${o.steps}, ${o.burnIn})`)
  if (!(o.bMin > 0 && o.bMin < 1)) throw new Error(`parallelTempering: bMin must lie in (0, 1), got ${o.bMin}`)
  if (o.starts && o.starts.length !== M * d) throw new Error(`parallelTempering: ${o.starts.length} start values for ${M} chains × ${d} dimensions`)
  const thin = Math.max(1, o.thin ?? 1)
  const n = K * M // state index s = c * K + k
  const rngs = Array.from({ length: M }, (_, c) => new Rng(o.seed, c, STREAM_TEMPER))
  const x = new Float64Array(n * d), prop = new Float64Array(n * d)
  const phi = new Float64Array(n), phiProp = new Float64Array(n)
  const z = new Float64Array(d), step = new Float64Array(d)
  for (let c = 0; c < M; c++)
    for (let k = 0; k < K; k++) {
      const row = x.subarray((c * K + k) * d, (c * K + k + 1) * d)
      if (k === 0 && o.starts) row.set(o.starts.subarray(c * d, (c + 1) * d))
      else drawGaussian(mu, rngs[c], row, z)
    }
  target.potential(x, n, phi)
  for (let s = 0; s < n; s++) if (!(phi[s] < Infinity)) phi[s] = Infinity

  // ladder: log b_k = −Σ_{j<k} g_j, gaps g_j > 0 summing to −log bMin (geometric to start)
  const span = -Math.log(o.bMin)
  const gaps = new Float64Array(K - 1).fill(span / (K - 1))
  const b = new Float64Array(K)
  const setLadder = () => {
    let acc = 0
    b[0] = 1
    for (let k = 1; k < K; k++) b[k] = Math.exp(-(acc += gaps[k - 1]))
  }
  setLadder()
  const betas = new Float64Array(K).fill(0.3)
  // per level: pCN reference (μ at first) and the log-density correction log μ − log ref (0 while ref = μ)
  const refs: GaussianPrior[] = Array.from({ length: K }, () => mu)
  const corrections: (((v: Float64Array) => number) | undefined)[] = Array.from({ length: K }, () => undefined)
  const correction = new Float64Array(n), correctionProp = new Float64Array(n)
  const logMu = logDensityOf(mu)

  const kept = Math.floor(o.steps / thin)
  const samples = new Float64Array(M * kept * d), potentials = new Float64Array(M * kept)
  const accepted = new Float64Array(M)
  const swapTried = new Float64Array(K - 1), swapOk = new Float64Array(K - 1)
  const winAcc = new Float64Array(K), winTried = new Float64Array(K)
  const winSwapOk = new Float64Array(K - 1), winSwapTried = new Float64Array(K - 1)
  // round trips: which end each cold-origin replica last touched (a label travels with the state)
  const label = Int32Array.from({ length: n }, (_, s) => s)
  const lastEnd = new Int8Array(n) // 0 none, 1 cold, 2 hot
  let roundTrips = 0
  // references fitted halfway through burn-in to the quarter before (a second refit at ¾ was tried: it left the steps too little time to settle)
  const fitTimes = [Math.floor(o.burnIn / 2)]
  const inWindow = (t: number) => fitTimes.some((f) => t >= f - Math.floor(o.burnIn / 4) && t < f)
  let pivot: Float64Array | undefined
  // the adaptation's gain restarts when the references change (the step sizes start over)
  let clockStart = 0
  const history: Float64Array[] = Array.from({ length: K }, () => new Float64Array(0))
  const historyRows: number[][] = Array.from({ length: K }, () => [])
  const total = o.burnIn + o.steps
  const every = Math.max(1, Math.floor(total / 100))

  for (let t = 0; t < total; t++) {
    if (o.signal) throwIfCancelled(o.signal)
    const burning = t < o.burnIn
    // 1. one pCN move per state, all proposals in one potential call
    for (let c = 0; c < M; c++)
      for (let k = 0; k < K; k++) {
        const s = c * K + k, ref = refs[k], beta = betas[k], keepF = Math.sqrt(1 - beta * beta)
        for (let i = 0; i < d; i++) z[i] = rngs[c].normal()
        ref.applySqrt(z, step)
        for (let i = 0; i < d; i++) prop[s * d + i] = ref.mean[i] + keepF * (x[s * d + i] - ref.mean[i]) + beta * step[i]
        const corr = corrections[k]
        correctionProp[s] = corr ? corr(prop.subarray(s * d, (s + 1) * d)) : 0
      }
    target.potential(prop, n, phiProp)
    if (pivot) for (let s = 0; s < n; s++) if (!o.symmetry!.inDomain(pivot, prop.subarray(s * d, (s + 1) * d))) phiProp[s] = Infinity
    for (let c = 0; c < M; c++)
      for (let k = 0; k < K; k++) {
        const s = c * K + k, p = phiProp[s]
        // log α = −b Φ' + corr' − (−b Φ + corr), corr = log μ − log ref
        const ok = p < Infinity && (phi[s] === Infinity || Math.log(rngs[c].uniform()) < b[k] * (phi[s] - p) + correctionProp[s] - correction[s])
        if (ok) {
          x.set(prop.subarray(s * d, (s + 1) * d), s * d)
          phi[s] = p
          correction[s] = correctionProp[s]
        }
        if (burning) {
          winAcc[k] += ok ? 1 : 0
          winTried[k]++
        } else if (k === 0) accepted[c] += ok ? 1 : 0
      }
    // 2. swaps between neighbours, even pairs on even steps and odd pairs on odd steps
    for (let c = 0; c < M; c++)
      for (let k = t % 2; k + 1 < K; k += 2) {
        const s = c * K + k, u = s + 1
        const logA = (b[k] - b[k + 1]) * (phi[s] - phi[u])
        const ok = phi[u] < Infinity && (phi[s] === Infinity || Math.log(rngs[c].uniform()) < logA)
        if (ok) {
          swapRows(x, s, u, d)
          ;[phi[s], phi[u]] = [phi[u], phi[s]]
          ;[label[s], label[u]] = [label[u], label[s]]
          // the correction belongs to the level's reference: recompute for the states' new levels
          const cs = corrections[k], cu = corrections[k + 1]
          correction[s] = cs ? cs(x.subarray(s * d, (s + 1) * d)) : 0
          correction[u] = cu ? cu(x.subarray(u * d, (u + 1) * d)) : 0
        }
        if (burning) {
          winSwapOk[k] += ok ? 1 : 0
          winSwapTried[k]++
        } else {
          swapOk[k] += ok ? 1 : 0
          swapTried[k]++
        }
      }
    if (!burning)
      for (let c = 0; c < M; c++) {
        const cold = label[c * K], hot = label[c * K + K - 1]
        if (lastEnd[cold] === 2) roundTrips++
        lastEnd[cold] = 1
        if (lastEnd[hot] === 1) lastEnd[hot] = 2
      }
    // 3. adaptation during burn-in
    if (burning && (t + 1) % ADAPT_EVERY === 0) {
      const gain = 1 / Math.sqrt(1 + (t - clockStart) / ADAPT_EVERY)
      for (let k = 0; k < K; k++) {
        const rate = winAcc[k] / Math.max(1, winTried[k])
        betas[k] = Math.min(1, Math.max(1e-5, betas[k] * Math.exp(2 * gain * (rate - TARGET_ACCEPTANCE))))
        winAcc[k] = winTried[k] = 0
      }
      if ((t + 1) % (4 * ADAPT_EVERY) === 0) {
        const rates = Array.from(gaps, (_, k) => winSwapOk[k] / Math.max(1, winSwapTried[k]))
        const mean = rates.reduce((a, r) => a + r, 0) / rates.length
        let sum = 0
        for (let k = 0; k < K - 1; k++) sum += gaps[k] *= Math.exp(4 * gain * (rates[k] - mean))
        for (let k = 0; k < K - 1; k++) gaps[k] *= span / sum
        setLadder()
        winSwapOk.fill(0)
        winSwapTried.fill(0)
      }
    }
    if (burning && inWindow(t)) for (let k = 0; k < K; k++) for (let c = 0; c < M; c++) historyRows[k].push(...x.subarray((c * K + k) * d, (c * K + k + 1) * d))
    if (burning && t > 0 && fitTimes.includes(t)) {
      if (o.symmetry && !pivot) {
        let best = 0
        for (let c = 1; c < M; c++) if (phi[c * K] < phi[best * K]) best = c
        pivot = x.slice(best * K * d, (best * K + 1) * d)
        for (let s = 0; s < n; s++) o.symmetry.canonicalize(pivot, x.subarray(s * d, (s + 1) * d))
        for (let k = 0; k < K; k++) {
          const rows = historyRows[k]
          for (let r = 0; r < rows.length; r += d) {
            const v = Float64Array.from(rows.slice(r, r + d))
            o.symmetry.canonicalize(pivot, v)
            for (let i = 0; i < d; i++) rows[r + i] = v[i]
          }
        }
      }
      for (let k = 0; k < K; k++) {
        history[k] = Float64Array.from(historyRows[k])
        historyRows[k] = []
        try {
          const ref = fitGaussian(history[k], d, REFERENCE_INFLATION, 1e-8)
          // only narrower than μ helps; a hot level keeps μ itself
          if (ref.variance.reduce((a, v, i) => a + v / mu.variance[i], 0) / d < 0.5) {
            refs[k] = ref
            const logRef = logDensityOf(ref)
            corrections[k] = (v) => logMu(v) - logRef(v)
            betas[k] = 0.5
          }
        } catch {
          // a degenerate fit (a level that never moved) keeps μ
        }
        clockStart = t
        winAcc[k] = winTried[k] = 0
        for (let c = 0; c < M; c++) {
          const s = c * K + k, corr = corrections[k]
          correction[s] = corr ? corr(x.subarray(s * d, (s + 1) * d)) : 0
        }
      }
    }
    if (!burning) {
      const r = t - o.burnIn + 1
      if (r % thin === 0) {
        const j = r / thin - 1
        for (let c = 0; c < M; c++) {
          samples.set(x.subarray(c * K * d, (c * K + 1) * d), (c * kept + j) * d)
          potentials[c * kept + j] = phi[c * K]
        }
      }
    }
    if (o.onProgress && (t + 1) % every === 0) o.onProgress(t + 1, total)
  }
  return {
    dim: d, chains: M, kept, samples, potentials,
    acceptance: accepted.map((a) => a / o.steps),
    ladder: b, swapAcceptance: swapOk.map((a, k) => a / Math.max(1, swapTried[k])), betas, roundTrips
  }
}

function swapRows(x: Float64Array, s: number, u: number, d: number): void {
  for (let i = 0; i < d; i++) {
    const a = x[s * d + i]
    x[s * d + i] = x[u * d + i]
    x[u * d + i] = a
  }
}
