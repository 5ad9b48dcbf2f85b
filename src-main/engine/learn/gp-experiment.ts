/**
 * The paper's Gaussian-process experiment (arXiv 2505.24134 §6.1): u = 12 noisy point values (σ = 0.05)
 * of a GP w ~ N(0, (−Δ + τ²)^−α) on (0, 1) (τ = 3, α = 2, 1000 KL modes), v = its first 5 standardised
 * KL coefficients; linear encoders, inner product, two-sided conditional loss. Sweeps over embedding
 * dimension, batch size and N; reports the conditional-mean errors of u|v and v|u.
 */
import { Matrix, inverse } from 'ml-matrix'
import { etaSeconds, throwIfCancelled, type JobContext } from '../jobs/job'
import { blocks, condOptimum, sampleGaussian, symPow } from './gaussian'
import { fitLinearCond, glorot, type LinearFitSettings } from './linear-cond'

export interface GpSettings {
  nu: number; nv: number; noise: number; tau: number; alpha: number; modes: number
  /**
   * Adam steps of a point's first check: it is trained with `steps` and with half as many, and the relative change of
   * its errors is its convergence gap; while the gap exceeds `maxGap` the steps are doubled (up to `maxSteps`) and the
   * previous run becomes the half.
   */
  steps: number; maxSteps: number; maxGap: number; learningRate: number; seed: number
  dims: number[]; batches: number[]; sizes: number[]
  /**
   * Independent replicates of the N sweep: each draws its own data (one stream per replicate, so its N pairs are the
   * first N of its largest set: common random numbers across N), its own start and batch order. At N ≥ 20,000 the
   * error of one draw varies by 25–60 % between draws, more than the finite-N term changes: one draw cannot show the trend.
   */
  replicates: number
  /** The values held fixed while another is swept (paper: ℓ = 5, batch 512, N = 10,000). */
  baseDim: number; baseBatch: number; baseN: number
}

/**
 * The paper's sweeps and sizes (arXiv §6.1). The paper trains 500 epochs at lr 1e-4, which leaves the large batches
 * far from converged (at batch 1024 that is only 5,000 steps of 1e-4 for weights that must grow to O(10)); here every
 * point gets a larger rate on whitened inputs, a decay to a floor and Polyak averaging (linear-cond.ts), and as many
 * steps as it takes for halving them to change its errors by < 5 %. The N sweep runs 4 independent replicates (quick: 8 of
 * its cheaper points; at batch 128 the finite-batch floor hides more of the u|v trend). Quick mode: smaller N and batches.
 */
export function gpSettings(quick: boolean): GpSettings {
  const common = { nu: 12, nv: 5, noise: 0.05, tau: 3, alpha: 2, modes: 1000, seed: 1, baseDim: 5, learningRate: 0.05, maxGap: 0.05, replicates: 4 }
  return quick
    ? { ...common, steps: 2000, maxSteps: 16000, dims: [1, 3, 5, 6], batches: [32, 64, 128, 256], sizes: [1000, 5000, 20000], baseBatch: 128, baseN: 5000, replicates: 8 }
    : { ...common, steps: 4000, maxSteps: 16000, dims: [1, 2, 3, 4, 5, 6], batches: [128, 256, 512, 1024], sizes: [2000, 5000, 10000, 20000, 50000, 100000], baseBatch: 512, baseN: 10000 }
}

/** Exact joint covariance of (u, v): Cuu = Φ Λ Φᵀ + σ²I, Cuv = Φ₁..ₙᵥ Λ^½, Cvv = I, with ψ_j = √2 cos(jπx) on x_i = i/(nu+1). */
export function gpCovariance(s: Pick<GpSettings, 'nu' | 'nv' | 'noise' | 'tau' | 'alpha' | 'modes'>): Matrix {
  const n = s.nu + s.nv
  const C = new Matrix(n, n)
  const x = Array.from({ length: s.nu }, (_, i) => (i + 1) / (s.nu + 1))
  const lam = Array.from({ length: s.modes }, (_, j) => Math.pow((j + 1) ** 2 * Math.PI ** 2 + s.tau ** 2, -s.alpha))
  const psi = (j: number, xi: number) => Math.SQRT2 * Math.cos((j + 1) * Math.PI * xi)
  for (let a = 0; a < s.nu; a++)
    for (let b = a; b < s.nu; b++) {
      let c = a === b ? s.noise ** 2 : 0
      for (let j = 0; j < s.modes; j++) c += lam[j] * psi(j, x[a]) * psi(j, x[b])
      C.set(a, b, c)
      C.set(b, a, c)
    }
  for (let a = 0; a < s.nu; a++)
    for (let k = 0; k < s.nv; k++) {
      const c = Math.sqrt(lam[k]) * psi(k, x[a])
      C.set(a, s.nu + k, c)
      C.set(s.nu + k, a, c)
    }
  for (let k = 0; k < s.nv; k++) C.set(s.nu + k, s.nu + k, 1)
  return C
}

/**
 * Expected squared L2 errors of the model conditional means (Cor 5.2: E_ν[u|v] = Cuu A v, E_ν[v|u] = Cvv Aᵀ u)
 * against the truth, averaged exactly over the conditioning variable: tr(D Cvv Dᵀ) with D = Cuu A − Cuv, etc.
 */
export function conditionalMeanErrors(C: Matrix, nu: number, A: Matrix): { uGivenV: number; vGivenU: number } {
  const { Cuu, Cuv, Cvu, Cvv } = blocks(C, nu)
  const Du = Cuu.mmul(A).sub(Cuv)
  const Dv = Cvv.mmul(A.transpose()).sub(Cvu.mmul(inverse(Cuu)))
  return { uGivenV: Du.mmul(Cvv).mmul(Du.transpose()).trace(), vGivenU: Dv.mmul(Cuu).mmul(Dv.transpose()).trace() }
}

export interface GpErrors { uGivenV: number; vGivenU: number }
export interface GpRun extends GpErrors {
  dim: number; batch: number; n: number
  /** Replicate of the N sweep (0 for the other sweeps, whose base point is replicate 0's N = baseN); absent in older results = 0. */
  replicate?: number
  /** Steps of the reported run (the first check's `steps`, doubled until converged or at `maxSteps`). */
  steps: number
  /** Closed-form rank-ℓ optimum (Thm 5.1) on the population covariance: the error an infinite batch and N would leave. */
  optimum: GpErrors
  /** The same point trained with half the steps: |error − this| is the convergence gap. */
  halfSteps: GpErrors
  /** max over both directions of |error − halfSteps| / error. */
  convergenceGap: number
  /** Every run of the point, by steps (the doubling history). */
  runs: (GpErrors & { steps: number })[]
}

/** Symmetric inverse square root of the sample covariance of rows of x (n × d): the whitening map. */
function whitener(x: Float64Array, n: number, d: number): Matrix {
  const S = new Matrix(d, d)
  for (let i = 0; i < n; i++) for (let a = 0; a < d; a++) for (let b = a; b < d; b++) S.set(a, b, S.get(a, b) + (x[i * d + a] * x[i * d + b]) / n)
  for (let a = 0; a < d; a++) for (let b = 0; b < a; b++) S.set(a, b, S.get(b, a))
  return symPow(S, -0.5)
}

function transformRows(x: Float64Array, n: number, M: Matrix): Float64Array {
  const d = M.rows
  const out = new Float64Array(x.length)
  for (let i = 0; i < n; i++) for (let a = 0; a < d; a++) {
    let acc = 0
    for (let b = 0; b < d; b++) acc += M.get(a, b) * x[i * d + b]
    out[i * d + a] = acc
  }
  return out
}

/** The schedule of every point (linear-cond.ts): warm-up 5 %, cosine to 0.1 × peak at half the steps, then held, with A averaged over the second half. */
export function gpFitSettings(s: GpSettings, batch: number, steps: number): LinearFitSettings {
  return { batch, steps, seed: s.seed, learningRate: s.learningRate, warmup: 0.05, decayEnd: 0.5, floor: 0.1, average: 0.5 }
}

/**
 * Train bias-free linear encoders (Glorot-normal start, as encoders.ts) on N samples and return A in the raw
 * coordinates. They act on whitened inputs ũ = Mu u, ṽ = Mv v (sample covariances): the model class {A = GHᵀ, rank ≤ ℓ}
 * and the loss as a function of A are unchanged (A = Mu Ã Mv), only Adam's geometry is better conditioned (Cuu spans decades).
 */
function trainA(u: Float64Array, v: Float64Array, n: number, Mu: Matrix, Mv: Matrix, s: GpSettings, dim: number, batch: number, steps: number, signal: AbortSignal): Matrix {
  const A = fitLinearCond(u, v, n, s.nu, s.nv, glorot(s.nu, dim, s.seed * 2 + 1), glorot(s.nv, dim, s.seed * 2 + 2), gpFitSettings(s, batch, steps), (step) => {
    if (step % 256 === 0) throwIfCancelled(signal)
  })
  const At = new Matrix(Array.from({ length: s.nu }, (_, a) => Array.from(A.subarray(a * s.nv, (a + 1) * s.nv))))
  return Mu.mmul(At).mmul(Mv)
}

const relGap = (a: GpErrors, b: GpErrors) => Math.max(Math.abs(a.uGivenV - b.uGivenV) / a.uGivenV, Math.abs(a.vGivenU - b.vGivenU) / a.vGivenU)

/** Seed of replicate r: its data stream, start and batch order. */
const replicateSeed = (s: GpSettings, replicate: number): number => s.seed + 1000 * replicate

/**
 * Train one point at `steps` and half as many, doubling the steps while the convergence gap exceeds `maxGap`; score the
 * conditional means. The data of a replicate is one stream: its first n rows, whatever n (nested across the N sweep).
 */
export async function gpRun(C: Matrix, s0: GpSettings, dim: number, batch: number, n: number, ctx: JobContext, replicate = 0): Promise<GpRun> {
  const s = { ...s0, seed: replicateSeed(s0, replicate) }
  const x = sampleGaussian(C, n, s.seed * 7919)
  const d = s.nu + s.nv
  const u = new Float64Array(n * s.nu)
  const v = new Float64Array(n * s.nv)
  for (let i = 0; i < n; i++) {
    for (let a = 0; a < s.nu; a++) u[i * s.nu + a] = x[i * d + a]
    for (let k = 0; k < s.nv; k++) v[i * s.nv + k] = x[i * d + s.nu + k]
  }
  const Mu = whitener(u, n, s.nu)
  const Mv = whitener(v, n, s.nv)
  const [uw, vw] = [transformRows(u, n, Mu), transformRows(v, n, Mv)]
  const score = async (steps: number) => {
    await new Promise((r) => setImmediate(r)) // let a cancel arrive between runs
    return { steps, ...conditionalMeanErrors(C, s.nu, trainA(uw, vw, n, Mu, Mv, s, dim, batch, steps, ctx.signal)) }
  }
  const runs = [await score(Math.round(s.steps / 2)), await score(s.steps)]
  while (relGap(runs[runs.length - 1], runs[runs.length - 2]) > s.maxGap && runs[runs.length - 1].steps * 2 <= s.maxSteps) {
    ctx.log(`ℓ=${dim} batch=${batch} N=${n}: gap ${(100 * relGap(runs[runs.length - 1], runs[runs.length - 2])).toFixed(1)} % at ${runs[runs.length - 1].steps} steps; doubling`)
    runs.push(await score(runs[runs.length - 1].steps * 2))
  }
  const [half, full] = runs.slice(-2)
  return {
    dim, batch, n, replicate, steps: full.steps, uGivenV: full.uGivenV, vGivenU: full.vGivenU,
    optimum: conditionalMeanErrors(C, s.nu, condOptimum(C, s.nu, Math.min(dim, s.nu, s.nv))),
    halfSteps: { uGivenV: half.uGivenV, vGivenU: half.vGivenU }, convergenceGap: relGap(full, half), runs
  }
}

export interface GpResult {
  settings: GpSettings; errorDefinition: string; embeddingDim: GpRun[]; batchSize: GpRun[]
  /** Every replicate's run, by replicate then N (older results: one replicate). */
  sampleSize: GpRun[]
}

/** One point of the plan: a training run the sweeps need. */
export interface GpPoint { dim: number; batch: number; n: number; replicate: number }

/** Runs points one after another in this thread, or spread over worker threads (gp-pool.ts); results in any order. */
export type GpPointRunner = (points: GpPoint[], onDone: (point: GpPoint, run: GpRun) => void) => Promise<void>

export const pointKey = (p: GpPoint): string => `${p.dim},${p.batch},${p.n},${p.replicate}`

/** The sweeps' points, each once: the base point (ℓ = baseDim, baseBatch, baseN, replicate 0) is in all three. */
export function gpPlan(s: GpSettings): { sweep: 'embeddingDim' | 'batchSize' | 'sampleSize'; point: GpPoint }[] {
  return [
    ...s.dims.map((dim) => ({ sweep: 'embeddingDim' as const, point: { dim, batch: s.baseBatch, n: s.baseN, replicate: 0 } })),
    ...s.batches.map((batch) => ({ sweep: 'batchSize' as const, point: { dim: s.baseDim, batch, n: s.baseN, replicate: 0 } })),
    ...Array.from({ length: Math.max(1, s.replicates) }, (_, replicate) => s.sizes.map((n) => ({ sweep: 'sampleSize' as const, point: { dim: s.baseDim, batch: s.baseBatch, n, replicate } }))).flat()
  ]
}

/** In-thread runner. */
export const serialRunner = (s: GpSettings, ctx: JobContext): GpPointRunner => async (points, onDone) => {
  const C = gpCovariance(s)
  for (const p of points) {
    throwIfCancelled(ctx.signal)
    onDone(p, await gpRun(C, s, p.dim, p.batch, p.n, ctx, p.replicate))
  }
}

/** All three sweeps, with progress per training run. */
export async function runGpExperiment(s: GpSettings, ctx: JobContext, onRun: (done: number, total: number, run: GpRun) => void = () => {}, runner: GpPointRunner = serialRunner(s, ctx)): Promise<GpResult> {
  const plan = gpPlan(s)
  const unique = [...new Map(plan.map((p) => [pointKey(p.point), p.point])).values()]
  const out: GpResult = {
    settings: s,
    errorDefinition: 'squared L2 error of the model conditional mean (Cor 5.2: Cuu·A·v for u|v, Cvv·Aᵀ·u for v|u) against the true one, averaged exactly over the conditioning variable; "optimum" is the closed-form rank-ℓ minimiser (Thm 5.1) on the population covariance; "convergenceGap" is the relative change of the error when the same point is trained with half the steps (steps doubled until it is below maxGap)',
    embeddingDim: [], batchSize: [], sampleSize: []
  }
  const started = Date.now()
  const done = new Map<string, GpRun>()
  await runner(unique, (p, run) => {
    done.set(pointKey(p), run)
    ctx.log(`ℓ=${p.dim} batch=${p.batch} N=${p.n} replicate ${p.replicate}: error u|v ${run.uGivenV.toExponential(3)}, v|u ${run.vGivenU.toExponential(3)}, convergence gap ${(100 * run.convergenceGap).toFixed(1)} %`)
    onRun(done.size, unique.length, run)
    ctx.progress({ done: done.size, total: unique.length, unit: 'runs', etaSeconds: etaSeconds(started, done.size, unique.length) })
  })
  for (const { sweep, point } of plan) {
    const run = done.get(pointKey(point))
    if (!run) throw new Error(`GP point ${pointKey(point)} did not run`)
    out[sweep].push(run)
  }
  return out
}
