import { describe, expect, it } from 'vitest'
import { dopri5Integrate } from '../../../src-main/engine/integrate/dopri5'
import type { Derivative } from '../../../src-main/engine/integrate/system'

const oscillator: Derivative = (_t, y, dy) => {
  dy[0] = y[1]
  dy[1] = -y[0]
}

describe('Dormand–Prince 5(4)', () => {
  it('meets its tolerance on the harmonic oscillator at every output time', () => {
    const times = Float64Array.from({ length: 20 }, (_, i) => (i + 1) * 0.5)
    const { out } = dopri5Integrate(oscillator, 0, new Float64Array([1, 0]), times, { rtol: 1e-10, atol: 1e-12 })
    for (let i = 0; i < times.length; i++) {
      expect(Math.abs(out[2 * i] - Math.cos(times[i]))).toBeLessThan(1e-8)
      expect(Math.abs(out[2 * i + 1] + Math.sin(times[i]))).toBeLessThan(1e-8)
    }
  })

  it('takes fewer steps for a looser tolerance and its error grows accordingly', () => {
    const times = new Float64Array([10])
    const tight = dopri5Integrate(oscillator, 0, new Float64Array([1, 0]), times, { rtol: 1e-10, atol: 1e-12 })
    const loose = dopri5Integrate(oscillator, 0, new Float64Array([1, 0]), times, { rtol: 1e-4, atol: 1e-6 })
    expect(loose.stats.accepted).toBeLessThan(tight.stats.accepted / 5)
    const err = (o: Float64Array) => Math.abs(o[0] - Math.cos(10))
    expect(err(loose.out)).toBeGreaterThan(err(tight.out))
    expect(err(loose.out)).toBeLessThan(1e-2)
  })

  it('rejects steps and recovers on a sharp feature', () => {
    // y' = −50 (y − cos t): stiff-ish, exact solution approaches cos t quickly
    const f: Derivative = (t, y, dy) => {
      dy[0] = -50 * (y[0] - Math.cos(t))
    }
    const { out, stats } = dopri5Integrate(f, 0, new Float64Array([0]), new Float64Array([3]), { rtol: 1e-8, atol: 1e-10, initialStep: 1 })
    expect(stats.rejected).toBeGreaterThan(0)
    // particular solution: (2500 cos t + 50 sin t)/2501 once the transient e^{−50t} has died
    expect(out[0]).toBeCloseTo((2500 * Math.cos(3) + 50 * Math.sin(3)) / 2501, 7)
  })
})
