/**
 * The training loop over normalised Float32 inputs of both modalities: Adam with warm-up and cosine
 * decay, shuffled mini-batches, per-epoch validation (loss, R@1 both ways), early stopping with the
 * best weights restored, progress every few steps, cancel, and per-epoch hooks for checkpoints.
 */
import type { LossKind, MetricKind } from '../../shared/training'
import { etaSeconds, throwIfCancelled, type JobContext } from '../jobs/job'
import { tf } from './backend'
import type { Encoder } from './encoders'
import { contrastiveLoss, gaussianKernel } from './losses'
import { recallAt1 } from './metrics'
import { shuffled } from './random'
import { learningRateAt } from './schedule'
import type { OptimizerState } from './parallel-protocol'
import { clampLog, logitMatrix, logitsJs, temperatureOf } from './similarity'
import { FlatAdam, type FlatBuffers } from './adam'

/** Inputs of both modalities (row-major, already normalised) and the train/validation indices. */
export interface PairData { u: Float32Array; du: number; v: Float32Array; dv: number; train: Int32Array; validation: Int32Array }
/** The trainable pair: both encoders and the log logit scale ln(1/τ). */
export interface PairNet { encU: Encoder; encV: Encoder; logScale: tf.Variable }

export interface FitSettings {
  loss: LossKind
  metric: MetricKind
  weights: [number, number]
  epochs: number
  batch: number
  learningRate: number
  warmupFraction: number
  learnTemperature: boolean
  seed: number
  /** Early-stopping patience in epochs (0 = off). */
  patience: number
  /** Progress event every this many steps. */
  progressEvery?: number
}

export interface EpochRecord { epoch: number; trainLoss: number; validationLoss: number; r1TrajToPot: number; r1PotToTraj: number; temperature: number }

export interface FitHooks {
  /** Resume: first epoch to run (0-based), the history so far, and the Adam state: "all" (one thread, data-parallel) or "u"/"v" (encoder-parallel). */
  startEpoch?: number
  history?: EpochRecord[]
  optimizerStates?: Record<string, OptimizerState>
  /** After each epoch (checkpoints): optimiser state keyed "all" (one thread) or "u"/"v" (parallel). */
  onEpochEnd?(epoch: number, history: EpochRecord[], optimizer: Record<string, OptimizerState>): Promise<void>
  /**
   * Wall-clock milliseconds of every optimiser step (benchmarks); data-parallel training also passes its workers'
   * live profile (cumulative wall ms per phase and rank, shard-worker.ts SHARD_PHASES).
   */
  onStep?(ms: number, waitMs?: number, profile?: { phases: readonly string[]; perRank: Float64Array }): void
}

/**
 * The trainer of `variables` (flat Adam, adam.ts), restored from `state` if given; the temperature, when
 * trained, is the last variable and is clamped after every step.
 */
export function flatAdam(variables: tf.Variable[], s: Pick<FitSettings, 'learningRate' | 'learnTemperature'>, state?: OptimizerState, buffers?: FlatBuffers): FlatAdam {
  return new FlatAdam(variables, s.learningRate, state, buffers, s.learnTemperature ? clampLog : undefined)
}

/** Gradients of `loss` (a scalar) for every variable of `adam`, into `out` in its order; returns the loss value. */
export function gradientsInto(adam: FlatAdam, loss: () => tf.Scalar, out: Float32Array): number {
  const { value, grads } = tf.variableGrads(loss, adam.variables)
  adam.readGradients(grads, out)
  const v = value.dataSync()[0]
  tf.dispose([value, ...Object.values(grads)])
  return v
}

/** Copy rows idx[from .. from+count) of a row-major matrix (into `out` if given, e.g. a reused batch buffer). */
export function gatherRows(src: Float32Array, dim: number, idx: ArrayLike<number>, from: number, count: number, out = new Float32Array(count * dim)): Float32Array {
  for (let r = 0; r < count; r++) out.set(src.subarray(idx[from + r] * dim, (idx[from + r] + 1) * dim), r * dim)
  return out
}

/** The configured loss of one batch of paired inputs. */
export function batchLoss(net: PairNet, xu: tf.Tensor2D, xv: tf.Tensor2D, s: Pick<FitSettings, 'loss' | 'metric' | 'weights'>): tf.Scalar {
  const S = logitMatrix(net.encU.apply(xu), net.encV.apply(xv), s.metric, net.logScale)
  const kernels = s.loss === 'mmd' ? ([gaussianKernel(xu), gaussianKernel(xv)] as [tf.Tensor2D, tf.Tensor2D]) : undefined
  return contrastiveLoss(S, s.loss, s.weights, kernels)
}

/** Embed rows `idx` of one modality in chunks → Float32 (n × ℓ). */
export function embedRows(enc: Encoder, x: Float32Array, dim: number, idx: ArrayLike<number>, chunk = 512): Float32Array {
  const parts: Float32Array[] = []
  for (let from = 0; from < idx.length; from += chunk) {
    const n = Math.min(chunk, idx.length - from)
    // read the values outside tidy: tidy walks a returned typed array element by element (~40 % of embedding time)
    const z = tf.tidy(() => enc.apply(tf.tensor2d(gatherRows(x, dim, idx, from, n), [n, dim])))
    parts.push(z.dataSync() as Float32Array)
    z.dispose()
  }
  const out = new Float32Array(parts.reduce((a, p) => a + p.length, 0))
  let o = 0
  for (const p of parts) {
    out.set(p, o)
    o += p.length
  }
  return out
}

/** Validation loss (mean over full batches) and R@1 both ways on the first ≤ 1000 validation pairs. */
export function validate(net: PairNet, data: PairData, s: FitSettings): { loss: number; r1TrajToPot: number; r1PotToTraj: number } {
  if (data.validation.length < 3) return { loss: NaN, r1TrajToPot: NaN, r1PotToTraj: NaN }
  const zu = embedRows(net.encU, data.u, data.du, data.validation)
  const zv = embedRows(net.encV, data.v, data.dv, data.validation)
  return validateEmbeddings(zu, zv, data, s, net.logScale)
}

/** The same from validation embeddings (rows in `data.validation` order) computed elsewhere, e.g. in workers. */
export function validateEmbeddings(zu: Float32Array, zv: Float32Array, data: PairData, s: FitSettings, logScale: tf.Variable): { loss: number; r1TrajToPot: number; r1PotToTraj: number } {
  const idx = data.validation
  if (idx.length < 3) return { loss: NaN, r1TrajToPot: NaN, r1PotToTraj: NaN }
  const dim = zu.length / idx.length
  const B = Math.min(s.batch, idx.length)
  let total = 0
  let count = 0
  for (let from = 0; from + B <= idx.length; from += B, count++)
    total += tf.tidy(() => {
      const S = logitMatrix(tf.tensor2d(zu.subarray(from * dim, (from + B) * dim), [B, dim]), tf.tensor2d(zv.subarray(from * dim, (from + B) * dim), [B, dim]), s.metric, logScale)
      const kernels = s.loss === 'mmd'
        ? ([gaussianKernel(tf.tensor2d(gatherRows(data.u, data.du, idx, from, B), [B, data.du])), gaussianKernel(tf.tensor2d(gatherRows(data.v, data.dv, idx, from, B), [B, data.dv]))] as [tf.Tensor2D, tf.Tensor2D])
        : undefined
      return contrastiveLoss(S, s.loss, s.weights, kernels).dataSync()[0]
    })
  const n = Math.min(1000, idx.length)
  const r1 = recallAt1(logitsJs(zu.subarray(0, n * dim), n, zv.subarray(0, n * dim), n, dim, s.metric, temperatureOf(logScale)), n)
  return { loss: total / count, r1TrajToPot: r1.trajToPot, r1PotToTraj: r1.potToTraj }
}

function snapshot(vars: tf.Variable[]): Float32Array[] {
  return vars.map((v) => v.dataSync().slice() as Float32Array)
}
function restore(vars: tf.Variable[], values: Float32Array[]): void {
  vars.forEach((v, i) => v.assign(tf.tensor(values[i], v.shape)))
}

/** Train `net` on `data`; returns the per-epoch history and the number of optimiser steps. */
export async function fit(net: PairNet, data: PairData, s: FitSettings, ctx: JobContext, hooks: FitHooks = {}): Promise<{ history: EpochRecord[]; steps: number; finalLoss: number }> {
  const n = data.train.length
  if (n < 3) throw new Error(`need at least 3 training pairs, got ${n}`)
  const B = Math.min(s.batch, n)
  const perEpoch = Math.floor(n / B) // drop the ragged last batch: every step sees B pairs
  const total = perEpoch * s.epochs
  const warmup = Math.round(s.warmupFraction * total)
  const trainable = [...net.encU.variables, ...net.encV.variables, ...(s.learnTemperature ? [net.logScale] : [])]
  const adam = flatAdam(trainable, s, hooks.optimizerStates?.all)
  const grads = new Float32Array(adam.size)
  const history = [...(hooks.history ?? [])]
  let best = history.reduce((m, h) => Math.min(m, Number.isFinite(h.validationLoss) ? h.validationLoss : Infinity), Infinity)
  let bestWeights: Float32Array[] | undefined
  let sinceBest = 0
  const every = s.progressEvery ?? 10
  const started = Date.now()
  let step = (hooks.startEpoch ?? 0) * perEpoch
  const firstStep = step
  let lastLoss = NaN
  // batch buffers reused every step, as the workers do (the batch tensors are disposed within it): ≈ 270 kB less garbage a step
  const bu = new Float32Array(B * data.du), bv = new Float32Array(B * data.dv)
  for (let epoch = hooks.startEpoch ?? 0; epoch < s.epochs; epoch++) {
    const order = shuffled(data.train, s.seed * 1000003 + epoch)
    let sum = 0
    for (let b = 0; b < perEpoch; b++, step++) {
      throwIfCancelled(ctx.signal)
      const t0 = performance.now()
      adam.learningRate = learningRateAt(step, total, s.learningRate, warmup)
      const xu = tf.tensor2d(gatherRows(data.u, data.du, order, b * B, B, bu), [B, data.du])
      const xv = tf.tensor2d(gatherRows(data.v, data.dv, order, b * B, B, bv), [B, data.dv])
      lastLoss = gradientsInto(adam, () => batchLoss(net, xu, xv, s), grads)
      tf.dispose([xu, xv])
      adam.step(grads)
      adam.store()
      sum += lastLoss
      hooks.onStep?.(performance.now() - t0)
      if ((step + 1) % every === 0 || step + 1 === total) {
        const last = history[history.length - 1]
        const secs = (Date.now() - started) / 1000
        ctx.progress({
          done: step + 1, total, unit: 'steps', etaSeconds: etaSeconds(started, step + 1 - firstStep, total - firstStep),
          metrics: {
            epoch: epoch + 1, loss: lastLoss, temperature: temperatureOf(net.logScale), stepsPerSecond: (step + 1 - firstStep) / Math.max(secs, 1e-9),
            ...(last ? { validationLoss: last.validationLoss, r1TrajToPot: last.r1TrajToPot, r1PotToTraj: last.r1PotToTraj } : {})
          }
        })
        await new Promise((r) => setImmediate(r)) // let a cancel message arrive
      }
    }
    const val = validate(net, data, s)
    history.push({ epoch: epoch + 1, trainLoss: sum / perEpoch, validationLoss: val.loss, r1TrajToPot: val.r1TrajToPot, r1PotToTraj: val.r1PotToTraj, temperature: temperatureOf(net.logScale) })
    ctx.log(`epoch ${epoch + 1}/${s.epochs}: loss ${(sum / perEpoch).toFixed(4)}, validation ${val.loss.toFixed(4)}, R@1 ${val.r1TrajToPot.toFixed(3)}/${val.r1PotToTraj.toFixed(3)}`)
    if (Number.isFinite(val.loss) && val.loss < best) {
      best = val.loss
      bestWeights = snapshot(trainable)
      sinceBest = 0
    } else sinceBest++
    if (hooks.onEpochEnd) await hooks.onEpochEnd(epoch, history, { all: adam.state() })
    if (s.patience > 0 && sinceBest >= s.patience) {
      ctx.log(`early stop after epoch ${epoch + 1}: no better validation loss for ${s.patience} epochs`)
      break
    }
  }
  if (bestWeights) restore(trainable, bestWeights)
  return { history, steps: step, finalLoss: lastLoss }
}
