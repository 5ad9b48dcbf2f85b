/**
 * The point-vortex + tracer ODE (flows/vortex.ts) under classical RK4, written out for the likelihood's inner loop:
 * no derivative closure and no per-stage allocation, each stage calling the simulator's own `vortexVelocities`. It
 * performs the same floating-point operations in the same order as `rk4Step(vortexDerivative(Γ), …)`, so its tracks are bitwise the
 * simulator's (tested); it only runs faster (measured ~2–3×, README "Twin benchmark").
 */

import { vortexVelocities } from './vortex'

export class VortexRk4 {
  private readonly y: Float64Array
  private readonly k1: Float64Array
  private readonly k2: Float64Array
  private readonly k3: Float64Array
  private readonly k4: Float64Array
  private readonly tmp: Float64Array

  /** `n` vortices then `tracers` passive tracers. */
  constructor(
    readonly n: number,
    readonly tracers: number
  ) {
    const size = 2 * (n + tracers)
    this.y = new Float64Array(size)
    this.k1 = new Float64Array(size)
    this.k2 = new Float64Array(size)
    this.k3 = new Float64Array(size)
    this.k4 = new Float64Array(size)
    this.tmp = new Float64Array(size)
  }

  /**
   * Tracks of parameters v = [x₁, y₁, …, Γ₁, …] (3n) from tracer starts `starts`: `steps` RK4 steps of `dt`, the
   * tracers recorded every `perRecord` steps into `out` from `offset`, tracer-major (tracers × records × 2), as the
   * data set stores them. `records` (default steps / perRecord) stops early: the likelihood of a shorter window.
   */
  run(v: Float64Array, starts: Float64Array, dt: number, steps: number, perRecord: number, out: Float64Array, offset: number, records = Math.floor(steps / perRecord)): void {
    const { n, y, k1, k2, k3, k4, tmp } = this
    const size = y.length
    const nTimes = Math.floor(steps / perRecord)
    for (let i = 0; i < 2 * n; i++) y[i] = v[i]
    y.set(starts, 2 * n)
    const gamma = v.subarray(2 * n, 3 * n)
    const h2 = dt / 2, h6 = dt / 6
    const last = Math.min(steps, records * perRecord)
    for (let s = 1; s <= last; s++) {
      vortexVelocities(y, gamma, n, k1)
      for (let i = 0; i < size; i++) tmp[i] = y[i] + h2 * k1[i]
      vortexVelocities(tmp, gamma, n, k2)
      for (let i = 0; i < size; i++) tmp[i] = y[i] + h2 * k2[i]
      vortexVelocities(tmp, gamma, n, k3)
      for (let i = 0; i < size; i++) tmp[i] = y[i] + dt * k3[i]
      vortexVelocities(tmp, gamma, n, k4)
      for (let i = 0; i < size; i++) y[i] += h6 * (k1[i] + 2 * k2[i] + 2 * k3[i] + k4[i])
      if (s % perRecord === 0) {
        const r = s / perRecord - 1
        for (let p = 0; p < this.tracers; p++) {
          const o = offset + (p * nTimes + r) * 2
          out[o] = y[2 * n + 2 * p]
          out[o + 1] = y[2 * n + 2 * p + 1]
        }
      }
    }
  }
}
