/**
 * Land and coastline from Natural Earth (world-atlas TopoJSON, read with topojson-client), clipped to the
 * part of the world a map shows and registered as an ECharts map. The atlas is loaded lazily, one
 * resolution at a time, so the renderer bundle stays lean.
 */
import { feature } from 'topojson-client'
import type { Topology } from 'topojson-specification'
import type { Feature, FeatureCollection, MultiPolygon, Polygon, Position } from 'geojson'
import { echarts } from './echarts-setup'
import type { GeoBox, LandResolution } from './geo-projection'

/** Natural Earth land as published by world-atlas; credited on every map. */
export const LAND_CREDIT = 'Land: Natural Earth (public domain), via world-atlas'

const ATLAS: Record<LandResolution, () => Promise<{ default: unknown }>> = {
  '10m': () => import('world-atlas/land-10m.json'),
  '50m': () => import('world-atlas/land-50m.json'),
  '110m': () => import('world-atlas/land-110m.json')
}

const loaded = new Map<LandResolution, Promise<FeatureCollection>>()

/** All land at one resolution as GeoJSON (each resolution is fetched and converted once). */
export function loadLand(resolution: LandResolution): Promise<FeatureCollection> {
  let land = loaded.get(resolution)
  if (!land) {
    land = ATLAS[resolution]().then((m) => landFromTopology(m.default as Topology))
    // a failed fetch may be retried
    land.catch(() => loaded.delete(resolution))
    loaded.set(resolution, land)
  }
  return land
}

/** The `land` object of a world-atlas topology as GeoJSON. */
export function landFromTopology(topo: Topology): FeatureCollection {
  return feature(topo, topo.objects.land) as unknown as FeatureCollection
}

/** Clip one closed ring to a lon/lat box (Sutherland–Hodgman; exact for the filled area inside the box). */
export function clipRing(ring: readonly Position[], box: GeoBox): Position[] {
  type Edge = { inside: (p: Position) => boolean; cut: (a: Position, b: Position) => Position }
  const at = (a: Position, b: Position, t: number): Position => [a[0] + (b[0] - a[0]) * t, a[1] + (b[1] - a[1]) * t]
  const edges: Edge[] = [
    { inside: (p) => p[0] >= box.west, cut: (a, b) => at(a, b, (box.west - a[0]) / (b[0] - a[0])) },
    { inside: (p) => p[0] <= box.east, cut: (a, b) => at(a, b, (box.east - a[0]) / (b[0] - a[0])) },
    { inside: (p) => p[1] >= box.south, cut: (a, b) => at(a, b, (box.south - a[1]) / (b[1] - a[1])) },
    { inside: (p) => p[1] <= box.north, cut: (a, b) => at(a, b, (box.north - a[1]) / (b[1] - a[1])) }
  ]
  // work on the open ring (GeoJSON repeats the first point at the end)
  let pts = ring.length > 1 && ring[0][0] === ring[ring.length - 1][0] && ring[0][1] === ring[ring.length - 1][1] ? ring.slice(0, -1) : ring.slice()
  for (const e of edges) {
    if (pts.length === 0) break
    const out: Position[] = []
    for (let i = 0; i < pts.length; i++) {
      const cur = pts[i]
      const prev = pts[(i + pts.length - 1) % pts.length]
      const ci = e.inside(cur)
      if (ci !== e.inside(prev)) out.push(e.cut(prev, cur))
      if (ci) out.push(cur)
    }
    pts = out
  }
  return pts.length >= 3 ? [...pts, pts[0]] : []
}

function ringBox(ring: readonly Position[]): GeoBox {
  let west = Infinity
  let east = -Infinity
  let south = Infinity
  let north = -Infinity
  for (const [x, y] of ring) {
    if (x < west) west = x
    if (x > east) east = x
    if (y < south) south = y
    if (y > north) north = y
  }
  return { west, east, south, north }
}

const overlaps = (a: GeoBox, b: GeoBox) => a.west <= b.east && a.east >= b.west && a.south <= b.north && a.north >= b.south

/** The land polygons inside a box, clipped to it: one MultiPolygon feature named "land" (empty when all sea). */
export function landWithin(land: FeatureCollection, box: GeoBox): FeatureCollection<MultiPolygon> {
  const polygons: Position[][][] = []
  for (const f of land.features) {
    const g = f.geometry as Polygon | MultiPolygon | null
    if (!g) continue
    const list = g.type === 'Polygon' ? [g.coordinates] : g.type === 'MultiPolygon' ? g.coordinates : []
    for (const rings of list) {
      if (!rings.length || !overlaps(ringBox(rings[0]), box)) continue
      const outer = clipRing(rings[0], box)
      if (!outer.length) continue
      const holes = rings.slice(1).map((r) => clipRing(r, box)).filter((r) => r.length > 0)
      polygons.push([outer, ...holes])
    }
  }
  const feat: Feature<MultiPolygon> = { type: 'Feature', properties: { name: 'land' }, geometry: { type: 'MultiPolygon', coordinates: polygons } }
  return { type: 'FeatureCollection', features: polygons.length ? [feat] : [] }
}

/** A name for the map of one box at one resolution (boxes are rounded so small changes reuse the map). */
export function landMapName(resolution: LandResolution, box: GeoBox): string {
  const r = (x: number) => x.toFixed(2)
  return `land-${resolution}-${r(box.west)}_${r(box.east)}_${r(box.south)}_${r(box.north)}`
}

const registered = new Set<string>()

/** Register a GeoJSON map once under `name`. */
function registerOnce(name: string, geo: FeatureCollection): void {
  if (registered.has(name)) return
  echarts.registerMap(name, geo as Parameters<typeof echarts.registerMap>[1])
  registered.add(name)
}

/**
 * A map with no land (one tiny invisible polygon at a corner), so the geo component always has a region
 * to lay out: for open sea, and when the atlas cannot be loaded.
 */
export function registerSea(box: GeoBox): string {
  const eps = 1e-6
  const corner: Position[] = [[box.west, box.south], [box.west + eps, box.south], [box.west, box.south + eps], [box.west, box.south]]
  const name = `sea-${landMapName('110m', box).slice(10)}`
  registerOnce(name, { type: 'FeatureCollection', features: [{ type: 'Feature', properties: { name: 'sea' }, geometry: { type: 'Polygon', coordinates: [corner] } }] })
  return name
}

/** Register the land inside `box` as an ECharts map and return its name and how many polygons it has. */
export async function registerLand(resolution: LandResolution, box: GeoBox): Promise<{ name: string; polygons: number }> {
  const within = landWithin(await loadLand(resolution), box)
  const polygons = within.features[0]?.geometry.coordinates.length ?? 0
  if (!polygons) return { name: registerSea(box), polygons }
  const name = landMapName(resolution, box)
  registerOnce(name, within)
  return { name, polygons }
}
