/** Small simulated data sets and a fake model with known behaviour for the assimilation tests. */
import type { PairedDataset } from '../../../src-main/engine/data/dataset-types'
import { simulateDataset } from '../../../src-main/engine/flows/simulate'
import type { ContrastiveModel } from '../../../src-main/engine/learn/index'
import { SimulationConfig, type SimulationConfigInput } from '../../../src-main/shared/simulation'
import { TrainConfig } from '../../../src-main/shared/training'

/** A tiny Fourier set: 3×3 modes, T = 0.1 in 400 steps, 20 records, 2 tracers; 70 % train, 15 % validation, 15 % test. */
export function tinyFourier(extra: SimulationConfigInput = {}): PairedDataset {
  return simulateDataset(
    SimulationConfig.parse({ flow: 'fourier', pairs: 80, seed: 3, steps: 400, dt: 2.5e-4, recordEvery: 20, tracers: 2, validationFraction: 0.15, testFraction: 0.15, fourier: { modesPerSide: 3 }, ...extra })
  )
}

/**
 * A model that "knows" the data set: a trajectory is embedded as its own pair's parameters (found by exact
 * lookup), a potential as itself, and logits = −|z_u − z_v|² / τ. Small τ collapses the conditional onto the
 * nearest bank potential; huge τ makes it uniform.
 */
export function lookupModel(ds: PairedDataset, tau: number): ContrastiveModel {
  const len = ds.nTracers * ds.nTimes * 2
  const d = ds.paramDim
  const key = (a: ArrayLike<number>, at: number) => Array.from({ length: 6 }, (_, i) => a[at + i]).join(',')
  const byTrajectory = new Map<string, number>()
  for (let p = 0; p < ds.nPairs; p++) byTrajectory.set(key(ds.trajectories, p * len), p)
  return {
    config: TrainConfig.parse({ metric: 'l2', dim: d }),
    temperature: tau,
    encodeTrajectories(traj, count) {
      const out = new Float32Array(count * d)
      for (let k = 0; k < count; k++) {
        const p = byTrajectory.get(key(traj, k * len))
        if (p === undefined) throw new Error('lookupModel: unknown trajectory')
        out.set(ds.params.subarray(p * d, (p + 1) * d), k * d)
      }
      return out
    },
    encodePotentials(params, count) {
      return Float32Array.from(params.subarray(0, count * d))
    },
    logits(zu, nu, zv, nv) {
      const out = new Float64Array(nu * nv)
      for (let i = 0; i < nu; i++)
        for (let j = 0; j < nv; j++) {
          let s = 0
          for (let c = 0; c < d; c++) s += (zu[i * d + c]! - zv[j * d + c]!) ** 2
          out[i * nv + j] = -s / tau
        }
      return out
    },
    async save() {},
    dispose() {}
  }
}
