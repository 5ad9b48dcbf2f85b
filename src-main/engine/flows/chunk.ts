/** Blocks of pairs: simulate a range of pair indices, and the empty data set they are copied into (no file I/O, so workers load fast). */
import type { SimulationConfig } from '../../shared/simulation'
import type { PairedDataset } from '../data/dataset-types'
import { throwIfCancelled } from '../jobs/job'
import { PairSimulator } from './pair'
import { planSimulation, splitLabels, type SimulationPlan } from './plan'

/** A block of consecutive pairs [first, first + count): the unit of work a worker returns. */
export interface SimulatedChunk {
  first: number
  count: number
  /** count × tracers × times × 2 */
  trajectories: Float64Array
  /** count × paramDim */
  params: Float64Array
  /** Vortex flow: count × vortices × times × 2 */
  vortexTracks?: Float64Array
}

/** Simulate pairs first … first + count − 1 of the data set `cfg` describes. */
export function simulatePairs(cfg: SimulationConfig, first: number, count: number, signal?: AbortSignal, plan = planSimulation(cfg)): SimulatedChunk {
  const perPair = cfg.tracers * plan.nTimes * 2
  const perTrack = plan.nVortices * plan.nTimes * 2
  const chunk: SimulatedChunk = {
    first,
    count,
    trajectories: new Float64Array(count * perPair),
    params: new Float64Array(count * plan.paramDim),
    vortexTracks: plan.nVortices > 0 ? new Float64Array(count * perTrack) : undefined
  }
  const sim = new PairSimulator(plan)
  for (let i = 0; i < count; i++) {
    if (signal) throwIfCancelled(signal)
    sim.simulate(first + i, {
      trajectories: chunk.trajectories,
      trajOffset: i * perPair,
      params: chunk.params,
      paramsOffset: i * plan.paramDim,
      tracks: chunk.vortexTracks,
      tracksOffset: i * perTrack
    })
  }
  return chunk
}

/** An empty data set of the right shape for `cfg`; chunks are copied into it. */
export function emptyDataset(cfg: SimulationConfig, plan: SimulationPlan = planSimulation(cfg)): PairedDataset {
  const n = cfg.pairs
  return {
    flow: cfg.flow,
    config: cfg,
    nPairs: n,
    nTracers: cfg.tracers,
    nTimes: plan.nTimes,
    times: plan.times,
    trajectories: new Float64Array(n * cfg.tracers * plan.nTimes * 2),
    params: new Float64Array(n * plan.paramDim),
    paramDim: plan.paramDim,
    split: splitLabels(cfg),
    flowConstants: plan.flowConstants,
    vortexTracks: plan.nVortices > 0 ? new Float64Array(n * plan.nVortices * plan.nTimes * 2) : undefined,
    domain: plan.domain
  }
}

/** Copy a chunk into its place in the data set. */
export function placeChunk(ds: PairedDataset, c: SimulatedChunk): void {
  ds.trajectories.set(c.trajectories, c.first * (c.trajectories.length / c.count))
  ds.params.set(c.params, c.first * ds.paramDim)
  if (ds.vortexTracks && c.vortexTracks) ds.vortexTracks.set(c.vortexTracks, c.first * (c.vortexTracks.length / c.count))
}

/** Messages between `runSimulation` and `simulate.worker.ts`. */
export type SimulateRequest = { type: 'chunk'; first: number; count: number } | { type: 'stop' }
export type SimulateReply = { type: 'chunk'; chunk: SimulatedChunk } | { type: 'error'; message: string }

