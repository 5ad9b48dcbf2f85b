/**
 * Encoder-parallel training on both cores: one worker thread per encoder (u and v). Each step the
 * workers swap their B×ℓ embeddings through shared memory, both compute the cheap loss, and each
 * back-propagates into its own encoder only — no parameter gradients are exchanged. This thread
 * validates after every epoch, reports progress, checkpoints, stops early and cancels.
 */
import { CancelledError, etaSeconds, type JobContext } from '../jobs/job'
import { startWorker } from '../jobs/workers'
import { currentBackend, tf } from './backend'
import { validateEmbeddings, type EpochRecord, type FitHooks } from './fit'
import type { EncoderWorkerInit, WorkerMessage } from './parallel-protocol'
import { STOP } from './parallel-protocol'
import { temperatureOf } from './similarity'
import type { Prepared } from './train-types'

function shared(src: Float32Array): Float32Array {
  if (src.buffer instanceof SharedArrayBuffer) return src
  const out = new Float32Array(new SharedArrayBuffer(src.byteLength))
  out.set(src)
  return out
}

type EpochMsg = Extract<WorkerMessage, { type: 'epoch' }>

/** Like `fit`, with one worker per encoder; leaves the (best) weights in `p.net`. */
export async function fitParallel(p: Prepared, ctx: JobContext, hooks: FitHooks = {}): Promise<{ history: EpochRecord[]; steps: number; finalLoss: number }> {
  const { data, settings: s, net } = p
  const n = data.train.length
  const B = Math.min(s.batch, n)
  const perEpoch = Math.floor(n / B)
  const total = perEpoch * s.epochs
  const startEpoch = hooks.startEpoch ?? 0
  const ell = net.encU.spec.outputDim
  const control = new Int32Array(new SharedArrayBuffer(5 * 4))
  const exchange = new Float32Array(new SharedArrayBuffer(4 * B * ell * 4))
  // the conditional loss's forward is split between the workers (encoder-worker.ts) when it has both
  // halves; its exchange holds two B×B softmaxes per side, so very large batches compute it on both sides
  const splitLoss = s.loss === 'cond' && s.weights[0] !== 0 && s.weights[1] !== 0 && B <= 1024
  const halves = new Float32Array(new SharedArrayBuffer(splitLoss ? 4 * (B * B + 1) * 4 : 0))
  const u = shared(data.u)
  const v = shared(data.v)
  const backend = currentBackend()?.name ?? 'wasm'
  const seed = p.meta.config.seed
  const base = { backend, u, du: data.du, v, dv: data.dv, train: data.train, validation: data.validation, settings: s, logScale: net.logScale.dataSync()[0], control, exchange, halves, startEpoch }
  const resuming = startEpoch > 0
  const init = (side: 'u' | 'v'): EncoderWorkerInit => {
    const enc = side === 'u' ? net.encU : net.encV
    return {
      ...base, side, spec: enc.spec, seed: seed * 2 + (side === 'u' ? 1 : 2),
      // always ship the weights: the workers start from exactly this thread's initialisation or checkpoint
      weights: enc.variables.map((x) => x.dataSync().slice() as Float32Array),
      ...(resuming && hooks.optimizerStates?.[side] ? { optimizer: hooks.optimizerStates[side] } : {})
    }
  }
  const workers = { u: startWorker('learn-encoder', init('u')), v: startWorker('learn-encoder', init('v')) }
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
      const pending: Partial<Record<'u' | 'v', EpochMsg>> = {}
      const finished = new Set<string>()
      let failed = false
      const fail = (err: Error) => {
        if (failed) return
        failed = true
        stopAll()
        reject(err)
      }
      const finish = (side: string, cancelled: boolean) => {
        finished.add(side)
        if (cancelled && !failed) fail(new CancelledError())
        else if (finished.size === 2 && !failed) resolve()
      }
      const onEpoch = async () => {
        const mu = pending.u!
        const mv = pending.v!
        delete pending.u
        delete pending.v
        net.encU.variables.forEach((x, i) => x.assign(tf.tensor(mu.weights[i], x.shape)))
        net.encV.variables.forEach((x, i) => x.assign(tf.tensor(mv.weights[i], x.shape)))
        net.logScale.assign(tf.scalar(mu.logScale))
        const val = validateEmbeddings(mu.embeddings, mv.embeddings, data, s, net.logScale)
        const epoch = mu.epoch
        history.push({ epoch: epoch + 1, trainLoss: mu.trainLoss, validationLoss: val.loss, r1TrajToPot: val.r1TrajToPot, r1PotToTraj: val.r1PotToTraj, temperature: temperatureOf(net.logScale) })
        ctx.log(`epoch ${epoch + 1}/${s.epochs}: loss ${mu.trainLoss.toFixed(4)}, validation ${val.loss.toFixed(4)}, R@1 ${val.r1TrajToPot.toFixed(3)}/${val.r1PotToTraj.toFixed(3)}`)
        if (Number.isFinite(val.loss) && val.loss < best) {
          best = val.loss
          bestWeights = { u: mu.weights, v: mv.weights, logScale: mu.logScale }
          sinceBest = 0
        } else sinceBest++
        if (hooks.onEpochEnd) await hooks.onEpochEnd(epoch, history, { u: mu.optimizer, v: mv.optimizer })
        const stop = (s.patience > 0 && sinceBest >= s.patience) || ctx.signal.aborted
        if (stop && !ctx.signal.aborted) ctx.log(`early stop after epoch ${epoch + 1}: no better validation loss for ${s.patience} epochs`)
        if (ctx.signal.aborted) return fail(new CancelledError())
        workers.u.postMessage({ type: stop ? 'stop' : 'continue' })
        workers.v.postMessage({ type: stop ? 'stop' : 'continue' })
      }
      for (const side of ['u', 'v'] as const) {
        const w = workers[side]
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
            pending[side] = m
            if (pending.u && pending.v) onEpoch().catch((err: unknown) => fail(err as Error))
          } else if (m.type === 'done') finish(side, false)
          else if (m.type === 'cancelled') finish(side, true)
          else if (m.type === 'error') fail(new Error(`${side} encoder worker failed: ${m.message}`))
        })
        w.on('error', (err) => fail(err))
        w.on('exit', (code) => {
          if (!finished.has(side) && !failed) fail(new Error(`${side} encoder worker exited with code ${code}`))
        })
      }
    })
  } finally {
    ctx.signal.removeEventListener('abort', onAbort)
    stopAll()
    await Promise.all([workers.u.terminate(), workers.v.terminate()])
  }
  if (bestWeights) {
    const bw = bestWeights
    net.encU.variables.forEach((x, i) => x.assign(tf.tensor(bw.u[i], x.shape)))
    net.encV.variables.forEach((x, i) => x.assign(tf.tensor(bw.v[i], x.shape)))
    net.logScale.assign(tf.scalar(bw.logScale))
  }
  return { history, steps: step, finalLoss: lastLoss }
}
