/**
 * The paper's Gaussian-process experiment (§6.1, paper.md §3.1): u = 12 noisy point values (σ = 0.05)
 * of a GP w ~ N(0, (−Δ + τ²)^−α) on (0, 1) (τ = 3, α = 2, 1000 KL modes), v = its first 5 standardised
 * KL coefficients; linear encoders, inner product, two-sided conditional loss. Sweeps over embedding
 * dimension, batch size and N; reports the conditional-mean errors of u|v and v|u.
 */
import { Matrix, inverse } from 'ml-matrix'
import { etaSeconds, throwIfCancelled, type JobContext, silentContext } from '../jobs/job'
import { initBackend, tf } from './backend'
import { buildEncoder, type Encoder } from './encoders'
import { fit, type PairData } from './fit'
import { blocks, condOptimum, sampleGaussian } from './gaussian'

export interface GpSettings {
  nu: number; nv: number; noise: number; tau: number; alpha: number; modes: number
  epochs: number; learningRate: number; seed: number
  dims: number[]; batches: number[]; sizes: number[]
  /** The values held fixed while another is swept (paper: ℓ = 5, batch 512, N = 10,000). */
  baseDim: number; baseBatch: number; baseN: number
}

/** The paper's settings (500 epochs at lr 1e-4: hours on wasm) and a quick version for a demo/CI. */
export function gpSettings(quick: boolean): GpSettings {
  const common = { nu: 12, nv: 5, noise: 0.05, tau: 3, alpha: 2, modes: 1000, seed: 1, baseDim: 5 }
  return quick
    ? { ...common, epochs: 30, learningRate: 1e-2, dims: [1, 2, 3, 4, 5, 6], batches: [64, 128, 256, 512], sizes: [1000, 2000, 5000], baseBatch: 256, baseN: 2000 }
    : { ...common, epochs: 500, learningRate: 1e-4, dims: [1, 2, 3, 4, 5, 6], batches: [128, 256, 512, 1024], sizes: [2000, 5000, 10000, 20000, 50000, 100000], baseBatch: 512, baseN: 10000 }
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

/** A = GᵀH of two bias-free linear encoders (weights stored as x·W, so A = Wu Wvᵀ). */
export function linearMap(encU: Encoder, encV: Encoder): Matrix {
  const [wu, wv] = [encU.variables[0], encV.variables[0]]
  const toM = (v: tf.Variable) => {
    const [r, c] = v.shape
    const d = v.dataSync()
    return new Matrix(Array.from({ length: r }, (_, i) => Array.from(d.subarray(i * c, (i + 1) * c))))
  }
  return toM(wu).mmul(toM(wv).transpose())
}

export interface GpRun { dim: number; batch: number; n: number; uGivenV: number; vGivenU: number; optimum: { uGivenV: number; vGivenU: number } }

/** Train linear encoders on N samples and score the conditional means. */
export async function gpRun(C: Matrix, s: GpSettings, dim: number, batch: number, n: number, ctx: JobContext): Promise<GpRun> {
  const x = sampleGaussian(C, n, s.seed * 7919 + n)
  const d = s.nu + s.nv
  const data: PairData = { u: new Float32Array(n * s.nu), du: s.nu, v: new Float32Array(n * s.nv), dv: s.nv, train: Int32Array.from({ length: n }, (_, i) => i), validation: new Int32Array(0) }
  for (let i = 0; i < n; i++) {
    for (let a = 0; a < s.nu; a++) data.u[i * s.nu + a] = x[i * d + a]
    for (let k = 0; k < s.nv; k++) data.v[i * s.nv + k] = x[i * d + s.nu + k]
  }
  const spec = { kind: 'linear' as const, outputDim: dim, widths: [], activation: 'relu' as const, bias: false }
  const net = { encU: buildEncoder({ ...spec, inputDim: s.nu }, s.seed * 2 + 1), encV: buildEncoder({ ...spec, inputDim: s.nv }, s.seed * 2 + 2), logScale: tf.variable(tf.scalar(0), false) }
  await fit(net, data, { loss: 'cond', metric: 'dot', weights: [1, 1], epochs: s.epochs, batch, learningRate: s.learningRate, warmupFraction: 0, learnTemperature: false, seed: s.seed, patience: 0 }, { ...silentContext(ctx.signal), log: () => {} })
  const A = linearMap(net.encU, net.encV)
  tf.dispose([...net.encU.variables, ...net.encV.variables, net.logScale])
  return { dim, batch, n, ...conditionalMeanErrors(C, s.nu, A), optimum: conditionalMeanErrors(C, s.nu, condOptimum(C, s.nu, Math.min(dim, s.nu, s.nv))) }
}

export interface GpResult { settings: GpSettings; errorDefinition: string; embeddingDim: GpRun[]; batchSize: GpRun[]; sampleSize: GpRun[] }

/** All three sweeps, with progress per training run. */
export async function runGpExperiment(s: GpSettings, ctx: JobContext): Promise<GpResult> {
  await initBackend()
  const C = gpCovariance(s)
  const plan: [keyof Pick<GpResult, 'embeddingDim' | 'batchSize' | 'sampleSize'>, number, number, number][] = [
    ...s.dims.map((dim) => ['embeddingDim', dim, s.baseBatch, s.baseN] as const),
    ...s.batches.map((b) => ['batchSize', s.baseDim, b, s.baseN] as const),
    ...s.sizes.map((n) => ['sampleSize', s.baseDim, s.baseBatch, n] as const)
  ].map((p) => [...p])
  const out: GpResult = {
    settings: s,
    errorDefinition: 'squared L2 error of the model conditional mean (Cor 5.2: Cuu·A·v for u|v, Cvv·Aᵀ·u for v|u) against the true one, averaged exactly over the conditioning variable; "optimum" is the closed-form rank-ℓ minimiser (Thm 5.1) on the population covariance',
    embeddingDim: [], batchSize: [], sampleSize: []
  }
  const started = Date.now()
  for (let i = 0; i < plan.length; i++) {
    throwIfCancelled(ctx.signal)
    const [sweep, dim, batch, n] = plan[i]
    const run = await gpRun(C, s, dim, batch, n, ctx)
    out[sweep].push(run)
    ctx.log(`${sweep}: ℓ=${dim} batch=${batch} N=${n}: error u|v ${run.uGivenV.toExponential(3)}, v|u ${run.vGivenU.toExponential(3)}`)
    ctx.progress({ done: i + 1, total: plan.length, unit: 'runs', etaSeconds: etaSeconds(started, i + 1, plan.length) })
  }
  return out
}
