/**
 * Metropolis–Hastings along curved ridges of a least-squares posterior on a Gaussian prior:
 * π(u) ∝ exp(−½|r(u)|² − ½|u|²), u the whitened latent coordinates (u = (ξ − m)/s of a diagonal prior N(m, diag s²)),
 * r the whitened residuals (y − G)/σ. Built for the point-vortex twin, whose posterior is low-dimensional but a thin
 * curved sheet: at the posterior maximum the Gauss–Newton Hessian H = JᵀJ + I has a few eigenvalues near 1 (the
 * data barely constrain those directions, the prior does) and the rest up to ~1e5, and along the weak directions
 * the sheet bends away from its tangent within one prior standard deviation, so every linear proposal (pCN,
 * tempering, a Newton step, a fitted-Gaussian reference) must shrink to the sheet's width and does not mix.
 *
 * The move (a marginal-then-conditional proposal in the spirit of the stochastic Newton sampler of Martin, Wilcox,
 * Burstedde & Ghattas 2012, applied to the stiff block only): rotate u into H's eigenbasis at the best maximum,
 * u = U_w w + U_s s, w the k weak coordinates (eigenvalue < `weakEigenvalue`, or curved: −log π two standard
 * deviations out along the direction is off its quadratic model by more than `curvedTolerance`), s the stiff ones.
 * Propose w' = w + ε R z (a random walk; R = D^{−½} from the eigenvalues at first, the Cholesky factor of the walked
 * coordinates' own covariance from half burn-in on — adaptive Metropolis; ε adapted in burn-in), then find the sheet at w' by
 * `gnIterations` Gauss–Newton iterations in s from a start that depends on w' alone (the maximum's s), which gives
 * a centre ŝ(w') and a Hessian H_s(w'), and draw s' ~ N(ŝ(w'), H_s(w')⁻¹). Because ŝ and H_s are functions of w'
 * only, the proposal density is known in both directions and MH with
 *   log α = log π(u') − log π(u) + log N(s; ŝ(w), H_s(w)⁻¹) − log N(s'; ŝ(w'), H_s(w')⁻¹)
 * is exact for π whatever the Gauss–Newton iterations converge to; where the conditional of s given w is close to
 * Gaussian (the stiff directions are, measured) the move is a random walk on the sheet's 2-to-4-dimensional marginal.
 *
 * Mode jumps: with probability `jumpRate` (when several distinct maxima are given), an independence proposal from
 * the mixture of the Laplace approximations N(u_m, κ² H_m⁻¹) at the maxima, weighted by their Laplace evidence
 * exp(−f_m)|H_m|^{−½}, accepted with π(u')q(u)/(π(u)q(u')) — exact for any weights, so the basins are weighed by π.
 * With `sheetJumps` the jump instead draws w' from equal-weight Gaussians (the walk's shape) at the maxima's w and s'
 * from the conditional at w', as a walk does, so it lands on the sheet (a Laplace draw of a curved sheet lands off
 * it: accepted 0–0.1 % on the (4, 2) vortex twin); α gains the mixture's density ratio q_w(w)/q_w(w').
 *
 * An exact symmetry (exchangeable vortices) restricts π to the best maximum's fundamental domain; proposals outside
 * it are rejected. Everything adapted is frozen after burn-in. Pure.
 */
import { CholeskyDecomposition, EigenvalueDecomposition, Matrix } from 'ml-matrix'
import { Rng } from '../../flows/rng'
import { throwIfCancelled } from '../../jobs/job'
import { solveLower, type GaussianPrior } from './gaussian'
import type { TargetSymmetry } from './tempering'

export interface ResidualTarget {
  /** The latent prior (diagonal Gaussian). */
  prior: GaussianPrior
  /** Residuals per state (count × length); a row of NaN = outside the prior's support. */
  length: number
  residuals(states: Float64Array, count: number, out: Float64Array): void
}

export interface RidgeOptions {
  chains: number
  /** Kept steps per chain after burn-in, and burn-in steps. */
  steps: number
  burnIn: number
  thin?: number
  seed: number
  /** Posterior maxima (latent coordinates, count × dim), best first: the frame, the mode mixture and the chains' starts. */
  modes: Float64Array
  /** Directions whose Gauss–Newton eigenvalue at the best maximum is below this are walked (default 10)… */
  weakEigenvalue?: number
  /** …and so are those along which −log π, 2 standard deviations out, is off its quadratic model by more than this (default 0.5). */
  curvedTolerance?: number
  /** Gauss–Newton iterations that place the stiff coordinates on the sheet (default 2). */
  gnIterations?: number
  /** Probability of a mode-jump proposal per step (default 0.1 with several distinct maxima, else 0). */
  jumpRate?: number
  symmetry?: TargetSymmetry
  /**
   * Mode jumps along the sheet instead of from the Laplace mixture: w' from the mixture of the walk's own Gaussian
   * (scale `sheetJumpScale` × the walk's) centred on each maximum's walked coordinates, s' from the conditional at w'
   * as in a walk — exact (both densities known), and it lands on the sheet where a Laplace draw lands off it.
   */
  sheetJumps?: boolean
  sheetJumpScale?: number
  /**
   * After the chains: importance-sampling draws for the mass of the sampled region (default 0 = none), from the
   * sampler's own marginal-then-conditional form — w from N(m̂_w, 4 Ĉ_w) fitted to the kept walked coordinates,
   * s | w from the conditional Laplace approximation N(ŝ(w), H_s(w)⁻¹) — so the weights π/q vary only as much as the
   * sheet bends off its Gaussian conditional (measured by `evidenceEss`). Used to weigh basins run separately.
   */
  evidenceDraws?: number
  signal?: AbortSignal
  onProgress?: (done: number, total: number) => void
}

export interface RidgeResult {
  dim: number
  chains: number
  kept: number
  /** Kept draws in latent coordinates ξ, chains × kept × dim, and Φ = ½|r|² of each. */
  samples: Float64Array
  potentials: Float64Array
  /** Acceptance of the ridge move after burn-in per chain, and of mode jumps (NaN when none was tried). */
  acceptance: Float64Array
  jumpAcceptance: number
  /** Weak directions walked, the frozen walk scale ε, distinct maxima and their mixture weights. */
  weakDirections: number
  scale: number
  modes: number
  modeWeights: number[]
  /** Forward evaluations spent (residual rows). */
  evaluations: number
  /**
   * With `evidenceDraws`: log ∫ exp(−Φ(u) − ½|u|²) du over the symmetry's domain up to the constant −(d/2) log 2π
   * shared by every run on the same target (the whitened coordinates' Jacobian too), and the Kish effective size of
   * the importance weights (≈ draws when q fits the region, ≪ draws when it does not).
   */
  logEvidence?: number
  evidenceEss?: number
}

/** A maximum with its Hessian factor (for the jump mixture). */
interface Mode {
  u: Float64Array
  logPi: number
  /** Lower Cholesky factor of H (row-major d × d) and Σ log L_ii = ½ log|H|. */
  L: Float64Array
  halfLogDet: number
}

/** A chain state: its coordinates in the frame, log π, Φ, and the conditional of s given its w. */
interface State {
  w: Float64Array
  s: Float64Array
  logPi: number
  phi: number
  cond: Conditional
}

/** ŝ(w) and the lower Cholesky factor of H_s(w). */
interface Conditional {
  centre: Float64Array
  L: Float64Array
  halfLogDet: number
}

const TARGET_ACCEPTANCE = 0.3
const ADAPT_EVERY = 20
const JUMP_INFLATION = 1.5
const STREAM_RIDGE = 0x71d9
/** Scale of the evidence proposal's walked-coordinate Gaussian over their sample spread (wide: an importance proposal must not be lighter-tailed than the target). */
const EVIDENCE_INFLATION = 2

export function ridgeSampler(target: ResidualTarget, o: RidgeOptions): RidgeResult {
  const mu = target.prior, d = mu.dim, N = target.length, M = o.chains
  const m = mu.mean, sd = Float64Array.from(mu.variance, Math.sqrt)
  if (!(M >= 1) || !(o.steps >= 1) || !(o.burnIn >= 0)) throw new Error(`ridgeSampler: need chains ≥ 1, steps ≥ 1, burnIn ≥ 0 (got ${M}, ${o.steps}, ${o.burnIn})`)
  if (!(o.modes.length >= d) || o.modes.length % d !== 0) throw new Error(`ridgeSampler: ${o.modes.length} mode values for dimension ${d}`)
  const thin = Math.max(1, o.thin ?? 1)
  const iterations = Math.max(1, o.gnIterations ?? 2)
  const rngs = Array.from({ length: M }, (_, c) => new Rng(o.seed, c, STREAM_RIDGE))
  let evaluations = 0
  let rows = new Float64Array(0), res = new Float64Array(0)
  /** Residuals of whitened states (count × d) into a fresh count × N block. */
  const residualsOf = (us: Float64Array, count: number): Float64Array => {
    if (rows.length < count * d) rows = new Float64Array(count * d)
    if (res.length < count * N) res = new Float64Array(count * N)
    for (let k = 0; k < count * d; k++) rows[k] = m[k % d] + sd[k % d] * us[k]
    target.residuals(rows, count, res)
    evaluations += count
    return res.slice(0, count * N)
  }
  const halfSq = (r: Float64Array, from: number, len: number) => {
    let q = 0
    for (let i = from; i < from + len; i++) q += r[i] * r[i]
    return Number.isFinite(q) ? q / 2 : Infinity
  }
  /** Residuals and forward-difference Jacobians along `dirs` (columns, d × k row-major) of whitened points, batched. */
  const jacobians = (points: Float64Array[], dirs: Float64Array, k: number) => {
    const us = new Float64Array(points.length * (k + 1) * d)
    const h = 1e-6
    points.forEach((u, p) => {
      for (let j = 0; j <= k; j++) {
        const row = us.subarray((p * (k + 1) + j) * d, (p * (k + 1) + j + 1) * d)
        row.set(u)
        if (j > 0) for (let i = 0; i < d; i++) row[i] += h * dirs[i * k + j - 1]
      }
    })
    const r = residualsOf(us, points.length * (k + 1))
    return points.map((_, p) => {
      const r0 = r.subarray(p * (k + 1) * N, (p * (k + 1) + 1) * N)
      const J = new Matrix(N, k)
      for (let j = 0; j < k; j++) {
        const rj = r.subarray((p * (k + 1) + j + 1) * N, (p * (k + 1) + j + 2) * N)
        for (let q = 0; q < N; q++) J.set(q, j, (rj[q] - r0[q]) / h)
      }
      return { r0: Float64Array.from(r0), J }
    })
  }

  // 1. the maxima: canonical labelling, Hessians, duplicates removed, Laplace weights
  const pivot = o.symmetry ? o.modes.slice(0, d) : undefined
  const latent = new Float64Array(d)
  const toLatent = (u: Float64Array, out: Float64Array) => {
    for (let i = 0; i < d; i++) out[i] = m[i] + sd[i] * u[i]
  }
  const inDomain = (u: Float64Array) => {
    if (!pivot) return true
    toLatent(u, latent)
    return o.symmetry!.inDomain(pivot, latent)
  }
  const rawU: Float64Array[] = []
  for (let k = 0; k < o.modes.length / d; k++) {
    const x = o.modes.slice(k * d, (k + 1) * d)
    if (pivot) o.symmetry!.canonicalize(pivot, x)
    rawU.push(Float64Array.from(x, (v, i) => (v - m[i]) / sd[i]))
  }
  const identity = Float64Array.from({ length: d * d }, (_, i) => (i % (d + 1) === 0 ? 1 : 0))
  const modes: Mode[] = []
  let frameH: Matrix | undefined
  for (const [k, { r0, J }] of jacobians(rawU, identity, d).entries()) {
    const phi = halfSq(r0, 0, N)
    if (!(phi < Infinity)) continue
    const H = J.transpose().mmul(J).add(Matrix.eye(d))
    if (!H.to1DArray().every(Number.isFinite)) continue
    const chol = new CholeskyDecomposition(H)
    if (!chol.isPositiveDefinite()) continue
    const L = Float64Array.from(chol.lowerTriangularMatrix.to1DArray())
    const u = rawU[k]
    if (modes.some((q) => quadraticOf(q.L, Float64Array.from(u, (x, i) => x - q.u[i]), d) < d)) continue
    frameH ??= H
    modes.push({ u, logPi: -phi - halfSq(u, 0, d), L, halfLogDet: sumLogDiag(L, d) })
  }
  if (!modes.length || !frameH) throw new Error('ridgeSampler: no given maximum has a finite posterior density')
  const logW = modes.map((p) => p.logPi - p.halfLogDet)
  const top = Math.max(...logW)
  const wRaw = logW.map((l) => Math.exp(l - top))
  const weights = wRaw.map((w) => w / wRaw.reduce((a, b) => a + b, 0))
  const jumpRate = modes.length > 1 ? (o.jumpRate ?? 0.1) : 0

  /** log π and Φ of whitened points (one evaluation each), −∞ outside the support or the symmetry's domain. */
  const logPosterior = (us: Float64Array[]) => {
    const inside = us.map(inDomain)
    const flat = new Float64Array(us.length * d)
    us.forEach((u, k) => flat.set(u, k * d))
    const r = residualsOf(flat, us.length)
    return us.map((u, k) => {
      const phi = inside[k] ? halfSq(r, k * N, N) : Infinity
      return { phi, logPi: phi < Infinity ? -phi - halfSq(u, 0, d) : -Infinity }
    })
  }
  // 2. the frame: H's eigenvectors at the best maximum, weak ones first
  // (weak = eigenvalue below `weakEigenvalue`, or curved: −log π two standard deviations out along it differs from
  // the quadratic model by more than `curvedTolerance`, measured with 2 evaluations per direction)
  const eig = new EigenvalueDecomposition(frameH)
  const vec = (col: number, t: number, l: number) => Float64Array.from({ length: d }, (_, i) => modes[0].u[i] + (t * eig.eigenvectorMatrix.get(i, col)) / Math.sqrt(l))
  const probes = eig.realEigenvalues.flatMap((l, col) => [vec(col, -2, l), vec(col, 2, l)])
  const probeLp = logPosterior(probes)
  const curved = eig.realEigenvalues.map((_, col) => [0, 1].some((k) => !(Math.abs(modes[0].logPi - probeLp[2 * col + k].logPi - 2) <= (o.curvedTolerance ?? 0.5))))
  const weak = eig.realEigenvalues.map((l, col) => l < (o.weakEigenvalue ?? 10) || curved[col])
  const order = eig.realEigenvalues.map((l, i) => [l, i] as const).sort((a, b) => Number(weak[b[1]]) - Number(weak[a[1]]) || a[0] - b[0])
  const kw = weak.filter(Boolean).length, ks = d - kw
  const U = new Float64Array(d * d) // row-major d × d, column j = j-th direction
  order.forEach(([, col], j) => {
    for (let i = 0; i < d; i++) U[i * d + j] = eig.eigenvectorMatrix.get(i, col)
  })
  const Us = new Float64Array(d * ks)
  for (let i = 0; i < d; i++) for (let j = 0; j < ks; j++) Us[i * ks + j] = U[i * d + kw + j]
  // the walk's square root (lower, kw × kw): the Laplace marginal at first, the burn-in's own covariance later
  let walkRoot: Float64Array = new Float64Array(kw * kw)
  order.slice(0, kw).forEach(([l], j) => (walkRoot[j * kw + j] = 1 / Math.sqrt(l)))
  const compose = (w: Float64Array, s: Float64Array, out = new Float64Array(d)) => {
    for (let i = 0; i < d; i++) {
      let x = 0
      for (let j = 0; j < kw; j++) x += U[i * d + j] * w[j]
      for (let j = 0; j < ks; j++) x += U[i * d + kw + j] * s[j]
      out[i] = x
    }
    return out
  }
  const split = (u: Float64Array) => {
    const w = new Float64Array(kw), s = new Float64Array(ks)
    for (let j = 0; j < d; j++) {
      let x = 0
      for (let i = 0; i < d; i++) x += U[i * d + j] * u[i]
      if (j < kw) w[j] = x
      else s[j - kw] = x
    }
    return { w, s }
  }
  const sStart = split(modes[0].u).s

  /** ŝ(w) and H_s(w) for each w: Gauss–Newton in s from the best maximum's s (a start that depends on nothing else). */
  const conditionals = (ws: Float64Array[]): (Conditional | undefined)[] => {
    if (!ks) return ws.map(() => ({ centre: new Float64Array(0), L: new Float64Array(0), halfLogDet: 0 }))
    const s = ws.map(() => Float64Array.from(sStart))
    const out: (Conditional | undefined)[] = ws.map(() => undefined)
    const alive = ws.map(() => true)
    for (let it = 0; it < iterations; it++) {
      const live = ws.map((_, k) => k).filter((k) => alive[k])
      if (!live.length) break
      const evals = jacobians(live.map((k) => compose(ws[k], s[k])), Us, ks)
      live.forEach((k, n) => {
        const { r0, J } = evals[n]
        if (!(halfSq(r0, 0, N) < Infinity)) {
          alive[k] = false
          return
        }
        const H = J.transpose().mmul(J).add(Matrix.eye(ks))
        const chol = new CholeskyDecomposition(H)
        if (!H.to1DArray().every(Number.isFinite) || !chol.isPositiveDefinite()) {
          alive[k] = false
          return
        }
        const L = Float64Array.from(chol.lowerTriangularMatrix.to1DArray())
        const g = new Float64Array(ks)
        for (let j = 0; j < ks; j++) {
          let a = s[k][j]
          for (let q = 0; q < N; q++) a += J.get(q, j) * r0[q]
          g[j] = a
        }
        const step = new Float64Array(ks)
        solveLower(L, ks, g)
        solveUpper(L, g, step, ks)
        for (let j = 0; j < ks; j++) s[k][j] -= step[j]
        out[k] = { centre: s[k], L, halfLogDet: sumLogDiag(L, ks) }
      })
    }
    return out.map((c, k) => (alive[k] ? c : undefined))
  }
  const logConditional = (c: Conditional, s: Float64Array) =>
    c.halfLogDet - quadraticOf(c.L, Float64Array.from(s, (x, j) => x - c.centre[j]), ks) / 2
  const z = new Float64Array(d), tmp = new Float64Array(d)
  const drawConditional = (c: Conditional, rng: Rng) => {
    const zs = Float64Array.from({ length: ks }, () => rng.normal()), x = new Float64Array(ks)
    solveUpper(c.L, zs, x, ks)
    return Float64Array.from(x, (v, j) => v + c.centre[j])
  }
  const logMixture = (u: Float64Array): number => {
    const terms = modes.map((p, k) => Math.log(weights[k]) + p.halfLogDet - d * Math.log(JUMP_INFLATION) - quadraticOf(p.L, Float64Array.from(u, (x, i) => x - p.u[i]), d) / (2 * JUMP_INFLATION ** 2))
    const best = Math.max(...terms)
    return best + Math.log(terms.reduce((a, t) => a + Math.exp(t - best), 0))
  }
  const drawMixture = (rng: Rng): Float64Array => {
    let pick = rng.uniform(), k = 0
    while (k < modes.length - 1 && (pick -= weights[k]) > 0) k++
    for (let i = 0; i < d; i++) z[i] = rng.normal() * JUMP_INFLATION
    solveUpper(modes[k].L, z, tmp, d)
    return Float64Array.from(tmp, (x, i) => x + modes[k].u[i])
  }

  // 3. starts: chain c at the c-th distinct maximum of weight ≥ 1e-3 (in turn), its s drawn from the conditional
  // (a maximum where the Gauss–Newton iterations fail, or whose draw falls outside the support, gives way to the best)
  const startable = modes.filter((_, k) => weights[k] >= 1e-3)
  const best = split(modes[0].u)
  const bestCond = conditionals([best.w])[0]
  if (!bestCond) throw new Error('ridgeSampler: the Gauss–Newton iterations fail at the best maximum')
  let startW = Array.from({ length: M }, (_, c) => split(startable[c % startable.length].u).w)
  const startCond = conditionals(startW)
  startW = startW.map((w, k) => (startCond[k] ? w : best.w))
  const conds = startCond.map((c) => c ?? bestCond)
  const startS = conds.map((c, k) => drawConditional(c, rngs[k]))
  const startLp = logPosterior(startW.map((w, k) => compose(w, startS[k])))
  const bestLp = logPosterior([modes[0].u])[0]
  const chains: State[] = startW.map((w, k) =>
    startLp[k].logPi > -Infinity ? { w, s: startS[k], ...startLp[k], cond: conds[k] } : { w: best.w, s: best.s, ...bestLp, cond: bestCond }
  )

  // 4. the chains
  let eps = kw ? 2.38 / Math.sqrt(kw) : 0
  const walk = (w: Float64Array, rng: Rng) => {
    const zw = Float64Array.from({ length: kw }, () => rng.normal())
    return Float64Array.from(w, (v, i) => {
      let x = 0
      for (let j = 0; j <= i; j++) x += walkRoot[i * kw + j] * zw[j]
      return v + eps * x
    })
  }
  // sheet jumps: centred on the maxima's walked coordinates (equal weights); without walked coordinates there is no sheet
  const sheet = o.sheetJumps === true && kw > 0
  const modeW = modes.map((q) => split(q.u).w)
  const sheetScale = o.sheetJumpScale ?? 1
  const drawSheetJump = (rng: Rng): Float64Array => {
    const k = Math.min(modes.length - 1, Math.floor(rng.uniform() * modes.length)) // equal weights: any fixed ones keep MH exact
    const zw = Float64Array.from({ length: kw }, () => rng.normal())
    return Float64Array.from(modeW[k], (v, i) => {
      let x = 0
      for (let j = 0; j <= i; j++) x += walkRoot[i * kw + j] * zw[j]
      return v + sheetScale * eps * x
    })
  }
  /** log of the sheet-jump density at w up to the constant shared by both directions (same frame and scale). */
  const logSheetJump = (w: Float64Array): number => {
    const terms = modeW.map((mw) => {
      const y = Float64Array.from(w, (v, i) => (v - mw[i]) / (sheetScale * eps))
      solveLower(walkRoot, kw, y)
      return -halfSq(y, 0, kw)
    })
    const top = Math.max(...terms)
    return top + Math.log(terms.reduce((a, t) => a + Math.exp(t - top), 0))
  }
  // adaptive Metropolis (Haario, Saksman & Tamminen 2001) on the weak coordinates: their covariance over the
  // second quarter of burn-in (all chains pooled) becomes the walk's shape at half burn-in, the scale restarts
  const fitAt = Math.floor(o.burnIn / 2), collectFrom = Math.floor(o.burnIn / 4)
  const history: Float64Array[] = [], keptW: Float64Array[] = []
  const total = o.burnIn + o.steps
  const kept = Math.floor(o.steps / thin)
  const samples = new Float64Array(M * kept * d), potentials = new Float64Array(M * kept)
  const accepted = new Float64Array(M), tried = new Float64Array(M)
  let jumpsTried = 0, jumpsOk = 0, winOk = 0, winTried = 0, clock = 0
  const every = Math.max(1, Math.floor(total / 100))
  for (let t = 0; t < total; t++) {
    if (o.signal) throwIfCancelled(o.signal)
    const burning = t < o.burnIn
    const jump = chains.map((_, c) => jumpRate > 0 && rngs[c].uniform() < jumpRate)
    const proposedU: (Float64Array | undefined)[] = chains.map((_, c) => (jump[c] && !sheet ? drawMixture(rngs[c]) : undefined))
    const ws = chains.map((x, c) => (jump[c] ? (sheet ? drawSheetJump(rngs[c]) : split(proposedU[c]!).w) : walk(x.w, rngs[c])))
    const conds = conditionals(ws)
    const ss = conds.map((cnd, c) => (jump[c] && !sheet ? split(proposedU[c]!).s : cnd ? drawConditional(cnd, rngs[c]) : undefined))
    const lps = logPosterior(ss.map((s, c) => (s ? compose(ws[c], s) : new Float64Array(d).fill(NaN))))
    for (let c = 0; c < M; c++) {
      const x = chains[c], cnd = conds[c], s = ss[c]
      if (cnd && s && lps[c].logPi > -Infinity) {
        const y: State = { w: ws[c], s, ...lps[c], cond: cnd }
        const logA = jump[c] && !sheet
          ? y.logPi - x.logPi + logMixture(compose(x.w, x.s)) - logMixture(proposedU[c]!)
          : y.logPi - x.logPi + logConditional(x.cond, x.s) - logConditional(cnd, s) + (jump[c] ? logSheetJump(x.w) - logSheetJump(ws[c]) : 0)
        if (Math.log(rngs[c].uniform()) < logA) {
          chains[c] = y
          if (jump[c]) jumpsOk += burning ? 0 : 1
          else if (burning) winOk++
          else accepted[c]++
        }
      }
      if (jump[c]) jumpsTried += burning ? 0 : 1
      else if (burning) winTried++
      else tried[c]++
    }
    if (burning && kw && t >= collectFrom && t < fitAt) for (const x of chains) history.push(x.w)
    if (burning && kw && t + 1 === fitAt && history.length > 4 * kw) {
      const root = covarianceRoot(history, kw)
      if (root) {
        walkRoot = root
        eps = 2.38 / Math.sqrt(kw)
        clock = t
      }
    }
    if (burning && kw && (t + 1) % ADAPT_EVERY === 0 && winTried > 0) {
      const gain = 1 / Math.sqrt(1 + (t - clock) / ADAPT_EVERY)
      eps = Math.min(10, Math.max(1e-4, eps * Math.exp(2 * gain * (winOk / winTried - TARGET_ACCEPTANCE))))
      winOk = winTried = 0
    }
    if (!burning) {
      const r = t - o.burnIn + 1
      if (r % thin === 0) {
        const j = r / thin - 1
        for (let c = 0; c < M; c++) {
          toLatent(compose(chains[c].w, chains[c].s), samples.subarray((c * kept + j) * d, (c * kept + j + 1) * d))
          potentials[c * kept + j] = chains[c].phi
          if (o.evidenceDraws) keptW.push(chains[c].w)
        }
      }
    }
    if (o.onProgress && (t + 1) % every === 0) o.onProgress(t + 1, total)
  }
  // 5. the region's mass by importance sampling from the sampler's own proposal form (after the chains: nothing above depends on it)
  let evidence: { logEvidence: number; evidenceEss: number } | undefined
  if (o.evidenceDraws && o.evidenceDraws > 0) {
    const S = o.evidenceDraws, rng = new Rng(o.seed, M, STREAM_RIDGE)
    const fit = kw ? gaussianFit(keptW, kw, EVIDENCE_INFLATION) : { mean: new Float64Array(0), L: new Float64Array(0), halfLogDet: 0 }
    const logW: number[] = []
    for (let done = 0; done < S; done += M) {
      if (o.signal) throwIfCancelled(o.signal)
      const count = Math.min(M, S - done)
      const ws = Array.from({ length: count }, () => {
        const zw = Float64Array.from({ length: kw }, () => rng.normal())
        return Float64Array.from(fit.mean, (v, i) => {
          let x = 0
          for (let j = 0; j <= i; j++) x += fit.L[i * kw + j] * zw[j]
          return v + x
        })
      })
      const cs = conditionals(ws)
      const ss = cs.map((c) => (c ? drawConditional(c, rng) : undefined))
      const lp = logPosterior(ss.map((s2, k) => (s2 ? compose(ws[k], s2) : new Float64Array(d).fill(NaN))))
      ws.forEach((w, k) => {
        const c = cs[k], s2 = ss[k]
        if (!c || !s2 || !(lp[k].logPi > -Infinity)) return logW.push(-Infinity)
        // log q = log N(w; m̂, Ĉ) + log N(s; ŝ(w), H_s⁻¹), both without their (2π)^(−k/2), as log π is without (2π)^(−d/2)
        const dw = Float64Array.from(w, (x, i) => x - fit.mean[i])
        logW.push(lp[k].logPi - (-fit.halfLogDet - lowerQuadratic(fit.L, dw, kw) / 2 + logConditional(c, s2)))
      })
    }
    const top = Math.max(...logW)
    if (top > -Infinity) {
      const w = logW.map((l) => Math.exp(l - top))
      const sum = w.reduce((a, b) => a + b, 0), sq = w.reduce((a, b) => a + b * b, 0)
      evidence = { logEvidence: top + Math.log(sum / S), evidenceEss: (sum * sum) / sq }
    } else evidence = { logEvidence: -Infinity, evidenceEss: 0 }
  }
  return {
    ...evidence,
    dim: d, chains: M, kept, samples, potentials,
    acceptance: accepted.map((a, c) => a / Math.max(1, tried[c])),
    jumpAcceptance: jumpsTried ? jumpsOk / jumpsTried : NaN,
    weakDirections: kw, scale: eps, modes: modes.length, modeWeights: weights, evaluations
  }
}

/** Mean, lower Cholesky factor of (inflation² × the sample covariance) of `rows` and its ½ log-determinant. */
function gaussianFit(rows: Float64Array[], k: number, inflation: number): { mean: Float64Array; L: Float64Array; halfLogDet: number } {
  const mean = new Float64Array(k)
  for (const r of rows) for (let i = 0; i < k; i++) mean[i] += r[i] / rows.length
  const root = covarianceRoot(rows, k) ?? Float64Array.from({ length: k * k }, (_, i) => (i % (k + 1) === 0 ? 1 : 0))
  const L = root.map((x) => x * inflation)
  return { mean, L, halfLogDet: sumLogDiag(L, k) }
}

/** |L⁻¹ x|² for a lower factor L (row-major): the quadratic form of the covariance L Lᵀ. */
function lowerQuadratic(L: Float64Array, x: Float64Array, k: number): number {
  const y = Float64Array.from(x)
  solveLower(L, k, y)
  return y.reduce((a, v) => a + v * v, 0)
}

/** Lower Cholesky factor of the sample covariance of `rows` (each of length k), or undefined when degenerate. */
function covarianceRoot(rows: Float64Array[], k: number): Float64Array | undefined {
  const mean = new Float64Array(k)
  for (const r of rows) for (let i = 0; i < k; i++) mean[i] += r[i] / rows.length
  const C = new Matrix(k, k)
  for (const r of rows) for (let i = 0; i < k; i++) for (let j = 0; j < k; j++) C.set(i, j, C.get(i, j) + ((r[i] - mean[i]) * (r[j] - mean[j])) / (rows.length - 1))
  for (let i = 0; i < k; i++) C.set(i, i, C.get(i, i) * (1 + 1e-6) + 1e-12)
  const chol = new CholeskyDecomposition(C)
  return chol.isPositiveDefinite() ? Float64Array.from(chol.lowerTriangularMatrix.to1DArray()) : undefined
}

function sumLogDiag(L: Float64Array, d: number): number {
  let s = 0
  for (let i = 0; i < d; i++) s += Math.log(L[i * d + i])
  return s
}

/** |Lᵀ w|² = wᵀ H w for H = L Lᵀ (L lower, row-major). */
function quadraticOf(L: Float64Array, w: Float64Array, d: number): number {
  let q = 0
  for (let j = 0; j < d; j++) {
    let s = 0
    for (let i = j; i < d; i++) s += L[i * d + j] * w[i]
    q += s * s
  }
  return q
}

/** Solve Lᵀ y = b (L lower, row-major). */
function solveUpper(L: Float64Array, b: Float64Array, out: Float64Array, d: number): void {
  for (let i = d - 1; i >= 0; i--) {
    let s = b[i]
    for (let k = i + 1; k < d; k++) s -= L[k * d + i] * out[k]
    out[i] = s / L[i * d + i]
  }
}
