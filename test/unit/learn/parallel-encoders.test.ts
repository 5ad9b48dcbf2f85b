import { beforeAll, describe, expect, it } from 'vitest'
import { silentContext } from '../../../src-main/engine/jobs/job'
import { initBackend } from '../../../src-main/engine/learn/backend'
import { fit, type EpochRecord } from '../../../src-main/engine/learn/fit'
import { fitParallel } from '../../../src-main/engine/learn/parallel'
import { adamOffloadFraction, stepMacsPerRow } from '../../../src-main/engine/learn/parallel-balance'
import type { EncoderSpec } from '../../../src-main/engine/learn/encoders'
import { prepareTraining } from '../../../src-main/engine/learn/train'
import type { TrainConfigInput } from '../../../src-main/shared/training'
import { epochSnapshots, type EpochSnapshot } from './checkpoints'
import { syntheticDataset } from './synthetic'

beforeAll(async () => {
  await initBackend('wasm')
})

const mlp = (inputDim: number, widths: number[], outputDim: number): EncoderSpec => ({ kind: 'mlp', inputDim, widths, outputDim, activation: 'relu', bias: true })

describe('the encoder-parallel balance (parallel-balance.ts)', () => {
  it('counts forward, weight-gradient and (past the data layer) input-gradient multiply-adds per row', () => {
    // 200·256 + 256·256 + 256·32 = 124,928 forward and as many for the weight gradients; input gradients without the first layer
    expect(stepMacsPerRow(mlp(200, [256, 256], 32))).toBe(3 * 124_928 - 200 * 256)
    expect(stepMacsPerRow({ ...mlp(10, [], 3), kind: 'linear' })).toBe(2 * 30)
    expect(stepMacsPerRow({ ...mlp(4, [], 4), kind: 'identity' })).toBe(0)
    expect(stepMacsPerRow({ ...mlp(4, [], 4), kind: 'sequence' })).toBeUndefined()
  })
  it('offloads half of u\'s Adam update when u\'s encoder is the larger (the reference model, a transformer), none otherwise', () => {
    const [u, v] = [mlp(200, [256, 256], 32), mlp(64, [256, 256], 32)]
    expect(adamOffloadFraction(u, v)).toBe(0.5)
    expect(adamOffloadFraction({ ...u, kind: 'sequence' }, v)).toBe(0.5)
    expect(adamOffloadFraction(v, u)).toBe(0)
    expect(adamOffloadFraction(u, u)).toBe(0)
  })
})

// learned temperature: both workers keep copies of it (the last parameter, never offloaded), which must stay equal
const config: TrainConfigInput = { dim: 8, widths: [32], batch: 32, learningRate: 3e-3, warmupFraction: 0.1, epochs: 2, patience: 0, learnTemperature: true }
const ds = syntheticDataset({ pairs: 300 })

async function weightsAfter(cfg: TrainConfigInput, train: (p: ReturnType<typeof prepareTraining>) => Promise<{ history: EpochRecord[] }>) {
  const p = prepareTraining(ds, cfg)
  const r = await train(p)
  return { history: r.history, weights: [...p.net.encU.variables, ...p.net.encV.variables, p.net.logScale].map((v) => Array.from(v.dataSync())) }
}

describe('encoder-parallel training (v\'s worker computes the conditional loss\'s halves and runs Adam on part of u\'s parameters)', () => {
  it.each([
    ['cond, cosine (halves computed by v)', { loss: 'cond' }],
    ['cond-v, l2 (no halves: both workers compute the loss)', { loss: 'cond-v', metric: 'l2' }],
    ['joint, cosine (the swapped rows unit-normalised)', { loss: 'joint' }]
  ] as [string, TrainConfigInput][])('%s: the one-thread loop bit for bit with none, half (default) or all of u\'s Adam update in v\'s worker', async (_, over) => {
    const cfg = { ...config, ...over }
    const p = prepareTraining(ds, cfg)
    expect(adamOffloadFraction(p.net.encU.spec, p.net.encV.spec)).toBe(0.5) // so the default offloads here
    const one = await weightsAfter(cfg, (p) => fit(p.net, p.data, p.settings, silentContext()))
    for (const adamOffload of [0, undefined, 1]) {
      const two = await weightsAfter(cfg, (p) => fitParallel(p, silentContext(), {}, adamOffload === undefined ? {} : { adamOffload }))
      expect(two.history).toEqual(one.history)
      expect(two.weights).toEqual(one.weights)
    }
  }, 120_000)

  it('resumed from an epoch\'s weights and Adam state continues bit for bit (u\'s offloaded moments come back from v\'s worker)', async () => {
    const run = (from?: EpochSnapshot) => epochSnapshots(ds, config, (p, hooks) => fitParallel(p, silentContext(), hooks), from)
    const whole = await run()
    const resumed = await run(whole[0])
    expect(resumed[0]!.weights).toEqual(whole[1]!.weights)
    expect(resumed[0]!.optimizer.u!.values.map((x) => Array.from(x))).toEqual(whole[1]!.optimizer.u!.values.map((x) => Array.from(x)))
    // and the state is the one-thread loop's: u's first moments are not the zeros u's own Adam left in the offloaded slice
    expect(whole[0]!.optimizer.u!.values[1]!.some((x) => x !== 0)).toBe(true)
  }, 120_000)
})
