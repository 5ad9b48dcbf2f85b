import { describe, expect, it } from 'vitest'
import { SimulationConfig } from '../../../src-main/shared/simulation'
import {
  vortexDerivative, vortexHamiltonian, vortexImpulses, vortexParams, vortexStreamFunction, vortexVelocity
} from '../../../src-main/engine/flows/vortex'
import { Rng } from '../../../src-main/engine/flows/rng'
import { Rk4Work, rk4Integrate, rk4Step } from '../../../src-main/engine/integrate/rk4'
import { VortexRk4 } from '../../../src-main/engine/flows/vortex-rk4'
import { simulateDataset } from '../../../src-main/engine/flows/simulate'
import { fieldOfPair } from '../../../src-main/engine/flows/field'

function angleOf(state: Float64Array): number {
  return Math.atan2(state[3] - state[1], state[2] - state[0])
}

describe('point vortices', () => {
  it('turn counter-clockwise for positive circulation: velocity Γ/(2πr) at distance r', () => {
    const out = new Float64Array(2)
    vortexVelocity(2, 0, new Float64Array([0, 0]), new Float64Array([Math.PI]), out)
    expect(out[0]).toBeCloseTo(0, 15)
    expect(out[1]).toBeCloseTo(Math.PI / (2 * Math.PI * 2), 15)
  })

  it.each([
    [2 * Math.PI, 2 * Math.PI],
    [2 * Math.PI, Math.PI]
  ])('a pair with Γ = (%f, %f) co-rotates at Ω = (Γ1 + Γ2)/(2π d²)', (g1, g2) => {
    const d = 0.8
    const gamma = new Float64Array([g1, g2])
    const omega = (g1 + g2) / (2 * Math.PI * d * d)
    const T = 3
    const steps = 6000
    const out = rk4Integrate(vortexDerivative(gamma), 0, new Float64Array([0, 0, d, 0]), T / steps, steps, steps)
    let expected = omega * T
    expected = Math.atan2(Math.sin(expected), Math.cos(expected))
    expect(angleOf(out)).toBeCloseTo(expected, 8)
    expect(Math.hypot(out[2] - out[0], out[3] - out[1])).toBeCloseTo(d, 10)
  })

  it('conserves the Hamiltonian, linear and angular impulse over a long run', () => {
    const cfg = SimulationConfig.parse({ flow: 'vortex', vortex: { vortices: 4, mixedSigns: true } })
    const v = vortexParams(cfg.vortex, new Float64Array([0.75, 0.75]), new Rng(3))
    const gamma = v.slice(8)
    const pos0 = v.slice(0, 8)
    const steps = 20_000
    const end = rk4Integrate(vortexDerivative(gamma), 0, pos0, 1e-3, steps, steps)
    const h0 = vortexHamiltonian(pos0, gamma), h1 = vortexHamiltonian(end, gamma)
    const i0 = vortexImpulses(pos0, gamma), i1 = vortexImpulses(end, gamma)
    const scale = gamma.reduce((s, g) => s + Math.abs(g), 0)
    expect(Math.abs(h1 - h0)).toBeLessThan(1e-7 * Math.abs(h0) + 1e-9)
    expect(Math.abs(i1.px - i0.px)).toBeLessThan(1e-9 * scale)
    expect(Math.abs(i1.py - i0.py)).toBeLessThan(1e-9 * scale)
    expect(Math.abs(i1.angular - i0.angular)).toBeLessThan(1e-8 * scale)
    // and the vortices really moved
    expect(Math.hypot(end[0] - pos0[0], end[1] - pos0[1])).toBeGreaterThan(0.05)
  })

  it('draws vortices apart from each other and from tracer starts, with circulations in range', () => {
    const cfg = SimulationConfig.parse({ flow: 'vortex', vortex: { vortices: 5 } })
    const starts = new Float64Array([0.75, 0.75])
    for (let s = 0; s < 20; s++) {
      const v = vortexParams(cfg.vortex, starts, new Rng(s))
      for (let i = 0; i < 5; i++) {
        expect(Math.hypot(v[2 * i], v[2 * i + 1])).toBeLessThanOrEqual(1)
        expect(Math.hypot(v[2 * i] - 0.75, v[2 * i + 1] - 0.75)).toBeGreaterThanOrEqual(0.25)
        for (let j = 0; j < i; j++) expect(Math.hypot(v[2 * i] - v[2 * j], v[2 * i + 1] - v[2 * j + 1])).toBeGreaterThanOrEqual(0.25)
        expect(v[10 + i]).toBeGreaterThanOrEqual(Math.PI)
        expect(v[10 + i]).toBeLessThanOrEqual(3 * Math.PI)
      }
    }
  })

  it('its stream function gives the velocity (w = (∂ψ/∂y, −∂ψ/∂x))', () => {
    const pos = new Float64Array([0, 0, 0.5, -0.2]), gamma = new Float64Array([1.3, -0.7]), out = new Float64Array(2)
    const h = 1e-6
    vortexVelocity(0.3, 0.4, pos, gamma, out)
    expect((vortexStreamFunction(0.3, 0.4 + h, pos, gamma) - vortexStreamFunction(0.3, 0.4 - h, pos, gamma)) / (2 * h)).toBeCloseTo(out[0], 6)
    expect(-(vortexStreamFunction(0.3 + h, 0.4, pos, gamma) - vortexStreamFunction(0.3 - h, 0.4, pos, gamma)) / (2 * h)).toBeCloseTo(out[1], 6)
  })

  it('system noise changes the truth reproducibly and the field follows the stored tracks', () => {
    const base = { flow: 'vortex', pairs: 2, steps: 500, dt: 1e-3, recordEvery: 50 } as const
    const clean = simulateDataset(SimulationConfig.parse(base))
    const noisy = simulateDataset(SimulationConfig.parse({ ...base, vortex: { systemNoise: 0.2 } }))
    const again = simulateDataset(SimulationConfig.parse({ ...base, vortex: { systemNoise: 0.2 } }))
    expect(noisy.params).toEqual(clean.params) // same initial state
    expect(noisy.vortexTracks).toEqual(again.vortexTracks)
    const diff = Math.abs(noisy.vortexTracks![19] - clean.vortexTracks![19])
    expect(diff).toBeGreaterThan(1e-3)
    // the field at a record time uses the stored (noisy) positions: velocity there matches a direct sum
    const field = fieldOfPair(noisy, 1)
    const out = new Float64Array(2), ref = new Float64Array(2)
    const r = 4, nT = noisy.nTimes
    const pos = new Float64Array(4)
    for (let j = 0; j < 2; j++) {
      pos[2 * j] = noisy.vortexTracks![(1 * 2 + j) * nT * 2 + r * 2]
      pos[2 * j + 1] = noisy.vortexTracks![(1 * 2 + j) * nT * 2 + r * 2 + 1]
    }
    field.velocity(0.1, 0.2, noisy.times[r], out)
    vortexVelocity(0.1, 0.2, pos, noisy.params.subarray(6 + 4, 6 + 6), ref)
    expect(out[0]).toBeCloseTo(ref[0], 12)
    expect(out[1]).toBeCloseTo(ref[1], 12)
  })
})

describe('VortexRk4 (the likelihood’s inlined RK4)', () => {
  it('gives bitwise the tracks of rk4Step(vortexDerivative(Γ)), and stops early when asked', () => {
    const v = Float64Array.from([0.3, -0.1, -0.4, 0.2, 0.1, 0.5, 6.1, 4.2, 7.3])
    const starts = Float64Array.from([0.8, 0.7, -0.2, -0.9])
    const dt = 0.01, steps = 60, perRecord = 5, n = 3, tracers = 2
    const expected = new Float64Array(tracers * (steps / perRecord) * 2)
    const y = Float64Array.from([...v.subarray(0, 2 * n), ...starts])
    const f = vortexDerivative(v.slice(2 * n)), w = new Rk4Work(y.length)
    for (let s = 1; s <= steps; s++) {
      rk4Step(f, (s - 1) * dt, y, dt, w)
      if (s % perRecord === 0) for (let p = 0; p < tracers; p++) expected.set(y.subarray(2 * n + 2 * p, 2 * n + 2 * p + 2), (p * (steps / perRecord) + s / perRecord - 1) * 2)
    }
    const out = new Float64Array(expected.length)
    new VortexRk4(n, tracers).run(v, starts, dt, steps, perRecord, out, 0)
    expect(Array.from(out)).toEqual(Array.from(expected))
    const early = new Float64Array(expected.length).fill(-7)
    new VortexRk4(n, tracers).run(v, starts, dt, steps, perRecord, early, 0, 3)
    for (let p = 0; p < tracers; p++)
      for (let r = 0; r < steps / perRecord; r++)
        for (let k = 0; k < 2; k++) expect(early[(p * (steps / perRecord) + r) * 2 + k]).toBe(r < 3 ? expected[(p * (steps / perRecord) + r) * 2 + k] : -7)
  })
})
