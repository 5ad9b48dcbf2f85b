import { describe, expect, it } from 'vitest'
import { rk4Integrate, rk4Step, Rk4Work } from '../../../src-main/engine/integrate/rk4'
import type { Derivative } from '../../../src-main/engine/integrate/system'

// y' = y cos t, exact y = exp(sin t): non-autonomous, so the time arguments of the stages are tested too
const growth: Derivative = (t, y, dy) => {
  dy[0] = y[0] * Math.cos(t)
}

function errorAt(steps: number): number {
  const T = 2
  const out = rk4Integrate(growth, 0, new Float64Array([1]), T / steps, steps, steps)
  return Math.abs(out[0] - Math.exp(Math.sin(T)))
}

describe('RK4', () => {
  it('converges at fourth order on a problem with a known solution', () => {
    const e = [20, 40, 80, 160].map(errorAt)
    for (let i = 1; i < e.length; i++) {
      const order = Math.log2(e[i - 1] / e[i])
      expect(order).toBeGreaterThan(3.85)
      expect(order).toBeLessThan(4.15)
    }
  })

  it('returns to the start after one period of solid-body rotation', () => {
    const omega = 3
    const rot: Derivative = (_t, y, dy) => {
      dy[0] = -omega * y[1]
      dy[1] = omega * y[0]
    }
    const steps = 2000
    const out = rk4Integrate(rot, 0, new Float64Array([0.4, 0.1]), (2 * Math.PI) / omega / steps, steps, steps)
    expect(Math.hypot(out[0] - 0.4, out[1] - 0.1)).toBeLessThan(1e-10)
  })

  it('keeps a tracer on its closed streamline in a steady cellular flow', () => {
    // ψ = sin(πx) sin(πy)/π, w = (∂ψ/∂y, −∂ψ/∂x): closed cells, ψ constant along every orbit
    const psi = (x: number, y: number) => (Math.sin(Math.PI * x) * Math.sin(Math.PI * y)) / Math.PI
    const cell: Derivative = (_t, y, dy) => {
      dy[0] = Math.sin(Math.PI * y[0]) * Math.cos(Math.PI * y[1])
      dy[1] = -Math.cos(Math.PI * y[0]) * Math.sin(Math.PI * y[1])
    }
    const y = new Float64Array([0.3, 0.5])
    const w = new Rk4Work(2)
    const psi0 = psi(y[0], y[1])
    let maxDrift = 0
    let crossings = 0
    let prevX = y[0], prevY = y[1]
    for (let s = 0; s < 20_000; s++) {
      rk4Step(cell, s * 1e-3, y, 1e-3, w)
      maxDrift = Math.max(maxDrift, Math.abs(psi(y[0], y[1]) - psi0))
      if (prevY > 0.5 && y[1] <= 0.5 && y[0] < 0.5) {
        // back through the launch line: the orbit closes on the start point
        crossings++
        const x = prevX + ((y[0] - prevX) * (prevY - 0.5)) / (prevY - y[1])
        expect(Math.abs(x - 0.3)).toBeLessThan(1e-6)
      }
      prevX = y[0]
      prevY = y[1]
    }
    expect(maxDrift).toBeLessThan(1e-11)
    expect(crossings).toBeGreaterThan(1) // it really went round the cell, more than once
  })

  it('records every recordEvery steps, without the start', () => {
    const out = rk4Integrate(growth, 0, new Float64Array([1]), 0.01, 10, 5)
    expect(out.length).toBe(2)
    expect(out[1]).toBeCloseTo(Math.exp(Math.sin(0.1)), 10)
  })
})
