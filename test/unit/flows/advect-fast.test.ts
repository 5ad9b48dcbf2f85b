import { describe, expect, it } from 'vitest'
import { SimulationConfig } from '../../../src-main/shared/simulation'
import { advectGeneric, advectInField } from '../../../src-main/engine/flows/advect'
import { fieldOfPair } from '../../../src-main/engine/flows/field'
import { advectFourierTracks } from '../../../src-main/engine/flows/fourier-advect'
import { simulateDataset } from '../../../src-main/engine/flows/simulate'

describe('re-advection through a Fourier field', () => {
  for (const modesPerSide of [3, 7]) {
    it(`takes the RK4 kernel for equally spaced records and agrees with the generic loop to round-off (${modesPerSide}×${modesPerSide} modes)`, () => {
      const ds = simulateDataset(SimulationConfig.parse({ pairs: 3, steps: 400, recordEvery: 10, tracers: 2, fourier: { modesPerSide } }))
      const field = fieldOfPair(ds, 1)
      const starts = Float64Array.of(0.2, 0.7, 0.55, 0.1)
      const dt = (ds.times[1]! - ds.times[0]!) / 4
      const fast = advectInField(field, starts, ds.times, dt)
      const generic = advectGeneric(field, starts, ds.times, dt)
      expect(field.advect?.(starts, ds.times, dt)).toEqual(fast)
      expect(fast.length).toBe(2 * ds.nTimes * 2)
      expect(Array.from(fast.subarray(0, 2))).toEqual([0.2, 0.7])
      // the tracers move (the test is not of a still field) and both routes agree
      expect(Math.hypot(fast[2 * ds.nTimes - 2]! - 0.2, fast[2 * ds.nTimes - 1]! - 0.7)).toBeGreaterThan(1e-3)
      let worst = 0
      for (let i = 0; i < fast.length; i++) worst = Math.max(worst, Math.abs(fast[i]! - generic[i]!))
      expect(worst).toBeLessThan(1e-12)
    })
  }
  it('declines unequally spaced records (the generic loop takes them)', () => {
    const ds = simulateDataset(SimulationConfig.parse({ pairs: 1, steps: 40, recordEvery: 10, fourier: { modesPerSide: 3 } }))
    const times = Float64Array.of(0, 0.001, 0.003)
    expect(advectFourierTracks(ds.params, ds.flowConstants.omega!, Float64Array.of(0.5, 0.5), times, 0.0005)).toBeUndefined()
    expect(advectInField(fieldOfPair(ds, 0), Float64Array.of(0.5, 0.5), times, 0.0005).length).toBe(6)
  })
})
