/**
 * Simulation-based training for one deployment (arXiv 2505.24134 §5 read as simulation-based inference):
 * pairs (θ, tracks) are simulated from the fitted prior with tracers released where and when the real drifters
 * were — each velocity sample is the displacement of a tracer released at the real fix before it and advected
 * (RK4) through the simulated, time-dependent flow to the time of the fix after it — with the prior's
 * observation noise plus GPS position noise and the real gaps as masks, and one drifter dropped at random in half
 * of the pairs. The trajectory side is a set encoder over drifters (learn/set-encoder.ts) on prior-weighted
 * per-drifter features; the potential side is linear on the standardised coefficients; the loss is the one-sided
 * v|u conditional with the L2 metric, so the learned conditional ν(θ | tracks) is exactly Gaussian (eq. 48,
 * posterior/conditional.ts).
 */
import { Matrix } from 'ml-matrix'
import { Rng } from '../../flows/rng'
import { throwIfCancelled, type JobContext } from '../../jobs/job'
import { tf } from '../../learn/backend'
import { buildEncoder } from '../../learn/encoders'
import { fit, type FitSettings, type PairData, type PairNet } from '../../learn/fit'
import { lossWeights } from '../../learn/losses'
import { buildSetEncoder, blockWidth, poolMembersJs, type SetLayout } from '../../learn/set-encoder'
import { temperatureOf, temperatureVariable } from '../../learn/similarity'
import { diagonalGaussian, gaussianConditional } from '../posterior/index'
import type { Deployment } from './geometry'
import { drawSequence, temporalSqrt, temporalWeights, velocityRows, type FlowBasis } from './prior'

/** GPS position error of one fix, m (typical of SVP/CODE drifters' GPS). */
export const GPS_ERROR_M = 10
/** Most samples on each side of the analysis time that inform it. */
export const MAX_HALF_SLAB = 6
/** Training defaults: simulated pairs per drifter and epochs. */
export const TRAINING = { pairsPerDrifter: 1500, minPairs: 2000, maxPairs: 12000, epochs: 12, batch: 256, learningRate: 2e-3, validationFraction: 0.1 }

export interface Sbi {
  basis: FlowBasis
  /** Samples on each side of the analysis time. */
  J: number
  layout: SetLayout
  /** Per-feature scale applied to every drifter block (so pooled features have unit spread). */
  scale: Float64Array
  /** Affine posterior mean of the standardised coefficients, θ̃ = G z + c, and its covariance Σ. */
  gain: Matrix
  offset: Float64Array
  cov: Matrix
  /** Trained set-encoder head, as plain numbers: z = Wᵀ pooled + b. */
  headW: Float32Array
  headB: Float32Array
  dim: number
  temperature: number
  history: { epoch: number; trainLoss: number; validationLoss: number }[]
  pairs: number
}

/** Half-width of the slab of samples that inform one analysis time: two eddy time scales, 2…MAX_HALF_SLAB samples. */
export function halfSlab(basis: FlowBasis, stepHours: number): number {
  return Math.max(2, Math.min(MAX_HALF_SLAB, Math.ceil((2 * basis.kernel.params.eddyTime) / stepHours)))
}

/** Prior weights of a velocity sample j steps from the analysis time: uniform-flow 2×2 block and eddy factor. */
function slabWeights(basis: FlowBasis, J: number, stepHours: number): { uniform: Float64Array; eddy: number }[] {
  return Array.from({ length: 2 * J + 1 }, (_, i) => temporalWeights(basis, -(i - J) * stepHours))
}

/**
 * The set encoder's input row for analysis sample k: per drifter, Σ_j of the prior-weighted projection of its
 * velocity (u, v) onto each coefficient, and its count of valid samples. Drifters with `skip(d)` get zeros.
 */
export function slabFeatures(dep: Deployment, basis: FlowBasis, J: number, weights: { uniform: Float64Array; eddy: number }[], k: number, u: Float64Array, v: Float64Array, skip: (d: number) => boolean, out: Float64Array, rows: Float64Array = new Float64Array(2 * basis.P)): Float64Array {
  const P = basis.P
  const w = P + 1
  out.fill(0)
  for (let d = 0; d < dep.nD; d++) {
    if (skip(d)) continue
    const o = d * w
    for (let j = -J; j <= J; j++) {
      const q = k + j
      if (q < 0 || q >= dep.nT || !dep.mask[d * dep.nT + q]) continue
      const i = d * dep.nT + q
      const { uniform: B, eddy } = weights[j + J]
      out[o] += B[0] * u[i] + B[1] * v[i]
      out[o + 1] += B[2] * u[i] + B[3] * v[i]
      velocityRows(basis, dep.x[i], dep.y[i], rows)
      for (let c = 2; c < P; c++) out[o + c] += eddy * (rows[c] * u[i] + rows[P + c] * v[i])
      out[o + P] += 1
    }
  }
  return out
}

/** The sample pair (a, b) a centred velocity at q uses (geometry.velocities' rule). */
function ends(dep: Deployment, d: number, q: number): [number, number] {
  const ok = (k: number) => k >= 0 && k < dep.nT && Number.isFinite(dep.x[d * dep.nT + k])
  return [ok(q - 1) ? q - 1 : q, ok(q + 1) ? q + 1 : q]
}

/**
 * Simulate the velocity samples of slab k under one prior draw: tracers released at the real fixes, RK4 through
 * the flow (coefficients linear in time between samples), plus noise. Writes into u, v at the slab's samples and
 * returns the coefficients at the analysis time.
 */
function simulateSlab(dep: Deployment, basis: FlowBasis, J: number, seq: Float64Array, k: number, rng: Rng, u: Float64Array, v: Float64Array, rows: Float64Array, theta: Float64Array): void {
  const P = basis.P
  const first = k - J - 1 // sample index of seq row 0
  const dtS = dep.step
  const vel = (x: number, y: number, s: number, out: [number, number]) => {
    const r = Math.min(Math.max(s - first, 0), 2 * J + 2)
    const i0 = Math.min(Math.floor(r), 2 * J + 1)
    const f = r - i0
    for (let c = 0; c < P; c++) theta[c] = (1 - f) * seq[i0 * P + c] + f * seq[(i0 + 1) * P + c]
    velocityRows(basis, x, y, rows)
    let a = 0, b = 0
    for (let c = 0; c < P; c++) {
      a += rows[c] * theta[c]
      b += rows[P + c] * theta[c]
    }
    out[0] = a
    out[1] = b
  }
  const noise = Math.sqrt(basis.kernel.noise)
  const k1: [number, number] = [0, 0], k2: [number, number] = [0, 0], k3: [number, number] = [0, 0], k4: [number, number] = [0, 0]
  const km = dtS / 1000 // km travelled per (m/s) in one step
  for (let d = 0; d < dep.nD; d++)
    for (let j = -J; j <= J; j++) {
      const q = k + j
      if (q < 0 || q >= dep.nT || !dep.mask[d * dep.nT + q]) continue
      const [a, b] = ends(dep, d, q)
      let x = dep.x[d * dep.nT + a]
      let y = dep.y[d * dep.nT + a]
      for (let s = a; s < b; s++) {
        vel(x, y, s, k1)
        vel(x + 0.5 * km * k1[0], y + 0.5 * km * k1[1], s + 0.5, k2)
        vel(x + 0.5 * km * k2[0], y + 0.5 * km * k2[1], s + 0.5, k3)
        vel(x + km * k3[0], y + km * k3[1], s + 1, k4)
        x += (km / 6) * (k1[0] + 2 * k2[0] + 2 * k3[0] + k4[0])
        y += (km / 6) * (k1[1] + 2 * k2[1] + 2 * k3[1] + k4[1])
      }
      const span = (b - a) * dtS
      const gps = (GPS_ERROR_M * Math.SQRT2) / span
      const i = d * dep.nT + q
      u[i] = ((x - dep.x[d * dep.nT + a]) * 1000) / span + noise * rng.normal() + gps * rng.normal()
      v[i] = ((y - dep.y[d * dep.nT + a]) * 1000) / span + noise * rng.normal() + gps * rng.normal()
    }
}

/** Simulate `n` training pairs: set-encoder rows (unscaled) and standardised coefficients. */
export function simulatePairs(dep: Deployment, basis: FlowBasis, J: number, n: number, seed: number, ctx?: JobContext): { u: Float64Array; v: Float32Array } {
  const P = basis.P
  const width = dep.nD * (P + 1)
  const roots = temporalSqrt(basis, 2 * J + 3, dep.step / 3600)
  const weights = slabWeights(basis, J, dep.step / 3600)
  const rng = new Rng(seed, 0, 0x5b1)
  const su = new Float64Array(dep.nD * dep.nT)
  const sv = new Float64Array(dep.nD * dep.nT)
  const seq = new Float64Array((2 * J + 3) * P)
  const rows = new Float64Array(2 * P)
  const theta = new Float64Array(P)
  const U = new Float64Array(n * width)
  const V = new Float32Array(n * P)
  const row = new Float64Array(width)
  const valid: number[] = []
  for (let k = 0; k < dep.nT; k++) for (let d = 0; d < dep.nD; d++) if (dep.mask[d * dep.nT + k]) {
    valid.push(k)
    break
  }
  for (let i = 0; i < n; i++) {
    if (ctx && i % 500 === 0) {
      throwIfCancelled(ctx.signal)
      ctx.progress({ done: i, total: n, unit: 'pairs', message: 'simulating the deployment' })
    }
    const k = valid[Math.floor(((rng.nextUint32() >>> 0) / 4294967296) * valid.length)]
    const dropped = rng.nextUint32() % 2 === 0 ? rng.nextUint32() % dep.nD : -1
    drawSequence(basis, roots, 2 * J + 3, rng, seq)
    simulateSlab(dep, basis, J, seq, k, rng, su, sv, rows, theta)
    U.set(slabFeatures(dep, basis, J, weights, k, su, sv, (d) => d === dropped, row, rows), i * width)
    for (let c = 0; c < P; c++) V[i * P + c] = (seq[(J + 1) * P + c] - basis.mean[c]) / basis.std[c]
  }
  return { u: U, v: V }
}

/** Per-feature scale: the spread of the pooled features over the simulated pairs. */
function featureScale(U: Float64Array, n: number, layout: SetLayout): Float64Array {
  const F = layout.features
  const w = layout.members * blockWidth(layout)
  const s2 = new Float64Array(F)
  for (let i = 0; i < n; i++) {
    const p = poolMembersJs(U.subarray(i * w, (i + 1) * w), layout)
    for (let f = 0; f < F; f++) s2[f] += p[f] * p[f]
  }
  return s2.map((x) => Math.sqrt(x / n) || 1)
}

/** Divide every drifter block's features by `scale` (the counts stay). */
function applyScale(row: ArrayLike<number>, layout: SetLayout, scale: Float64Array, out: Float32Array, at = 0): void {
  const w = blockWidth(layout)
  for (let m = 0; m < layout.members; m++) {
    for (let f = 0; f < layout.features; f++) out[at + m * w + f] = row[m * w + f] / scale[f]
    out[at + m * w + layout.features] = row[m * w + layout.features]
  }
}

/** Simulate, train the set encoder and the linear potential encoder, and form the exact learned conditional. */
export async function trainDeployment(dep: Deployment, basis: FlowBasis, opts: { pairs?: number; epochs?: number; seed: number }, ctx: JobContext): Promise<Sbi> {
  const J = halfSlab(basis, dep.step / 3600)
  const P = basis.P
  const layout: SetLayout = { members: dep.nD, features: P }
  const n = opts.pairs ?? Math.min(TRAINING.maxPairs, Math.max(TRAINING.minPairs, TRAINING.pairsPerDrifter * dep.nD))
  const sim = simulatePairs(dep, basis, J, n, opts.seed, ctx)
  const scale = featureScale(sim.u, n, layout)
  const width = dep.nD * blockWidth(layout)
  const u = new Float32Array(n * width)
  for (let i = 0; i < n; i++) applyScale(sim.u.subarray(i * width, (i + 1) * width), layout, scale, u, i * width)
  const nVal = Math.max(3, Math.round(TRAINING.validationFraction * n))
  const data: PairData = {
    u, du: width, v: sim.v, dv: P,
    train: Int32Array.from({ length: n - nVal }, (_, i) => i),
    validation: Int32Array.from({ length: nVal }, (_, i) => n - nVal + i)
  }
  const dim = P
  const net: PairNet = {
    encU: buildSetEncoder(layout, dim, opts.seed * 2 + 1),
    encV: buildEncoder({ kind: 'linear', inputDim: P, outputDim: dim, widths: [], activation: 'relu', bias: true }, opts.seed * 2 + 2),
    logScale: temperatureVariable(1, true)
  }
  const settings: FitSettings = {
    loss: 'cond-v', metric: 'l2', weights: lossWeights({ loss: 'cond-v' }), epochs: opts.epochs ?? TRAINING.epochs,
    batch: Math.min(TRAINING.batch, n - nVal), learningRate: TRAINING.learningRate, warmupFraction: 0.05, learnTemperature: true,
    seed: opts.seed, patience: 4, progressEvery: 20
  }
  const result = await fit(net, data, settings, ctx)
  const tau = temperatureOf(net.logScale)
  const [hw, hb] = net.encU.variables.map((x) => x.dataSync().slice() as Float32Array)
  const [vw, vb] = net.encV.variables.map((x) => x.dataSync().slice() as Float32Array)
  tf.dispose([...net.encU.variables, ...net.encV.variables, net.logScale])
  // g_v(θ̃) = Wᵀθ̃ + b with the tfjs weight W of shape [P, dim]; the conditional of θ̃ ~ N(0, I) given z (eq. 48).
  const weight = new Matrix(dim, P)
  for (let r = 0; r < P; r++) for (let c = 0; c < dim; c++) weight.set(c, r, vw[r * dim + c])
  const bias = Float64Array.from(vb)
  const prior = diagonalGaussian(new Float64Array(P), new Float64Array(P).fill(1))
  const atBias = gaussianConditional(prior, { weight, bias }, bias, tau, 'l2')
  const cov = atBias.covariance()
  // Under L2 the conditional's covariance does not depend on z and its mean is affine in z: m(z) = m(b) + Σ Wᵀ(z − b)/τ.
  const gain = cov.mmul(weight.transpose()).div(tau)
  const offset = Float64Array.from(atBias.mean)
  const gb = gain.mmul(Matrix.columnVector(Array.from(bias)))
  for (let c = 0; c < P; c++) offset[c] -= gb.get(c, 0)
  return {
    basis, J, layout, scale, gain, offset, cov, headW: hw, headB: hb, dim, temperature: tau,
    history: result.history.map((h) => ({ epoch: h.epoch, trainLoss: h.trainLoss, validationLoss: h.validationLoss })),
    pairs: n
  }
}

/** Posterior mean coefficients (physical units) at analysis sample k from the real drifters except `skip`. */
export function posteriorMean(dep: Deployment, sbi: Sbi, k: number, skip: (d: number) => boolean, scratch: { row: Float64Array; rows: Float64Array; weights?: ReturnType<typeof slabWeights> }): Float64Array {
  const { basis, layout, J } = sbi
  const P = basis.P
  scratch.weights ??= slabWeights(basis, J, dep.step / 3600)
  slabFeatures(dep, basis, J, scratch.weights, k, dep.u, dep.v, skip, scratch.row, scratch.rows)
  const pooled = poolMembersJs(scratch.row, layout)
  const z = new Float64Array(sbi.dim)
  for (let c = 0; c < sbi.dim; c++) {
    let s = sbi.headB[c]
    for (let f = 0; f < P; f++) s += sbi.headW[f * sbi.dim + c] * (pooled[f] / sbi.scale[f])
    z[c] = s
  }
  const theta = new Float64Array(P)
  for (let r = 0; r < P; r++) {
    let s = sbi.offset[r]
    for (let c = 0; c < sbi.dim; c++) s += sbi.gain.get(r, c) * z[c]
    theta[r] = basis.mean[r] + basis.std[r] * s
  }
  return theta
}

/** Scratch buffers for posteriorMean. */
export function meanScratch(dep: Deployment, sbi: Sbi): { row: Float64Array; rows: Float64Array } {
  return { row: new Float64Array(dep.nD * (sbi.basis.P + 1)), rows: new Float64Array(2 * sbi.basis.P) }
}
