import { describe, expect, it } from 'vitest'
import { EARTH_RADIUS_M } from '../../../src-main/shared/constants'
import { interpolate, summarisePrepared, modelTimeToEpoch, modelToLatLon, modelVelocityToMetresPerSecond, prepareTracks } from '../../../src-main/engine/data/drifters/prepare'
import { fromTangentPlane, greatCircleDistance, toTangentPlane, velocityFromPositions } from '../../../src-main/engine/data/drifters/sphere'
import type { DrifterTrack, DrifterTracks } from '../../../src-main/engine/data/drifters/types'
import { chooseWindow } from '../../../src-main/engine/data/drifters/window'

const RAD = Math.PI / 180
const T0 = Date.UTC(2020, 0, 1) / 1000
const tracks = (drifters: DrifterTrack[]): DrifterTracks => ({ source: 'test', format: 'csv', drifters, units: {}, problems: [] })

/** A drifter moving at `speed` m/s along the great circle leaving (lat0=0, lon0) with azimuth `az0` (degrees). */
function greatCircleTrack(id: string, speed: number, az0: number, lon0: number, times: number[]): DrifterTrack {
  const a = az0 * RAD
  const lat: number[] = []
  const lon: number[] = []
  for (const t of times) {
    const d = (speed * (t - times[0])) / EARTH_RADIUS_M
    lat.push(Math.asin(Math.sin(d) * Math.cos(a)) / RAD)
    lon.push(lon0 + Math.atan2(Math.sin(a) * Math.sin(d), Math.cos(d)) / RAD)
  }
  return { id, time: Float64Array.from(times), lat: Float64Array.from(lat), lon: Float64Array.from(lon) }
}

describe('velocity from positions on the sphere', () => {
  const hours = Array.from({ length: 25 }, (_, i) => T0 + 3600 * i)

  it('uniform motion along the equator and a meridian gives the known velocity everywhere (ends included)', () => {
    const east = greatCircleTrack('e', 0.7, 90, 0, hours)
    const ve = velocityFromPositions(east.time, east.lat, east.lon)
    for (let i = 0; i < hours.length; i++) {
      expect(ve.u[i]).toBeCloseTo(0.7, 10)
      expect(ve.v[i]).toBeCloseTo(0, 10)
    }
    const north = greatCircleTrack('n', 1.3, 0, 20, hours)
    const vn = velocityFromPositions(north.time, north.lat, north.lon)
    for (let i = 0; i < hours.length; i++) {
      expect(vn.u[i]).toBeCloseTo(0, 10)
      expect(vn.v[i]).toBeCloseTo(1.3, 10)
    }
  })

  it('a tilted great circle: speed is constant and the heading obeys Clairaut (cos φ sin α = sin α0)', () => {
    const speed = 2
    const track = greatCircleTrack('g', speed, 30, -100, Array.from({ length: 40 }, (_, i) => T0 + 6 * 3600 * i))
    const { u, v } = velocityFromPositions(track.time, track.lat, track.lon)
    for (let i = 0; i < track.time.length; i++) {
      expect(Math.hypot(u[i], v[i])).toBeCloseTo(speed, 9)
      expect(u[i]).toBeCloseTo((speed * Math.sin(30 * RAD)) / Math.cos(track.lat[i] * RAD), 9)
    }
  })
})

describe('tangent-plane projection', () => {
  it('maps distance d along bearing θ to R sin(d/R)(sin θ, cos θ) and inverts exactly', () => {
    const [lat0, lon0] = [35, 179]
    for (const [bearing, km] of [[0, 100], [45, 800], [200, 1500], [300, 20]]) {
      const b = bearing * RAD
      const d = (km * 1000) / EARTH_RADIUS_M
      const lat = Math.asin(Math.sin(lat0 * RAD) * Math.cos(d) + Math.cos(lat0 * RAD) * Math.sin(d) * Math.cos(b)) / RAD
      const lon = lon0 + Math.atan2(Math.sin(b) * Math.sin(d) * Math.cos(lat0 * RAD), Math.cos(d) - Math.sin(lat0 * RAD) * Math.sin(lat * RAD)) / RAD
      expect(greatCircleDistance(lat0, lon0, lat, lon) / 1000).toBeCloseTo(km, 6)
      const p = toTangentPlane(lat, lon, lat0, lon0)
      const r = (EARTH_RADIUS_M / 1000) * Math.sin(d)
      expect(p.x).toBeCloseTo(r * Math.sin(b), 6)
      expect(p.y).toBeCloseTo(r * Math.cos(b), 6)
      const back = fromTangentPlane(p.x, p.y, lat0, lon0)
      expect(back.lat).toBeCloseTo(lat, 10)
      expect(((back.lon - lon + 540) % 360) - 180).toBeCloseTo(0, 10)
    }
  })
})

describe('preparation', () => {
  it('linear interpolation is exact on linear tracks', () => {
    const t = [0, 10, 25, 40, 100]
    const y = t.map((s) => 3 - 0.25 * s)
    const samples = [0, 1, 9.5, 25, 33.3, 99, 100]
    const out = interpolate(t, y, samples)
    samples.forEach((s, k) => expect(out[k]).toBeCloseTo(3 - 0.25 * s, 12))
  })

  it('window = longest common span; resampled to the model grid; scale factors lead back to the Earth', () => {
    const a = greatCircleTrack('a', 0.5, 90, -30, Array.from({ length: 49 }, (_, i) => T0 + 1800 * i))
    const b = greatCircleTrack('b', 0.5, 90, -29.5, Array.from({ length: 30 }, (_, i) => T0 + 7200 + 3600 * i))
    a.ve = new Float64Array(a.time.length).fill(0.5)
    a.vn = new Float64Array(a.time.length).fill(0)
    const modelTimes = Float64Array.from({ length: 11 }, (_, k) => k * 0.01)
    const p = prepareTracks(tracks([a, b]), { modelTimes })
    expect(p.window.start).toBe(T0 + 7200)
    expect(p.window.end).toBe(T0 + 24 * 3600)
    expect(p.window.reason).toBe('longest span common to all 2 drifters')
    expect(p.nTimes).toBe(11)
    expect(p.times[0]).toBe(T0 + 7200)
    expect(p.times[10]).toBeCloseTo(T0 + 24 * 3600, 6)
    expect(p.scales.secondsPerUnit).toBeCloseTo((22 * 3600) / 0.1, 6)
    // Velocity from positions = the known 0.5 m/s eastward; the file's ve/vn agree.
    for (let i = 0; i < p.u.length; i++) expect(p.u[i]).toBeCloseTo(0.5, 8)
    expect(p.velocityCheck?.rmsDifference).toBeLessThan(1e-8)
    expect(p.velocityCheck?.rmsFileSpeed).toBeCloseTo(0.5, 12)
    // Inside the unit square with a 10 % margin, largest extent spans 0.8.
    const xs = p.trajectories.filter((_, i) => i % 2 === 0)
    expect(Math.min(...xs)).toBeCloseTo(0.1, 9)
    expect(Math.max(...xs)).toBeCloseTo(0.9, 9)
    // Way back: model position/time → the drifter's position at that time.
    for (const k of [0, 5, 10]) {
      const ll = modelToLatLon(p.trajectories[2 * k], p.trajectories[2 * k + 1], p.scales)
      const tEpoch = modelTimeToEpoch(p.modelTimes[k], p.scales)
      const expected = greatCircleTrack('x', 0.5, 90, -30, [T0, tEpoch])
      expect(ll.lat).toBeCloseTo(expected.lat[1], 9)
      expect(ll.lon).toBeCloseTo(expected.lon[1], 9)
    }
    // Model velocity (domain units per model time) × scale = m/s.
    const dxModel = (p.trajectories[2 * 10] - p.trajectories[0]) / (p.modelTimes[10] - p.modelTimes[0])
    expect(modelVelocityToMetresPerSecond(dxModel, p.scales)).toBeCloseTo(0.5, 4)
    const s = summarisePrepared(p)
    expect(s.window).toEqual({ start: '2020-01-01T02:00:00Z', end: '2020-01-02T00:00:00Z', reason: 'longest span common to all 2 drifters' })
    expect([s.samples, s.drifters]).toEqual([11, ['a', 'b']])
    expect(s.metresPerSecondPerUnit).toBeCloseTo((s.kmPerUnit * 1000) / s.secondsPerUnit, 12)
    expect(JSON.parse(JSON.stringify(s))).toEqual(s)
  })

  it('drifters that never all overlap: the span with the most drifter-time; a window nobody covers is refused', () => {
    const mk = (id: string, from: number, to: number): DrifterTrack => ({ id, time: Float64Array.of(from, to), lat: Float64Array.of(0, 0), lon: Float64Array.of(0, 0.1) })
    const w = chooseWindow([mk('a', 0, 100), mk('b', 10, 90), mk('c', 200, 230)])
    expect([w.start, w.end, w.drifters]).toEqual([10, 90, ['a', 'b']])
    expect(w.reason).toBe('the drifters do not all overlap: span with the most drifter-time (2 of 3 drifters)')
    expect(() => prepareTracks(tracks([mk('a', T0, T0 + 100)]), { modelTimes: Float64Array.of(0, 1), window: { start: T0 + 200, end: T0 + 300 } })).toThrow(
      'window 2020-01-01T00:03:20Z/2020-01-01T00:05:00Z: no drifter covers it (tracks: a 2020-01-01T00:00:00Z/2020-01-01T00:01:40Z); choose a window inside a drifter\'s span'
    )
  })
})
