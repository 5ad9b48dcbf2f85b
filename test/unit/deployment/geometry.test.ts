/** Deployment geometry: window, step, projection, velocities, land, and the five bad inputs of issue #10. */
import { describe, expect, it } from 'vitest'
import { geoArea, geoContains } from 'd3-geo'
import type { MultiPolygon, Polygon } from 'geojson'
import { feature } from 'topojson-client'
import { readFileSync } from 'node:fs'
import { createRequire } from 'node:module'
import type { Topology, GeometryCollection } from 'topojson-specification'
import { buildDeployment, defaultStep, localProjection, longestReportingSpan } from '../../../src-main/engine/assimilate/deployment/geometry'
import { landIndex, onLand } from '../../../src-main/engine/assimilate/deployment/land'
import type { DrifterTrack, DrifterTracks } from '../../../src-main/engine/data/drifters/types'

const T0 = Date.UTC(2023, 3, 24) / 1000
const HOUR = 3600

/** A drifter moving at (ve, vn) m/s from (lat, lon), a fix every `dt` s over [t0, t1]. */
function drifter(id: string, lat: number, lon: number, ve: number, vn: number, t0: number, t1: number, dt = 600): DrifterTrack {
  const n = Math.floor((t1 - t0) / dt) + 1
  const time = Float64Array.from({ length: n }, (_, i) => t0 + i * dt)
  const mPerDegLat = 111_320
  const mPerDegLon = mPerDegLat * Math.cos((lat * Math.PI) / 180)
  return { id, time, lat: time.map((t) => lat + (vn * (t - t0)) / mPerDegLat), lon: time.map((t) => lon + (ve * (t - t0)) / mPerDegLon) }
}

const file = (drifters: DrifterTrack[]): DrifterTracks => ({ source: 'test.csv', format: 'csv', drifters, units: {}, problems: [] })

describe('deployment geometry', () => {
  it('chooses the longest span in which three drifters report', () => {
    const ds = [drifter('a', 54.5, 10.5, 0.1, 0, T0, T0 + 40 * HOUR), drifter('b', 54.5, 10.6, 0.1, 0, T0, T0 + 30 * HOUR), drifter('c', 54.5, 10.7, 0.1, 0, T0 + 5 * HOUR, T0 + 50 * HOUR), drifter('d', 54.5, 10.8, 0.1, 0, T0 + 45 * HOUR, T0 + 60 * HOUR)]
    expect(longestReportingSpan(ds, 3)).toEqual({ start: T0 + 5 * HOUR, end: T0 + 30 * HOUR })
    expect(longestReportingSpan(ds, 4)).toBeUndefined()
  })

  it('takes the step from the fixes, coarsened to at most 300 samples', () => {
    expect(defaultStep(600, 10 * HOUR).seconds).toBe(600)
    expect(defaultStep(60, 10 * 86400).seconds).toBe(HOUR) // 1-min fixes over 10 days → 1 h
    expect(defaultStep(3 * HOUR, 20 * 86400).seconds).toBe(3 * HOUR)
  })

  it('projects with an azimuthal-equidistant projection and recovers the drift velocity in m/s', () => {
    const dep = buildDeployment(file([drifter('a', 54.5, 10.5, 0.2, -0.1, T0, T0 + 24 * HOUR), drifter('b', 54.6, 10.7, 0.2, -0.1, T0, T0 + 24 * HOUR)]))
    expect(dep.step).toBe(600)
    const p = localProjection(54.5, 10.5)
    const [x, y] = p.toKm(10.5, 55.5)
    expect(x).toBeCloseTo(0, 6)
    expect(y).toBeGreaterThan(110) // one degree of latitude ≈ 111 km
    expect(y).toBeLessThan(112)
    const [lon, lat] = p.toLonLat(x, y)
    expect(lon).toBeCloseTo(10.5, 8)
    expect(lat).toBeCloseTo(55.5, 8)
    const k = Math.floor(dep.nT / 2)
    expect(dep.u[k]).toBeCloseTo(0.2, 2)
    expect(dep.v[k]).toBeCloseTo(-0.1, 2)
    expect(dep.choices.some((c) => c.startsWith('window:'))).toBe(true)
    expect(dep.choices.some((c) => c.includes('step'))).toBe(true)
  })

  it('masks the real gaps', () => {
    const a = drifter('a', 54.5, 10.5, 0.1, 0, T0, T0 + 24 * HOUR, HOUR)
    const keep = Array.from(a.time, (t, i) => i).filter((i) => a.time[i] < T0 + 8 * HOUR || a.time[i] > T0 + 14 * HOUR)
    const gappy = { id: 'a', time: Float64Array.from(keep, (i) => a.time[i]), lat: Float64Array.from(keep, (i) => a.lat[i]), lon: Float64Array.from(keep, (i) => a.lon[i]) }
    const dep = buildDeployment(file([gappy, drifter('b', 54.6, 10.5, 0.1, 0, T0, T0 + 24 * HOUR, HOUR)]))
    expect(dep.mask[11]).toBe(0)
    expect(dep.mask[2]).toBe(1)
  })

  it('gives one clear message for each bad input', () => {
    const ok = (id: string, lat = 54.5, lon = 10.5) => drifter(id, lat, lon, 0.1, 0, T0, T0 + 24 * HOUR)
    expect(() => buildDeployment(file([ok('a')]))).toThrow(/test\.csv: never do 2 drifters report at the same time.*--window/)
    expect(() => buildDeployment(file([ok('a'), ok('b', 54.6)]), { window: { start: T0 + 30 * HOUR, end: T0 + 40 * HOUR } })).toThrow(/test\.csv: only 0 drifter\(s\) report in the window .*at least 2 — choose a wider --window/)
    expect(() => buildDeployment(file([ok('a'), ok('b', 54.6)]), { window: { start: T0, end: T0 + HOUR }, stepHours: 1 })).toThrow(/test\.csv: the window .* holds only 2 sample\(s\) at a 1 h step; at least 3 are needed/)
    expect(() => buildDeployment(file([ok('a'), ok('b', 20, -40)]))).toThrow(/test\.csv: the drifters are too far apart for one local projection .*--drifters/)
    const grounded = drifter('g', 54.6, 10.5, 0, 0, T0, T0 + 24 * HOUR)
    expect(() => buildDeployment(file([ok('a'), grounded]))).toThrow(/test\.csv: drifter g never moves in the window .*grounded.*--drifters/)
  })
})

describe('land', () => {
  it('agrees with d3-geo geoContains on Natural Earth 10m around Kiel Bight', async () => {
    const index = await landIndex(54, 55.2)
    const path = createRequire(import.meta.url).resolve('world-atlas/land-10m.json')
    const topo = JSON.parse(readFileSync(path, 'utf8')) as Topology<{ land: GeometryCollection }>
    // Reference: spherical geoContains per polygon, skipping the few tiny rings quantisation turned inside out
    // (area ≈ 4π: they would "contain" the whole Earth).
    const polys = feature(topo, topo.objects.land).features.flatMap((f) => {
      const g = f.geometry as Polygon | MultiPolygon
      return (g.type === 'Polygon' ? [g.coordinates] : g.coordinates).map((c): Polygon => ({ type: 'Polygon', coordinates: c }))
    }).filter((p) => geoArea(p) < 2 * Math.PI)
    const land = { type: 'MultiPolygon' as const, coordinates: polys.map((p) => p.coordinates) }
    const points: [number, number][] = []
    for (let i = 0; i < 6; i++) for (let j = 0; j < 5; j++) points.push([10 + i * 0.4, 54.1 + j * 0.2])
    for (const p of points) expect(onLand(index, p[0], p[1])).toBe(geoContains(land, p))
    expect(onLand(index, 10.14, 54.32)).toBe(true) // Kiel
    expect(onLand(index, 10.6, 54.55)).toBe(false) // Kiel Bight
  })
})
