/** What a simulation config implies before any pair is simulated: record times, tracer starts, sizes, domain and data-set-wide constants. */
import type { SimulationConfig } from '../../shared/simulation'
import type { Domain } from '../data/dataset-types'
import { UserError } from '../jobs/job'
import { fourierConstants, fourierSigmas } from './fourier'
import { vortexDomain } from './vortex'

export interface SimulationPlan {
  cfg: SimulationConfig
  /** Records j = 1..nTimes at t_j = j · recordEvery · dt (the start itself is not recorded, as in the paper). */
  nTimes: number
  times: Float64Array
  /** Tracer starts, tracers × 2, domain units. */
  starts: Float64Array
  paramDim: number
  /** Vortex flow only (0 otherwise). */
  nVortices: number
  flowConstants: Record<string, Float64Array>
  /** Fourier flow only: standard deviations of |ψ_k|. */
  sigma?: Float64Array
  domain: Domain
}

/**
 * Tracer starts: `cfg.starts` when given (one per tracer), otherwise tracer 0 at `startCentre` (the paper's
 * (0.75, 0.75)) and the others evenly on a circle of radius `startRadius` around it.
 */
export function tracerStarts(cfg: SimulationConfig): Float64Array {
  const s = new Float64Array(2 * cfg.tracers)
  if (cfg.starts) {
    if (cfg.starts.length !== cfg.tracers)
      throw new UserError(`simulation: ${cfg.starts.length} start positions given for ${cfg.tracers} tracers; give exactly one (x, y) per tracer`)
    cfg.starts.forEach(([x, y], i) => {
      s[2 * i] = x
      s[2 * i + 1] = y
    })
    return s
  }
  const [cx, cy] = cfg.startCentre
  s[0] = cx
  s[1] = cy
  for (let i = 1; i < cfg.tracers; i++) {
    const a = (2 * Math.PI * (i - 1)) / (cfg.tracers - 1)
    s[2 * i] = cx + cfg.startRadius * Math.cos(a)
    s[2 * i + 1] = cy + cfg.startRadius * Math.sin(a)
  }
  return s
}

export function planSimulation(cfg: SimulationConfig): SimulationPlan {
  const nTimes = Math.floor(cfg.steps / cfg.recordEvery)
  if (nTimes < 1) throw new UserError(`simulation: --steps ${cfg.steps} is less than --record-every ${cfg.recordEvery}, so nothing would be recorded`)
  const times = new Float64Array(nTimes)
  for (let j = 0; j < nTimes; j++) times[j] = (j + 1) * cfg.recordEvery * cfg.dt
  const starts = tracerStarts(cfg)
  if (cfg.flow === 'fourier') {
    const flowConstants = fourierConstants(cfg)
    const sigma = fourierSigmas(cfg.fourier, flowConstants.kx, flowConstants.ky)
    return {
      cfg, nTimes, times, starts, paramDim: 2 * sigma.length, nVortices: 0, flowConstants, sigma,
      domain: { x0: 0, x1: 1, y0: 0, y1: 1, periodic: true }
    }
  }
  const n = cfg.vortex.vortices
  return {
    cfg, nTimes, times, starts, paramDim: 3 * n, nVortices: n,
    flowConstants: {},
    domain: { ...vortexDomain(cfg), periodic: false }
  }
}

/** Pair counts of each split: train first, then validation, then test (contiguous index ranges). */
export function splitSizes(cfg: SimulationConfig): { train: number; validation: number; test: number } {
  const validation = Math.round(cfg.pairs * cfg.validationFraction)
  const test = Math.round(cfg.pairs * cfg.testFraction)
  return { train: cfg.pairs - validation - test, validation, test }
}

/** Per-pair split labels (SPLIT codes 0 train, 1 validation, 2 test). Pairs are i.i.d., so contiguous ranges are a fair split. */
export function splitLabels(cfg: SimulationConfig): Uint8Array {
  const { train, validation } = splitSizes(cfg)
  const s = new Uint8Array(cfg.pairs)
  s.fill(1, train, train + validation)
  s.fill(2, train + validation)
  return s
}
