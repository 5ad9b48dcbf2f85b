/**
 * Simulation-based training for one deployment (arXiv 2505.24134 §5 read as simulation-based inference):
 * pairs (θ, tracks) are simulated from the fitted prior with tracers released where and when the real drifters
 * were — each velocity sample is the displacement of a tracer released at the real fix before it and advected
 * (RK4) through the simulated, time-dependent flow to the time of the fix after it — with the prior's
 * observation noise plus GPS position noise and the real gaps as masks, and one drifter dropped at random in half
 * of the pairs. The trajectory side is a set encoder over drifters (learn/set-encoder.ts): each drifter's
 * velocity samples around the analysis time are Gaussian evidence about the coefficients then (through the prior's
 * basis and time correlation), pooled by Bayesian aggregation, followed by a learned linear head; the potential side
 * is linear on the standardised coefficients; the loss is the one-sided v|u conditional with the L2 metric, so the
 * learned conditional ν(θ | tracks) is exactly Gaussian (eq. 48, posterior/conditional.ts).
 */
import { Matrix } from 'ml-matrix'
import { Rng } from '../../flows/rng'
import { throwIfCancelled, type JobContext } from '../../jobs/job'
import { tf } from '../../learn/backend'
import { buildEncoder } from '../../learn/encoders'
import { fit, type FitSettings, type PairData, type PairNet } from '../../learn/fit'
import { lossWeights } from '../../learn/losses'
import { addObservation, aggregate, emptyEvidence, type MemberEvidence } from '../../learn/set-encoder'
import { temperatureOf, temperatureVariable } from '../../learn/similarity'
import { diagonalGaussian, gaussianConditional } from '../posterior/index'
import type { Deployment } from './geometry'
import { drawSequence, temporalSqrt, temporalWeights, velocityRows, type FlowBasis } from './prior'

/** GPS position error of one fix, m (typical of SVP/CODE drifters' GPS). */
export const GPS_ERROR_M = 10
/** Most samples on each side of the analysis time that inform it. */
export const MAX_HALF_SLAB = 6
/** Training defaults: simulated pairs per drifter and epochs. */
export const TRAINING = { pairsPerDrifter: 800, minPairs: 2000, maxPairs: 6000, epochs: 8, batch: 256, learningRate: 5e-4, validationFraction: 0.1, temperature: 0.05 }

export interface Sbi {
  basis: FlowBasis
  /** Samples on each side of the analysis time. */
  J: number
  /** Affine posterior mean of the standardised coefficients, θ̃ = G z + c, and its covariance Σ. */
  gain: Matrix
  offset: Float64Array
  cov: Matrix
  /** Trained head of the set encoder, as plain numbers: z = Wᵀ r + b on the pooled evidence r. */
  headW: Float32Array
  headB: Float32Array
  dim: number
  temperature: number
  history: { epoch: number; trainLoss: number; validationLoss: number }[]
  pairs: number
  /** Which encoders the conditional uses: the trained ones, or the initial (identity) ones when training did not help. */
  kept: 'trained' | 'initial'
  /** Conditional-mean MSE of the standardised coefficients on simulated validation pairs, both ways. */
  validationMse: { trained: number; initial: number }
}

/** Half-width of the slab of samples that inform one analysis time: two eddy time scales, 2…MAX_HALF_SLAB samples. */
export function halfSlab(basis: FlowBasis, stepHours: number): number {
  return Math.max(2, Math.min(MAX_HALF_SLAB, Math.ceil((2 * basis.kernel.params.eddyTime) / stepHours)))
}

/** Prior time correlation between the analysis time and a sample j steps away (j = −J…J). */
function slabWeights(basis: FlowBasis, J: number, stepHours: number): { uniform: Float64Array; eddy: number }[] {
  return Array.from({ length: 2 * J + 1 }, (_, i) => temporalWeights(basis, (i - J) * stepHours))
}

/** Scratch buffers of the evidence computation. */
export interface EvidenceScratch { rows: Float64Array; G: Float64Array; y: Float64Array; prec: Float64Array; weights: { uniform: Float64Array; eddy: number }[] }

export function evidenceScratch(dep: Deployment, basis: FlowBasis, J: number): EvidenceScratch {
  const P = basis.P
  return { rows: new Float64Array(2 * P), G: new Float64Array(2 * P), y: new Float64Array(2), prec: new Float64Array(2), weights: slabWeights(basis, J, dep.step / 3600) }
}

/**
 * Evidence of each drifter's velocity samples k−J…k+J (velocities `u`, `v` at the real positions) about the
 * standardised coefficients θ̃ at sample k: a sample j steps away sees E[θ_{k+j} | θ_k] (the prior's time
 * correlation), and what θ_{k+j} does not share with θ_k is added to its noise (a diagonal approximation).
 */
export function slabEvidence(dep: Deployment, basis: FlowBasis, J: number, k: number, u: Float64Array, v: Float64Array, skip: (d: number) => boolean, out: MemberEvidence[], s: EvidenceScratch): MemberEvidence[] {
  const P = basis.P
  const { rows, G, y, prec } = s
  const v0 = basis.std[0] ** 2
  const gps = (GPS_ERROR_M * Math.SQRT2) / (2 * dep.step)
  const base = basis.kernel.noise + gps * gps
  for (let d = 0; d < dep.nD; d++) {
    const e = out[d]
    e.b.fill(0)
    e.A.fill(0)
    if (skip(d)) continue
    for (let j = -J; j <= J; j++) {
      const q = k + j
      if (q < 0 || q >= dep.nT || !dep.mask[d * dep.nT + q]) continue
      const i = d * dep.nT + q
      const { uniform: B, eddy: rho } = s.weights[j + J]
      velocityRows(basis, dep.x[i], dep.y[i], rows)
      let ru = base + v0 * (1 - B[0] * B[0] - B[1] * B[1])
      let rv = base + v0 * (1 - B[2] * B[2] - B[3] * B[3])
      for (let c = 0; c < 2; c++) {
        G[c] = B[c] * basis.std[c]
        G[P + c] = B[2 + c] * basis.std[c]
      }
      for (let c = 2; c < P; c++) {
        const sc = basis.std[c]
        G[c] = rows[c] * rho * sc
        G[P + c] = rows[P + c] * rho * sc
        ru += (1 - rho * rho) * (rows[c] * sc) ** 2
        rv += (1 - rho * rho) * (rows[P + c] * sc) ** 2
      }
      y[0] = u[i] - basis.mean[0]
      y[1] = v[i] - basis.mean[1]
      prec[0] = 1 / ru
      prec[1] = 1 / rv
      addObservation(e, G, y, prec)
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

/** Simulate `n` training pairs: the set encoder's pooled evidence and the standardised coefficients. */
export function simulatePairs(dep: Deployment, basis: FlowBasis, J: number, n: number, seed: number, ctx?: JobContext): { u: Float32Array; v: Float32Array } {
  const P = basis.P
  const roots = temporalSqrt(basis, 2 * J + 3, dep.step / 3600)
  const scratch = evidenceScratch(dep, basis, J)
  const members = dep.ids.map(() => emptyEvidence(P))
  const rng = new Rng(seed, 0, 0x5b1)
  const su = new Float64Array(dep.nD * dep.nT)
  const sv = new Float64Array(dep.nD * dep.nT)
  const seq = new Float64Array((2 * J + 3) * P)
  const rows = new Float64Array(2 * P)
  const theta = new Float64Array(P)
  const U = new Float32Array(n * P)
  const V = new Float32Array(n * P)
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
    slabEvidence(dep, basis, J, k, su, sv, (d) => d === dropped, members, scratch)
    U.set(aggregate(members, (d) => d !== dropped, P), i * P)
    for (let c = 0; c < P; c++) V[i * P + c] = (seq[(J + 1) * P + c] - basis.mean[c]) / basis.std[c]
  }
  return { u: U, v: V }
}

/** Simulate, train the set encoder and the linear potential encoder, and form the exact learned conditional. */
export async function trainDeployment(dep: Deployment, basis: FlowBasis, opts: { pairs?: number; epochs?: number; seed: number }, ctx: JobContext): Promise<Sbi> {
  const J = halfSlab(basis, dep.step / 3600)
  const P = basis.P
  const n = opts.pairs ?? Math.min(TRAINING.maxPairs, Math.max(TRAINING.minPairs, TRAINING.pairsPerDrifter * dep.nD))
  const sim = simulatePairs(dep, basis, J, n, opts.seed, ctx)
  const nVal = Math.max(3, Math.round(TRAINING.validationFraction * n))
  const data: PairData = {
    u: sim.u, du: P, v: sim.v, dv: P,
    train: Int32Array.from({ length: n - nVal }, (_, i) => i),
    validation: Int32Array.from({ length: nVal }, (_, i) => n - nVal + i)
  }
  const dim = P
  const linear = (seed: number) => buildEncoder({ kind: 'linear', inputDim: P, outputDim: dim, widths: [], activation: 'relu', bias: true }, seed)
  const net: PairNet = { encU: linear(opts.seed * 2 + 1), encV: linear(opts.seed * 2 + 2), logScale: temperatureVariable(TRAINING.temperature, true) }
  // Both encoders start at the identity: the pooled evidence is already the prior's approximate posterior mean,
  // so training learns the correction (what the diagonal-noise approximation and the finite basis miss).
  for (const enc of [net.encU, net.encV]) enc.variables[0].assign(tf.eye(P, dim))
  const settings: FitSettings = {
    loss: 'cond-v', metric: 'l2', weights: lossWeights({ loss: 'cond-v' }), epochs: opts.epochs ?? TRAINING.epochs,
    batch: Math.min(TRAINING.batch, n - nVal), learningRate: TRAINING.learningRate, warmupFraction: 0.05, learnTemperature: true,
    seed: opts.seed, patience: 4, progressEvery: 20
  }
  const snapshot = () => ({
    u: net.encU.variables.map((x) => x.dataSync().slice() as Float32Array),
    v: net.encV.variables.map((x) => x.dataSync().slice() as Float32Array),
    tau: temperatureOf(net.logScale)
  })
  const initial = snapshot()
  const result = await fit(net, data, settings, ctx)
  const trained = snapshot()
  tf.dispose([...net.encU.variables, ...net.encV.variables, net.logScale])
  const history = result.history.map((h) => ({ epoch: h.epoch, trainLoss: h.trainLoss, validationLoss: h.validationLoss }))
  const common = { basis, J, dim, history, pairs: n }
  const candidates = [
    { ...conditionalOf(trained, P, dim), ...common, kept: 'trained' as const },
    { ...conditionalOf(initial, P, dim), ...common, kept: 'initial' as const }
  ]
  // Keep the training only if it improves the conditional mean on the simulated validation pairs (never real data).
  const mse = candidates.map((c) => validationError(c, sim, data.validation, P))
  const best = mse[0] <= mse[1] ? 0 : 1
  return { ...candidates[best], validationMse: { trained: mse[0], initial: mse[1] } }
}

/** Mean squared error of the conditional mean of θ̃ (standardised coefficients) on simulated pairs. */
function validationError(c: Omit<Sbi, 'kept' | 'validationMse'>, sim: { u: Float32Array; v: Float32Array }, idx: Int32Array, P: number): number {
  let s = 0
  for (const i of idx) {
    const theta = posteriorMeanOf({ ...c, kept: 'trained', validationMse: { trained: 0, initial: 0 } }, Float64Array.from(sim.u.subarray(i * P, (i + 1) * P)))
    for (let k = 0; k < P; k++) s += ((theta[k] - c.basis.mean[k]) / c.basis.std[k] - sim.v[i * P + k]) ** 2
  }
  return s / (idx.length * P)
}

/** The exact learned conditional (eq. 48) of encoder weights: head, affine mean and covariance. */
function conditionalOf(w: { u: Float32Array[]; v: Float32Array[]; tau: number }, P: number, dim: number): Pick<Sbi, 'gain' | 'offset' | 'cov' | 'headW' | 'headB' | 'temperature'> {
  const [hw, hb] = w.u
  const [vw, vb] = w.v
  const tau = w.tau
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
  return { gain, offset, cov, headW: hw, headB: hb, temperature: tau }
}

/** Posterior mean coefficients (physical units) from pooled evidence r: the head, then the conditional's affine mean. */
export function posteriorMeanOf(sbi: Sbi, r: Float64Array): Float64Array {
  const P = sbi.basis.P
  const z = new Float64Array(sbi.dim)
  for (let c = 0; c < sbi.dim; c++) {
    let s = sbi.headB[c]
    for (let f = 0; f < P; f++) s += sbi.headW[f * sbi.dim + c] * r[f]
    z[c] = s
  }
  const theta = new Float64Array(P)
  for (let i = 0; i < P; i++) {
    let s = sbi.offset[i]
    for (let c = 0; c < sbi.dim; c++) s += sbi.gain.get(i, c) * z[c]
    theta[i] = sbi.basis.mean[i] + sbi.basis.std[i] * s
  }
  return theta
}

/**
 * For every sample k: the posterior mean coefficients from all drifters, and (when `leaveOut`) from all but each
 * drifter in turn — one evidence computation per sample serves every mask.
 */
export function posteriorMeans(dep: Deployment, sbi: Sbi, ks: ArrayLike<number>, leaveOut: boolean, ctx?: JobContext): { all: Float64Array[]; without: Float64Array[][] } {
  const P = sbi.basis.P
  const scratch = evidenceScratch(dep, sbi.basis, sbi.J)
  const members = dep.ids.map(() => emptyEvidence(P))
  const all: Float64Array[] = []
  const without: Float64Array[][] = []
  for (let i = 0; i < ks.length; i++) {
    if (ctx && i % 20 === 0) throwIfCancelled(ctx.signal)
    slabEvidence(dep, sbi.basis, sbi.J, ks[i], dep.u, dep.v, () => false, members, scratch)
    all.push(posteriorMeanOf(sbi, aggregate(members, () => true, P)))
    if (leaveOut) without.push(dep.ids.map((_, d) => posteriorMeanOf(sbi, aggregate(members, (o) => o !== d, P))))
  }
  return { all, without }
}
