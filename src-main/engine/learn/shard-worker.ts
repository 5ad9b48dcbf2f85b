/**
 * One worker of data-parallel training (runs in its own worker thread, W of them): each holds both encoders and
 * forwards its shard of every batch; the workers all-gather the embeddings through shared memory so each computes
 * the loss of the whole batch, back-propagate it into their own rows only, and all-reduce the partial gradients
 * (reduce-scatter in rank order): each rank sums one slice of the parameters and runs Adam on it (in wasm, adam.ts),
 * publishes the updated slice in shared memory, and every rank loads the whole updated parameters (all-gather), so
 * the copies stay identical.
 *
 * The conditional losses (the paper's, and the default) are split by rows too (shard-loss.ts): each worker computes
 * its rows of the B×B logits, so the loss's cost per worker falls as 1/W. The other losses (joint, mmd) are computed
 * whole by every worker, from the all-gathered embeddings (below), as is every loss with one worker (which is then
 * the one-thread loop bit for bit).
 *
 * Why the gradient is exact (whole loss): L depends on the batch only through z = [z_1; …; z_W]; worker r computes L
 * with the other shards' rows as constants, so its gradient is ∂L/∂z_r · ∂z_r/∂θ, and Σ_r of these is dL/dθ. The
 * temperature enters L directly, so every worker already has its whole gradient (not summed). With the split loss
 * each worker's share of the temperature's gradient is partial and they are summed like the others.
 */
import { tf, initBackend } from './backend'
import { buildEncoder, type Encoder } from './encoders'
import { readInto } from './adam'
import { embedRows, flatAdam, gatherRows } from './fit'
import { batchKernels, runEpochs, waitFor } from './encoder-worker'
import { contrastiveLoss } from './losses'
import type { EpochReport, OrchestratorMessage, ShardWorkerInit, WorkerMessage } from './parallel-protocol'
import { ARRIVED, SHARD_PHASES } from './parallel-protocol'
import { logitMatrix } from './similarity'
import { shardedCondLoss } from './shard-loss'

const phase = (name: (typeof SHARD_PHASES)[number]) => SHARD_PHASES.indexOf(name)

/** Rows [from, to) of a batch of B that worker `rank` of W forwards. */
export function shardRows(B: number, workers: number, rank: number): [number, number] {
  return [Math.floor((rank * B) / workers), Math.floor(((rank + 1) * B) / workers)]
}

/** Run the whole training for one rank; `post` sends to the orchestrator, `next` awaits its reply. */
export async function runShard(init: ShardWorkerInit, post: (m: WorkerMessage) => void, next: () => Promise<OrchestratorMessage>): Promise<void> {
  await initBackend(init.backend)
  const s = init.settings
  const W = init.workers
  const withWeights = (spec: ShardWorkerInit['specU'], weights: Float32Array[]): Encoder => {
    const enc = buildEncoder(spec, 0)
    enc.variables.forEach((v, i) => v.assign(tf.tensor(weights[i], v.shape)))
    return enc
  }
  const encU = withWeights(init.specU, init.weightsU)
  const encV = withWeights(init.specV, init.weightsV)
  const logScale = tf.variable(tf.scalar(init.logScale), s.learnTemperature)
  const trainable = [...encU.variables, ...encV.variables, ...(s.learnTemperature ? [logScale] : [])] // the one-thread loop's order (fit.ts)
  const P = init.state.length / 3
  // Adam runs in wasm on each rank's own copy (adam.ts), of which it updates its slice only; the shared buffers carry
  // the updated slices to every rank each step, and the moments to rank 0 for its epoch report (checkpoints)
  const shared = { params: init.state.subarray(0, P), m: init.state.subarray(P, 2 * P), v: init.state.subarray(2 * P) }
  const adam = flatAdam(trainable, s, init.optimizer)
  if (adam.size !== P) throw new Error(`data-parallel worker: ${adam.size} parameters, shared buffers for ${P}`)
  const B = Math.min(s.batch, init.train.length)
  const ell = encU.spec.outputDim
  const [lo, hi] = shardRows(B, W, init.rank)
  const c = init.control
  const mine = init.gradients.subarray(init.rank * P, (init.rank + 1) * P)
  const [c0, c1] = shardRows(P, W, init.rank) // the slice of the parameters this rank sums and updates

  const splitLoss = W > 1 && ['cond', 'cond-u', 'cond-v'].includes(s.loss)
  // the profile: time since the last lap goes to one phase; the barriers of a step come in a fixed order, each
  // after a known phase (the split loss adds two inside the loss and its backward)
  const profile = init.profile.subarray(init.rank * SHARD_PHASES.length, (init.rank + 1) * SHARD_PHASES.length)
  let last = 0
  const lap = (k: number) => {
    const now = performance.now()
    profile[k] += now - last
    last = now
  }
  const exchangesColumns = splitLoss && s.weights[0] !== 0 // the split loss's column sums (its u | v half)
  const barriers = (splitLoss ? ['forward', ...(exchangesColumns ? ['loss'] as const : []), 'backward', 'read gradients', 'reduce + Adam'] as const : ['forward', 'read gradients', 'reduce + Adam'] as const)
    .map((before) => [phase(before), phase(before) + 1] as const)
  let nth = 0
  let arrivals = 0
  let waited = 0
  /** Wait until every rank has arrived here. */
  const arrive = () => {
    arrivals += W
    if (Atomics.add(c, ARRIVED, 1) + 1 === arrivals) Atomics.notify(c, ARRIVED)
    waitFor(c, ARRIVED, arrivals)
  }
  /** The step's next barrier, profiled. */
  const barrier = () => {
    const [before, wait] = barriers[nth++]!
    lap(before)
    const w0 = performance.now()
    arrive()
    waited += performance.now() - w0
    lap(wait)
  }
  /** The whole batch's embeddings at `at` in the shared buffer, with this rank's rows the (taped) tensor `own`. */
  const gathered = (own: tf.Tensor2D, at: number): tf.Tensor2D => {
    const rows = (from: number, to: number) => tf.tensor2d(init.embeddings.subarray(at + from * ell, at + to * ell), [to - from, ell])
    return tf.concat([...(lo > 0 ? [rows(0, lo)] : []), own, ...(hi < B ? [rows(hi, B)] : [])])
  }

  const sharded = splitLoss
    ? shardedCondLoss({ rank: init.rank, workers: W, B, lo, hi, gathered: init.embeddings.subarray(B * ell), partials: init.partials, columns: init.columns, barrier }, s.metric, s.weights, ell)
    : undefined
  const bu = new Float32Array((hi - lo) * init.du)
  const bv = new Float32Array((hi - lo) * init.dv)
  await runEpochs(init, adam, logScale, {
    reportsSteps: init.rank === 0,
    waited: () => waited,
    step: (order, from) => {
      waited = 0
      nth = 0
      last = performance.now()
      const xu = tf.tensor2d(gatherRows(init.u, init.du, order, from + lo, hi - lo, bu), [hi - lo, init.du])
      const xv = tf.tensor2d(gatherRows(init.v, init.dv, order, from + lo, hi - lo, bv), [hi - lo, init.dv])
      const kernels = batchKernels(init, order, from, B)
      lap(phase('inputs'))
      const { value, grads } = tf.variableGrads(() => {
        const zu = encU.apply(xu)
        const zv = encV.apply(xv)
        let L: tf.Scalar
        if (sharded) L = sharded(zu, zv, logScale)
        else {
          readInto(zu, init.embeddings.subarray(lo * ell, hi * ell))
          readInto(zv, init.embeddings.subarray((B + lo) * ell, (B + hi) * ell))
          barrier() // all-gather: every rank's rows are in place
          L = contrastiveLoss(logitMatrix(gathered(zu, 0), gathered(zv, B * ell), s.metric, logScale), s.loss, s.weights, kernels)
        }
        lap(phase('loss'))
        return L
      }, adam.variables)
      lap(phase('backward'))
      adam.readGradients(grads, mine)
      const loss = value.dataSync()[0]
      tf.dispose([value, ...Object.values(grads), xu, xv, ...(kernels ?? [])])
      if (s.learnTemperature && init.rank > 0 && !sharded) mine[P - 1] = 0 // the whole loss's temperature gradient is in every rank: count it once
      init.losses[init.rank] = loss
      barrier() // every partial gradient is in place (and every rank has read the embeddings)
      // the split loss's shares sum to the loss (in rank order, the same in every rank)
      let total = loss
      if (sharded) {
        total = 0
        for (let r = 0; r < W; r++) total += init.losses[r]!
      }
      // reduce-scatter: this rank's slice of the gradient summed over the ranks (in rank order), then Adam on the slice
      adam.stepSummed(init.gradients, W, c0, c1)
      shared.params.set(adam.buffers.params.subarray(c0, c1), c0)
      barrier() // every slice is updated
      adam.store(shared.params)
      lap(phase('store parameters'))
      return total
    },
    report: (epoch, trainLoss): EpochReport => {
      const lead = init.rank === 0
      // rank 0 reports the whole Adam state: every rank's slice of the moments goes through the shared buffers
      const own = adam.buffers
      shared.m.set(own.m.subarray(c0, c1), c0)
      shared.v.set(own.v.subarray(c0, c1), c0)
      arrive()
      if (lead) {
        own.m.set(shared.m)
        own.v.set(shared.v)
        own.params.set(shared.params)
      }
      return {
        type: 'epoch', epoch, trainLoss,
        embeddings: lead ? { u: embedRows(encU, init.u, init.du, init.validation), v: embedRows(encV, init.v, init.dv, init.validation) } : {},
        weights: lead ? { u: encU.variables.map((v) => v.dataSync().slice() as Float32Array), v: encV.variables.map((v) => v.dataSync().slice() as Float32Array) } : {},
        logScale: logScale.dataSync()[0], optimizer: lead ? { all: adam.state() } : {}
      }
    }
  }, post, next)
}
