/**
 * The contrastive rows of the twin table. Each variant is trained on the twin's own train split (same seed), then:
 * - `bank`: the paper's retrieval read as a posterior — draws from the softmax weights over the train-split bank
 *   (arXiv 2505.24134 eq. 28), for the paper's variant cond/cosine with MLP encoders;
 * - `bankfree:<loss>/<metric>`: the learned conditional ν(v | u) ∝ exp(s(g_u(u), g_v(v))/τ) μ_v(dv) on the
 *   simulator's prior without a bank — exact Gaussian for a linear potential encoder with dot or L2 on a Gaussian
 *   prior (posterior/conditional.ts), pCN otherwise (cosine, MLP, or the vortex prior's non-Gaussian map).
 */
import { Matrix } from 'ml-matrix'
import type { TrainConfigInput } from '../../../shared/training'
import { Rng } from '../../flows/rng'
import { throwIfCancelled, type JobContext } from '../../jobs/job'
import type { TrainedModel } from '../../learn/model'
import { trainOnDataset } from '../../learn/train'
import { adaptivePcn, drawGaussian, gaussianConditional, tiltPotential, type AffineMap } from '../posterior'
import { pairsOfSplit, gatherRows } from '../setup'
import { resampleIndices, softmaxWeights } from '../weights'
import type { TwinContext, TwinMethod } from './benchmark'

/** Draws per query (as every other method). */
const DRAWS = 200

interface Variant {
  loss: 'cond' | 'cond-u' | 'cond-v' | 'joint'
  metric: 'cosine' | 'dot' | 'l2'
  potentialEncoder: 'mlp' | 'linear'
  /** Also report the bank mixture of this variant. */
  bank?: boolean
}

/**
 * The paper's variant and the four whose conditionals Section 5 describes in closed form: two-sided dot (mean
 * right, spread of the prior), one-sided L2 on each side (cond-v = v | u is the conditional reconstruction uses;
 * cond-u = u | v), and joint (shrunk mean).
 */
export const TWIN_VARIANTS: Variant[] = [
  { loss: 'cond', metric: 'cosine', potentialEncoder: 'mlp', bank: true },
  { loss: 'cond', metric: 'dot', potentialEncoder: 'linear' },
  { loss: 'cond-v', metric: 'l2', potentialEncoder: 'linear' },
  { loss: 'cond-u', metric: 'l2', potentialEncoder: 'linear' },
  { loss: 'joint', metric: 'dot', potentialEncoder: 'linear' }
]

/** Training settings: the demo's (8 epochs, batch 128, lr 1e-3); a linear potential embedding has dim ≤ paramDim. */
function trainConfig(v: Variant, paramDim: number, quick: boolean): TrainConfigInput {
  return {
    loss: v.loss, metric: v.metric, potentialEncoder: v.potentialEncoder, encoder: 'mlp',
    dim: v.potentialEncoder === 'linear' ? paramDim : 32, epochs: quick ? 3 : 8, batch: 128, learningRate: 1e-3, seed: 1, parallel: 'off', patience: 0
  }
}

export async function learnedMethods(twin: TwinContext, ctx: JobContext, variants = TWIN_VARIANTS): Promise<TwinMethod[]> {
  const { ds, prior } = twin
  const quick = ds.nPairs <= 1024
  const bankPairs = pairsOfSplit(ds, 'train')
  const bankParams = gatherRows(ds.params, bankPairs, ds.paramDim)
  const out: TwinMethod[] = []
  for (const [k, v] of variants.entries()) {
    throwIfCancelled(ctx.signal)
    const name = `${v.loss}/${v.metric}`
    ctx.progress({ done: k, total: variants.length, unit: 'variants', message: `training ${name} (${v.potentialEncoder} potential encoder) on ${bankPairs.length} pairs` })
    const { model } = await trainOnDataset(ds, trainConfig(v, ds.paramDim, quick), { ...ctx, progress: () => {} })
    const encode = (obs: Float64Array) => model.encodeTrajectories(obs, 1)
    if (v.bank) {
      const zv = model.encodePotentials(bankParams, bankPairs.length)
      out.push({
        method: 'bank',
        label: `the paper's retrieval as a posterior: ${DRAWS} draws from the softmax weights over the ${bankPairs.length}-member train bank (${name}, MLP encoders, τ = ${model.temperature.toFixed(3)})`,
        run: (q) => {
          const w = softmaxWeights(model.logits(encode(q.observed), 1, zv, bankPairs.length))
          return gatherRows(bankParams, resampleIndices(w, DRAWS, q.pair), ds.paramDim)
        }
      })
    }
    const exact = prior.flow === 'fourier' && v.potentialEncoder === 'linear' && v.metric !== 'cosine'
    out.push({
      method: `bankfree:${name}`,
      label: exact
        ? `exact Gaussian ν(v|u) of the linear potential encoder (${v.metric}, τ = ${model.temperature.toFixed(3)}), ${DRAWS} draws`
        : `pCN on ν(v|u) ∝ exp(s/τ) μ_v (${v.potentialEncoder} potential encoder, ${v.metric}, τ = ${model.temperature.toFixed(3)}): 4 chains, 1,000 + 2,000 steps`,
      run: exact ? exactSampler(twin, model, encode) : pcnSampler(twin, model, encode)
    })
  }
  return out
}

/** g_v(v) = W v + b of a linear or identity potential encoder, its input standardisation folded in. */
export function potentialAffineMap(model: TrainedModel): AffineMap {
  const spec = model.encV.spec
  const { mean, std } = model.meta.normalisation.v
  const n = spec.inputDim
  if (spec.kind === 'identity') return { weight: Matrix.diag(std.map((s) => 1 / s)), bias: Float64Array.from(mean, (m, i) => -m / std[i]) }
  if (spec.kind !== 'linear') throw new Error(`potentialAffineMap: a ${spec.kind} potential encoder is not affine`)
  const byName = (name: string) => model.encV.variables[model.encV.names.indexOf(name)]
  const w = byName('w').dataSync() // [inputDim, outputDim], row-major
  const b = spec.bias ? byName('b').dataSync() : new Float32Array(spec.outputDim)
  const W = new Matrix(spec.outputDim, n)
  const bias = Float64Array.from(b)
  for (let r = 0; r < spec.outputDim; r++)
    for (let c = 0; c < n; c++) {
      const x = w[c * spec.outputDim + r] / std[c]
      W.set(r, c, x)
      bias[r] -= x * mean[c]
    }
  return { weight: W, bias }
}

function exactSampler(twin: TwinContext, model: TrainedModel, encode: (obs: Float64Array) => Float32Array): TwinMethod['run'] {
  const map = potentialAffineMap(model)
  const metric = model.config.metric
  return (q) => {
    const post = gaussianConditional(twin.prior.latent, map, encode(q.observed), model.temperature, metric)
    const rng = new Rng(q.pair, 0, 0xbf1e)
    const out = new Float64Array(DRAWS * post.dim), z = new Float64Array(post.dim)
    for (let s = 0; s < DRAWS; s++) drawGaussian(post, rng, out.subarray(s * post.dim, (s + 1) * post.dim), z)
    return out
  }
}

function pcnSampler(twin: TwinContext, model: TrainedModel, encode: (obs: Float64Array) => Float32Array): TwinMethod['run'] {
  const { prior } = twin
  const p = prior.paramDim, d = prior.latent.dim
  const encodeLatent = (states: Float64Array, count: number) => {
    const params = new Float64Array(count * p)
    for (let c = 0; c < count; c++) prior.toParams(states.subarray(c * d, (c + 1) * d), params.subarray(c * p, (c + 1) * p))
    return Float64Array.from(model.encodePotentials(params, count))
  }
  return (q) => {
    const tilt = tiltPotential(encode(q.observed), model.temperature, model.config.metric, encodeLatent)
    const v = new Float64Array(p)
    // outside the prior's support (the vortex separation rule) the conditional has no mass
    const potential = (states: Float64Array, count: number, out: Float64Array) => {
      tilt(states, count, out)
      for (let c = 0; c < count; c++) {
        prior.toParams(states.subarray(c * d, (c + 1) * d), v)
        if (!prior.admissible(v)) out[c] = Infinity
      }
    }
    const run = adaptivePcn({ prior: prior.latent, potential }, { chains: 4, steps: 2000, exploreSteps: 1000, thin: 40, seed: q.pair })
    const out = new Float64Array(run.chains * run.kept * p)
    for (let k = 0; k < run.chains * run.kept; k++) prior.toParams(run.samples.subarray(k * d, (k + 1) * d), out.subarray(k * p, (k + 1) * p))
    return out
  }
}
