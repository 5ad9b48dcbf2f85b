/**
 * Training in worker threads, two ways. Data-parallel (any number of cores): W workers each forward 1/W of every
 * batch through both encoders, all-gather the embeddings, and all-reduce the gradients (shard-worker.ts).
 * Encoder-parallel (two cores): one worker per encoder; they swap their B×ℓ embeddings through shared memory,
 * both compute the cheap loss, and each back-propagates into its own encoder only (encoder-worker.ts). In both,
 * this thread validates after every epoch, reports progress, checkpoints, stops early and cancels.
 */
import { CancelledError, etaSeconds, type JobContext } from '../jobs/job'
import { startWorker } from '../jobs/workers'
import { currentBackend, tf } from './backend'
import { validateEmbeddings, type EpochRecord, type FitHooks } from './fit'
import type { Worker } from 'node:worker_threads'
import type { Encoder } from './encoders'
import type { EncoderWorkerInit, EpochReport, ShardWorkerInit, WorkerMessage } from './parallel-protocol'
import { ENCODER_CONTROL, SHARD_PHASES, STOP } from './parallel-protocol'
import { adamOffloadFraction } from './parallel-balance'
import { temperatureOf } from './similarity'
import type { Prepared } from './train-types'

function shared(src: Float32Array): Float32Array {
  if (src.buffer instanceof SharedArrayBuffer) return src
  const out = new Float32Array(new SharedArrayBuffer(src.byteLength))
  out.set(src)
  return out
}

/**
 * Like `fit`, with one worker per encoder (bit-identical to the one-thread loop; two threads at most). v's worker also
 * runs Adam for the first `adamOffload` (a fraction; default parallel-balance.ts) of u's parameters when u's encoder
 * is the larger; Adam is element-wise, so this moves work without changing a bit.
 */
export async function fitParallel(p: Prepared, ctx: JobContext, hooks: FitHooks = {}, options: { adamOffload?: number } = {}): Promise<FitOutcome> {
  const { data, settings: s, net } = p
  const B = Math.min(s.batch, data.train.length)
  const ell = net.encU.spec.outputDim
  const control = new Int32Array(new SharedArrayBuffer(ENCODER_CONTROL * 4))
  const exchange = new Float32Array(new SharedArrayBuffer(4 * B * ell * 4))
  // the conditional loss's forward is computed by v's worker alone (encoder-worker.ts) when it has both
  // halves; its exchange holds two B×B softmaxes per half, so very large batches compute it on both sides
  const splitLoss = s.loss === 'cond' && s.weights[0] !== 0 && s.weights[1] !== 0 && B <= 1024
  const halves = new Float32Array(new SharedArrayBuffer(splitLoss ? 4 * (B * B + 1) * 4 : 0))
  const u = shared(data.u)
  const v = shared(data.v)
  const backend = currentBackend()?.name ?? 'wasm'
  const seed = p.meta.config.seed
  const startEpoch = hooks.startEpoch ?? 0
  const Pu = net.encU.variables.reduce((a, x) => a + x.size, 0)
  const count = Math.max(0, Math.min(Pu, Math.round((options.adamOffload ?? adamOffloadFraction(net.encU.spec, net.encV.spec)) * Pu)))
  const buffer = (n: number) => new Float32Array(new SharedArrayBuffer(4 * n))
  const offload = { count, gradient: buffer(count), params: buffer(count), moments: buffer(2 * count) }
  const optimizerU = startEpoch > 0 ? hooks.optimizerStates?.u : undefined
  const base = { kind: 'encoder' as const, backend, u, du: data.du, v, dv: data.dv, train: data.train, validation: data.validation, settings: s, logScale: net.logScale.dataSync()[0], control, exchange, halves, startEpoch }
  const init = (side: 'u' | 'v'): EncoderWorkerInit => {
    const enc = side === 'u' ? net.encU : net.encV
    return {
      ...base, side, spec: enc.spec, seed: seed * 2 + (side === 'u' ? 1 : 2),
      // always ship the weights: the workers start from exactly this thread's initialisation or checkpoint
      weights: weightsOf(enc),
      offload: side === 'v' && count > 0 ? { ...offload, specU: net.encU.spec, weightsU: weightsOf(net.encU), ...(optimizerU ? { optimizerU } : {}) } : offload,
      ...(startEpoch > 0 && hooks.optimizerStates?.[side] ? { optimizer: hooks.optimizerStates[side] } : {})
    }
  }
  return orchestrate(p, ctx, hooks, [startWorker('learn-encoder', init('u')), startWorker('learn-encoder', init('v'))], control)
}

/**
 * Like `fit`, with `workers` data-parallel workers (shard-worker.ts): each forwards 1/W of every batch through both
 * encoders; the loss sees the whole batch and the gradients are summed, so it is the one-thread loop's
 * optimisation up to float rounding (bit-identical with one worker). Uses as many cores as it is given. `lastGradient`
 * (tests) receives the last step's summed gradient, in the one-thread loop's parameter order.
 */
export async function fitDataParallel(p: Prepared, ctx: JobContext, hooks: FitHooks = {}, workers = 2, lastGradient?: Float32Array): Promise<FitOutcome> {
  const { data, settings: s, net } = p
  const B = Math.min(s.batch, data.train.length)
  const W = Math.max(1, Math.min(workers, Math.floor(B / 2)))
  const P = [...net.encU.variables, ...net.encV.variables].reduce((a, x) => a + x.size, s.learnTemperature ? 1 : 0)
  const control = new Int32Array(new SharedArrayBuffer(3 * 4))
  const profile = new Float64Array(new SharedArrayBuffer(W * SHARD_PHASES.length * 8))
  const base = {
    kind: 'shard' as const, workers: W, backend: currentBackend()?.name ?? 'wasm', specU: net.encU.spec, specV: net.encV.spec,
    weightsU: weightsOf(net.encU), weightsV: weightsOf(net.encV), u: shared(data.u), du: data.du, v: shared(data.v), dv: data.dv,
    train: data.train, validation: data.validation, settings: s, logScale: net.logScale.dataSync()[0], control,
    embeddings: new Float32Array(new SharedArrayBuffer(2 * B * net.encU.spec.outputDim * 4)),
    gradients: new Float32Array(new SharedArrayBuffer(W * P * 4)),
    state: new Float32Array(new SharedArrayBuffer(3 * P * 4)),
    partials: new Float32Array(new SharedArrayBuffer(W * B * net.encU.spec.outputDim * 4)),
    columns: new Float32Array(new SharedArrayBuffer(W * 2 * B * 4)),
    losses: new Float64Array(new SharedArrayBuffer(W * 8)),
    profile,
    startEpoch: hooks.startEpoch ?? 0,
    ...(hooks.startEpoch && hooks.optimizerStates?.all ? { optimizer: hooks.optimizerStates.all } : {})
  }
  const outcome = await orchestrate(p, ctx, { ...hooks, onStep: hooks.onStep && ((ms, waitMs) => hooks.onStep!(ms, waitMs, { phases: SHARD_PHASES, perRank: profile })) }, Array.from({ length: W }, (_, rank) => startWorker('learn-encoder', { ...base, rank } satisfies ShardWorkerInit)), control)
  lastGradient?.set(base.gradients.subarray(0, P)) // the reduce-scatter leaves the sum in rank 0's slot
  return outcome
}

type FitOutcome = { history: EpochRecord[]; steps: number; finalLoss: number }
const weightsOf = (enc: Encoder) => enc.variables.map((x) => x.dataSync().slice() as Float32Array)

/** Drive started workers to the end: progress, validation after every epoch (from their merged reports), checkpoints, early stop, cancel. */
async function orchestrate(p: Prepared, ctx: JobContext, hooks: FitHooks, list: Worker[], control: Int32Array): Promise<FitOutcome> {
  const { data, settings: s, net } = p
  const n = data.train.length
  const B = Math.min(s.batch, n)
  const perEpoch = Math.floor(n / B)
  const total = perEpoch * s.epochs
  const startEpoch = hooks.startEpoch ?? 0
  const history = [...(hooks.history ?? [])]
  let best = history.reduce((m, h) => Math.min(m, Number.isFinite(h.validationLoss) ? h.validationLoss : Infinity), Infinity)
  let bestWeights: { u: Float32Array[]; v: Float32Array[]; logScale: number } | undefined
  let sinceBest = 0
  let step = startEpoch * perEpoch
  let lastLoss = NaN
  const started = Date.now()
  const every = s.progressEvery ?? 10
  const stopAll = () => {
    Atomics.store(control, STOP, 1)
    for (let i = 0; i < control.length; i++) Atomics.notify(control, i)
  }
  const onAbort = () => stopAll()
  ctx.signal.addEventListener('abort', onAbort)

  try {
    await new Promise<void>((resolve, reject) => {
      const pending = new Map<number, EpochReport>()
      const finished = new Set<number>()
      let failed = false
      const fail = (err: Error) => {
        if (failed) return
        failed = true
        stopAll()
        reject(err)
      }
      const finish = (rank: number, cancelled: boolean) => {
        finished.add(rank)
        if (cancelled && !failed) fail(new CancelledError())
        else if (finished.size === list.length && !failed) resolve()
      }
      const onEpoch = async () => {
        const reports = [...pending.values()]
        pending.clear()
        const merged = <K extends 'embeddings' | 'weights' | 'optimizer'>(key: K) => Object.assign({}, ...reports.map((r) => r[key])) as EpochReport[K]
        const m = { ...reports[0]!, embeddings: merged('embeddings'), weights: merged('weights'), optimizer: merged('optimizer') }
        const weights = { u: m.weights.u!, v: m.weights.v! }
        net.encU.variables.forEach((x, i) => x.assign(tf.tensor(weights.u[i], x.shape)))
        net.encV.variables.forEach((x, i) => x.assign(tf.tensor(weights.v[i], x.shape)))
        net.logScale.assign(tf.scalar(m.logScale))
        const val = validateEmbeddings(m.embeddings.u!, m.embeddings.v!, data, s, net.logScale)
        const epoch = m.epoch
        history.push({ epoch: epoch + 1, trainLoss: m.trainLoss, validationLoss: val.loss, r1TrajToPot: val.r1TrajToPot, r1PotToTraj: val.r1PotToTraj, temperature: temperatureOf(net.logScale) })
        ctx.log(`epoch ${epoch + 1}/${s.epochs}: loss ${m.trainLoss.toFixed(4)}, validation ${val.loss.toFixed(4)}, R@1 ${val.r1TrajToPot.toFixed(3)}/${val.r1PotToTraj.toFixed(3)}`)
        if (Number.isFinite(val.loss) && val.loss < best) {
          best = val.loss
          bestWeights = { ...weights, logScale: m.logScale }
          sinceBest = 0
        } else sinceBest++
        if (hooks.onEpochEnd) await hooks.onEpochEnd(epoch, history, m.optimizer)
        const stop = (s.patience > 0 && sinceBest >= s.patience) || ctx.signal.aborted
        if (stop && !ctx.signal.aborted) ctx.log(`early stop after epoch ${epoch + 1}: no better validation loss for ${s.patience} epochs`)
        if (ctx.signal.aborted) return fail(new CancelledError())
        for (const w of list) w.postMessage({ type: stop ? 'stop' : 'continue' })
      }
      list.forEach((w, side) => {
        w.on('message', (m: WorkerMessage) => {
          if (m.type === 'step') {
            step = m.step
            lastLoss = m.loss
            hooks.onStep?.(m.ms, m.waitMs)
            if (step % every === 0 || step === total) {
              const last = history[history.length - 1]
              const secs = (Date.now() - started) / 1000
              ctx.progress({
                done: step, total, unit: 'steps', etaSeconds: etaSeconds(started, step - startEpoch * perEpoch, total - startEpoch * perEpoch),
                metrics: {
                  epoch: Math.floor((step - 1) / perEpoch) + 1, loss: m.loss, temperature: m.temperature, stepsPerSecond: (step - startEpoch * perEpoch) / Math.max(secs, 1e-9),
                  ...(last ? { validationLoss: last.validationLoss, r1TrajToPot: last.r1TrajToPot, r1PotToTraj: last.r1PotToTraj } : {})
                }
              })
            }
          } else if (m.type === 'epoch') {
            pending.set(side, m)
            if (pending.size === list.length) onEpoch().catch((err: unknown) => fail(err as Error))
          } else if (m.type === 'done') finish(side, false)
          else if (m.type === 'cancelled') finish(side, true)
          else if (m.type === 'error') fail(new Error(`training worker ${side} failed: ${m.message}`))
        })
        w.on('error', (err) => fail(err))
        w.on('exit', (code) => {
          if (!finished.has(side) && !failed) fail(new Error(`training worker ${side} exited with code ${code}`))
        })
      })
    })
  } finally {
    ctx.signal.removeEventListener('abort', onAbort)
    stopAll()
    await Promise.all(list.map((w) => w.terminate()))
  }
  if (bestWeights) {
    const bw = bestWeights
    net.encU.variables.forEach((x, i) => x.assign(tf.tensor(bw.u[i], x.shape)))
    net.encV.variables.forEach((x, i) => x.assign(tf.tensor(bw.v[i], x.shape)))
    net.logScale.assign(tf.scalar(bw.logScale))
  }
  return { history, steps: step, finalLoss: lastLoss }
}
