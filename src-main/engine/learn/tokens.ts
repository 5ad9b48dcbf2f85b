/**
 * Lays trajectories out as time tokens for the sequence encoder (patch embedding, arXiv 2505.24134 §6.3
 * treats each recorded position as a token): consecutive recorded times are grouped into patches of
 * `patch` times, and the tokens cover **every** recorded time, so a 1000-time trajectory becomes e.g.
 * 25 tokens of 40 times. Two token contents:
 * - positions (default): the patch's positions (all tracers, x and y); when `patch` does not divide the record,
 *   the last token is padded by repeating the final position;
 * - `basis` (Fourier flow only): the velocity w at each recorded time (central differences of the record) times the
 *   flow's Fourier features e^{i(ω_k t + 2π k·x)} at the wavenumbers k and frequencies ω_k of its modes, i.e.
 *   w_x cos θ_k, w_x sin θ_k, w_y cos θ_k, w_y sin θ_k, plus w and x, each averaged over the patch's times. The
 *   flow's velocity is linear in its coefficients, w = A(x, t) v with A built from exactly these cos θ_k, sin θ_k,
 *   so a token holds its patch's share of Aᵀw and the linear estimate of v the identity potential encoder needs is a
 *   linear read-out of the tokens; the transformer learns how to weigh and correct them.
 * Layouts of older models (tokens × patch < times) subsample evenly spaced times instead (kept so they load).
 */
import type { PairedDataset } from '../data/dataset-types'
import { fourierWavenumbers } from '../flows/fourier'
import { UserError } from '../jobs/job'

/** The flow's Fourier features for `basis` tokens (stored in the model, so inference computes the same map). */
export interface TokenBasis { kind: 'fourier-velocity'; modesPerSide: number; omega: number[]; times: number[] }
export interface TokenLayout { tracers: number; times: number; tokens: number; patch: number; basis?: TokenBasis }

/** The `basis` token features of a data set (its modes, frequencies and record times); refused for other flows. */
export function tokenBasisOf(ds: PairedDataset): TokenBasis {
  if (ds.flow !== 'fourier')
    throw new UserError(`--token-features basis needs the Fourier flow (its velocity is a sum of Fourier modes); this data set's flow is ${ds.flow}: use --token-features positions`)
  return { kind: 'fourier-velocity', modesPerSide: ds.config.fourier.modesPerSide, omega: Array.from(ds.flowConstants.omega), times: Array.from(ds.times) }
}

/** Features per tracer of one record in `basis` tokens: w, x and w ⊗ (cos θ_k, sin θ_k). */
function basisWidth(b: TokenBasis): number {
  return 4 + 4 * b.modesPerSide * b.modesPerSide
}

/** Token feature size: patch × tracers × 2 (positions) or tracers × (4 + 4K) (basis). */
export function tokenDim(l: TokenLayout): number {
  return l.basis ? l.tracers * basisWidth(l.basis) : l.patch * l.tracers * 2
}

/** The smallest patch that covers all `times` recorded times with at most `maxTokens` tokens. */
export function defaultTokenLayout(tracers: number, times: number, maxTokens = 100, basis?: TokenBasis): TokenLayout {
  const patch = Math.max(1, Math.ceil(times / Math.max(1, maxTokens)))
  return { tracers, times, tokens: Math.ceil(times / patch), patch, ...(basis ? { basis } : {}) }
}

/** Whether the layout uses every recorded time (all layouts made by defaultTokenLayout do). */
export function coversAllTimes(l: TokenLayout): boolean {
  return l.tokens * l.patch >= l.times
}

/** The recorded time index held by token slot s (s < tokens × patch). */
export function slotTime(l: TokenLayout, s: number): number {
  const used = l.tokens * l.patch
  if (coversAllTimes(l)) return Math.min(s, l.times - 1)
  return used === 1 ? 0 : Math.round((s * (l.times - 1)) / (used - 1)) // legacy: evenly spaced subsample
}

/** count trajectories (tracers × times × 2 each) → count × tokens × tokenDim (Float32: paper-size sets are large). */
export function arrangeTokens(traj: Float64Array, count: number, l: TokenLayout): Float32Array {
  if (l.basis) return basisTokens(traj, count, l, l.basis)
  const used = l.tokens * l.patch
  const td = tokenDim(l)
  const out = new Float32Array(count * l.tokens * td)
  const perItem = l.tracers * l.times * 2
  for (let n = 0; n < count; n++)
    for (let s = 0; s < used; s++) {
      const t = slotTime(l, s)
      const tok = Math.floor(s / l.patch)
      const slot = s % l.patch
      for (let r = 0; r < l.tracers; r++)
        for (let c = 0; c < 2; c++)
          out[(n * l.tokens + tok) * td + (slot * l.tracers + r) * 2 + c] = traj[n * perItem + (r * l.times + t) * 2 + c]
    }
  return out
}

/** Powers e^{2πi e x} for e = −m … m into (re, im)[e + m], by angle recurrence (two trig calls). */
function powers(x: number, m: number, re: Float64Array, im: Float64Array): void {
  const c = Math.cos(2 * Math.PI * x), s = Math.sin(2 * Math.PI * x)
  re[m] = 1
  im[m] = 0
  for (let e = 1; e <= m; e++) {
    re[m + e] = re[m + e - 1] * c - im[m + e - 1] * s
    im[m + e] = re[m + e - 1] * s + im[m + e - 1] * c
    re[m - e] = re[m + e]
    im[m - e] = -im[m + e]
  }
}

/** `basis` tokens: per record w, x and w ⊗ e^{iθ_k}, averaged over each patch (every record in exactly one patch). */
function basisTokens(traj: Float64Array, count: number, l: TokenLayout, b: TokenBasis): Float32Array {
  const m = b.modesPerSide
  const { kx, ky } = fourierWavenumbers(m)
  const K = kx.length
  const T = l.times
  if (b.times.length !== T) throw new Error(`basis tokens: ${b.times.length} record times for a layout of ${T}`)
  const W = basisWidth(b)
  const td = tokenDim(l)
  // e^{iω_k t} for every record time
  const tr = new Float64Array(T * K), ti = new Float64Array(T * K)
  for (let t = 0; t < T; t++)
    for (let k = 0; k < K; k++) {
      tr[t * K + k] = Math.cos(b.omega[k] * b.times[t])
      ti[t * K + k] = Math.sin(b.omega[k] * b.times[t])
    }
  const xr = new Float64Array(2 * m + 1), xi = new Float64Array(2 * m + 1), yr = new Float64Array(2 * m + 1), yi = new Float64Array(2 * m + 1)
  const acc = new Float64Array(td)
  const out = new Float32Array(count * l.tokens * td)
  const perItem = l.tracers * T * 2
  for (let n = 0; n < count; n++)
    for (let tok = 0; tok < l.tokens; tok++) {
      acc.fill(0)
      const from = tok * l.patch, to = Math.min(T, from + l.patch)
      for (let t = from; t < to; t++) {
        const prev = Math.max(0, t - 1), next = Math.min(T - 1, t + 1)
        const dt = b.times[next] - b.times[prev]
        for (let r = 0; r < l.tracers; r++) {
          const o = n * perItem + r * T * 2
          const x = traj[o + 2 * t], y = traj[o + 2 * t + 1]
          const wx = dt > 0 ? (traj[o + 2 * next] - traj[o + 2 * prev]) / dt : 0
          const wy = dt > 0 ? (traj[o + 2 * next + 1] - traj[o + 2 * prev + 1]) / dt : 0
          powers(x, m, xr, xi)
          powers(y, m, yr, yi)
          const a = r * W
          acc[a] += wx
          acc[a + 1] += wy
          acc[a + 2] += x
          acc[a + 3] += y
          for (let k = 0; k < K; k++) {
            // e^{iθ} = e^{iωt} e^{2πi kx x} e^{2πi ky y}
            const px = m + kx[k], py = m + ky[k]
            const sr = xr[px] * yr[py] - xi[px] * yi[py], si = xr[px] * yi[py] + xi[px] * yr[py]
            const c = sr * tr[t * K + k] - si * ti[t * K + k], s = sr * ti[t * K + k] + si * tr[t * K + k]
            const f = a + 4 + 4 * k
            acc[f] += wx * c
            acc[f + 1] += wx * s
            acc[f + 2] += wy * c
            acc[f + 3] += wy * s
          }
        }
      }
      const base = (n * l.tokens + tok) * td
      for (let f = 0; f < td; f++) out[base + f] = acc[f] / (to - from)
    }
  return out
}
