/** Advect tracers through any flow field with fixed-step RK4 (re-advection for scoring and display). */
import type { FlowField } from './field'

/**
 * Positions of tracers that sit at `starts` (tracers × 2) at time times[0], at every time in `times` (increasing):
 * result tracers × times × 2 (record 0 = starts). Each interval is split into equal RK4 steps no longer than `dt`.
 */
export function advectInField(field: FlowField, starts: Float64Array, times: Float64Array, dt: number): Float64Array {
  const fast = field.advect?.(starts, times, dt)
  if (fast) return fast
  return advectGeneric(field, starts, times, dt)
}

/** `advectInField` through `field.velocity` only (what a field's faster route must agree with). */
export function advectGeneric(field: FlowField, starts: Float64Array, times: Float64Array, dt: number): Float64Array {
  const nTr = starts.length / 2, nT = times.length
  const out = new Float64Array(nTr * nT * 2)
  const v = new Float64Array(2)
  for (let p = 0; p < nTr; p++) {
    let x = starts[2 * p], y = starts[2 * p + 1]
    if (nT > 0) {
      out[p * nT * 2] = x
      out[p * nT * 2 + 1] = y
    }
    for (let r = 1; r < nT; r++) {
      const span = times[r] - times[r - 1]
      const steps = Math.max(1, Math.ceil(span / dt - 1e-9))
      const h = span / steps
      for (let s = 0; s < steps; s++) {
        const t = times[r - 1] + s * h
        field.velocity(x, y, t, v)
        const k1x = v[0], k1y = v[1]
        field.velocity(x + (h / 2) * k1x, y + (h / 2) * k1y, t + h / 2, v)
        const k2x = v[0], k2y = v[1]
        field.velocity(x + (h / 2) * k2x, y + (h / 2) * k2y, t + h / 2, v)
        const k3x = v[0], k3y = v[1]
        field.velocity(x + h * k3x, y + h * k3y, t + h, v)
        x += (h / 6) * (k1x + 2 * k2x + 2 * k3x + v[0])
        y += (h / 6) * (k1y + 2 * k2y + 2 * k3y + v[1])
      }
      out[(p * nT + r) * 2] = x
      out[(p * nT + r) * 2 + 1] = y
    }
  }
  return out
}
