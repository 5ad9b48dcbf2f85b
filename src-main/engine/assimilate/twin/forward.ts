/**
 * The twin's forward model: flow parameters → predicted tracer positions at the record times, by the simulator's
 * own fixed-step RK4 (deterministic: a vortex twin's system noise belongs to the truth, not to the model, as in
 * KIJ 2003). A coarser step — `substep` fine steps per model step, dividing the record interval — is used only
 * where its trajectory error, measured against the fine step on prior draws, is below a tolerance
 * (`chooseCoarsening`, σ/10 by default).
 */
import type { SimulationConfig } from '../../../shared/simulation'
import { rotateCoefficients } from '../../flows/fourier'
import { advectFourierRk4, FourierAdvectWork } from '../../flows/fourier-advect'
import { planSimulation } from '../../flows/plan'
import { Rng } from '../../flows/rng'
import { VortexRk4 } from '../../flows/vortex-rk4'
import { vortexDerivative } from '../../flows/vortex'
import { Rk4Work, rk4Step } from '../../integrate/rk4'
import { UserError } from '../../jobs/job'
import { drawGaussian, type FlowPrior } from '../posterior'

export interface ForwardModel {
  readonly nTracers: number
  readonly nTimes: number
  readonly paramDim: number
  /** Fine simulator steps per model step. */
  readonly coarsening: number
  /**
   * Model tracks (tracers × times × 2 each) of `count` parameter rows into `out` (count × tracers × times × 2).
   * `records` < nTimes lets a model stop early (the vortex model does; later entries are then left as they were).
   */
  run(params: Float64Array, count: number, out: Float64Array, records?: number): void
}

/** The likelihood's RK4 step and steps per record when it takes `coarsening` simulator steps at once. */
function coarseSteps(cfg: SimulationConfig, coarsening: number, model: string): { dt: number; perRecord: number } {
  if (cfg.recordEvery % coarsening !== 0) throw new Error(`${model}: coarsening ${coarsening} does not divide the record interval ${cfg.recordEvery}`)
  return { dt: cfg.dt * coarsening, perRecord: cfg.recordEvery / coarsening }
}

/**
 * The coarsenings a flow's model can take: divisors of the record interval (a step ends on every record), and for
 * the Fourier flow also multiples of it that divide the run (steps spanning several records, the records between
 * step ends by cubic Hermite interpolation from the positions and velocities there — fourth order like RK4).
 */
export function coarseningCandidates(cfg: SimulationConfig): number[] {
  const out: number[] = []
  for (let f = 1; f <= cfg.recordEvery; f++) if (cfg.recordEvery % f === 0) out.push(f)
  if (cfg.flow === 'fourier') for (let f = 2 * cfg.recordEvery; f <= cfg.steps; f += cfg.recordEvery) if (cfg.steps % f === 0) out.push(f)
  return out
}

export function forwardModel(cfg: SimulationConfig, coarsening = 1): ForwardModel {
  const plan = planSimulation(cfg)
  const { nTimes, starts, paramDim } = plan
  const nTracers = cfg.tracers
  const len = nTracers * nTimes * 2
  if (cfg.flow === 'fourier' && coarsening > cfg.recordEvery) return hermiteFourierModel(cfg, coarsening)
  const { dt, perRecord } = coarseSteps(cfg, coarsening, 'forward model')
  const steps = plan.nTimes * perRecord
  if (cfg.flow === 'fourier') {
    const work = new FourierAdvectWork(cfg.fourier.modesPerSide)
    const omega = plan.flowConstants.omega
    const pos = new Float64Array(starts.length)
    return {
      nTracers, nTimes, paramDim, coarsening,
      run(params, count, out) {
        for (let c = 0; c < count; c++) {
          pos.set(starts)
          advectFourierRk4(params.subarray(c * paramDim, (c + 1) * paramDim), omega, pos, dt, steps, perRecord, out, c * len, work)
        }
      }
    }
  }
  const rk4 = new VortexRk4(plan.nVortices, nTracers)
  return {
    nTracers, nTimes, paramDim, coarsening,
    run(params, count, out, records = nTimes) {
      for (let c = 0; c < count; c++) rk4.run(params.subarray(c * paramDim, (c + 1) * paramDim), starts, dt, steps, perRecord, out, c * len, records)
    }
  }
}

/**
 * Fourier tracks with RK4 steps of `coarsening` simulator steps (a multiple of the record interval dividing the run):
 * the positions at step ends from RK4, the records between them by cubic Hermite interpolation through the step
 * ends' positions and velocities.
 */
function hermiteFourierModel(cfg: SimulationConfig, coarsening: number): ForwardModel {
  const plan = planSimulation(cfg)
  const { nTimes, starts, paramDim } = plan
  if (coarsening % cfg.recordEvery !== 0 || cfg.steps % coarsening !== 0) throw new Error(`forward model: coarsening ${coarsening} is not a multiple of the record interval ${cfg.recordEvery} dividing the ${cfg.steps} steps`)
  const nTracers = cfg.tracers, len = nTracers * nTimes * 2
  const h = cfg.dt * coarsening, coarse = cfg.steps / coarsening, per = coarsening / cfg.recordEvery
  const work = new FourierAdvectWork(cfg.fourier.modesPerSide)
  const omega = plan.flowConstants.omega, K = omega.length
  const pos = new Float64Array(starts.length), ends = new Float64Array(nTracers * coarse * 2)
  const cr = new Float64Array(K), ci = new Float64Array(K), vel = new Float64Array(2)
  /** Velocities at the step ends, (coarse + 1) × tracers × 2, index 0 = the starts at t = 0. */
  const w = new Float64Array((coarse + 1) * nTracers * 2)
  // Hermite weights of each record inside a step (records r = 1 … per at θ = r/per)
  const wts = Array.from({ length: per }, (_, r) => {
    const t = (r + 1) / per, t2 = t * t, t3 = t2 * t
    return [2 * t3 - 3 * t2 + 1, (t3 - 2 * t2 + t) * h, -2 * t3 + 3 * t2, (t3 - t2) * h]
  })
  return {
    nTracers, nTimes, paramDim, coarsening,
    run(params, count, out) {
      for (let c = 0; c < count; c++) {
        const v = params.subarray(c * paramDim, (c + 1) * paramDim)
        pos.set(starts)
        advectFourierRk4(v, omega, pos, h, coarse, 1, ends, 0, work)
        const at = (s: number, p: number, xy: 0 | 1) => (s === 0 ? starts[2 * p + xy] : ends[(p * coarse + s - 1) * 2 + xy])
        for (let s = 0; s <= coarse; s++) {
          rotateCoefficients(v, omega, s * h, cr, ci)
          for (let p = 0; p < nTracers; p++) {
            work.kernel.velocity(at(s, p, 0), at(s, p, 1), cr, ci, vel)
            w[(s * nTracers + p) * 2] = vel[0]
            w[(s * nTracers + p) * 2 + 1] = vel[1]
          }
        }
        for (let p = 0; p < nTracers; p++)
          for (let s = 0; s < coarse; s++)
            for (let r = 0; r < per; r++) {
              const [a, b, e, f] = wts[r]
              const o = c * len + (p * nTimes + s * per + r) * 2
              for (const xy of [0, 1] as const) out[o + xy] = a * at(s, p, xy) + b * w[(s * nTracers + p) * 2 + xy] + e * at(s + 1, p, xy) + f * w[((s + 1) * nTracers + p) * 2 + xy]
            }
      }
    }
  }
}

/** The worst tracer-position error of each coarsening against the fine step, over `draws` prior draws. */
function coarseningErrors(cfg: SimulationConfig, prior: FlowPrior, draws: number, seed: number) {
  const fine = forwardModel(cfg, 1)
  const len = fine.nTracers * fine.nTimes * 2
  const params = new Float64Array(draws * fine.paramDim)
  const rng = new Rng(seed, 0, 0x7c0a)
  const latent = new Float64Array(prior.latent.dim), z = new Float64Array(prior.latent.dim)
  // draws inside the prior's support only: vortices closer than the separation rule never occur in the data or the posterior
  for (let k = 0, tries = 0; k < draws; tries++) {
    drawGaussian(prior.latent, rng, latent, z)
    const v = params.subarray(k * fine.paramDim, (k + 1) * fine.paramDim)
    prior.toParams(latent, v)
    if (prior.admissible(v) || tries > 1000 * draws) k++
  }
  const reference = new Float64Array(draws * len)
  fine.run(params, draws, reference)
  const trial = new Float64Array(draws * len)
  return (f: number): number => {
    forwardModel(cfg, f).run(params, draws, trial)
    let worst = 0
    for (let i = 0; i < trial.length; i += 2) worst = Math.max(worst, Math.hypot(trial[i] - reference[i], trial[i + 1] - reference[i + 1]))
    return Number.isFinite(worst) ? worst : Infinity
  }
}

/** Prior draws the coarsening is measured on: more for point vortices, whose close encounters vary most between draws (8 admissible draws let a 50× step through that 32 refuse). */
const coarseningDraws = (cfg: SimulationConfig): number => (cfg.flow === 'vortex' ? 32 : 8)

/** The largest coarsening whose worst tracer-position error over `draws` prior draws stays below `tolerance`. */
export function chooseCoarsening(cfg: SimulationConfig, prior: FlowPrior, tolerance: number, draws = coarseningDraws(cfg), seed = 1): { coarsening: number; maxError: number } {
  const errorOf = coarseningErrors(cfg, prior, draws, seed)
  let best = { coarsening: 1, maxError: 0 }
  for (const f of coarseningCandidates(cfg)) {
    if (f === 1) continue
    const worst = errorOf(f)
    if (!(worst < tolerance)) break
    best = { coarsening: f, maxError: worst }
  }
  return best
}

/** A requested coarsening, measured like `chooseCoarsening` does; refused (one line) when it is not a candidate or its error reaches `tolerance`. */
export function checkCoarsening(cfg: SimulationConfig, prior: FlowPrior, coarsening: number, tolerance: number, draws = coarseningDraws(cfg), seed = 1): { coarsening: number; maxError: number } {
  if (!coarseningCandidates(cfg).includes(coarsening))
    throw new UserError(`coarsening ${coarsening}: the likelihood's step must divide the record interval ${cfg.recordEvery}${cfg.flow === 'fourier' ? ` or be a multiple of it dividing the ${cfg.steps} steps` : ''}`)
  const maxError = coarsening === 1 ? 0 : coarseningErrors(cfg, prior, draws, seed)(coarsening)
  if (!(maxError < tolerance))
    throw new UserError(`coarsening ${coarsening}: its measured trajectory error ${maxError.toExponential(2)} is not below the tolerance ${tolerance.toExponential(2)} (σ/10); use a smaller coarsening, or none to choose it from the measurement`)
  return { coarsening, maxError }
}

/**
 * The same model one record interval at a time, for a filter that updates the state between intervals: the dynamic
 * state is what moves (vortex positions then tracers; for the Fourier flow the tracers alone, the coefficients being
 * rotated to the segment's start time, exactly as the full run does), the parameters v stay fixed.
 */
export interface SegmentModel {
  readonly nTracers: number
  readonly nTimes: number
  /** Length of the dynamic state; the tracers are its last 2·nTracers entries. */
  readonly stateDim: number
  /** The dynamic state at t = 0 of parameters v. */
  initial(params: Float64Array, state: Float64Array): void
  /** Advance `state` from record r (0 = the start) to record r + 1 under parameters v. */
  advance(params: Float64Array, state: Float64Array, r: number): void
}

export function segmentModel(cfg: SimulationConfig, coarsening = 1): SegmentModel {
  const plan = planSimulation(cfg)
  // a segment is one record interval: a coarsening spanning several records (Hermite-interpolated) takes one step per interval
  const { dt, perRecord } = coarseSteps(cfg, Math.min(coarsening, cfg.recordEvery), 'segment model')
  const interval = cfg.dt * cfg.recordEvery
  const { nTimes, starts } = plan
  const nTracers = cfg.tracers
  if (cfg.flow === 'fourier') {
    const work = new FourierAdvectWork(cfg.fourier.modesPerSide)
    const omega = plan.flowConstants.omega
    const rotated = new Float64Array(2 * omega.length), cr = new Float64Array(omega.length), ci = new Float64Array(omega.length)
    const out = new Float64Array(starts.length)
    return {
      nTracers, nTimes, stateDim: starts.length,
      initial: (_v, state) => state.set(starts),
      advance(params, state, r) {
        rotateCoefficients(params, omega, r * interval, cr, ci)
        for (let j = 0; j < omega.length; j++) {
          rotated[2 * j] = cr[j]
          rotated[2 * j + 1] = ci[j]
        }
        advectFourierRk4(rotated, omega, Float64Array.from(state), dt, perRecord, perRecord, out, 0, work)
        state.set(out)
      }
    }
  }
  const n = plan.nVortices
  const work = new Rk4Work(2 * n + starts.length)
  return {
    nTracers, nTimes, stateDim: 2 * n + starts.length,
    initial(params, state) {
      state.set(params.subarray(0, 2 * n))
      state.set(starts, 2 * n)
    },
    advance(params, state, r) {
      const f = vortexDerivative(params.slice(2 * n, 3 * n))
      for (let s = 0; s < perRecord; s++) rk4Step(f, r * interval + s * dt, state, dt, work)
    }
  }
}
