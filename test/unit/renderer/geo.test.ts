import { readFileSync } from 'node:fs'
import { describe, expect, it } from 'vitest'
import { geoContains } from 'd3-geo'
import type { Position } from 'geojson'
import { LIGHT_CHART_THEME as T } from '@renderer/charts/common'
import {
  boxOf, boxSizeKm, degreeDigits, degreeStep, distanceKm, formatLatitude, formatLongitude, graticule, graticuleTicks,
  landResolution, localProjection, padBox, projectionFor, type GeoBox
} from '@renderer/charts/geo-projection'
import { escapeHtml, fixReadout, formatDuration, formatPosition, formatUtc, trackSpeeds } from '@renderer/charts/geo-readout'
import { clipRing, landFromTopology, landWithin, loadLand, registerLand } from '@renderer/charts/geo-land'
import { buildDrifterMap, edgeCrossing, frameRect, headLabels, lastFixBefore, timeSteps, type GeoTrack, visibleBox } from '@renderer/charts/geo-map'

/** The Kiel Bight deployment's extent (GEOMAR drifters, April 2023). */
const KIEL: GeoBox = { west: 10.19, east: 12.17, south: 54.31, north: 54.87 }

describe('map geometry', () => {
  it('a degree of latitude is 111.2 km; a degree of longitude shrinks with cos(latitude)', () => {
    expect(distanceKm(10, 54, 10, 55)).toBeCloseTo(111.195, 2)
    expect(distanceKm(10, 60, 11, 60) / distanceKm(10, 0, 11, 0)).toBeCloseTo(Math.cos(Math.PI / 3), 3)
  })

  it('the local projection is in km from the centre, y pointing down, and inverts', () => {
    const p = localProjection([10.7, 54.6])
    expect(p.project([10.7, 54.6])).toEqual([0, 0])
    const north = p.project([10.7, 54.7])
    expect(north[0]).toBeCloseTo(0, 6)
    expect(north[1]).toBeCloseTo(-11.1195, 3)
    // equidistant from the centre: the projected radius is the great-circle distance
    const q = p.project([12.1, 54.85])
    expect(Math.hypot(q[0], q[1])).toBeCloseTo(distanceKm(10.7, 54.6, 12.1, 54.85), 3)
    const back = p.unproject(q)
    expect(back[0]).toBeCloseTo(12.1, 9)
    expect(back[1]).toBeCloseTo(54.85, 9)
  })

  it('the projected aspect at high latitude is cos(lat) (not the 1:1 of plain lon/lat)', () => {
    const p = localProjection([-40, 65])
    const east = p.project([-39.9, 65])
    const north = p.project([-40, 65.1])
    expect(Math.abs(east[0] / north[1])).toBeCloseTo(Math.cos((65 * Math.PI) / 180), 3)
  })

  it('boxes: extent of finite points, padding to a minimum size, size in km', () => {
    expect(boxOf([[10, 54], [NaN, 1], [12, 55]])).toEqual({ west: 10, east: 12, south: 54, north: 55 })
    expect(boxOf([])).toBeNull()
    const point = padBox({ west: 10, east: 10, south: 54, north: 54 }, 0.1, 20)
    const size = boxSizeKm(point)
    expect(size.width).toBeCloseTo(20, 1)
    expect(size.height).toBeCloseTo(20, 1)
    const grown = padBox(KIEL, 0.1)
    expect(grown.east - grown.west).toBeCloseTo((KIEL.east - KIEL.west) * 1.2, 9)
  })

  it('Natural Earth resolution follows the extent: 10m for a coastal deployment, 110m for an ocean basin', () => {
    expect(landResolution(KIEL)).toBe('10m')
    expect(landResolution({ west: -98, east: -80, south: 18, north: 31 })).toBe('50m')
    expect(landResolution({ west: -70, east: 0, south: 10, north: 65 })).toBe('110m')
  })

  it('graticule ticks are round multiples of a readable step, labelled in degrees with matching decimals', () => {
    expect(degreeStep(KIEL.east - KIEL.west)).toBe(0.5)
    expect(degreeStep(KIEL.north - KIEL.south)).toBe(0.1)
    expect(graticuleTicks(10.19, 12.16, 0.5)).toEqual([10.5, 11, 11.5, 12])
    expect(graticuleTicks(54.31, 54.87, 0.1)).toEqual([54.4, 54.5, 54.6, 54.7, 54.8])
    expect([degreeDigits(0.25), degreeDigits(0.5), degreeDigits(2)]).toEqual([2, 1, 0])
    expect(formatLatitude(54.5, 1)).toBe('54.5°N')
    expect(formatLatitude(-3, 0)).toBe('3°S')
    expect(formatLongitude(-60.25, 2)).toBe('60.25°W')
    expect(formatLongitude(0, 1)).toBe('0.0°')
    const g = graticule(KIEL)
    const labels = g.labels.map((l) => l.text)
    expect(labels).toEqual(expect.arrayContaining(['10.5°E', '12.0°E', '54.4°N', '54.8°N']))
    // lines reach beyond the box so they cross the frame's edges
    const m = g.lines.find((l) => l.kind === 'meridian' && l.value === 11)!
    expect(m.coords[0][1]).toBeLessThan(KIEL.south)
    expect(m.coords[m.coords.length - 1][1]).toBeGreaterThan(KIEL.north)
  })
})

describe('hover read-outs', () => {
  it('UTC times, GPS-precision positions and durations', () => {
    expect(formatUtc(Date.UTC(2023, 3, 24, 8, 0, 0) / 1000)).toBe('2023-04-24 08:00 UTC')
    expect(formatUtc(Date.UTC(2023, 3, 24, 8, 0, 30) / 1000)).toBe('2023-04-24 08:00:30 UTC')
    expect(formatUtc(NaN)).toBe('—')
    expect(formatPosition(10.5, 54.25)).toBe('54.2500°N, 10.5000°E')
    expect(formatPosition(-60.125, -3.5, 2)).toBe('3.50°S, 60.13°W')
    expect([formatDuration(30), formatDuration(600), formatDuration(3 * 3600), formatDuration(3 * 86400)]).toEqual(['30 s', '10 min', '3 h', '3 days'])
  })

  it('speeds in m/s from neighbouring fixes (centred inside, one-sided at the ends)', () => {
    const lat = [54, 54.01, 54.02]
    const s = trackSpeeds([10, 10, 10], lat, [0, 3600, 7200])
    const metres = distanceKm(10, 54, 10, 54.01) * 1000
    expect(s[0]).toBeCloseTo(metres / 3600, 9)
    expect(s[1]).toBeCloseTo((2 * metres) / 7200, 9)
    expect(trackSpeeds([1], [1], [0])[0]).toBeNaN()
    expect(trackSpeeds([1, 1], [1, 1.1], [5, 5])[0]).toBeNaN()
  })

  it('ids from files are escaped before they reach tooltip HTML', () => {
    expect(escapeHtml(`<img src=x onerror="a">&'`)).toBe('&lt;img src=x onerror=&quot;a&quot;&gt;&amp;&#39;')
    const html = fixReadout('<D1>', 10.5, 54.25, Date.UTC(2023, 3, 24) / 1000, 0.234)
    expect(html).toBe('<b>&lt;D1&gt;</b><br/>2023-04-24 00:00 UTC<br/>54.2500°N, 10.5000°E<br/>speed 0.23 m/s')
  })
})

const shoelace = (ring: readonly Position[]) => Math.abs(ring.reduce((a, p, i) => (i ? a + ring[i - 1][0] * p[1] - p[0] * ring[i - 1][1] : a), 0)) / 2

describe('land from Natural Earth', () => {
  it('clips a ring to a box exactly (Sutherland–Hodgman) and drops rings outside', () => {
    const square: Position[] = [[0, 0], [2, 0], [2, 2], [0, 2], [0, 0]]
    const box = { west: 1, east: 3, south: 1, north: 3 }
    const clipped = clipRing(square, box)
    expect(shoelace(clipped)).toBeCloseTo(1, 12)
    expect(clipped[0]).toEqual(clipped[clipped.length - 1])
    expect(clipRing([[5, 5], [6, 5], [6, 6], [5, 5]], box)).toEqual([])
    expect(shoelace(clipRing(square, { west: -1, east: 5, south: -1, north: 5 }))).toBeCloseTo(4, 12)
  })

  it('the 1:10m coastline is where the Kiel Bight drifters are: Kiel on land, the bight at sea', () => {
    // the 3 MB atlas read directly (the app loads it lazily as a module; vite's transform of it is slow in tests)
    const topo = JSON.parse(readFileSync('node_modules/world-atlas/land-10m.json', 'utf8'))
    const land = landWithin(landFromTopology(topo), padBox(KIEL, 0.5))
    expect(land.features).toHaveLength(1)
    const f = land.features[0]
    expect(f.geometry.coordinates.length).toBeGreaterThan(5)
    // Kiel city centre, Fehmarn and Lolland are land; the bight off Kiel and the Fehmarn Belt are sea
    expect(geoContains(f, [10.134, 54.323])).toBe(true)
    expect(geoContains(f, [11.15, 54.47])).toBe(true)
    expect(geoContains(f, [11.4, 54.75])).toBe(true)
    expect(geoContains(f, [10.45, 54.55])).toBe(false)
    expect(geoContains(f, [11.35, 54.58])).toBe(false)
    // nothing outside the box survives the clip
    for (const poly of f.geometry.coordinates) for (const [lon] of poly[0]) expect(lon).toBeGreaterThanOrEqual(padBox(KIEL, 0.5).west - 1e-9)
  }, 60_000)

  it('open ocean has no land polygons and still gets a map to lay out', async () => {
    const sea = { west: -35, east: -30, south: 40, north: 44 }
    expect(landWithin(await loadLand('110m'), sea).features).toEqual([])
    const { name, polygons } = await registerLand('110m', sea)
    expect(polygons).toBe(0)
    expect(name).toMatch(/^sea-/)
  }, 60_000)
})

describe('the drifter map', () => {
  const t0 = Date.UTC(2023, 3, 24, 8) / 1000
  const tracks: GeoTrack[] = [
    { id: 'D298', lon: [10.2, 10.3, 10.4], lat: [54.5, 54.52, 54.55], time: [t0, t0 + 3600, t0 + 7200] },
    { id: 'D<299>', lon: [10.6, 10.65], lat: [54.6, 54.62], time: [t0 + 1800, t0 + 5400] }
  ]
  const box = padBox(KIEL)
  const projection = projectionFor(box)

  it('the frame keeps the projected aspect (a km is as long east as north)', () => {
    const high = { west: -42, east: -38, south: 64, north: 66 }
    const r = frameRect(high, projectionFor(high), { width: 900, height: 600 })
    const { width, height } = boxSizeKm(high)
    expect(r.width / r.height).toBeCloseTo(width / height, 1)
    expect(r.x + r.width).toBeLessThanOrEqual(900)
    expect(r.y + r.height).toBeLessThanOrEqual(600)
  })

  it('labels sit where graticule lines cross the frame edges', () => {
    const rect = { x: 50, y: 20, width: 200, height: 100 }
    expect(edgeCrossing([[100, 0], [120, 200]], 'bottom', rect)).toBeCloseTo(112, 9)
    expect(edgeCrossing([[0, 60], [100, 60]], 'left', rect)).toBeCloseTo(60, 9)
    expect(edgeCrossing([[400, 0], [400, 200]], 'bottom', rect)).toBeNull()
  })

  it('rebuilds the visible lon/lat box from the zoomed pixel mapping', () => {
    const rect = { x: 0, y: 0, width: 400, height: 200 }
    // a view that shows 2 px per km, with the projection centre at pixel (200, 100)
    const pixel = (lonLat: number[]) => projection.project(lonLat).map((v, i) => (i ? 100 : 200) + 2 * v)
    const ref = (lonLat: number[]) => ({ lonLat, pixel: pixel(lonLat) })
    const seen = visibleBox(rect, projection, [ref([box.west, box.south]), ref([box.east, box.north])])!
    const corner = projection.unproject([-100, -50])
    expect(seen.west).toBeCloseTo(Math.min(corner[0], projection.unproject([-100, 50])[0]), 6)
    expect(seen.north).toBeGreaterThan(projection.center[1])
    expect(seen.south).toBeLessThan(projection.center[1])
  })

  it('time steps span all fixes; each track is cut at the slider time', () => {
    const steps = timeSteps(tracks, 4)
    expect(steps).toEqual([t0, t0 + 1800, t0 + 3600, t0 + 5400, t0 + 7200])
    expect(lastFixBefore(tracks[0].time, t0 - 1)).toBe(-1)
    expect(lastFixBefore(tracks[0].time, t0 + 3600)).toBe(1)
    expect(lastFixBefore(tracks[0].time, Infinity)).toBe(2)
    const option = buildDrifterMap({ tracks, until: t0 + 3600, land: 'land-test', box, projection, theme: T, size: { width: 800, height: 500 }, roam: {} })
    const series = option.series as { id: string; name: string; data: unknown[]; label?: { formatter?: string }; tooltip?: { formatter: (p: unknown) => string } }[]
    const byId = (id: string) => series.find((s) => s.id === id)!
    expect((byId('track-0').data[0] as { coords: number[][] }).coords).toHaveLength(2)
    expect(byId('fixes-1').data).toHaveLength(1)
    expect(byId('head-0').data).toEqual([[10.3, 54.52, t0 + 3600, expect.any(Number)]])
    expect(byId('head-1').label?.formatter).toBe('D<299>')
    // the eastern head's label goes on its left, so the map's frame does not cut it
    expect([byId('head-0'), byId('head-1')].map((h) => (h as { label?: { position?: string } }).label?.position)).toEqual(['right', 'left'])
    // drifters released together share one label; one far away keeps its own; one not started has none
    const ids = ['A', 'B', 'C', 'D', 'E', 'F']
    const together = [[10.5, 54.44], [10.5001, 54.4401], [10.4999, 54.44], [10.5, 54.4399], [10.2, 54.5], null] as ([number, number] | null)[]
    expect(headLabels(ids, together)).toEqual(['A, B +2', null, null, null, 'E', null])
    expect(headLabels(['A', 'B'], [[10.5, 54.44], [10.5001, 54.44]])).toEqual(['A, B', null])
    expect(headLabels(['A', 'B'], [[10.5, 54.44], [10.6, 54.44]])).toEqual(['A', 'B'])
    expect((option.legend as { data: string[] }).data).toEqual(['D298', 'D<299>'])
    const tip = byId('fixes-1').tooltip!.formatter({ value: [10.6, 54.6, t0 + 1800, 0.31] })
    expect(tip).toContain('<b>D&lt;299&gt;</b>')
    expect(tip).toContain('2023-04-24 08:30 UTC')
    expect(tip).toContain('0.31 m/s')
    const geo = option.geo as { map: string; projection: { project: (p: number[]) => number[] }; boundingCoords: number[][] }
    expect(geo.map).toBe('land-test')
    expect(geo.projection.project([box.west, box.north])[1]).toBeLessThan(0)
    expect(geo.boundingCoords).toEqual([[box.west, box.north], [box.east, box.south]])
  })
})
