import { describe, expect, it } from 'vitest'
import { SimulationConfig } from '../../../src-main/shared/simulation'
import {
  createFourierKernel, fourierConstants, fourierParams, fourierSigmas, fourierWavenumbers, rotateCoefficients
} from '../../../src-main/engine/flows/fourier'
import { advectFourierRk4, FourierAdvectWork } from '../../../src-main/engine/flows/fourier-advect'
import { fourierGrid } from '../../../src-main/engine/flows/fourier-grid'
import { Rng, STREAM } from '../../../src-main/engine/flows/rng'
import { rk4Integrate } from '../../../src-main/engine/integrate/rk4'

const cfg = SimulationConfig.parse({})
const constants = fourierConstants(cfg)
const sigma = fourierSigmas(cfg.fourier, constants.kx, constants.ky)
const params = (pair: number) => fourierParams(sigma, new Rng(cfg.seed, pair, STREAM.params))

/** Direct mode sum with one trig call per mode: the reference the separable kernel must reproduce. */
function direct(v: Float64Array, t: number, x: number, y: number) {
  let u = 0, w = 0, psi = 0, zeta = 0
  const { kx, ky, omega } = constants
  for (let j = 0; j < kx.length; j++) {
    const th = omega[j] * t + 2 * Math.PI * (kx[j] * x + ky[j] * y)
    const re = v[2 * j] * Math.cos(th) - v[2 * j + 1] * Math.sin(th)
    const im = v[2 * j] * Math.sin(th) + v[2 * j + 1] * Math.cos(th)
    psi += re
    u += -2 * Math.PI * ky[j] * im // ∂ψ/∂y
    w += 2 * Math.PI * kx[j] * im // −∂ψ/∂x
    zeta += 4 * Math.PI * Math.PI * (kx[j] ** 2 + ky[j] ** 2) * re
  }
  return { u, v: w, psi, zeta }
}

describe('Fourier flow', () => {
  it('uses 49 distinct wavenumbers, no zero mode and never both k and −k', () => {
    const { kx, ky } = fourierWavenumbers(7)
    const keys = new Set<string>()
    for (let j = 0; j < 49; j++) {
      expect(kx[j] === 0 && ky[j] === 0).toBe(false)
      keys.add(`${kx[j]},${ky[j]}`)
    }
    expect(keys.size).toBe(49)
    for (let j = 0; j < 49; j++) expect(keys.has(`${-kx[j]},${-ky[j]}`)).toBe(false)
    expect([Math.min(...kx), Math.max(...kx), Math.min(...ky), Math.max(...ky)]).toEqual([-3, 3, 1, 7])
  })

  it('the separable kernel equals the direct mode sum (velocity, stream function, vorticity)', () => {
    const v = params(3)
    const k = createFourierKernel(7)
    const cr = new Float64Array(49), ci = new Float64Array(49), out = new Float64Array(2)
    const rng = new Rng(9)
    for (let n = 0; n < 50; n++) {
      const x = rng.between(-1, 2), y = rng.between(-1, 2), t = rng.between(0, 0.1)
      rotateCoefficients(v, constants.omega, t, cr, ci)
      const ref = direct(v, t, x, y)
      k.velocity(x, y, cr, ci, out)
      expect(out[0]).toBeCloseTo(ref.u, 10)
      expect(out[1]).toBeCloseTo(ref.v, 10)
      k.scalars(x, y, cr, ci, out)
      expect(out[0]).toBeCloseTo(ref.psi, 12)
      expect(out[1]).toBeCloseTo(ref.zeta, 8)
    }
  })

  it('the whole-grid evaluation equals the direct mode sum at every cell (velocity, stream function, vorticity)', () => {
    const v = params(5)
    const cr = new Float64Array(49), ci = new Float64Array(49)
    rotateCoefficients(v, constants.omega, 0.037, cr, ci)
    const xs = Float64Array.of(-0.3, 0.05, 0.5, 0.99, 1.7), ys = Float64Array.of(0.2, 0.61, 1.4)
    const out = { u: new Float64Array(15), v: new Float64Array(15), psi: new Float64Array(15), vorticity: new Float64Array(15) }
    fourierGrid(7, cr, ci, xs, ys, out)
    for (let j = 0; j < 3; j++)
      for (let i = 0; i < 5; i++) {
        const ref = direct(v, 0.037, xs[i]!, ys[j]!)
        expect(out.u[j * 5 + i]).toBeCloseTo(ref.u, 10)
        expect(out.v[j * 5 + i]).toBeCloseTo(ref.v, 10)
        expect(out.psi[j * 5 + i]).toBeCloseTo(ref.psi, 12)
        expect(out.vorticity[j * 5 + i]).toBeCloseTo(ref.zeta, 8)
      }
  })

  it('the generic loop kernel (other block sizes) equals the direct mode sum', () => {
    const { kx, ky } = fourierWavenumbers(4)
    expect([Math.min(...kx), Math.max(...kx)]).toEqual([-1, 2])
    const rng = new Rng(21)
    const v = Float64Array.from({ length: 32 }, () => rng.normal())
    const k = createFourierKernel(4)
    const cr = new Float64Array(16), ci = new Float64Array(16), out = new Float64Array(2)
    rotateCoefficients(v, new Float64Array(16), 0, cr, ci)
    for (let n = 0; n < 20; n++) {
      const x = rng.uniform(), y = rng.uniform()
      let u = 0, w = 0
      for (let j = 0; j < 16; j++) {
        const th = 2 * Math.PI * (kx[j] * x + ky[j] * y)
        const im = v[2 * j] * Math.sin(th) + v[2 * j + 1] * Math.cos(th)
        u -= 2 * Math.PI * ky[j] * im
        w += 2 * Math.PI * kx[j] * im
      }
      k.velocity(x, y, cr, ci, out)
      expect(out[0]).toBeCloseTo(u, 11)
      expect(out[1]).toBeCloseTo(w, 11)
    }
  })

  it('is divergence-free, w = J∇ψ, and the vorticity is the curl, by finite differences', () => {
    const v = params(5)
    const k = createFourierKernel(7)
    const cr = new Float64Array(49), ci = new Float64Array(49)
    rotateCoefficients(v, constants.omega, 0.03, cr, ci)
    const vel = (x: number, y: number) => {
      const o = new Float64Array(2)
      k.velocity(x, y, cr, ci, o)
      return o
    }
    const sc = (x: number, y: number) => {
      const o = new Float64Array(2)
      k.scalars(x, y, cr, ci, o)
      return o
    }
    const h = 1e-5
    const rng = new Rng(4)
    for (let n = 0; n < 20; n++) {
      const x = rng.uniform(), y = rng.uniform()
      const dudx = (vel(x + h, y)[0] - vel(x - h, y)[0]) / (2 * h)
      const dvdy = (vel(x, y + h)[1] - vel(x, y - h)[1]) / (2 * h)
      const dvdx = (vel(x + h, y)[1] - vel(x - h, y)[1]) / (2 * h)
      const dudy = (vel(x, y + h)[0] - vel(x, y - h)[0]) / (2 * h)
      const scale = Math.abs(dudx) + Math.abs(dvdy) + Math.abs(dvdx) + Math.abs(dudy)
      expect(Math.abs(dudx + dvdy)).toBeLessThan(1e-7 * scale)
      expect(dvdx - dudy).toBeCloseTo(sc(x, y)[1], 3)
      expect((sc(x, y + h)[0] - sc(x, y - h)[0]) / (2 * h)).toBeCloseTo(vel(x, y)[0], 6)
      expect(-(sc(x + h, y)[0] - sc(x - h, y)[0]) / (2 * h)).toBeCloseTo(vel(x, y)[1], 6)
    }
  })

  it('is periodic on the unit square', () => {
    const k = createFourierKernel(7)
    const cr = new Float64Array(49), ci = new Float64Array(49), a = new Float64Array(2), b = new Float64Array(2)
    rotateCoefficients(params(1), constants.omega, 0.05, cr, ci)
    k.velocity(0.2, 0.7, cr, ci, a)
    k.velocity(1.2, -0.3, cr, ci, b)
    expect(b[0]).toBeCloseTo(a[0], 10)
    expect(b[1]).toBeCloseTo(a[1], 10)
  })

  it('has the configured root-mean-square speed on average', () => {
    const k = createFourierKernel(7)
    const cr = new Float64Array(49), ci = new Float64Array(49), o = new Float64Array(2)
    let sum = 0, n = 0
    for (let p = 0; p < 100; p++) {
      rotateCoefficients(params(p), constants.omega, 0, cr, ci)
      for (let i = 0; i < 8; i++)
        for (let j = 0; j < 8; j++) {
          k.velocity((i + 0.5) / 8, (j + 0.5) / 8, cr, ci, o)
          sum += o[0] ** 2 + o[1] ** 2
          n++
        }
    }
    expect(Math.sqrt(sum / n)).toBeGreaterThan(0.85 * cfg.fourier.rmsSpeed)
    expect(Math.sqrt(sum / n)).toBeLessThan(1.15 * cfg.fourier.rmsSpeed)
  })

  it('the fast advection loop (rotated time factors) matches generic RK4 on the direct sum', () => {
    const v = params(2)
    const steps = 400, dt = 1e-4
    const fast = new Float64Array(2 * 40)
    const pos = new Float64Array([0.75, 0.75])
    advectFourierRk4(v, constants.omega, pos, dt, steps, 10, fast, 0, new FourierAdvectWork(7))
    const slow = rk4Integrate((t, y, dy) => {
      const r = direct(v, t, y[0], y[1])
      dy[0] = r.u
      dy[1] = r.v
    }, 0, new Float64Array([0.75, 0.75]), dt, steps, 10)
    for (let i = 0; i < fast.length; i++) expect(Math.abs(fast[i] - slow[i])).toBeLessThan(1e-11)
  })

  it('moves tracers an appreciable fraction of the domain in the paper window T = 0.1', () => {
    const disp: number[] = []
    const out = new Float64Array(2000)
    for (let p = 0; p < 12; p++) {
      const pos = new Float64Array([0.75, 0.75])
      advectFourierRk4(params(p), constants.omega, pos, 1e-5, 10_000, 10, out, 0, new FourierAdvectWork(7))
      disp.push(Math.hypot(pos[0] - 0.75, pos[1] - 0.75))
    }
    disp.sort((a, b) => a - b)
    const median = (disp[5] + disp[6]) / 2
    expect(median).toBeGreaterThan(0.05)
    expect(median).toBeLessThan(0.6)
  })
})
