import { describe, expect, it } from 'vitest'
import type { AssimilationResult, SkillRow } from '@shared/deployment'
import { LIGHT_CHART_THEME as T } from '@renderer/charts/common'
import { arrowCells, buildDeploymentMap, cellCorners, colourRange, geoStreamlines, mapFieldOf, tracksInWindow, type MapField } from '@renderer/charts/geo-field'
import { padBox, projectionFor } from '@renderer/charts/geo-projection'
import { perDrifterTable, skillLines } from '@renderer/components/skill-rows'
import { optionsOf, utcInput, type AssimilateForm } from '@renderer/stores/assimilate-store'

const t0 = Date.UTC(2023, 3, 24, 8) / 1000

describe('the Assimilate form', () => {
  const form: AssimilateForm = { name: 'f', start: '', end: '', drifters: [], stepHours: null, grid: 48, pairs: null, epochs: null }
  it('sends only what the user set; UTC text becomes ISO-8601', () => {
    expect(utcInput('2023-04-24 08:00')).toBe('2023-04-24T08:00:00Z')
    expect(utcInput('2023-04-24T08:00:30')).toBe('2023-04-24T08:00:30Z')
    expect(utcInput('2023-04-24T08:00:00Z')).toBe('2023-04-24T08:00:00Z')
    expect(optionsOf(form, ['A', 'B'])).toEqual({ grid: 48 })
    expect(optionsOf({ ...form, start: '2023-04-24 08:00', end: '2023-04-25 08:00', drifters: ['A'], stepHours: 2, pairs: 64, epochs: 1 }, ['A', 'B'])).toEqual({
      grid: 48, window: { start: '2023-04-24T08:00:00Z', end: '2023-04-25T08:00:00Z' }, drifters: ['A'], stepHours: 2, pairs: 64, epochs: 1
    })
    // all drifters chosen = the engine's default (every drifter in the window)
    expect(optionsOf({ ...form, drifters: ['A', 'B'] }, ['A', 'B']).drifters).toBeUndefined()
    // half a window is no window
    expect(optionsOf({ ...form, start: '2023-04-24 08:00' }, []).window).toBeUndefined()
  })
})

describe('the skill table', () => {
  const row = (method: SkillRow['method'], rmse: number, per: number[]): SkillRow => ({
    method, label: method, rmse, ci: [rmse - 0.01, rmse + 0.01], speedRatio: 0.9, directionCosine: 0.75,
    perDrifter: per.map((r, i) => ({ id: `D${i}`, rmse: r, n: 24 }))
  })
  const result = { best: 'nearest' as const, skill: [row('gp', 0.0134, [0.02, 0.01]), row('zero', 0.296, [0.3, 0.29]), row('nearest', 0.0121, [0.01, 0.015])] }
  it('lists the methods in table order, in m/s to 3 decimals, with the best marked', () => {
    const lines = skillLines(result)
    expect(lines.map((l) => l.method)).toEqual(['zero', 'nearest', 'gp'])
    expect(lines[1]).toMatchObject({ name: 'nearest drifter', rmse: '0.012', ci: '0.002–0.022', speedRatio: '0.90', directionCosine: '0.75', best: true })
    expect(lines.filter((l) => l.best)).toHaveLength(1)
  })
  it('gives every drifter its RMSE per method and the method that did best for it', () => {
    const t = perDrifterTable(result as unknown as AssimilationResult)
    expect(t.methods).toEqual(['zero', 'nearest', 'gp'])
    expect(t.rows).toEqual([
      { id: 'D0', n: 24, rmse: ['0.300', '0.010', '0.020'], best: 'nearest' },
      { id: 'D1', n: 24, rmse: ['0.290', '0.015', '0.010'], best: 'gp' }
    ])
  })
})

describe('the deployment map', () => {
  const lonLat: [number, number][] = []
  for (let j = 0; j < 3; j++) for (let i = 0; i < 4; i++) lonLat.push([10 + 0.1 * i, 54 + 0.05 * j])
  const field: MapField = { nx: 4, ny: 3, lonLat, u: lonLat.map((_, k) => (k === 5 ? NaN : 0.2)), v: lonLat.map(() => 0.1), std: lonLat.map((_, k) => 0.01 * k) }

  it('keeps the fixes inside the window and drops drifters with none', () => {
    const tracks = [
      { id: 'A', lon: [1, 2, 3], lat: [1, 2, 3], time: [t0, t0 + 10, t0 + 20] },
      { id: 'B', lon: [5], lat: [5], time: [t0 + 100] }
    ]
    expect(tracksInWindow(tracks, t0 + 5, t0 + 30)).toEqual([{ id: 'A', lon: [2, 3], lat: [2, 3], time: [t0 + 10, t0 + 20] }])
  })

  it('cell corners lie halfway between centres, extrapolated at the edges', () => {
    const c = cellCorners(lonLat, 4, 3, 1, 1)
    expect(c[0][0]).toBeCloseTo(10.05, 12)
    expect(c[0][1]).toBeCloseTo(54.025, 12)
    expect(c[2][0]).toBeCloseTo(10.15, 12)
    expect(c[2][1]).toBeCloseTo(54.075, 12)
    const edge = cellCorners(lonLat, 4, 3, 0, 0)
    expect(edge[0][0]).toBeCloseTo(9.95, 12)
    expect(edge[0][1]).toBeCloseTo(53.975, 12)
  })

  it('colour range is the 2nd–98th percentile rounded outwards, never zero wide; arrows skip land cells', () => {
    expect(colourRange([NaN, ...Array.from({ length: 101 }, (_, i) => i)])).toEqual([2, 98])
    expect(colourRange([0.0283, 0.0283, 0.0283])).toEqual([0.0268, 0.0298])
    // equal up to rounding noise: the same ±5 % bar, not ends that print as the same number
    expect(colourRange([0.0344987, 0.03449871])).toEqual([0.0327, 0.0363])
    expect(colourRange([NaN])).toEqual([0, 1])
    expect(arrowCells(field, 1)).toHaveLength(11)
    // stride 2 from (1, 1): cell 5 is land, cell 7 remains
    expect(arrowCells(field, 2).map((a) => [a[0], a[1]])).toEqual([[expect.closeTo(10.3, 12), expect.closeTo(54.05, 12)]])
  })

  it('a field read from its file gets NaN back where JSON had null', () => {
    const view = { nx: 2, ny: 1, lonLat: [[0, 0], [1, 0]] as [number, number][], u: [[0.1, null]], v: [[0.2, null]], std: [0.01, null] }
    const f = mapFieldOf(view, 5)
    expect(f.u[0]).toBe(0.1)
    expect(f.u[1]).toBeNaN()
    expect(f.std?.[1]).toBeNaN()
  })

  it('draws the field under the land with a colour bar in m/s, arrows over speed only, drifters on top', () => {
    const box = padBox({ west: 10, east: 10.3, south: 54, north: 54.1 })
    const base = { land: 'land-test', box, projection: projectionFor(box), theme: T, size: { width: 800, height: 500 }, roam: {} }
    const tracks = [{ id: 'D298', lon: [10.1, 10.2], lat: [54.02, 54.04], time: [t0, t0 + 3600] }]
    const o = buildDeploymentMap({ ...base, tracks, field, domain: { west: 10, east: 10.3, south: 54, north: 54.1 } })
    const series = o.series as { id: string; data: unknown[]; z?: number }[]
    const ids = series.map((s) => s.id)
    expect(ids).toEqual(expect.arrayContaining(['sea', 'graticule', 'domain', 'field-cells', 'field-arrows', 'track-0', 'head-0']))
    const cells = series.find((s) => s.id === 'field-cells')!
    expect(cells.data).toHaveLength(11)
    // land (the geo component, z 1) lies over the cells: the field is masked by the coast
    expect(cells.z).toBeLessThan(1)
    const vm = o.visualMap as { seriesIndex: number; max: number; text: string[] }
    expect(series[vm.seriesIndex].id).toBe('field-cells')
    expect(vm.text[0]).toMatch(/m\/s$/)
    const std = buildDeploymentMap({ ...base, tracks, field, quantity: 'uncertainty' })
    expect((std.series as { id: string; data: unknown[] }[]).find((s) => s.id === 'field-arrows')!.data).toHaveLength(0)
    expect((std.visualMap as { min: number; max: number }).min).toBe(0)
    expect((std.visualMap as { min: number; max: number }).max).toBeCloseTo(0.11, 9)
  })

  it('streamlines on the map: an eastward current gives lines of constant latitude going east that stop at land', () => {
    // 10 × 6 cells, 0.02° lon × 0.01° lat at 54° N (both ≈ 1.1–1.3 km), a land column at i = 6
    const nx = 10
    const ny = 6
    const lonLat = Array.from({ length: nx * ny }, (_, k) => [10 + 0.02 * (k % nx), 54 + 0.01 * Math.floor(k / nx)] as [number, number])
    const land = (k: number) => k % nx === 6
    const east: MapField = { nx, ny, lonLat, u: lonLat.map((_, k) => (land(k) ? NaN : 0.3)), v: lonLat.map((_, k) => (land(k) ? NaN : 0)) }
    const lines = geoStreamlines(east, 5)
    expect(lines.length).toBeGreaterThan(3)
    for (const l of lines) {
      for (const [, lat] of l) expect(lat).toBeCloseTo(l[0][1], 9)
      for (let k = 1; k < l.length; k++) expect(l[k][0]).toBeGreaterThan(l[k - 1][0])
      // a line west of the land column never crosses it (cell centre 10.12° E; bilinear NaN from 10.10° E)
      if (l[0][0] < 10.1) expect(Math.max(...l.map((p) => p[0]))).toBeLessThan(10.12)
    }
    // a northward current on the same grid: lines of constant longitude going north
    const north: MapField = { nx, ny, lonLat, u: lonLat.map(() => 0), v: lonLat.map(() => 0.2) }
    for (const l of geoStreamlines(north, 4)) {
      for (const [lon] of l) expect(lon).toBeCloseTo(l[0][0], 9)
      expect(l[l.length - 1][1]).toBeGreaterThan(l[0][1])
    }
    const box = padBox({ west: 10, east: 10.2, south: 54, north: 54.05 })
    const o = buildDeploymentMap({ land: 'land-test', box, projection: projectionFor(box), theme: T, size: { width: 800, height: 500 }, roam: {}, tracks: [], field: east, vectors: 'streamlines' })
    const series = o.series as { id: string; data: unknown[]; z?: number }[]
    expect(series.find((s) => s.id === 'field-arrows')!.data).toHaveLength(0)
    const sl = series.find((s) => s.id === 'field-streamlines')!
    expect(sl.data.length).toBe(lines.length > 0 ? geoStreamlines(east).length : 0)
    // under the land, so the coast masks them
    expect(sl.z).toBeLessThan(1)
  })
})
