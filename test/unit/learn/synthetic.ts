/** Test helper: a small synthetic paired data set where each trajectory is a smooth function of its parameters. */
import { SimulationConfig } from '../../../src-main/shared/simulation'
import type { PairedDataset } from '../../../src-main/engine/data/dataset-types'
import { normalRng } from '../../../src-main/engine/learn/random'

export function syntheticDataset(opts: { pairs: number; tracers?: number; times?: number; paramDim?: number; seed?: number; flow?: 'fourier' | 'vortex' }): PairedDataset {
  const nPairs = opts.pairs
  const nTracers = opts.tracers ?? 2
  const nTimes = opts.times ?? 16
  const paramDim = opts.paramDim ?? 4
  const rand = normalRng(opts.seed ?? 3)
  const params = new Float64Array(nPairs * paramDim)
  for (let i = 0; i < params.length; i++) params[i] = rand()
  const times = Float64Array.from({ length: nTimes }, (_, t) => t / (nTimes - 1))
  const trajectories = new Float64Array(nPairs * nTracers * nTimes * 2)
  for (let p = 0; p < nPairs; p++)
    for (let r = 0; r < nTracers; r++)
      for (let t = 0; t < nTimes; t++)
        for (let c = 0; c < 2; c++) {
          let x = 0.5 + 0.1 * r
          for (let k = 0; k < paramDim; k++) x += 0.05 * params[p * paramDim + k] * Math.sin((k + 1 + c) * times[t] * 3 + r)
          trajectories[((p * nTracers + r) * nTimes + t) * 2 + c] = x + 0.002 * rand()
        }
  const split = new Uint8Array(nPairs).map((_, i) => (i % 10 === 0 ? 1 : i % 10 === 1 ? 2 : 0))
  return {
    flow: opts.flow ?? 'fourier', config: SimulationConfig.parse({ pairs: nPairs, tracers: nTracers }), nPairs, nTracers, nTimes, times, trajectories, params, paramDim, split,
    flowConstants: {}, domain: { x0: 0, x1: 1, y0: 0, y1: 1, periodic: true }
  }
}
