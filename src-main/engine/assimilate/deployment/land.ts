/**
 * Land from Natural Earth (world-atlas land TopoJSON, read with topojson-client): 1:10m near coasts. Point in
 * polygon is an even-odd ray test in longitude/latitude over the rings' edges that cross the domain's latitude band
 * (the full 10m Eurasia ring has ~10⁵ vertices; d3-geo's spherical geoContains on it is too slow for a grid, and
 * the tests check this test against geoContains).
 */
import { readFile } from 'node:fs/promises'
import { createRequire } from 'node:module'
import { feature } from 'topojson-client'
import type { Topology, GeometryCollection } from 'topojson-specification'
import type { MultiPolygon, Polygon, Position } from 'geojson'

export const LAND_SOURCE = 'Natural Earth 1:10m land (world-atlas land-10m.json)'

/** Edges [lon0, lat0, lon1, lat1] of land rings inside a latitude band, for fast point-in-land tests. */
export interface LandIndex {
  edges: Float64Array
  source: string
}

let landRings: Promise<Position[][]> | undefined

/** Every ring of every land polygon (read once per process). */
async function rings(): Promise<Position[][]> {
  landRings ??= (async () => {
    const path = createRequire(import.meta.url).resolve('world-atlas/land-10m.json')
    const topo = JSON.parse(await readFile(path, 'utf8')) as Topology<{ land: GeometryCollection }>
    const land = feature(topo, topo.objects.land)
    const out: Position[][] = []
    for (const f of land.features) {
      const g = f.geometry as Polygon | MultiPolygon
      const polys = g.type === 'Polygon' ? [g.coordinates] : g.coordinates
      for (const p of polys) out.push(...p)
    }
    return out
  })()
  return landRings
}

/** Land edges that can matter for points with latitude in [latMin, latMax]. */
export async function landIndex(latMin: number, latMax: number): Promise<LandIndex> {
  const kept: number[] = []
  for (const ring of await rings())
    for (let i = 0; i + 1 < ring.length; i++) {
      const [a0, b0] = ring[i]
      const [a1, b1] = ring[i + 1]
      if (Math.max(b0, b1) < latMin || Math.min(b0, b1) > latMax) continue
      kept.push(a0, b0, a1, b1)
    }
  return { edges: Float64Array.from(kept), source: LAND_SOURCE }
}

/** Even-odd test: does a ray from (lon, lat) towards the east cross land edges an odd number of times? */
export function onLand(index: LandIndex, lon: number, lat: number): boolean {
  const e = index.edges
  let inside = false
  for (let i = 0; i < e.length; i += 4) {
    const b0 = e[i + 1]
    const b1 = e[i + 3]
    if (b0 > lat === b1 > lat) continue
    const crossLon = e[i] + ((lat - b0) / (b1 - b0)) * (e[i + 2] - e[i])
    if (crossLon > lon) inside = !inside
  }
  return inside
}

/** Land mask (1 = land) of points given as lon/lat pairs. */
export function landMask(index: LandIndex, lonLat: [number, number][]): Uint8Array {
  return Uint8Array.from(lonLat, ([lon, lat]) => (onLand(index, lon, lat) ? 1 : 0))
}
