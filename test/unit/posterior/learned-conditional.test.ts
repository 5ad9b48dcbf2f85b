import { describe, expect, it } from 'vitest'
import { drawGaussianRows, flowPrior, gaussianConditional } from '../../../src-main/engine/assimilate/posterior'
import { potentialAffineMap } from '../../../src-main/engine/assimilate/twin/learned-methods'
import { effectiveSampleSize, softmaxWeights } from '../../../src-main/engine/assimilate/weights'
import { simulateDataset } from '../../../src-main/engine/flows/simulate'
import { silentContext } from '../../../src-main/engine/jobs/job'
import { trainOnDataset } from '../../../src-main/engine/learn/train'
import { SimulationConfig } from '../../../src-main/shared/simulation'

const cfg = SimulationConfig.parse({ flow: 'fourier', pairs: 256, seed: 2, tracers: 1, steps: 100, dt: 2e-4, recordEvery: 10, noise: 0.005, fourier: { modesPerSide: 2 } })

describe('bank-free conditional of a trained model with a linear potential encoder', () => {
  for (const metric of ['dot', 'l2'] as const)
    it(`${metric}: the exact Gaussian agrees with self-normalised importance weights of prior draws under the model's own logits`, async () => {
      const ds = simulateDataset(cfg)
      const { model } = await trainOnDataset(ds, {
        loss: 'cond', metric, potentialEncoder: 'linear', encoder: 'mlp', widths: [16], dim: 8, epochs: 2, batch: 64,
        temperature: 1, learnTemperature: false, seed: 3, parallel: 'off', patience: 0
      }, silentContext())
      const prior = flowPrior(cfg)
      const map = potentialAffineMap(model)
      // the folded affine map reproduces the model's own potential embedding
      const draws = drawGaussianRows(prior.latent, 4000, 9)
      const zv = model.encodePotentials(draws, 4000)
      for (let k = 0; k < 5; k++)
        for (let r = 0; r < 8; r++) {
          let s = map.bias[r]
          for (let c = 0; c < 8; c++) s += map.weight.get(r, c) * draws[k * 8 + c]
          expect(s).toBeCloseTo(zv[k * 8 + r], 4)
        }
      const query = ds.trajectories.subarray(0, ds.nTracers * ds.nTimes * 2)
      const zu = model.encodeTrajectories(query, 1)
      const exact = gaussianConditional(prior.latent, map, zu, model.temperature, metric)
      const w = softmaxWeights(model.logits(zu, 1, zv, 4000))
      expect(effectiveSampleSize(w)).toBeGreaterThan(100)
      for (let i = 0; i < 8; i++) {
        let m = 0
        for (let k = 0; k < 4000; k++) m += w[k] * draws[k * 8 + i]
        expect(Math.abs(m - exact.mean[i])).toBeLessThan(0.25 * Math.sqrt(prior.latent.variance[i]))
      }
      model.dispose()
    })
})
