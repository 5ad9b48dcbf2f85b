import { describe, expect, it } from 'vitest'
import { fieldOfPair } from '../../../src-main/engine/flows/field'
import { simulateDataset } from '../../../src-main/engine/flows/simulate'
import { SimulationConfig } from '../../../src-main/shared/simulation'

// fieldOfPair reaches recurring time levels (RK4's t → t + h/2 → t + h) by rotating the previous level's
// coefficients instead of evaluating e^{iωt}: the velocities must agree with a fresh evaluation at every level.
describe('Fourier field time levels', () => {
  it('rotated time levels match exact ones over many RK4 steps, irregular times included', () => {
    const ds = simulateDataset(SimulationConfig.parse({ pairs: 2, steps: 20, recordEvery: 10 }))
    const field = fieldOfPair(ds, 1)
    const a = new Float64Array(2), b = new Float64Array(2)
    const h = 2.5e-5
    let worst = 0
    let scale = 0
    for (let s = 0; s < 1000; s++) {
      const t = s * h
      // regular RK4 levels first (rotated), then with an irregular time between steps (exact again)
      const levels: [number, number][] = [[t, 0.3], [t + h / 2, 0.31], [t + h / 2, 0.32], [t + h, 0.33]]
      if (s >= 700) levels.push([0.0123 + s * 1e-6, 0.5])
      for (const [tt, x] of levels) {
        field.velocity(x, 0.7, tt, a)
        fieldOfPair(ds, 1).velocity(x, 0.7, tt, b) // a new field: exact e^{iωt}
        worst = Math.max(worst, Math.abs(a[0]! - b[0]!), Math.abs(a[1]! - b[1]!))
        scale = Math.max(scale, Math.abs(b[0]!), Math.abs(b[1]!))
      }
    }
    expect(scale).toBeGreaterThan(0.1)
    expect(worst / scale).toBeLessThan(1e-12)
  })
})
