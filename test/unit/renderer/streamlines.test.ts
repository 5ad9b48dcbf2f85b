import { describe, expect, it } from 'vitest'
import { sampleVelocity, streamlines } from '@renderer/charts/streamlines'
import { buildFieldMap } from '@renderer/charts/field-map'
import { LIGHT_CHART_THEME as T } from '@renderer/charts/common'
import { smallField } from './fake-api'

const grid = (n: number) => Array.from({ length: n }, (_, i) => (i + 0.5) / n)
function fieldOf(n: number, fu: (x: number, y: number) => number, fv: (x: number, y: number) => number) {
  const x = grid(n)
  const u: number[] = []
  const v: number[] = []
  for (const yj of x) {
    for (const xi of x) {
      u.push(fu(xi, yj))
      v.push(fv(xi, yj))
    }
  }
  return { x, y: x, u, v }
}

describe('streamlines', () => {
  it('bilinear sampling is exact for a linear field and null outside the grid', () => {
    const f = fieldOf(8, (x, y) => 2 * x + y, (x, y) => x - 3 * y)
    const w = sampleVelocity(f.x, f.y, f.u, f.v, 0.3, 0.61)!
    expect(w[0]).toBeCloseTo(2 * 0.3 + 0.61, 12)
    expect(w[1]).toBeCloseTo(0.3 - 3 * 0.61, 12)
    expect(sampleVelocity(f.x, f.y, f.u, f.v, 0.01, 0.5)).toBeNull()
  })
  it('in a uniform eastward flow every line is horizontal with steps of half a cell', () => {
    const f = fieldOf(10, () => 3, () => 0)
    const lines = streamlines(f.x, f.y, f.u, f.v, { seedsPerSide: 4, steps: 5 })
    expect(lines.length).toBeGreaterThan(0)
    for (const line of lines) {
      for (const p of line) expect(p[1]).toBeCloseTo(line[0][1], 12)
      expect(line[1][0] - line[0][0]).toBeCloseTo(0.05, 12)
    }
  })
  it('in solid-body rotation lines keep their distance from the centre (RK2, small steps)', () => {
    const f = fieldOf(32, (_x, y) => -(y - 0.5), (x) => x - 0.5)
    const lines = streamlines(f.x, f.y, f.u, f.v, { seedsPerSide: 3, steps: 30, stepCells: 0.25 })
    for (const line of lines) {
      const r0 = Math.hypot(line[0][0] - 0.5, line[0][1] - 0.5)
      const r1 = Math.hypot(line[line.length - 1][0] - 0.5, line[line.length - 1][1] - 0.5)
      expect(Math.abs(r1 - r0)).toBeLessThan(1e-3)
    }
  })
  it('the field map draws streamlines instead of arrows when asked', () => {
    const o = buildFieldMap(smallField(), { frame: 0, quantity: 'speed', panels: ['truth'], vectors: 'streamlines', tracks: false, theme: T })
    const ids = (o.series as { id: string }[]).map((s) => s.id)
    expect(ids).toContain('truth-streamlines')
    expect(ids).not.toContain('truth-arrows')
  })
})
