/**
 * The hot loop: RK4 advection of tracers through one pair's Fourier flow. Time factors e^{iω_k t} advance by a
 * rotation per half step (re-synchronised exactly every RESYNC steps), space factors come from angle recurrences,
 * so a step costs 16 trig calls for four velocity evaluations, whatever K. No allocation inside the loop.
 */
import { createFourierKernel, modesPerSideOf, rotateCoefficients, type FourierKernel } from './fourier'
import { advectFourier7Wasm } from './fourier7-wasm'

/** Exact re-evaluation of e^{iω t} this often (steps) bounds the rotation's round-off drift to ~1e-14. */
const RESYNC = 128

/** Reusable buffers for one worker: sized for K modes. */
export class FourierAdvectWork {
  readonly c0r: Float64Array
  readonly c0i: Float64Array
  readonly chr: Float64Array
  readonly chi: Float64Array
  readonly c1r: Float64Array
  readonly c1i: Float64Array
  readonly rotR: Float64Array
  readonly rotI: Float64Array
  readonly kernel: FourierKernel
  readonly vel = new Float64Array(2)
  constructor(readonly m: number) {
    const K = m * m
    this.c0r = new Float64Array(K)
    this.c0i = new Float64Array(K)
    this.chr = new Float64Array(K)
    this.chi = new Float64Array(K)
    this.c1r = new Float64Array(K)
    this.c1i = new Float64Array(K)
    this.rotR = new Float64Array(K)
    this.rotI = new Float64Array(K)
    this.kernel = createFourierKernel(m)
  }
}

/**
 * RK4 from t = 0 with `steps` steps of `dt`; writes tracer positions every `recordEvery` steps into
 * `out[offset + (tracer·nTimes + record)·2 + {0,1}]` (nTimes = ⌊steps/recordEvery⌋). Positions are not wrapped
 * into the unit square (the flow is periodic; unwrapped tracks have no jumps). `pos` (tracers×2) holds the
 * starts on entry and the final positions on exit. The paper's 7×7 block runs in WebAssembly (fourier7-wasm.ts,
 * the same bits); other blocks, and `useWasm` false, run the JS loop below.
 */
export function advectFourierRk4(
  params: Float64Array,
  omega: Float64Array,
  pos: Float64Array,
  dt: number,
  steps: number,
  recordEvery: number,
  out: Float64Array,
  offset: number,
  w: FourierAdvectWork,
  useWasm = true
): void {
  if (useWasm && advectFourier7Wasm(params, omega, pos, dt, steps, recordEvery, out, offset)) return
  const K = omega.length
  const nTr = pos.length / 2
  const nTimes = Math.floor(steps / recordEvery)
  const { c0r, c0i, chr, chi, c1r, c1i, rotR, rotI, vel } = w
  const velocity = w.kernel.velocity
  const h2 = dt / 2, h6 = dt / 6
  for (let j = 0; j < K; j++) {
    rotR[j] = Math.cos((omega[j] * dt) / 2)
    rotI[j] = Math.sin((omega[j] * dt) / 2)
  }
  rotateCoefficients(params, omega, 0, c0r, c0i)
  for (let s = 0; s < steps; s++) {
    if (s > 0 && s % RESYNC === 0) rotateCoefficients(params, omega, s * dt, c0r, c0i)
    for (let j = 0; j < K; j++) {
      const ar = c0r[j], ai = c0i[j], rr = rotR[j], ri = rotI[j]
      const hr = ar * rr - ai * ri, hi = ar * ri + ai * rr
      chr[j] = hr
      chi[j] = hi
      c1r[j] = hr * rr - hi * ri
      c1i[j] = hr * ri + hi * rr
    }
    for (let p = 0; p < nTr; p++) {
      const x = pos[2 * p], y = pos[2 * p + 1]
      velocity(x, y, c0r, c0i, vel)
      const k1x = vel[0], k1y = vel[1]
      velocity(x + h2 * k1x, y + h2 * k1y, chr, chi, vel)
      const k2x = vel[0], k2y = vel[1]
      velocity(x + h2 * k2x, y + h2 * k2y, chr, chi, vel)
      const k3x = vel[0], k3y = vel[1]
      velocity(x + dt * k3x, y + dt * k3y, c1r, c1i, vel)
      pos[2 * p] = x + h6 * (k1x + 2 * k2x + 2 * k3x + vel[0])
      pos[2 * p + 1] = y + h6 * (k1y + 2 * k2y + 2 * k3y + vel[1])
    }
    // the new step's start coefficients are this step's end coefficients
    c0r.set(c1r)
    c0i.set(c1i)
    const done = s + 1
    if (done % recordEvery === 0) {
      const r = done / recordEvery - 1
      if (r < nTimes)
        for (let p = 0; p < nTr; p++) {
          const o = offset + (p * nTimes + r) * 2
          out[o] = pos[2 * p]
          out[o + 1] = pos[2 * p + 1]
        }
    }
  }
}

const works = new Map<number, FourierAdvectWork>()

/**
 * `advectInField` for one Fourier flow when the record times are equally spaced (simulated data sets): the same RK4
 * (each interval in ⌈interval/dt⌉ equal steps) by `advectFourierRk4` — the wasm kernel for 7×7 — started from the
 * coefficients at times[0]. Its time levels are reached by rotation from times[0] instead of from 0, so it agrees
 * with the generic loop to round-off (≲ 1e-12, tested), not bit for bit. Undefined when the spacing is not equal.
 */
export function advectFourierTracks(params: Float64Array, omega: Float64Array, starts: Float64Array, times: Float64Array, dt: number): Float64Array | undefined {
  const nT = times.length, nTr = starts.length / 2
  const span = nT > 1 ? times[1] - times[0] : NaN
  if (!(span > 0)) return undefined
  for (let r = 2; r < nT; r++) if (Math.abs(times[r] - times[r - 1] - span) > 1e-9 * span) return undefined
  const perRecord = Math.max(1, Math.ceil(span / dt - 1e-9))
  const K = omega.length
  const cr = new Float64Array(K), ci = new Float64Array(K)
  rotateCoefficients(params, omega, times[0], cr, ci)
  const from0 = new Float64Array(2 * K)
  for (let j = 0; j < K; j++) {
    from0[2 * j] = cr[j]
    from0[2 * j + 1] = ci[j]
  }
  const m = modesPerSideOf(K)
  let work = works.get(m)
  if (!work) works.set(m, (work = new FourierAdvectWork(m)))
  const pos = Float64Array.from(starts)
  const records = new Float64Array(nTr * (nT - 1) * 2)
  advectFourierRk4(from0, omega, pos, span / perRecord, perRecord * (nT - 1), perRecord, records, 0, work)
  const out = new Float64Array(nTr * nT * 2)
  for (let p = 0; p < nTr; p++) {
    out[p * nT * 2] = starts[2 * p]
    out[p * nT * 2 + 1] = starts[2 * p + 1]
    out.set(records.subarray(p * (nT - 1) * 2, (p + 1) * (nT - 1) * 2), (p * nT + 1) * 2)
  }
  return out
}
