/**
 * A real map as one ECharts option: sea, Natural Earth land and coastline (an ECharts map on the geo
 * component, projected with the local azimuthal equidistant projection), a lon/lat graticule labelled in
 * degrees along the frame, zoom and pan, and layers on top (drifter tracks, gridded fields). Pure.
 */
import type { CustomSeriesRenderItemAPI, CustomSeriesRenderItemReturn } from 'echarts'
import type { ChartTheme, EChartsOption } from './common'
import { decimate, legend as legendBlock, title as titleBlock } from './common'
import type { ChartSize } from './heat-panels'
import type { GeoBox, MapProjection } from './geo-projection'
import { boxOf, graticule } from './geo-projection'
import { fixReadout, formatUtc, trackSpeeds } from './geo-readout'

/** Natural Earth land as published by world-atlas; credited on every map. */
export const LAND_CREDIT = 'Land: Natural Earth (public domain) via world-atlas'

/** One geographic track: fixes sorted by time (seconds since 1970-01-01T00:00:00Z). */
export interface GeoTrack {
  id: string
  lon: readonly number[]
  lat: readonly number[]
  time: readonly number[]
}

/** Pixel rectangle of the map frame inside the chart. */
export interface FrameRect {
  x: number
  y: number
  width: number
  height: number
}

/** The user's zoom and pan, as ECharts reports it (center in projected km), kept across option rebuilds. */
export interface MapRoam {
  center?: number[]
  zoom?: number
}

export interface GeoMapBase {
  /** The registered land map (see geo-land). */
  land: string
  /** What the map shows at zoom 1. */
  box: GeoBox
  /** The part shown now (after zoom and pan), for the graticule spacing; defaults to `box`. */
  visible?: GeoBox
  projection: MapProjection
  theme: ChartTheme
  title: string
  subtitle?: string
  size: ChartSize
  roam?: MapRoam
  /** Pixels kept free under the frame (for a legend). */
  bottom?: number
  /** Pixels kept free right of the frame (for a colour bar). */
  right?: number
}

/** Map colours per theme: sea, land, coastline, graticule. */
export function mapColours(theme: ChartTheme): { sea: string; land: string; coast: string; graticule: string } {
  const dark = isDark(theme.background)
  return dark
    ? { sea: '#17242f', land: '#3b4148', coast: '#9aa5b1', graticule: 'rgba(200,210,220,0.3)' }
    : { sea: '#eef4f8', land: '#e4ddd0', coast: '#7d7465', graticule: 'rgba(60,80,100,0.35)' }
}

function isDark(hex: string): boolean {
  const m = /^#([0-9a-f]{6})$/i.exec(hex)
  if (!m) return false
  const n = parseInt(m[1], 16)
  return ((n >> 16) & 255) * 0.299 + ((n >> 8) & 255) * 0.587 + (n & 255) * 0.114 < 128
}

/** Projected extent (km) of a lon/lat box, sampled along its edges (they curve under the projection). */
export function projectedExtent(box: GeoBox, projection: MapProjection, samples = 16): { x0: number; x1: number; y0: number; y1: number } {
  let x0 = Infinity
  let x1 = -Infinity
  let y0 = Infinity
  let y1 = -Infinity
  for (const [lon, lat] of boxOutline(box, samples)) {
    const [x, y] = projection.project([lon, lat])
    x0 = Math.min(x0, x)
    x1 = Math.max(x1, x)
    y0 = Math.min(y0, y)
    y1 = Math.max(y1, y)
  }
  return { x0, x1, y0, y1 }
}

/** The closed outline of a box, densified: south edge W→E, east S→N, north E→W, west N→S. */
export function boxOutline(box: GeoBox, samples = 16): [number, number][] {
  const out: [number, number][] = []
  const lerp = (a: number, b: number, t: number) => a + (b - a) * t
  for (let i = 0; i < samples; i++) out.push([lerp(box.west, box.east, i / samples), box.south])
  for (let i = 0; i < samples; i++) out.push([box.east, lerp(box.south, box.north, i / samples)])
  for (let i = 0; i < samples; i++) out.push([lerp(box.east, box.west, i / samples), box.north])
  for (let i = 0; i < samples; i++) out.push([box.west, lerp(box.north, box.south, i / samples)])
  out.push(out[0])
  return out
}

/** Margins around the frame: room for the title above and degree labels left and below. */
const MARGIN = { top: 58, left: 62, right: 16, bottom: 30 }

/** The largest frame with the projected box's aspect (so a km is a km both ways) that fits the chart. */
export function frameRect(box: GeoBox, projection: MapProjection, size: ChartSize, bottom = 0, right = 0): FrameRect {
  const e = projectedExtent(box, projection)
  const aspect = (e.x1 - e.x0) / Math.max(1e-9, e.y1 - e.y0)
  const availW = Math.max(40, size.width - MARGIN.left - MARGIN.right - right)
  const availH = Math.max(40, size.height - MARGIN.top - MARGIN.bottom - bottom)
  const width = Math.min(availW, availH * aspect)
  const height = width / aspect
  return { x: Math.round(MARGIN.left + (availW - width) / 2), y: Math.round(MARGIN.top + (availH - height) / 2), width: Math.round(width), height: Math.round(height) }
}

/**
 * Where a projected polyline (pixels) crosses a frame edge: the x on the bottom edge, or the y on the left
 * edge, when the crossing lies on the frame; else null.
 */
export function edgeCrossing(points: readonly number[][], edge: 'bottom' | 'left', rect: FrameRect): number | null {
  const bottom = rect.y + rect.height
  for (let i = 1; i < points.length; i++) {
    const [ax, ay] = points[i - 1]
    const [bx, by] = points[i]
    if (edge === 'bottom') {
      if ((ay - bottom) * (by - bottom) > 0 || ay === by) continue
      const x = ax + ((bottom - ay) / (by - ay)) * (bx - ax)
      if (x >= rect.x - 0.5 && x <= rect.x + rect.width + 0.5) return x
    } else {
      if ((ax - rect.x) * (bx - rect.x) > 0 || ax === bx) continue
      const y = ay + ((rect.x - ax) / (bx - ax)) * (by - ay)
      if (y >= rect.y - 0.5 && y <= rect.y + rect.height + 0.5) return y
    }
  }
  return null
}

/**
 * The lon/lat box a pixel rectangle shows, from two reference points whose pixels are known (ECharts'
 * convertFromPixel unprojects before undoing the zoom, so the map's linear pixel ↔ km relation is rebuilt here).
 */
export function visibleBox(
  rect: FrameRect,
  projection: MapProjection,
  refs: readonly [{ lonLat: number[]; pixel: number[] }, { lonLat: number[]; pixel: number[] }]
): GeoBox | null {
  const [a, b] = refs.map((r) => ({ km: projection.project(r.lonLat), px: r.pixel }))
  const sx = (b.px[0] - a.px[0]) / (b.km[0] - a.km[0])
  const sy = (b.px[1] - a.px[1]) / (b.km[1] - a.km[1])
  if (!Number.isFinite(sx) || !Number.isFinite(sy) || sx === 0 || sy === 0) return null
  const toLonLat = (x: number, y: number) => projection.unproject([a.km[0] + (x - a.px[0]) / sx, a.km[1] + (y - a.px[1]) / sy])
  const pts: [number, number][] = []
  for (let i = 0; i <= 4; i++) {
    const fx = rect.x + (rect.width * i) / 4
    const fy = rect.y + (rect.height * i) / 4
    for (const [x, y] of [[fx, rect.y], [fx, rect.y + rect.height], [rect.x, fy], [rect.x + rect.width, fy]]) {
      const ll = toLonLat(x, y)
      pts.push([ll[0], ll[1]])
    }
  }
  return boxOf(pts)
}

/** The base of every map: geo component with land, sea, graticule with labels on the frame, the frame mask. */
export function buildGeoBase(o: GeoMapBase): { option: EChartsOption; frame: FrameRect } {
  const c = mapColours(o.theme)
  const frame = frameRect(o.box, o.projection, o.size, o.bottom, o.right)
  const grat = graticule(o.visible ?? o.box)
  const outline = boxOutline(o.box, 32)
  const seaRender = (_p: unknown, api: CustomSeriesRenderItemAPI): CustomSeriesRenderItemReturn => ({
    type: 'polygon',
    shape: { points: outline.map((p) => api.coord(p)) },
    style: { fill: c.sea }
  })
  const labelRender = (p: { dataIndex: number }, api: CustomSeriesRenderItemAPI): CustomSeriesRenderItemReturn => {
    const line = grat.lines[p.dataIndex]
    const label = grat.labels[p.dataIndex]
    const px = line.coords.map((q) => api.coord(q))
    const meridian = line.kind === 'meridian'
    const at = edgeCrossing(px, meridian ? 'bottom' : 'left', frame)
    if (at === null) return null as unknown as CustomSeriesRenderItemReturn
    return {
      type: 'text',
      x: meridian ? at : frame.x - 6,
      y: meridian ? frame.y + frame.height + 6 : at,
      style: {
        text: label.text,
        fill: o.theme.muted,
        font: '11px sans-serif',
        align: meridian ? 'center' : 'right',
        verticalAlign: meridian ? 'top' : 'middle'
      }
    }
  }
  const maskRender = (_p: unknown, api: CustomSeriesRenderItemAPI): CustomSeriesRenderItemReturn => {
    const w = api.getWidth()
    const h = api.getHeight()
    const f = frame
    const fill = { fill: o.theme.background }
    return {
      type: 'group',
      children: [
        { type: 'rect', shape: { x: 0, y: 0, width: w, height: f.y }, style: fill },
        { type: 'rect', shape: { x: 0, y: f.y + f.height, width: w, height: h - f.y - f.height }, style: fill },
        { type: 'rect', shape: { x: 0, y: f.y, width: f.x, height: f.height }, style: fill },
        { type: 'rect', shape: { x: f.x + f.width, y: f.y, width: w - f.x - f.width, height: f.height }, style: fill },
        { type: 'rect', shape: { x: f.x, y: f.y, width: f.width, height: f.height }, style: { fill: 'none', stroke: o.theme.muted, lineWidth: 1 } }
      ]
    }
  }
  const option: EChartsOption = {
    backgroundColor: o.theme.background,
    animation: false,
    title: [
      { ...(titleBlock(o.title, o.theme, o.subtitle) as object), subtextStyle: { color: o.theme.muted, fontSize: 11, lineHeight: 14 }, z: 10 },
      { text: LAND_CREDIT, right: 8, bottom: 2, z: 10, textStyle: { color: o.theme.muted, fontSize: 10, fontWeight: 400 } }
    ],
    tooltip: { trigger: 'item', confine: true },
    geo: {
      map: o.land,
      projection: { project: o.projection.project, unproject: o.projection.unproject },
      boundingCoords: [[o.box.west, o.box.north], [o.box.east, o.box.south]],
      left: frame.x,
      top: frame.y,
      width: frame.width,
      height: frame.height,
      roam: true,
      clip: true,
      ...(o.roam?.center ? { center: o.roam.center } : {}),
      ...(o.roam?.zoom ? { zoom: o.roam.zoom } : {}),
      scaleLimit: { min: 0.5, max: 60 },
      z: 1,
      itemStyle: { areaColor: c.land, borderColor: c.coast, borderWidth: 0.8 },
      emphasis: { disabled: true },
      select: { disabled: true },
      selectedMode: false,
      // land is scenery: no hover; (a geo `tooltip` here would also silence the series drawn on it)
      silent: true,
      label: { show: false }
    } as EChartsOption['geo'],
    series: [
      { id: 'sea', name: 'sea', type: 'custom', coordinateSystem: 'geo', silent: true, z: 0, renderItem: seaRender, data: [[0]] },
      {
        id: 'graticule',
        name: 'graticule',
        type: 'lines',
        coordinateSystem: 'geo',
        polyline: true,
        silent: true,
        z: 2,
        lineStyle: { color: c.graticule, width: 1, type: 'dashed' },
        data: grat.lines.map((l) => ({ coords: l.coords }))
      },
      { id: 'frame', name: 'frame', type: 'custom', coordinateSystem: 'none', silent: true, z: 8, renderItem: maskRender, data: [[0]] },
      {
        id: 'graticule-labels',
        name: 'graticule labels',
        type: 'custom',
        coordinateSystem: 'geo',
        silent: true,
        z: 9,
        renderItem: labelRender,
        data: grat.lines.map((_, i) => [i])
      }
    ]
  }
  return { option, frame }
}

/** Evenly spaced times over all tracks, for the time slider: `steps + 1` values from the first fix to the last. */
export function timeSteps(tracks: readonly GeoTrack[], steps = 200): number[] {
  let t0 = Infinity
  let t1 = -Infinity
  for (const t of tracks) {
    if (!t.time.length) continue
    t0 = Math.min(t0, t.time[0])
    t1 = Math.max(t1, t.time[t.time.length - 1])
  }
  if (!(t0 <= t1)) return []
  if (t0 === t1) return [t0]
  return Array.from({ length: steps + 1 }, (_, i) => t0 + ((t1 - t0) * i) / steps)
}

/** Index of the last fix at or before `until` (−1 when the track has not started). */
export function lastFixBefore(time: readonly number[], until: number): number {
  let lo = 0
  let hi = time.length - 1
  if (!time.length || time[0] > until) return -1
  while (lo < hi) {
    const mid = (lo + hi + 1) >> 1
    if (time[mid] <= until) lo = mid
    else hi = mid - 1
  }
  return lo
}

export interface DrifterLayerOptions {
  /** Draw each track up to this time (s since epoch); Infinity for the whole track. */
  until: number
  theme: ChartTheme
  /** Fixes drawn per drifter (display only). */
  maxPoints?: number
}

/**
 * The id label of each drifter's current position: drifters within `within` of the size of the map's extent of an
 * earlier labelled one (released together, drifting as a group) share its label ("D298, D299 +3"), so stacked ids
 * never print over each other; the others keep their own. `heads[i]` is [lon, lat] or null (not started).
 */
export function headLabels(ids: readonly string[], heads: readonly ([number, number] | null)[], within = 0.02): (string | null)[] {
  const pts = heads.filter((h): h is [number, number] => h !== null)
  if (!pts.length) return ids.map(() => null)
  const kmPerLon = Math.cos((pts.reduce((a, p) => a + p[1], 0) / pts.length) * (Math.PI / 180))
  const spanX = (Math.max(...pts.map((p) => p[0])) - Math.min(...pts.map((p) => p[0]))) * kmPerLon
  const spanY = Math.max(...pts.map((p) => p[1])) - Math.min(...pts.map((p) => p[1]))
  // a tiny cluster alone still counts as "together": at least 200 m
  const eps = Math.max(within * Math.hypot(spanX, spanY), 0.0018)
  const groups: { at: [number, number]; members: number[] }[] = []
  heads.forEach((h, i) => {
    if (!h) return
    const g = groups.find((c) => Math.hypot((c.at[0] - h[0]) * kmPerLon, c.at[1] - h[1]) <= eps)
    if (g) g.members.push(i)
    else groups.push({ at: h, members: [i] })
  })
  const out: (string | null)[] = ids.map(() => null)
  for (const g of groups) {
    const names = g.members.map((i) => ids[i])
    out[g.members[0]] = names.length <= 3 ? names.join(', ') : `${names.slice(0, 2).join(', ')} +${names.length - 2}`
  }
  return out
}

/** Per-drifter series on the geo component: the path so far, hoverable fixes and the current position with its id. */
export function drifterLayers(tracks: readonly GeoTrack[], o: DrifterLayerOptions): NonNullable<EChartsOption['series']> {
  const out: Record<string, unknown>[] = []
  const max = o.maxPoints ?? 400
  const heads = tracks.map((t) => {
    const k = lastFixBefore(t.time, o.until)
    return k >= 0 ? ([t.lon[k], t.lat[k]] as [number, number]) : null
  })
  const labels = headLabels(tracks.map((t) => t.id), heads)
  // the map is framed on the tracks: a head in the east third of them is labelled on its left, inside the frame
  const lons = tracks.flatMap((t) => t.lon.filter(Number.isFinite))
  const eastThird = lons.length ? Math.min(...lons) + (2 / 3) * (Math.max(...lons) - Math.min(...lons)) : Infinity
  tracks.forEach((t, i) => {
    const colour = o.theme.palette[i % o.theme.palette.length]
    const idx = decimate(Array.from(t.time, (_, k) => k), max)
    const lon = idx.map((k) => t.lon[k])
    const lat = idx.map((k) => t.lat[k])
    const time = idx.map((k) => t.time[k])
    const speed = trackSpeeds(lon, lat, time)
    const cut = lastFixBefore(time, o.until)
    const fixes = idx.slice(0, cut + 1).map((_, j) => [lon[j], lat[j], time[j], speed[j]])
    const readout = { formatter: (p: { value: number[] }) => fixReadout(t.id, p.value[0], p.value[1], p.value[2], p.value[3]) }
    const style = { color: colour }
    out.push({
      id: `track-${i}`,
      name: t.id,
      type: 'lines',
      coordinateSystem: 'geo',
      polyline: true,
      silent: true,
      z: 4,
      itemStyle: style,
      // a halo in the background colour keeps the path visible over a field of any colour
      lineStyle: { color: colour, width: 1.8, opacity: 0.95, shadowColor: o.theme.background, shadowBlur: 4 },
      data: fixes.length > 1 ? [{ coords: fixes.map((f) => [f[0], f[1]]) }] : []
    })
    out.push({
      id: `fixes-${i}`,
      name: t.id,
      type: 'scatter',
      coordinateSystem: 'geo',
      z: 4,
      symbolSize: 4,
      itemStyle: { ...style, opacity: 0.55 },
      emphasis: { scale: 2.5, itemStyle: { opacity: 1 } },
      tooltip: readout,
      data: fixes
    })
    out.push({
      id: `head-${i}`,
      name: t.id,
      type: 'scatter',
      coordinateSystem: 'geo',
      z: 6,
      symbolSize: 11,
      itemStyle: { ...style, borderColor: o.theme.background, borderWidth: 1.5 },
      // drifters together share one label (headLabels); ids that still collide on screen (after a zoom out) are hidden
      labelLayout: { hideOverlap: true },
      label: { show: labels[i] !== null, position: (heads[i]?.[0] ?? -Infinity) > eastThird ? 'left' : 'right', distance: 6, formatter: labels[i] ?? '', color: o.theme.text, fontSize: 11, textBorderColor: o.theme.background, textBorderWidth: 3 },
      tooltip: readout,
      data: cut >= 0 ? [fixes[cut]] : []
    })
  })
  return out as NonNullable<EChartsOption['series']>
}

export interface DrifterMapOptions extends Omit<GeoMapBase, 'title' | 'subtitle' | 'bottom'> {
  tracks: readonly GeoTrack[]
  until: number
  title?: string
  source?: string
}

/** The Data view's map of imported drifter tracks, animated by `until`, with a legend of drifter ids. */
export function buildDrifterMap(o: DrifterMapOptions): EChartsOption {
  const ids = o.tracks.map((t) => t.id)
  const steps = timeSteps(o.tracks, 1)
  const span = steps.length ? `${formatUtc(steps[0])} → ${formatUtc(steps[steps.length - 1])}` : 'no fixes'
  const shown = Number.isFinite(o.until) ? `; shown up to ${formatUtc(Math.round(o.until / 60) * 60)}` : ''
  const { option } = buildGeoBase({
    ...o,
    title: o.title ?? 'Drifter tracks',
    subtitle: `${ids.length} drifter${ids.length === 1 ? '' : 's'}${o.source ? ` · ${o.source}` : ''}\n${span}${shown}`,
    bottom: 28
  })
  option.legend = { ...(legendBlock(o.theme, { data: ids, top: undefined, right: undefined, bottom: 16, left: 'center', icon: 'circle' }) as object), z: 10 }
  option.series = [...(option.series as unknown[]), ...(drifterLayers(o.tracks, { until: o.until, theme: o.theme }) as unknown[])] as EChartsOption['series']
  return option
}
