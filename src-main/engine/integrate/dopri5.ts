/** Adaptive Dormand–Prince 5(4) with embedded error control (Hairer–Nørsett–Wanner), hitting requested output times exactly. */
import type { Derivative } from './system'

export interface Dopri5Options {
  /** Relative and absolute tolerance on each state component. */
  rtol: number
  atol: number
  /** First trial step (time units); default a hundredth of the first output interval. */
  initialStep?: number
  /** Refuse to take more than this many steps in total (guards against stiff or singular flows). */
  maxSteps?: number
}

export interface Dopri5Stats {
  accepted: number
  rejected: number
  evaluations: number
}

const C2 = 1 / 5, C3 = 3 / 10, C4 = 4 / 5, C5 = 8 / 9
const A21 = 1 / 5
const A31 = 3 / 40, A32 = 9 / 40
const A41 = 44 / 45, A42 = -56 / 15, A43 = 32 / 9
const A51 = 19372 / 6561, A52 = -25360 / 2187, A53 = 64448 / 6561, A54 = -212 / 729
const A61 = 9017 / 3168, A62 = -355 / 33, A63 = 46732 / 5247, A64 = 49 / 176, A65 = -5103 / 18656
const B1 = 35 / 384, B3 = 500 / 1113, B4 = 125 / 192, B5 = -2187 / 6784, B6 = 11 / 84
// error coefficients: 5th-order weights minus the embedded 4th-order ones
const E1 = 71 / 57600, E3 = -71 / 16695, E4 = 71 / 1920, E5 = -17253 / 339200, E6 = 22 / 525, E7 = -1 / 40

/**
 * Integrate y' = f(t, y) from t0 through every time in `outTimes` (increasing, > t0), writing the state at each
 * into `out` (outTimes.length × y0.length). Steps are shortened to land on output times exactly.
 */
export function dopri5Integrate(
  f: Derivative,
  t0: number,
  y0: Float64Array,
  outTimes: Float64Array,
  opts: Dopri5Options,
  out = new Float64Array(outTimes.length * y0.length)
): { out: Float64Array; stats: Dopri5Stats } {
  const n = y0.length
  const y = Float64Array.from(y0)
  const k1 = new Float64Array(n), k2 = new Float64Array(n), k3 = new Float64Array(n), k4 = new Float64Array(n)
  const k5 = new Float64Array(n), k6 = new Float64Array(n), k7 = new Float64Array(n)
  const yt = new Float64Array(n), y5 = new Float64Array(n)
  const stats: Dopri5Stats = { accepted: 0, rejected: 0, evaluations: 0 }
  const maxSteps = opts.maxSteps ?? 10_000_000
  let t = t0
  let h = opts.initialStep ?? (outTimes.length > 0 ? (outTimes[0] - t0) / 100 : 1e-3)
  f(t, y, k1)
  stats.evaluations++
  for (let r = 0; r < outTimes.length; r++) {
    const target = outTimes[r]
    while (t < target) {
      if (stats.accepted + stats.rejected >= maxSteps) throw new Error(`dopri5: more than ${maxSteps} steps before t = ${target}`)
      const last = t + h >= target - 1e-15 * Math.abs(target) // land exactly on the output time
      const step = last ? target - t : h
      for (let i = 0; i < n; i++) yt[i] = y[i] + step * A21 * k1[i]
      f(t + C2 * step, yt, k2)
      for (let i = 0; i < n; i++) yt[i] = y[i] + step * (A31 * k1[i] + A32 * k2[i])
      f(t + C3 * step, yt, k3)
      for (let i = 0; i < n; i++) yt[i] = y[i] + step * (A41 * k1[i] + A42 * k2[i] + A43 * k3[i])
      f(t + C4 * step, yt, k4)
      for (let i = 0; i < n; i++) yt[i] = y[i] + step * (A51 * k1[i] + A52 * k2[i] + A53 * k3[i] + A54 * k4[i])
      f(t + C5 * step, yt, k5)
      for (let i = 0; i < n; i++) yt[i] = y[i] + step * (A61 * k1[i] + A62 * k2[i] + A63 * k3[i] + A64 * k4[i] + A65 * k5[i])
      f(t + step, yt, k6)
      for (let i = 0; i < n; i++) y5[i] = y[i] + step * (B1 * k1[i] + B3 * k3[i] + B4 * k4[i] + B5 * k5[i] + B6 * k6[i])
      f(t + step, y5, k7) // first-same-as-last: k7 is next step's k1
      stats.evaluations += 6
      let err = 0
      for (let i = 0; i < n; i++) {
        const e = step * (E1 * k1[i] + E3 * k3[i] + E4 * k4[i] + E5 * k5[i] + E6 * k6[i] + E7 * k7[i])
        const sc = opts.atol + opts.rtol * Math.max(Math.abs(y[i]), Math.abs(y5[i]))
        err += (e / sc) * (e / sc)
      }
      err = Math.sqrt(err / n)
      // standard controller: safety 0.9, growth limited to [0.2, 5]
      const factor = err === 0 ? 5 : Math.min(5, Math.max(0.2, 0.9 * Math.pow(err, -1 / 5)))
      if (err <= 1) {
        stats.accepted++
        t = last ? target : t + step
        y.set(y5)
        k1.set(k7)
        // a step shortened to land on an output time says little about the next one: keep h unless it must shrink
        if (!last) h = step * factor
        else if (factor < 1) h = Math.min(h, step * factor)
      } else {
        stats.rejected++
        h = Number.isFinite(err) ? step * factor : step / 10
        if (h < 1e-14 * Math.max(1, Math.abs(t))) throw new Error(`dopri5: step size underflow at t = ${t}`)
      }
    }
    out.set(y, r * n)
  }
  return { out, stats }
}
