/**
 * One side of encoder-parallel training (runs in its own worker thread): forwards its encoder, swaps
 * the B×ℓ embeddings with the other side through shared memory, computes the (cheap) loss on both,
 * and back-propagates and updates only its own encoder. Both sides update identical temperature copies.
 */
import { tf, initBackend } from './backend'
import { buildEncoder } from './encoders'
import { normalizeRows } from './dense'
import { embedRows, flatAdam, gatherRows, gradientsInto } from './fit'
import { readInto } from './adam'
import { condHalf, condOp, contrastiveLoss, gaussianKernel, type CondHalf, type CondHalves } from './losses'
import type { EncoderWorkerInit, EpochReport, OrchestratorMessage, WorkerInitBase, WorkerMessage } from './parallel-protocol'
import type { FlatAdam } from './adam'
import { GRAD_U, HALF_V, MOMENTS_V, PARAMS_V, SEQ_U, SEQ_V, STOP } from './parallel-protocol'
import { shuffled } from './random'
import { learningRateAt } from './schedule'
import { logitMatrix, temperatureOf } from './similarity'

/** Thrown out of a wait when the orchestrator sets control[STOP]. */
export class Stopped extends Error {}

/** The mmd loss's Gaussian kernels of the whole batch (rows order[from .. from+B) of both inputs); undefined for other losses. */
export function batchKernels(init: WorkerInitBase, order: Int32Array, from: number, B: number): [tf.Tensor2D, tf.Tensor2D] | undefined {
  if (init.settings.loss !== 'mmd') return undefined
  return [gaussianKernel(tf.tensor2d(gatherRows(init.u, init.du, order, from, B), [B, init.du])), gaussianKernel(tf.tensor2d(gatherRows(init.v, init.dv, order, from, B), [B, init.dv]))]
}

/** Spin-free wait until control[at] ≥ target (or stop). */
export function waitFor(c: Int32Array, at: number, target: number): void {
  for (let seen = Atomics.load(c, at); seen < target; seen = Atomics.load(c, at)) {
    if (Atomics.load(c, STOP)) throw new Stopped()
    Atomics.wait(c, at, seen, 50)
  }
}

/** Run the whole training for one side; `post` sends to the orchestrator, `next` awaits its reply. */
export async function runEncoderSide(init: EncoderWorkerInit, post: (m: WorkerMessage, transfer?: ArrayBuffer[]) => void, next: () => Promise<OrchestratorMessage>): Promise<void> {
  await initBackend(init.backend)
  const s = init.settings
  const own = init.side === 'u' ? { x: init.u, d: init.du } : { x: init.v, d: init.dv }
  const enc = buildEncoder(init.spec, init.seed)
  if (init.weights) enc.variables.forEach((v, i) => v.assign(tf.tensor(init.weights![i], v.shape)))
  const logScale = tf.variable(tf.scalar(init.logScale), s.learnTemperature)
  const trainable = [...enc.variables, ...(s.learnTemperature ? [logScale] : [])]
  const adam = flatAdam(trainable, s, init.optimizer)
  const grads = new Float32Array(adam.size)
  const B = Math.min(s.batch, init.train.length)
  const ell = init.spec.outputDim
  const me = init.side === 'u' ? SEQ_U : SEQ_V
  const other = init.side === 'u' ? SEQ_V : SEQ_U
  const c = init.control
  const slot = (side: number, step: number) => (side * 2 + (step % 2)) * B * ell

  /** Publish my embeddings for `step`, wait for the other side's, return them. */
  let waited = 0
  const swap = (z: Float32Array, step: number): Float32Array => {
    const w0 = performance.now()
    init.exchange.set(z, slot(me, step))
    Atomics.store(c, me, step + 1)
    Atomics.notify(c, me)
    waitFor(c, other, step + 1)
    waited = performance.now() - w0
    // a view, not a copy: tensor2d copies it into wasm memory at once, and the other side rewrites this
    // slot only two steps later (after it has seen my next publication)
    return init.exchange.subarray(slot(other, step), slot(other, step) + B * ell)
  }

  // The conditional loss's forward: v (the smaller encoder) computes both halves, the row softmax (v | u) and the
  // column softmax (u | v), and publishes their Σ lse and softmaxes, which u reads (the same ops as one thread, so
  // the same bits) instead of computing them: u is the busier worker. (Until 2026-12-03 each computed one half and
  // read the other's; measured in the learn README.)
  const halfSize = 1 + B * B
  const halfSlot = (half: number, k: number) => (half * 2 + (k % 2)) * halfSize // half 0 rows, 1 columns
  const publish = (h: CondHalf, half: number) => {
    const out = init.halves.subarray(halfSlot(half, step), halfSlot(half, step) + halfSize)
    readInto(h.lseSum, out.subarray(0, 1))
    readInto(h.probs, out.subarray(1))
  }
  const read = (half: number): CondHalf => {
    const from = halfSlot(half, step)
    return { lseSum: tf.scalar(init.halves[from]), probs: tf.tensor2d(init.halves.subarray(from + 1, from + halfSize), [B, B]) }
  }
  const splitHalves: CondHalves = (S) => {
    if (init.side === 'u') {
      waitFor(c, HALF_V, step + 1)
      return { rows: read(0), cols: read(1) }
    }
    const both = { rows: condHalf(S, 'rows'), cols: condHalf(S, 'cols') }
    publish(both.rows, 0)
    publish(both.cols, 1)
    Atomics.store(c, HALF_V, step + 1)
    Atomics.notify(c, HALF_V)
    return both
  }
  const split = init.halves.length > 0 ? condOp(s.weights[0], s.weights[1], splitHalves) : undefined

  // The Adam offload: v updates the first `a` of u's flat parameters (its own FlatAdam over a copy of u's variables,
  // in u's layout, of which it uses that slice), so u, the busier worker, steps only the rest (adam.ts: element-wise,
  // the same bits wherever it runs). Order: u publishes the slice's gradient, steps the rest, waits for the slice;
  // v, which finishes its backward first, updates the slice before its own Adam.
  const a = init.offload.count
  const adamU = init.side === 'v' && a > 0 ? (() => {
    const copy = buildEncoder(init.offload.specU!, 0)
    copy.variables.forEach((x, i) => x.assign(tf.tensor(init.offload.weightsU![i]!, x.shape)))
    return flatAdam([...copy.variables, ...(s.learnTemperature ? [logScale] : [])], s, init.offload.optimizerU)
  })() : undefined
  const offloadStep = (k: number) => {
    if (init.side === 'u' && a > 0) {
      init.offload.gradient.set(grads.subarray(0, a))
      Atomics.store(c, GRAD_U, k + 1)
      Atomics.notify(c, GRAD_U)
      adam.step(grads, a, adam.size)
      const w0 = performance.now()
      waitFor(c, PARAMS_V, k + 1)
      waited += performance.now() - w0
      adam.buffers.params.set(init.offload.params)
    } else if (adamU) {
      waitFor(c, GRAD_U, k + 1)
      adamU.learningRate = adam.learningRate
      adamU.step(init.offload.gradient, 0, a)
      init.offload.params.set(adamU.buffers.params.subarray(0, a))
      Atomics.store(c, PARAMS_V, k + 1)
      Atomics.notify(c, PARAMS_V)
      adam.step(grads)
    } else adam.step(grads)
  }
  /** The Adam state for the epoch report: u's with the slice's moments from v. */
  const optimizerState = (epoch: number) => {
    if (adamU) {
      init.offload.moments.set(adamU.buffers.m.subarray(0, a))
      init.offload.moments.set(adamU.buffers.v.subarray(0, a), a)
      Atomics.store(c, MOMENTS_V, epoch + 1)
      Atomics.notify(c, MOMENTS_V)
    } else if (init.side === 'u' && a > 0) {
      waitFor(c, MOMENTS_V, epoch + 1)
      adam.buffers.m.set(init.offload.moments.subarray(0, a))
      adam.buffers.v.set(init.offload.moments.subarray(a))
    }
    return adam.state()
  }

  const batch = new Float32Array(B * own.d) // reused every step: less garbage, fewer GC pauses at the barrier
  const cosine = s.metric === 'cosine'
  const metric = cosine ? 'dot' : s.metric
  let step = 0
  await runEpochs(init, adam, logScale, {
    reportsSteps: init.side === 'u',
    waited: () => waited,
    step: (order, from, k) => {
      step = k
      const x = tf.tensor2d(gatherRows(own.x, own.d, order, from, B, batch), [B, own.d])
      const kernels = batchKernels(init, order, from, B)
      const value = gradientsInto(adam, () => {
        // cosine: the sides swap unit-normalised rows and take their dot products (similarity.ts's cosine logits
        // exactly, op for op), so neither normalises the other's rows again (≈ 0.08–0.13 CPU-ms per step each)
        const z = cosine ? normalizeRows(enc.apply(x)) : enc.apply(x)
        const zo = tf.tensor2d(swap(z.dataSync() as Float32Array, step), [B, ell])
        const S = init.side === 'u' ? logitMatrix(z, zo, metric, logScale) : logitMatrix(zo, z, metric, logScale)
        return split ? split(S) : contrastiveLoss(S, s.loss, s.weights, kernels)
      }, grads)
      tf.dispose([x, ...(kernels ?? [])])
      offloadStep(k)
      adam.store()
      return value
    },
    report: (epoch, trainLoss) => ({
      type: 'epoch', epoch, trainLoss, embeddings: { [init.side]: embedRows(enc, own.x, own.d, init.validation) },
      weights: { [init.side]: enc.variables.map((v) => v.dataSync().slice() as Float32Array) }, logScale: logScale.dataSync()[0], optimizer: { [init.side]: optimizerState(epoch) }
    })
  }, post, next)
}

/** What a worker does each step and after each epoch (runEpochs drives it). */
export interface WorkerSteps {
  /** One optimiser step on the batch order[from .. from + B) as global step `step`; returns its loss. */
  step(order: Int32Array, from: number, step: number): number
  report(epoch: number, trainLoss: number): EpochReport
  /** Whether this worker posts the per-step progress (one worker does), and its last barrier wait in ms. */
  reportsSteps: boolean
  waited(): number
}

/** The workers' epoch loop: shuffled batches, stop checks, the learning-rate schedule, progress, the epoch reports, done or cancelled. */
export async function runEpochs(init: WorkerInitBase, adam: FlatAdam, logScale: tf.Variable, w: WorkerSteps, post: (m: WorkerMessage) => void, next: () => Promise<OrchestratorMessage>): Promise<void> {
  const s = init.settings
  const n = init.train.length
  const B = Math.min(s.batch, n)
  const perEpoch = Math.floor(n / B)
  const total = perEpoch * s.epochs
  const warmup = Math.round(s.warmupFraction * total)
  let step = init.startEpoch * perEpoch
  try {
    for (let epoch = init.startEpoch; epoch < s.epochs; epoch++) {
      const order = shuffled(init.train, s.seed * 1000003 + epoch)
      let sum = 0
      for (let b = 0; b < perEpoch; b++, step++) {
        if (Atomics.load(init.control, STOP)) throw new Stopped()
        const t0 = performance.now()
        adam.learningRate = learningRateAt(step, total, s.learningRate, warmup)
        const loss = w.step(order, b * B, step)
        sum += loss
        if (w.reportsSteps) post({ type: 'step', step: step + 1, loss, temperature: temperatureOf(logScale), ms: performance.now() - t0, waitMs: w.waited() })
      }
      post(w.report(epoch, sum / perEpoch))
      if ((await next()).type === 'stop') break
    }
    post({ type: 'done' })
  } catch (err) {
    if (err instanceof Stopped) post({ type: 'cancelled' })
    else throw err
  }
}
