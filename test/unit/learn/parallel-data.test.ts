import { beforeAll, describe, expect, it } from 'vitest'
import { silentContext } from '../../../src-main/engine/jobs/job'
import { initBackend, tf } from '../../../src-main/engine/learn/backend'
import { batchLoss, fit, flatAdam, gatherRows, gradientsInto } from '../../../src-main/engine/learn/fit'
import { shuffled } from '../../../src-main/engine/learn/random'
import { fitDataParallel } from '../../../src-main/engine/learn/parallel'
import { shardRows } from '../../../src-main/engine/learn/shard-worker'
import { prepareTraining, trainingPlan } from '../../../src-main/engine/learn/train'
import type { TrainConfigInput } from '../../../src-main/shared/training'
import { epochSnapshots, type EpochSnapshot } from './checkpoints'
import { syntheticDataset } from './synthetic'

beforeAll(async () => {
  await initBackend('wasm')
})

// learned temperature: its gradient is the one quantity every worker already has whole (not summed)
const config: TrainConfigInput = { dim: 8, widths: [32], batch: 32, learningRate: 3e-3, warmupFraction: 0.1, epochs: 2, patience: 0, learnTemperature: true }
const ds = syntheticDataset({ pairs: 300 })

async function weightsAfter(train: (p: ReturnType<typeof prepareTraining>) => Promise<{ history: { trainLoss: number; validationLoss: number; temperature: number }[] }>) {
  const p = prepareTraining(ds, config)
  const r = await train(p)
  return { history: r.history, weights: [...p.net.encU.variables, ...p.net.encV.variables].map((v) => Array.from(v.dataSync())) }
}

describe('trainingPlan', () => {
  it('uses one worker per encoder on two cores, one data-parallel worker per core (≥ 32 rows each) beyond, one thread when busy or short', () => {
    const kind = (...a: Parameters<typeof trainingPlan>) => { const p = trainingPlan(...a); return p.kind === 'data' ? `data ${p.workers}` : p.kind }
    expect(kind('auto', 500, 2, 0.5, 128, true)).toBe('encoders')
    expect(kind('auto', 500, 16, 2, 128, true)).toBe('data 4') // 128 / 32 rows
    expect(kind('auto', 500, 16, 2, 256, true)).toBe('data 8')
    expect(kind('auto', 500, 4, 2, 256, true)).toBe('data 4')
    expect(kind('auto', 500, 8, 2, 256, false)).toBe('data 8') // identity potential encoder: data-parallel still splits the batch
    expect(kind('on', 10, 2, 0, 256, false)).toBe('data 2')
    expect(kind('auto', 150, 16, 0, 256, true)).toBe('one')
    expect(kind('auto', 500, 2, 3.5, 256, true)).toBe('one')
    expect(kind('on', 500, 2, 9, 32, false)).toBe('one')
    expect(kind('off', 5000, 16, 0, 256, true)).toBe('one')
  })
})

describe('data-parallel training (each worker a shard of the batch)', () => {
  it('splits a batch into contiguous shards that cover it once', () => {
    expect([0, 1, 2].map((r) => shardRows(32, 3, r))).toEqual([[0, 10], [10, 21], [21, 32]])
  })
  it('with one worker is the one-thread loop bit for bit; with three it follows it within float rounding', async () => {
    const one = await weightsAfter((p) => fit(p.net, p.data, p.settings, silentContext()))
    const w1 = await weightsAfter((p) => fitDataParallel(p, silentContext(), {}, 1))
    expect(w1.history).toEqual(one.history)
    expect(w1.weights).toEqual(one.weights)
    const w3 = await weightsAfter((p) => fitDataParallel(p, silentContext(), {}, 3))
    w3.history.forEach((h, i) => {
      expect(h.trainLoss).toBeCloseTo(one.history[i]!.trainLoss, 4)
      expect(h.validationLoss).toBeCloseTo(one.history[i]!.validationLoss, 4)
      expect(h.temperature).toBeCloseTo(one.history[i]!.temperature, 5)
    })
    const maxDiff = Math.max(...w3.weights.flatMap((w, i) => w.map((x, k) => Math.abs(x - one.weights[i]![k]!))))
    expect(maxDiff).toBeLessThan(1e-4)
    // and it did train: the weights moved by much more than that
    const p0 = prepareTraining(ds, config)
    const moved = Math.max(...[...p0.net.encU.variables, ...p0.net.encV.variables].flatMap((v, i) => Array.from(v.dataSync()).map((x, k) => Math.abs(x - one.weights[i]![k]!))))
    expect(moved).toBeGreaterThan(1e-2)
  }, 120_000)
})

describe('data-parallel checkpoints', () => {
  it('two workers resumed from an epoch\'s weights and Adam state continue bit for bit (every rank\'s slice of the moments is in the state)', async () => {
    const cfg = { ...config, epochs: 2 }
    const run = (from?: EpochSnapshot) => epochSnapshots(ds, cfg, (p, hooks) => fitDataParallel(p, silentContext(), hooks, 2), from)
    const whole = await run()
    const resumed = await run(whole[0])
    expect(resumed[0]!.weights).toEqual(whole[1]!.weights)
    expect(resumed[0]!.optimizer.all!.values.map((x) => Array.from(x))).toEqual(whole[1]!.optimizer.all!.values.map((x) => Array.from(x)))
  }, 60_000)
})

describe('data-parallel gradients (the split conditional loss, and the whole-batch losses)', () => {
  // 40 training pairs, batch 32: one step, from the same initial weights in every run
  const small = syntheticDataset({ pairs: 50, seed: 5 })
  const oneStep = (over: TrainConfigInput) => ({ ...config, epochs: 1, ...over })
  /** The one-thread loop's gradient of the first batch (fit.ts: the same order, rows and parameter order). */
  function oneThreadGradient(cfg: TrainConfigInput): Float32Array {
    const p = prepareTraining(small, cfg)
    const s = p.settings
    const order = shuffled(p.data.train, s.seed * 1000003)
    const B = Math.min(s.batch, p.data.train.length)
    const adam = flatAdam([...p.net.encU.variables, ...p.net.encV.variables, ...(s.learnTemperature ? [p.net.logScale] : [])], s)
    const g = new Float32Array(adam.size)
    const xu = tf.tensor2d(gatherRows(p.data.u, p.data.du, order, 0, B), [B, p.data.du])
    const xv = tf.tensor2d(gatherRows(p.data.v, p.data.dv, order, 0, B), [B, p.data.dv])
    gradientsInto(adam, () => batchLoss(p.net, xu, xv, s), g)
    tf.dispose([xu, xv])
    return g
  }
  async function dataParallelGradient(cfg: TrainConfigInput, workers: number): Promise<{ g: Float32Array; loss: number }> {
    const p = prepareTraining(small, cfg)
    const g = new Float32Array(oneThreadGradient(cfg).length)
    const r = await fitDataParallel(p, silentContext(), {}, workers, g)
    return { g, loss: r.finalLoss }
  }
  const maxAbs = (a: Float32Array) => a.reduce((m, x) => Math.max(m, Math.abs(x)), 0)
  const maxDiff = (a: Float32Array, b: Float32Array) => a.reduce((m, x, k) => Math.max(m, Math.abs(x - b[k]!)), 0)

  it.each([
    ['cond, cosine, learned temperature', { loss: 'cond', metric: 'cosine' }, [1, 2, 3]],
    ['cond-v, l2 metric', { loss: 'cond-v', metric: 'l2', learnTemperature: false }, [2, 4]],
    ['cond-u, cosine (the column half only)', { loss: 'cond-u', metric: 'cosine' }, [2]],
    ['cond (0.5, 1.5), dot', { loss: 'cond', metric: 'dot', lambdaU: 0.5, lambdaV: 1.5 }, [3]],
    ['joint (whole loss in every worker)', { loss: 'joint' }, [2]]
  ] as [string, TrainConfigInput, number[]][])('%s: equal to the one-thread gradient within float32 rounding', async (_, over, counts) => {
    const cfg = oneStep(over)
    const one = oneThreadGradient(cfg)
    expect(maxAbs(one)).toBeGreaterThan(1e-3)
    for (const W of counts) {
      const { g } = await dataParallelGradient(cfg, W)
      if (W === 1) expect(Array.from(g)).toEqual(Array.from(one))
      else expect(maxDiff(g, one)).toBeLessThan(2e-6 * maxAbs(one))
    }
  }, 60_000)

  it('the split loss\'s shares sum to the whole batch\'s loss', async () => {
    const cfg = oneStep({ loss: 'cond', metric: 'cosine' })
    const one = await dataParallelGradient(cfg, 1)
    const three = await dataParallelGradient(cfg, 3)
    expect(three.loss).toBeCloseTo(one.loss, 5)
  }, 60_000)
})
