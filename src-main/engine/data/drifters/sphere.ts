/** Spherical geometry for drifters: tangent-plane projection (km) and velocity from positions (m/s), Earth radius EARTH_RADIUS_M. */
import { EARTH_RADIUS_M } from '../../../shared/constants'

const RAD = Math.PI / 180

/** Unit vector of a latitude/longitude (degrees). */
function unit(lat: number, lon: number): [number, number, number] {
  const p = lat * RAD
  const l = lon * RAD
  return [Math.cos(p) * Math.cos(l), Math.cos(p) * Math.sin(l), Math.sin(p)]
}

/** Local east and north unit vectors at a point. */
function eastNorth(lat: number, lon: number): { e: [number, number, number]; n: [number, number, number] } {
  const p = lat * RAD
  const l = lon * RAD
  return { e: [-Math.sin(l), Math.cos(l), 0], n: [-Math.sin(p) * Math.cos(l), -Math.sin(p) * Math.sin(l), Math.cos(p)] }
}

const dot = (a: number[], b: number[]) => a[0] * b[0] + a[1] * b[1] + a[2] * b[2]

/** Great-circle distance (m) between two points, haversine form. */
export function greatCircleDistance(lat1: number, lon1: number, lat2: number, lon2: number): number {
  const dp = (lat2 - lat1) * RAD
  const dl = (lon2 - lon1) * RAD
  const h = Math.sin(dp / 2) ** 2 + Math.cos(lat1 * RAD) * Math.cos(lat2 * RAD) * Math.sin(dl / 2) ** 2
  return 2 * EARTH_RADIUS_M * Math.asin(Math.min(1, Math.sqrt(h)))
}

/** Centre of a cloud of points: the normalised mean of their unit vectors (correct across the antimeridian). */
export function sphericalCentre(lat: ArrayLike<number>, lon: ArrayLike<number>): { lat: number; lon: number } {
  let x = 0
  let y = 0
  let z = 0
  for (let i = 0; i < lat.length; i++) {
    const u = unit(lat[i], lon[i])
    x += u[0]
    y += u[1]
    z += u[2]
  }
  return { lat: Math.atan2(z, Math.hypot(x, y)) / RAD, lon: Math.atan2(y, x) / RAD }
}

/**
 * Orthographic projection onto the plane tangent to the sphere (radius EARTH_RADIUS_M) at (lat0, lon0),
 * as clouddrift's spherical_to_cartesian + cartesian_to_tangentplane: x east, y north, in km.
 */
export function toTangentPlane(lat: number, lon: number, lat0: number, lon0: number): { x: number; y: number } {
  const u = unit(lat, lon)
  const { e, n } = eastNorth(lat0, lon0)
  const r = EARTH_RADIUS_M / 1000
  return { x: r * dot(u, e), y: r * dot(u, n) }
}

/** Inverse of `toTangentPlane` (the point on the near hemisphere). */
export function fromTangentPlane(x: number, y: number, lat0: number, lon0: number): { lat: number; lon: number } {
  const r = EARTH_RADIUS_M / 1000
  const a = x / r
  const b = y / r
  const c = Math.sqrt(Math.max(0, 1 - a * a - b * b))
  const { e, n } = eastNorth(lat0, lon0)
  const up = unit(lat0, lon0)
  const p = [0, 1, 2].map((k) => a * e[k] + b * n[k] + c * up[k])
  return { lat: Math.asin(Math.max(-1, Math.min(1, p[2]))) / RAD, lon: Math.atan2(p[1], p[0]) / RAD }
}

/**
 * Eastward/northward velocity (m/s) from positions and times (s): centred differences inside (the 3-D chord
 * from i−1 to i+1 projected on the tangent plane at i, scaled to the great-circle arc), one-sided at the ends
 * (arc length along the initial bearing). Exact for uniform motion along a great circle.
 */
export function velocityFromPositions(time: ArrayLike<number>, lat: ArrayLike<number>, lon: ArrayLike<number>): { u: Float64Array; v: Float64Array } {
  const n = time.length
  const u = new Float64Array(n).fill(NaN)
  const v = new Float64Array(n).fill(NaN)
  if (n < 2) return { u, v }
  /** Displacement (m, east and north at point i) from fix a to fix b along the great circle. */
  const displacement = (i: number, a: number, b: number): [number, number] => {
    const pa = unit(lat[a], lon[a])
    const pb = unit(lat[b], lon[b])
    const { e, n: north } = eastNorth(lat[i], lon[i])
    const arc = greatCircleDistance(lat[a], lon[a], lat[b], lon[b])
    let dir: number[]
    if (i !== a && i !== b) {
      // Centred: for uniform great-circle motion the chord a→b is parallel to the track at i.
      dir = [pb[0] - pa[0], pb[1] - pa[1], pb[2] - pa[2]]
    } else {
      // One-sided: the great circle's tangent at i, pointing from a towards b.
      const here = i === a ? pa : pb
      const other = i === a ? pb : pa
      const w = dot(other, here)
      const sign = i === a ? 1 : -1
      dir = [0, 1, 2].map((k) => sign * (other[k] - w * here[k]))
    }
    const de = dot(dir, e)
    const dn = dot(dir, north)
    const len = Math.hypot(de, dn)
    return len > 0 ? [(arc * de) / len, (arc * dn) / len] : [0, 0]
  }
  for (let i = 0; i < n; i++) {
    const a = Math.max(0, i - 1)
    const b = Math.min(n - 1, i + 1)
    const [de, dn] = displacement(i, a, b)
    u[i] = de / (time[b] - time[a])
    v[i] = dn / (time[b] - time[a])
  }
  return { u, v }
}
