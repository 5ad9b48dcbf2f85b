/** The in-memory paired data set: trajectories (u) and flow parameters (v) with their split. */
import type { FlowKind, SimulationConfig } from '../../shared/simulation'

export const SPLIT = { train: 0, validation: 1, test: 2 } as const
export type SplitName = keyof typeof SPLIT

export interface Domain {
  x0: number
  x1: number
  y0: number
  y1: number
  /** The Fourier flow lives on the periodic unit square; the vortex flow on the open plane. */
  periodic: boolean
}

export interface PairedDataset {
  flow: FlowKind
  /** The full configuration that generated it (provenance; also a NetCDF global attribute). */
  config: SimulationConfig
  nPairs: number
  nTracers: number
  nTimes: number
  /** Record times, length nTimes, in the flow's time unit. */
  times: Float64Array
  /** u: tracer positions, pairs × tracers × times × 2 (x, y), row-major, domain units. */
  trajectories: Float64Array
  /** v: the flow parameters ("potential"), pairs × paramDim. */
  params: Float64Array
  paramDim: number
  /** Per pair: SPLIT.train | SPLIT.validation | SPLIT.test. */
  split: Uint8Array
  /** Data-set-wide constants needed to rebuild a pair's velocity field (e.g. wavenumbers, frequencies). */
  flowConstants: Record<string, Float64Array>
  /** Vortex flow only: vortex positions at the record times, pairs × vortices × times × 2. */
  vortexTracks?: Float64Array
  domain: Domain
}
