import { describe, expect, it } from 'vitest'
import { VortexRk4 } from '../../../src-main/engine/flows/vortex-rk4'
import { VortexTangentRk4 } from '../../../src-main/engine/flows/vortex-tangent'

/** Tracks of v by the plain RK4 (tracers × records × 2). */
function tracks(n: number, tracers: number, v: Float64Array, starts: Float64Array, dt: number, steps: number, per: number): Float64Array {
  const out = new Float64Array(tracers * (steps / per) * 2)
  new VortexRk4(n, tracers).run(v, starts, dt, steps, per, out, 0)
  return out
}

describe('tangent-linear point-vortex RK4', () => {
  const cases = [
    { name: '(2, 1)', n: 2, v: [0.3, -0.2, -0.4, 0.5, 6.0, 5.0], starts: [0.75, 0.75] },
    { name: '(3, 2), unequal circulations', n: 3, v: [0.5, 0.1, -0.3, 0.4, 0.0, -0.6, 4.0, 7.5, 5.2], starts: [0.9, -0.2, -0.7, 0.7] }
  ]
  for (const c of cases)
    it(`${c.name}: its tracks are bitwise the plain RK4's and its Jacobian is the central difference of them (every position and circulation)`, () => {
      const v = Float64Array.from(c.v), starts = Float64Array.from(c.starts), tracers = starts.length / 2
      const dt = 0.025, steps = 80, per = 2, N = tracers * (steps / per) * 2, P = 3 * c.n
      const tl = new VortexTangentRk4(c.n, tracers)
      const got = new Float64Array(N), J = new Float64Array(N * P)
      tl.run(v, starts, dt, steps, per, got, J)
      expect(got).toEqual(tracks(c.n, tracers, v, starts, dt, steps, per))
      let worst = 0, scale = 0
      for (let k = 0; k < P; k++) {
        const h = 1e-6
        const up = v.slice(), down = v.slice()
        up[k] += h
        down[k] -= h
        const a = tracks(c.n, tracers, up, starts, dt, steps, per), b = tracks(c.n, tracers, down, starts, dt, steps, per)
        for (let q = 0; q < N; q++) {
          const fd = (a[q] - b[q]) / (2 * h)
          worst = Math.max(worst, Math.abs(fd - J[q * P + k]))
          scale = Math.max(scale, Math.abs(fd))
        }
      }
      expect(scale).toBeGreaterThan(0.5) // the tracks do depend on v
      expect(worst / scale).toBeLessThan(1e-7)
    })

  it('a second run from other parameters forgets the first (no state carried between runs)', () => {
    const starts = Float64Array.from([0.75, 0.75]), tl = new VortexTangentRk4(2, 1)
    const a = new Float64Array(40), Ja = new Float64Array(240), b = new Float64Array(40), Jb = new Float64Array(240)
    const v = Float64Array.from([0.3, -0.2, -0.4, 0.5, 6.0, 5.0])
    tl.run(v, starts, 0.025, 40, 2, a, Ja)
    tl.run(Float64Array.from([-0.5, 0.2, 0.1, -0.6, 3.0, 8.0]), starts, 0.025, 40, 2, b, Jb)
    tl.run(v, starts, 0.025, 40, 2, b, Jb)
    expect(b).toEqual(a)
    expect(Jb).toEqual(Ja)
  })
})
