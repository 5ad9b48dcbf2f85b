/** Simulate one pair: draw its potential from its own random stream, advect its tracers, add observation noise. */
import { dopri5Integrate } from '../integrate/dopri5'
import { Rk4Work, rk4Step } from '../integrate/rk4'
import type { Derivative } from '../integrate/system'
import { createFourierKernel, fourierParams, rotateCoefficients } from './fourier'
import { advectFourierRk4, FourierAdvectWork } from './fourier-advect'
import type { SimulationPlan } from './plan'
import { Rng, STREAM } from './rng'
import { vortexDerivative, vortexParams } from './vortex'

/** Where one pair's results go: slices of the data set arrays (or of a chunk). */
export interface PairOutput {
  trajectories: Float64Array
  trajOffset: number
  params: Float64Array
  paramsOffset: number
  /** Vortex flow: vortices × times × 2 at `tracksOffset`. */
  tracks?: Float64Array
  tracksOffset?: number
}

/** Holds per-thread scratch so simulating many pairs allocates nothing per pair on the fast path. */
export class PairSimulator {
  private readonly fourierWork?: FourierAdvectWork
  private readonly pos: Float64Array

  constructor(private readonly plan: SimulationPlan) {
    if (plan.cfg.flow === 'fourier') this.fourierWork = new FourierAdvectWork(plan.cfg.fourier.modesPerSide)
    this.pos = new Float64Array(plan.starts.length)
  }

  /** Simulate pair `index` (its streams depend only on (seed, index): any worker gives the same bytes). */
  simulate(index: number, o: PairOutput): void {
    const { cfg } = this.plan
    const paramRng = new Rng(cfg.seed, index, STREAM.params)
    const v = o.params.subarray(o.paramsOffset, o.paramsOffset + this.plan.paramDim)
    if (cfg.flow === 'fourier') {
      fourierParams(this.plan.sigma as Float64Array, paramRng, v)
      this.advectFourier(v, o)
    } else {
      v.set(vortexParams(cfg.vortex, this.plan.starts, paramRng))
      this.advectVortices(index, v, o)
    }
    if (cfg.noise > 0) {
      const rng = new Rng(cfg.seed, index, STREAM.observation)
      const n = cfg.tracers * this.plan.nTimes * 2
      for (let i = 0; i < n; i++) o.trajectories[o.trajOffset + i] += cfg.noise * rng.normal()
    }
  }

  private advectFourier(v: Float64Array, o: PairOutput): void {
    const { cfg, starts, flowConstants, nTimes, times } = this.plan
    const omega = flowConstants.omega
    if (cfg.integrator === 'rk4') {
      this.pos.set(starts)
      advectFourierRk4(v, omega, this.pos, cfg.dt, cfg.steps, cfg.recordEvery, o.trajectories, o.trajOffset, this.fourierWork as FourierAdvectWork)
      return
    }
    const kernel = createFourierKernel(cfg.fourier.modesPerSide)
    const K = omega.length
    const cr = new Float64Array(K), ci = new Float64Array(K), vel = new Float64Array(2)
    let lastT = NaN
    const f: Derivative = (t, s, ds) => {
      if (t !== lastT) {
        rotateCoefficients(v, omega, t, cr, ci)
        lastT = t
      }
      for (let p = 0; p < s.length / 2; p++) {
        kernel.velocity(s[2 * p], s[2 * p + 1], cr, ci, vel)
        ds[2 * p] = vel[0]
        ds[2 * p + 1] = vel[1]
      }
    }
    const { out } = dopri5Integrate(f, 0, starts, times, { rtol: cfg.rtol, atol: cfg.atol, initialStep: cfg.dt })
    writeTracers(out, 0, cfg.tracers, nTimes, o)
  }

  private advectVortices(index: number, v: Float64Array, o: PairOutput): void {
    const { cfg, starts, nTimes, nVortices: n } = this.plan
    const gamma = v.slice(2 * n)
    const f = vortexDerivative(gamma)
    const state = new Float64Array(2 * n + starts.length)
    state.set(v.subarray(0, 2 * n))
    state.set(starts, 2 * n)
    const states = new Float64Array(nTimes * state.length)
    const sigma = cfg.vortex.systemNoise
    if (cfg.integrator === 'rk4' || sigma > 0) {
      // RK4 (or Dormand–Prince over each dt) for the drift, then an Euler–Maruyama kick on the vortices only
      const rng = new Rng(cfg.seed, index, STREAM.system)
      const w = new Rk4Work(state.length)
      const kick = sigma * Math.sqrt(cfg.dt)
      const tOut = new Float64Array(1)
      for (let s = 1; s <= cfg.steps; s++) {
        const t = (s - 1) * cfg.dt
        if (cfg.integrator === 'rk4') rk4Step(f, t, state, cfg.dt, w)
        else {
          tOut[0] = t + cfg.dt
          state.set(dopri5Integrate(f, t, state, tOut, { rtol: cfg.rtol, atol: cfg.atol, initialStep: cfg.dt }).out)
        }
        if (kick > 0) for (let i = 0; i < 2 * n; i++) state[i] += kick * rng.normal()
        if (s % cfg.recordEvery === 0 && s / cfg.recordEvery <= nTimes) states.set(state, (s / cfg.recordEvery - 1) * state.length)
      }
    } else {
      dopri5Integrate(f, 0, state, this.plan.times, { rtol: cfg.rtol, atol: cfg.atol, initialStep: cfg.dt }, states)
    }
    const width = state.length
    writeTracers(states, 2 * n, cfg.tracers, nTimes, o)
    if (o.tracks)
      for (let r = 0; r < nTimes; r++)
        for (let j = 0; j < n; j++) {
          const d = (o.tracksOffset ?? 0) + (j * nTimes + r) * 2
          o.tracks[d] = states[r * width + 2 * j]
          o.tracks[d + 1] = states[r * width + 2 * j + 1]
        }
  }
}

/** Copy tracer states (times × tracers × 2, starting at column `first`) into the tracers × times × 2 layout. */
function writeTracers(states: Float64Array, first: number, tracers: number, nTimes: number, o: PairOutput): void {
  const width = states.length / nTimes
  for (let r = 0; r < nTimes; r++)
    for (let p = 0; p < tracers; p++) {
      const d = o.trajOffset + (p * nTimes + r) * 2
      o.trajectories[d] = states[r * width + first + 2 * p]
      o.trajectories[d + 1] = states[r * width + first + 2 * p + 1]
    }
}
