/**
 * The point-vortex path's posterior maxima and their Laplace mixture: the point-estimate stage of `+gram-gn`
 * (twin/learned-methods.ts), replacing one Gauss–Newton point by the distinct maxima a small branching window
 * continuation finds, each weighted by its Laplace evidence.
 *  - Window continuation ⅛ → ¼ → ½ → all (quasi-static variational assimilation, Pires, Vautard & Talagrand 1996,
 *    Tellus 48A): a short window's misfit is nearly quadratic in the flow, so its basin is wide.
 *  - Branching (as twin/map-starts.ts's `branchingContinuation` does for the MCMC reference, on a far smaller
 *    budget): after each window the best maxima spawn draws of their own Laplace approximation on that window, which
 *    re-explore the directions the window left at their prior spread; all are re-fitted on the next window.
 *  - Label-swap deduplication: equal-sign vortices are exchangeable (twin/vortex-labels.ts), so a maximum and its
 *    relabelling are one flow and one component.
 *  - The mixture Σ_b w_b N(ξ_b, H_b⁻¹), w_b ∝ exp(−f_b) det(H_b)^{-1/2} (Laplace's evidence of each basin, Tierney &
 *    Kadane 1986, JASA 81; f = ½|r|² + ½|ξ|² in the prior's N(0, I) latent coordinates, H = I + JᵀJ), sampled exactly.
 * Everything is the model's own likelihood; nothing is learned but the starts (nearest train paths).
 */
import { Rng } from '../../flows/rng'
import { choleskyLower, solveLowerTranspose, type FlowPrior } from '../posterior'
import { softmaxWeights } from '../weights'
import { choleskyOrUndefined, lmFitter, type LinearisedResiduals } from './vortex-gram'
import { vortexMatcher } from './vortex-labels'

export interface PathMaximaOptions {
  /** Nearest train paths the continuation starts from. */
  starts: number
  /** Leading fractions of the record fitted in turn before the whole (shortest first). */
  windows: number[]
  /** Levenberg–Marquardt iterations per candidate on each window (a full Jacobian per accepted step). */
  screen: number
  /** Maxima kept after each window; each spawns `branches − 1` draws of its Laplace approximation there. */
  beam: number
  branches: number
  /** Distinct maxima of the whole record refined to convergence (at most this many iterations each). */
  refine: number
  iterations: number
  /** Components whose f exceeds the best's by more than this are dropped (their weight is < e^−gap). */
  gap: number
  /** Chord steps on the windows (each candidate's first Jacobian kept: plain runs only) instead of full LM steps. */
  chordWindows?: boolean
  /** The whole record's short screen also on the screening step (the refinement and the Laplace terms never are). */
  coarseWhole?: boolean
  /**
   * When the best maximum's misfit fails the noise bound (`misfitBound`: the search missed the data's basin), the
   * search is run again from the next nearest train paths up to this many, and the lower f kept (0: never).
   */
  retry?: number
  seed: number
}

/** The design measured on 20 full-size screen pairs per (2, 1) launch (README, `+gram-gn`). */
export const PATH_MAXIMA: PathMaximaOptions = { starts: 8, windows: [1 / 8, 1 / 4, 1 / 2], screen: 4, beam: 3, branches: 3, refine: 2, iterations: 30, gap: 20, coarseWhole: true, retry: 24, seed: 1 }

/**
 * The largest misfit ½|r|² the noise explains for N observed numbers: N/2 + 4√(N/2) (½|r|² of the truth is ½χ²_N,
 * mean N/2, sd √(N/2)); a maximum above it sits in a basin that does not explain the data.
 */
export const misfitBound = (N: number) => N / 2 + 4 * Math.sqrt(N / 2)

/**
 * `vortexPathMaxima` from the first `o.starts` of the nearest train paths (`startsOf(from, to)`: rows from..to−1 of
 * the nearest, nearest first) and, where its best maximum fails the misfit bound, again from the next ones up to
 * `o.retry` (measured on 20 full-size launch-A test pairs 1846–1865: velocity RMSE 1.27 → 1.13, near the path 0.88 →
 * 0.66, 90 % coverage 0.76 → 0.83, failures 2/20 → 0/20, 1.14× the residual evaluations; up to 40 starts scored the
 * same; on quick (4, 2) pairs 464–469 the retries find no better basin and cost 1.6×).
 */
export function vortexPathMaximaRetried(res: LinearisedResiduals, startsOf: (from: number, to: number) => Float64Array, same: SameFlow, o: PathMaximaOptions = PATH_MAXIMA, screenRes = res): PathMaxima {
  const first = vortexPathMaxima(res, startsOf(0, o.starts), same, o, screenRes)
  if (!o.retry || o.retry <= o.starts || first.maxima[0].misfit <= misfitBound(res.length)) return first
  let second: PathMaxima
  try {
    second = vortexPathMaxima(res, startsOf(o.starts, o.retry), same, o, screenRes)
  } catch {
    return first // no further start has a finite likelihood
  }
  const evaluations = first.evaluations + second.evaluations
  return second.maxima[0].f < first.maxima[0].f ? { ...second, evaluations } : { ...first, evaluations }
}

/** One distinct maximum of the whole record: its point, f, misfit and the Laplace terms G = JᵀJ, b = Gξ₀ − Jᵀr₀. */
export interface PathMaximum {
  point: Float64Array
  f: number
  misfit: number
  G: Float64Array
  b: Float64Array
  /** log exp(−f) det(I + G)^{-1/2}: the Laplace evidence relative to the prior (exact for a linear r). */
  logEvidence: number
}

export interface PathMaxima {
  /** Distinct maxima, lowest f first, and their normalised mixture weights. */
  maxima: PathMaximum[]
  weights: number[]
  evaluations: number
}

/** Two latent states are the same flow when one (relabelled) is within the other's Laplace metric: (a − b)ᵀH(a − b) < tol. */
export type SameFlow = (a: Float64Array, b: Float64Array, H: Float64Array) => boolean

/** log of exp(−f) det(H)^{-1/2} for a symmetric positive-definite H (d × d). */
export function laplaceLogEvidence(f: number, H: Float64Array, d: number): number {
  const L = choleskyLower(H, d)
  let logDet = 0
  for (let a = 0; a < d; a++) logDet += 2 * Math.log(L[a * d + a])
  return -f - logDet / 2
}

/**
 * The latent-state equivalence of a vortex prior: b relabelled to a's vortex labelling (vortexMatcher on the
 * parameters, the permutation applied to the per-vortex latent blocks), then within `tol` in H's metric.
 */
export function vortexSameFlow(prior: FlowPrior, vortices: number, circulation: number, tol = 1): SameFlow {
  const n = vortices, d = prior.latent.dim, blocks = d / n - 2
  const match = vortexMatcher(n, circulation)
  const va = new Float64Array(prior.paramDim), vb = new Float64Array(prior.paramDim), pb = new Float64Array(d), diff = new Float64Array(d)
  return (a, b, H) => {
    prior.toParams(a, va)
    prior.toParams(b, vb)
    const perm = match(vb, va)
    for (let j = 0; j < n; j++) {
      pb[2 * j] = b[2 * perm[j]]
      pb[2 * j + 1] = b[2 * perm[j] + 1]
      for (let t = 0; t < blocks; t++) pb[(2 + t) * n + j] = b[(2 + t) * n + perm[j]]
    }
    for (let c = 0; c < d; c++) diff[c] = pb[c] - a[c]
    let q = 0
    for (let i = 0; i < d; i++) for (let j = 0; j < d; j++) q += diff[i] * H[i * d + j] * diff[j]
    return q < tol
  }
}

/** The first of `items` (sorted best first) that no earlier one equals, by `same`. */
export function distinctBy<T>(items: T[], same: (kept: T, candidate: T) => boolean, limit = Infinity): T[] {
  const out: T[] = []
  for (const it of items) {
    if (out.length >= limit) break
    if (!out.some((k) => same(k, it))) out.push(it)
  }
  return out
}

const withIdentity = (G: Float64Array, d: number) => {
  const H = Float64Array.from(G)
  for (let a = 0; a < d; a++) H[a * d + a] += 1
  return H
}

/**
 * The distinct posterior maxima of one path from `starts` (rows): each window's fits, the best `beam` distinct ones
 * branching into draws of their Laplace approximation for the next window; on the whole record the best `refine`
 * distinct ones iterated to convergence, re-deduplicated, and weighted by their Laplace evidence.
 */
export function vortexPathMaxima(res: LinearisedResiduals, starts: Float64Array, same: SameFlow, o: PathMaximaOptions = PATH_MAXIMA, screenRes = res): PathMaxima {
  const d = res.dim, T = res.records
  const { fit, linearise, state } = lmFitter(res)
  const screener = screenRes === res ? { fit, linearise, state } : lmFitter(screenRes)
  const rng = new Rng(o.seed, 0, 0x51ab)
  let pool: Float64Array[] = Array.from({ length: starts.length / d }, (_, k) => starts.slice(k * d, (k + 1) * d))
  for (const w of o.windows) {
    const records = Math.max(1, Math.round(w * T))
    const fitted = pool.map((x) => ({ x, f: screener.fit(x, o.screen, o.chordWindows ?? false, records).f })).filter((c) => c.f < Infinity).sort((a, b) => a.f - b.f)
    if (!fitted.length) break
    const next: Float64Array[] = [], kept: Float64Array[] = []
    for (const c of fitted) {
      if (kept.length >= o.beam) break
      const { G } = screener.linearise(c.x, records)
      const H = withIdentity(G, d)
      if (!H.every(Number.isFinite) || kept.some((k) => same(k, c.x, H))) continue
      kept.push(c.x)
      next.push(c.x)
      const L = choleskyOrUndefined(H, d)
      if (!L) continue // rounding near a close encounter: keep the maximum, do not branch
      for (let k = 1; k < o.branches; k++) {
        // x* + L⁻ᵀz ~ N(x*, (LLᵀ)⁻¹)
        const u = Float64Array.from({ length: d }, () => rng.normal())
        solveLowerTranspose(L, d, u)
        next.push(u.map((v, i) => v + c.x[i]))
      }
    }
    pool = next
  }
  // the whole record: a short screen of every candidate, then the best distinct few to convergence
  const screened = pool.map((x) => ({ x, f: (o.coarseWhole ? screener.fit : fit)(x, o.screen, true).f })).filter((c) => c.f < Infinity).sort((a, b) => a.f - b.f)
  if (!screened.length) throw new Error('vortexPathMaxima: no start has a finite likelihood')
  const refined: PathMaximum[] = []
  for (const c of screened) {
    if (refined.length >= o.refine) break
    if (refined.some((m) => same(m.point, c.x, withIdentity(m.G, d)))) continue
    fit(c.x, o.iterations, false)
    const lin = linearise(c.x)
    const H = withIdentity(lin.G, d)
    if (!H.every(Number.isFinite) || !choleskyOrUndefined(H, d)) continue
    refined.push({ point: c.x, f: lin.f, misfit: lin.misfit, G: lin.G, b: lin.b, logEvidence: laplaceLogEvidence(lin.f, H, d) })
  }
  if (!refined.length) throw new Error('vortexPathMaxima: no maximum has a positive-definite Hessian')
  refined.sort((a, b) => a.f - b.f)
  // refinement can carry two candidates into one maximum
  const maxima = distinctBy(refined, (k, c) => same(k.point, c.point, withIdentity(k.G, d))).filter((m, _, all) => m.f - all[0].f <= o.gap)
  return { maxima, weights: Array.from(softmaxWeights(maxima.map((m) => m.logEvidence))), evaluations: state.evaluations + (screener.state === state ? 0 : screener.state.evaluations) }
}

/** A mixture of samplers: a component picked by weight, then its draw (exact for the mixture). */
export function mixtureSampler(weights: number[], components: { draw(rng: Rng, out: Float64Array): void }[]) {
  const cum: number[] = []
  weights.reduce((s, w, k) => (cum[k] = s + w), 0)
  return {
    draw(rng: Rng, out: Float64Array) {
      const u = rng.uniform() * cum[cum.length - 1]
      let k = 0
      while (k < cum.length - 1 && u >= cum[k]) k++
      components[k].draw(rng, out)
    }
  }
}

/** A draw of `inner` moved away from `centre` by the factor s: the same Gaussian shape, its spread scaled by s. */
export function spreadAbout(inner: { draw(rng: Rng, out: Float64Array): void }, centre: Float64Array, s: number) {
  return {
    draw(rng: Rng, out: Float64Array) {
      inner.draw(rng, out)
      for (let i = 0; i < out.length; i++) out[i] = centre[i] + s * (out[i] - centre[i])
    }
  }
}

/**
 * log of the spread-s Laplace mixture's density Σ_b w_b N(x_b; ξ_b, s²H_b⁻¹) at a truth, `truths[b]` being it in
 * component b's vortex labelling (the likelihood does not see labels, so each component scores its own relabelling).
 */
export function mixtureLogDensity(m: Pick<PathMaxima, 'maxima' | 'weights'>, truths: Float64Array[], s: number): number {
  const terms = m.maxima.map((b, k) => {
    const d = b.point.length
    const H = withIdentity(b.G, d), L = choleskyLower(H, d)
    // |Lᵀ(x − ξ)|² = (x − ξ)ᵀH(x − ξ)
    let q = 0, logDet = 0
    for (let i = 0; i < d; i++) {
      let s2 = 0
      for (let j = i; j < d; j++) s2 += L[j * d + i] * (truths[k][j] - b.point[j])
      q += s2 * s2
      logDet += 2 * Math.log(L[i * d + i])
    }
    return Math.log(m.weights[k]) - (d / 2) * Math.log(2 * Math.PI * s * s) + logDet / 2 - q / (2 * s * s)
  })
  const top = Math.max(...terms)
  return top + Math.log(terms.reduce((a, t) => a + Math.exp(t - top), 0))
}

/** Spread factors and contamination weights tried when the spread is fitted (s = 1: the Laplace mixture itself). */
export const SPREADS = [1, 1.25, 1.5, 1.75, 2, 2.5, 3, 4]
export const CONTAMINATIONS = [0.01, 0.02, 0.05, 0.1, 0.2, 0.5]

/** One held-out path: its maxima, its truth in each component's labelling, and the truth's log prior density. */
export interface SpreadCase {
  m: Pick<PathMaxima, 'maxima' | 'weights'>
  truths: Float64Array[]
  logPrior: number
}

/**
 * The spread factor s maximising the held-out truths' conditional log-likelihood (the way the Fourier rows' τ is
 * refitted on the validation pairs) under the contaminated model (1 − ε)·[spread-s Laplace mixture] + ε·prior, over
 * `spreads` × `contaminations`. The ε term stands for the truths whose basin the search did not find: without it
 * those alone set s (each is many Laplace widths from every component, so the plain likelihood grows with s past
 * any calibration; measured on 60 launch-A validation pairs, still rising at s = 4). Only s is used by the sampler.
 */
export function fitSpread(cases: SpreadCase[], spreads = SPREADS, contaminations = CONTAMINATIONS): { spread: number; contamination: number; logLikelihood: number } {
  const dens = cases.map((c) => spreads.map((s) => mixtureLogDensity(c.m, c.truths, s)))
  let best = { spread: spreads[0], contamination: contaminations[0], logLikelihood: -Infinity }
  for (const e of contaminations)
    for (const [k, s] of spreads.entries()) {
      let ll = 0
      for (const [i, c] of cases.entries()) {
        const a = Math.log(1 - e) + dens[i][k], b = Math.log(e) + c.logPrior, top = Math.max(a, b)
        ll += top + Math.log(Math.exp(a - top) + Math.exp(b - top))
      }
      if (ll > best.logLikelihood) best = { spread: s, contamination: e, logLikelihood: ll }
    }
  return best
}
