/**
 * Map geometry for geographic tracks and fields: the lon/lat box around them, a local azimuthal
 * equidistant projection in km (true distances from the centre, so the aspect is right at any
 * latitude), the Natural Earth resolution that suits the box, and graticule ticks with degree labels. Pure.
 */
import { geoAzimuthalEquidistant } from 'd3-geo'

/** A lon/lat box in degrees (east of west; no antimeridian crossing). */
export interface GeoBox {
  west: number
  east: number
  south: number
  north: number
}

/** Mean Earth radius (km), the sphere d3-geo projects. */
export const EARTH_RADIUS_KM = 6371.0088

const RAD = Math.PI / 180

/** Great-circle distance (km) between two lon/lat points (haversine). */
export function distanceKm(lon1: number, lat1: number, lon2: number, lat2: number): number {
  const s = Math.sin(((lat2 - lat1) * RAD) / 2) ** 2 + Math.cos(lat1 * RAD) * Math.cos(lat2 * RAD) * Math.sin(((lon2 - lon1) * RAD) / 2) ** 2
  return 2 * EARTH_RADIUS_KM * Math.asin(Math.min(1, Math.sqrt(s)))
}

/** The smallest box holding every finite point, or null when there is none. */
export function boxOf(points: Iterable<readonly [number, number]>): GeoBox | null {
  let west = Infinity
  let east = -Infinity
  let south = Infinity
  let north = -Infinity
  for (const [lon, lat] of points) {
    if (!Number.isFinite(lon) || !Number.isFinite(lat)) continue
    west = Math.min(west, lon)
    east = Math.max(east, lon)
    south = Math.min(south, lat)
    north = Math.max(north, lat)
  }
  return west <= east && south <= north ? { west, east, south, north } : null
}

/** Width (at the mid latitude) and height of a box, km. */
export function boxSizeKm(box: GeoBox): { width: number; height: number } {
  const mid = (box.south + box.north) / 2
  return { width: distanceKm(box.west, mid, box.east, mid), height: distanceKm(box.west, box.south, box.west, box.north) }
}

/**
 * The box grown by `fraction` of its size on every side, and to at least `minKm` across, so a short
 * track still shows its coast; latitudes stay within ±89°.
 */
export function padBox(box: GeoBox, fraction = 0.12, minKm = 20): GeoBox {
  const mid = (box.south + box.north) / 2
  const kmPerDegLat = EARTH_RADIUS_KM * RAD
  const kmPerDegLon = kmPerDegLat * Math.max(0.05, Math.cos(mid * RAD))
  const halfLon = Math.max(((box.east - box.west) * (1 + 2 * fraction)) / 2, minKm / 2 / kmPerDegLon)
  const halfLat = Math.max(((box.north - box.south) * (1 + 2 * fraction)) / 2, minKm / 2 / kmPerDegLat)
  const cLon = (box.west + box.east) / 2
  return { west: cLon - halfLon, east: cLon + halfLon, south: Math.max(-89, mid - halfLat), north: Math.min(89, mid + halfLat) }
}

export type LandResolution = '10m' | '50m' | '110m'

/**
 * Natural Earth scale for a box: 1:10m for coastal work (the largest side under 600 km, e.g. Kiel Bight),
 * 1:50m for shelf seas and regional basins (under 4000 km), 1:110m for ocean basins.
 */
export function landResolution(box: GeoBox): LandResolution {
  const { width, height } = boxSizeKm(box)
  const side = Math.max(width, height)
  return side < 600 ? '10m' : side < 4000 ? '50m' : '110m'
}

/** A projection as ECharts' geo component takes it: lon/lat → x/y (km, y down) and back. */
export interface MapProjection {
  project(point: number[]): number[]
  unproject(point: number[]): number[]
  /** The lon/lat the projection is centred on. */
  center: [number, number]
}

/** Azimuthal equidistant projection centred on `center` (lon, lat), in km with y pointing down (screen order). */
export function localProjection(center: readonly [number, number]): MapProjection {
  const p = geoAzimuthalEquidistant().rotate([-center[0], -center[1]]).scale(EARTH_RADIUS_KM).translate([0, 0]).precision(0.1)
  return {
    center: [center[0], center[1]],
    project: (pt) => p([pt[0], pt[1]]) ?? [NaN, NaN],
    unproject: (pt) => p.invert?.([pt[0], pt[1]]) ?? [NaN, NaN]
  }
}

/** The projection centred on a box's middle. */
export function projectionFor(box: GeoBox): MapProjection {
  return localProjection([(box.west + box.east) / 2, (box.south + box.north) / 2])
}

/** Graticule spacings in degrees, fine to coarse. */
const DEGREE_STEPS = [0.01, 0.02, 0.05, 0.1, 0.2, 0.25, 0.5, 1, 2, 5, 10, 15, 30, 45]

/** The finest spacing that draws at most `maxLines` lines over `span` degrees. */
export function degreeStep(span: number, maxLines = 6): number {
  for (const s of DEGREE_STEPS) if (span / s <= maxLines) return s
  return DEGREE_STEPS[DEGREE_STEPS.length - 1]
}

/** Multiples of `step` within [min, max], rounded to the step's digits (no 54.300000001). */
export function graticuleTicks(min: number, max: number, step: number): number[] {
  const digits = degreeDigits(step)
  const out: number[] = []
  for (let k = Math.ceil(min / step - 1e-9); k * step <= max + 1e-9; k++) out.push(Number((k * step).toFixed(digits)))
  return out
}

/** Decimals a degree label needs for a spacing (0.25 → 2, 0.5 → 1, 2 → 0). */
export function degreeDigits(step: number): number {
  for (let d = 0; d < 6; d++) if (Math.abs(Math.round(step * 10 ** d) - step * 10 ** d) < 1e-9) return d
  return 6
}

/** "54.5°N", "3°S" with the given decimals. */
export function formatLatitude(lat: number, digits = 2): string {
  return `${Math.abs(lat).toFixed(digits)}°${lat < 0 ? 'S' : 'N'}`
}

/** "10.25°E", "60°W" with the given decimals (0° has no hemisphere). */
export function formatLongitude(lon: number, digits = 2): string {
  const a = Math.abs(lon)
  return `${a.toFixed(digits)}°${Number(a.toFixed(digits)) === 0 ? '' : lon < 0 ? 'W' : 'E'}`
}

export interface Graticule {
  latStep: number
  lonStep: number
  /** Meridians and parallels as lon/lat polylines, densified so they bend correctly when projected. */
  lines: { kind: 'meridian' | 'parallel'; value: number; coords: [number, number][] }[]
  /** One label per line: meridians along the south edge, parallels along the west edge. */
  labels: { text: string; coord: [number, number]; kind: 'meridian' | 'parallel' }[]
}

/**
 * Meridians and parallels for a box: about `maxLines` each way inside it (the spacing), drawn `reach` box
 * sizes beyond it on every side so they still cross the frame's edges after a small pan.
 */
export function graticule(box: GeoBox, maxLines = 6, reach = 0.5, segments = 24): Graticule {
  const latStep = degreeStep(box.north - box.south, maxLines)
  const lonStep = degreeStep(box.east - box.west, maxLines)
  const dLon = (box.east - box.west) * reach
  const dLat = (box.north - box.south) * reach
  const wide: GeoBox = { west: box.west - dLon, east: box.east + dLon, south: Math.max(-90, box.south - dLat), north: Math.min(90, box.north + dLat) }
  const along = (a: number, b: number) => Array.from({ length: segments + 1 }, (_, i) => a + ((b - a) * i) / segments)
  const lines: Graticule['lines'] = []
  const labels: Graticule['labels'] = []
  for (const lon of graticuleTicks(wide.west, wide.east, lonStep)) {
    lines.push({ kind: 'meridian', value: lon, coords: along(wide.south, wide.north).map((lat) => [lon, lat]) })
    labels.push({ kind: 'meridian', text: formatLongitude(lon, degreeDigits(lonStep)), coord: [lon, box.south] })
  }
  for (const lat of graticuleTicks(wide.south, wide.north, latStep)) {
    lines.push({ kind: 'parallel', value: lat, coords: along(wide.west, wide.east).map((lon) => [lon, lat]) })
    labels.push({ kind: 'parallel', text: formatLatitude(lat, degreeDigits(latStep)), coord: [box.west, lat] })
  }
  return { latStep, lonStep, lines, labels }
}
