/** Classical fourth-order Runge–Kutta with a fixed step over a Float64Array state, allocation-free per step. */
import type { Derivative } from './system'

/** Reusable scratch space for `rk4Step` (one per state size). */
export class Rk4Work {
  readonly k1: Float64Array
  readonly k2: Float64Array
  readonly k3: Float64Array
  readonly k4: Float64Array
  readonly tmp: Float64Array
  constructor(readonly n: number) {
    this.k1 = new Float64Array(n)
    this.k2 = new Float64Array(n)
    this.k3 = new Float64Array(n)
    this.k4 = new Float64Array(n)
    this.tmp = new Float64Array(n)
  }
}

/** Advance `y` in place from time t to t + dt (time units of `f`). */
export function rk4Step(f: Derivative, t: number, y: Float64Array, dt: number, w: Rk4Work): void {
  const { k1, k2, k3, k4, tmp } = w
  const n = y.length
  const h2 = dt / 2
  f(t, y, k1)
  for (let i = 0; i < n; i++) tmp[i] = y[i] + h2 * k1[i]
  f(t + h2, tmp, k2)
  for (let i = 0; i < n; i++) tmp[i] = y[i] + h2 * k2[i]
  f(t + h2, tmp, k3)
  for (let i = 0; i < n; i++) tmp[i] = y[i] + dt * k3[i]
  f(t + dt, tmp, k4)
  const h6 = dt / 6
  for (let i = 0; i < n; i++) y[i] += h6 * (k1[i] + 2 * k2[i] + 2 * k3[i] + k4[i])
}

/**
 * Integrate `steps` fixed RK4 steps from t0, copying the state into `out` every `recordEvery` steps
 * (records j = 1..⌊steps/recordEvery⌋, the start itself is not recorded). Returns `out` (records × y.length).
 */
export function rk4Integrate(
  f: Derivative,
  t0: number,
  y0: Float64Array,
  dt: number,
  steps: number,
  recordEvery: number,
  out = new Float64Array(Math.floor(steps / recordEvery) * y0.length)
): Float64Array {
  const y = Float64Array.from(y0)
  const w = new Rk4Work(y.length)
  let r = 0
  for (let s = 1; s <= steps; s++) {
    // t from the step index (not a running sum) so record times carry no accumulated round-off
    rk4Step(f, t0 + (s - 1) * dt, y, dt, w)
    if (s % recordEvery === 0) out.set(y, r++ * y.length)
  }
  return out
}
