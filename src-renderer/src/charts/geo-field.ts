/**
 * The Assimilate view's map: the deployment's domain box, the drifters in the analysis window on top, and
 * (when the field is loaded) the posterior field under the land: speed or uncertainty cells with velocity
 * arrows, masked over land. Pure.
 */
import type { CustomSeriesRenderItemAPI, CustomSeriesRenderItemReturn } from 'echarts'
import type { EChartsOption } from './common'
import { legend as legendBlock } from './common'
import { sampleColormap, type ColormapName } from './colormaps'
import type { GeoBox } from './geo-projection'
import { boxOutline, buildGeoBase, drifterLayers, type FrameRect, type GeoMapBase, type GeoTrack } from './geo-map'
import { formatUtc } from './geo-readout'
import { streamlines } from './streamlines'

/** The tracks' fixes inside [start, end] (s since epoch); drifters without fixes there are left out. */
export function tracksInWindow(tracks: readonly GeoTrack[], start: number, end: number): GeoTrack[] {
  return tracks.flatMap((t) => {
    const keep = t.time.flatMap((s, k) => (s >= start && s <= end ? [k] : []))
    return keep.length ? [{ id: t.id, lon: keep.map((k) => t.lon[k]), lat: keep.map((k) => t.lat[k]), time: keep.map((k) => t.time[k]) }] : []
  })
}

/** A posterior field on a projected grid, as the map draws one frame of it (JSON-safe). */
export interface MapField {
  /** [lon, lat] of each cell centre, row-major ny × nx. */
  lonLat: [number, number][]
  nx: number
  ny: number
  /** Velocity east/north (m/s) and its uncertainty (m/s), NaN over land; one frame. */
  u: number[]
  v: number[]
  std?: number[]
}

export interface DeploymentMapOptions extends Omit<GeoMapBase, 'title' | 'subtitle' | 'bottom' | 'right'> {
  tracks: readonly GeoTrack[]
  /** The analysis window, s since epoch. */
  window?: { start: number; end: number }
  /** The domain box of the assimilation (lat/lon bounds). */
  domain?: GeoBox
  field?: MapField
  /** Which scalar colours the cells. */
  quantity?: 'speed' | 'uncertainty'
  /** How the speed map shows the velocity: arrows (default), streamlines, or both. */
  vectors?: MapVectors
  /** The frame's time (s since epoch): tracks are drawn up to it. */
  time?: number
  title?: string
}

export type MapVectors = 'arrows' | 'streamlines' | 'both'

/** [lon, lat] at fractional cell indices (fi, fj), bilinear between the cell centres. */
function lonLatAt(field: MapField, fi: number, fj: number): [number, number] {
  const i = Math.min(field.nx - 2, Math.max(0, Math.floor(fi)))
  const j = Math.min(field.ny - 2, Math.max(0, Math.floor(fj)))
  const a = fi - i
  const b = fj - j
  const p = (ii: number, jj: number) => field.lonLat[jj * field.nx + ii]
  const mix = (d: 0 | 1) => (1 - a) * (1 - b) * p(i, j)[d] + a * (1 - b) * p(i + 1, j)[d] + (1 - a) * b * p(i, j + 1)[d] + a * b * p(i + 1, j + 1)[d]
  return [mix(0), mix(1)]
}

/**
 * Streamlines of one frame as lon/lat polylines. Traced in the grid's index space (east and north velocity turned
 * into cells per second with the local cell size, so directions are right on cells that are not square) and mapped
 * back through the cell centres; a line stops at land (no velocity there) and at the grid's edge.
 */
export function geoStreamlines(field: MapField, seedsPerSide = 14): [number, number][][] {
  const { nx, ny } = field
  if (nx < 2 || ny < 2) return []
  const c = field.lonLat[Math.floor(ny / 2) * nx + Math.floor(nx / 2)]
  const kmPerLon = 111.32 * Math.cos((c[1] * Math.PI) / 180)
  const east = [(field.lonLat[nx - 1][0] - field.lonLat[0][0]) / (nx - 1), (field.lonLat[nx - 1][1] - field.lonLat[0][1]) / (nx - 1)]
  const north = [(field.lonLat[(ny - 1) * nx][0] - field.lonLat[0][0]) / (ny - 1), (field.lonLat[(ny - 1) * nx][1] - field.lonLat[0][1]) / (ny - 1)]
  // one cell step along i and along j, in km east and north
  const di = [east[0] * kmPerLon, east[1] * 110.57]
  const dj = [north[0] * kmPerLon, north[1] * 110.57]
  // velocity (east, north) in cells per unit time: solve [di dj] · (a, b) = (u, v)
  const det = di[0] * dj[1] - dj[0] * di[1]
  if (!(Math.abs(det) > 1e-12)) return []
  const ui = field.u.map((u, k) => (dj[1] * u - dj[0] * field.v[k]) / det)
  const vj = field.u.map((u, k) => (-di[1] * u + di[0] * field.v[k]) / det)
  const ix = Array.from({ length: nx }, (_, i) => i)
  const jy = Array.from({ length: ny }, (_, j) => j)
  return streamlines(ix, jy, ui, vj, { seedsPerSide, steps: Math.max(20, Math.round(Math.max(nx, ny) / 1.5)), stepCells: 0.5 }).map((line) =>
    line.map(([fi, fj]) => lonLatAt(field, fi, fj))
  )
}

/** One frame of a field read from its file, with JSON's nulls back to NaN. */
export function mapFieldOf(view: { nx: number; ny: number; lonLat: [number, number][]; u: (number | null)[][]; v: (number | null)[][]; std?: (number | null)[] }, frame: number): MapField {
  const k = Math.min(Math.max(0, frame), view.u.length - 1)
  const nan = (a: (number | null)[] | undefined) => (a ?? []).map((x) => (x === null ? NaN : x))
  return { nx: view.nx, ny: view.ny, lonLat: view.lonLat, u: nan(view.u[k]), v: nan(view.v[k]), ...(view.std ? { std: nan(view.std) } : {}) }
}

/** Corners of cell (i, j) from the centres: midpoints to the neighbours, extrapolated at the grid's edges. */
export function cellCorners(lonLat: readonly [number, number][], nx: number, ny: number, i: number, j: number): [number, number][] {
  const at = (ii: number, jj: number): [number, number] => {
    // linear extrapolation one cell beyond the edge
    const ci = Math.min(nx - 1, Math.max(0, ii))
    const cj = Math.min(ny - 1, Math.max(0, jj))
    const p = lonLat[cj * nx + ci]
    if (ci === ii && cj === jj) return p
    const qi = Math.min(nx - 1, Math.max(0, ci + (ci - ii)))
    const qj = Math.min(ny - 1, Math.max(0, cj + (cj - jj)))
    const q = lonLat[qj * nx + qi]
    return [2 * p[0] - q[0], 2 * p[1] - q[1]]
  }
  const corner = (di: number, dj: number): [number, number] => {
    const pts = [at(i, j), at(i + di, j), at(i, j + dj), at(i + di, j + dj)]
    return [(pts[0][0] + pts[1][0] + pts[2][0] + pts[3][0]) / 4, (pts[0][1] + pts[1][1] + pts[2][1] + pts[3][1]) / 4]
  }
  return [corner(-1, -1), corner(1, -1), corner(1, 1), corner(-1, 1)]
}

/**
 * Robust colour limits: the 2nd and 98th percentiles of the finite values, rounded outwards to two significant
 * digits (so the bar's end labels are what they say), never zero wide.
 */
export function colourRange(values: readonly number[]): [number, number] {
  const xs = values.filter(Number.isFinite).sort((a, b) => a - b)
  if (!xs.length) return [0, 1]
  const at = (q: number) => xs[Math.min(xs.length - 1, Math.max(0, Math.round(q * (xs.length - 1))))]
  let lo = at(0.02)
  let hi = at(0.98)
  // a (nearly) constant field gets a bar ±5 % around its value, not one whose ends print as the same number
  if (!(hi - lo > Math.abs(hi) * 1e-3)) {
    const pad = Math.abs(hi) * 0.05 || 1e-3
    lo -= pad
    hi += pad
  }
  const step = 10 ** (Math.floor(Math.log10(hi - lo)) - 1)
  return [Math.max(0, Math.floor(lo / step) * step), Math.ceil(hi / step) * step].map((v) => Number(v.toPrecision(6))) as [number, number]
}

/** Every `stride`-th cell in both directions with a finite velocity: [lon, lat, u, v]. */
export function arrowCells(field: MapField, stride: number): [number, number, number, number][] {
  const out: [number, number, number, number][] = []
  const s = Math.max(1, Math.round(stride))
  const off = Math.floor(s / 2)
  for (let j = off; j < field.ny; j += s)
    for (let i = off; i < field.nx; i += s) {
      const k = j * field.nx + i
      if (Number.isFinite(field.u[k]) && Number.isFinite(field.v[k])) out.push([field.lonLat[k][0], field.lonLat[k][1], field.u[k], field.v[k]])
    }
  return out
}

const QUANTITY: Record<'speed' | 'uncertainty', { label: string; colormap: ColormapName }> = {
  speed: { label: 'posterior mean speed (m/s)', colormap: 'speed' },
  uncertainty: { label: 'posterior std of velocity (m/s)', colormap: 'thermal' }
}

/** Cells (under the land, coloured by the colour bar) and arrows; `range` is the colour bar's. */
function fieldLayers(field: MapField, quantity: 'speed' | 'uncertainty', frame: FrameRect, vectors: MapVectors, lineColour: string): { series: Record<string, unknown>[]; range: [number, number] } {
  const values = quantity === 'speed' ? field.u.map((u, k) => Math.hypot(u, field.v[k])) : (field.std ?? field.u.map(() => NaN))
  const range = colourRange(values)
  const q = QUANTITY[quantity]
  const cells = values.flatMap((val, k) => (Number.isFinite(val) ? [[k % field.nx, Math.floor(k / field.nx), val]] : []))
  const cellRender = (p: { dataIndex: number }, api: CustomSeriesRenderItemAPI): CustomSeriesRenderItemReturn => {
    const [i, j] = cells[p.dataIndex]
    const points = cellCorners(field.lonLat, field.nx, field.ny, i, j).map((c) => api.coord(c))
    // coloured by the colour bar (visualMap on the value, dimension 2)
    const fill = api.visual('color') as string
    return { type: 'polygon', shape: { points }, style: { fill, stroke: fill, lineWidth: 0.5 } }
  }
  // at most 10 arrows across the frame; the longest arrow is 0.9 arrow spacings
  const stride = Math.max(1, Math.ceil(Math.max(field.nx, field.ny) / 10))
  // arrows go on the speed map; the uncertainty panel shows the spread alone
  const arrows = quantity === 'speed' && vectors !== 'streamlines' ? arrowCells(field, stride) : []
  const lines = quantity === 'speed' && vectors !== 'arrows' ? geoStreamlines(field) : []
  const vmax = Math.max(1e-9, ...arrows.map((a) => Math.hypot(a[2], a[3])))
  const pxPerMs = ((frame.width / Math.max(field.nx, field.ny)) * stride * 0.9) / vmax
  const arrowRender = (p: { dataIndex: number }, api: CustomSeriesRenderItemAPI): CustomSeriesRenderItemReturn => {
    const [lon, lat, u, v] = arrows[p.dataIndex]
    const a = api.coord([lon, lat])
    // east is +x on screen, north is −y (the projection keeps north up near the centre)
    let d = [u * pxPerMs, -v * pxPerMs]
    if (a[0] < frame.x || a[0] > frame.x + frame.width || a[1] < frame.y || a[1] > frame.y + frame.height) return null as unknown as CustomSeriesRenderItemReturn
    // an arrow that would poke out over the margin is cut at the map's frame, head and all, as a clip would
    const room = (from: number, delta: number, lo: number, hi: number) => (delta > 0 ? (hi - 3 - from) / delta : delta < 0 ? (lo + 3 - from) / delta : Infinity)
    const fit = Math.min(1, room(a[0], d[0], frame.x, frame.x + frame.width), room(a[1], d[1], frame.y, frame.y + frame.height))
    d = [d[0] * Math.max(0, fit), d[1] * Math.max(0, fit)]
    const b = [a[0] + d[0], a[1] + d[1]]
    const ang = Math.atan2(b[1] - a[1], b[0] - a[0])
    const head = Math.min(6, Math.hypot(b[0] - a[0], b[1] - a[1]) * 0.4)
    const wing = (d: number) => [b[0] - head * Math.cos(ang + d), b[1] - head * Math.sin(ang + d)]
    const points = fit < 1 ? [a, b] : [a, b, wing(0.5), b, wing(-0.5)]
    return {
      type: 'group',
      children: [
        { type: 'polyline', shape: { points }, style: { stroke: 'rgba(255,255,255,0.85)', lineWidth: 2.6, fill: 'none' } },
        { type: 'polyline', shape: { points }, style: { stroke: '#111', lineWidth: 1.1, fill: 'none' } }
      ]
    }
  }
  const series = [
    { id: 'field-cells', name: q.label, type: 'custom', coordinateSystem: 'geo', silent: true, z: 0.5, renderItem: cellRender, encode: { value: 2 }, data: cells },
    {
      id: 'field-arrows',
      name: 'posterior mean velocity',
      type: 'custom',
      coordinateSystem: 'geo',
      z: 3,
      renderItem: arrowRender,
      tooltip: { formatter: (p: { dataIndex: number }) => { const [, , u, v] = arrows[p.dataIndex]; return `posterior mean<br/>u = ${u.toFixed(3)} m/s east<br/>v = ${v.toFixed(3)} m/s north<br/>speed ${Math.hypot(u, v).toFixed(3)} m/s` } },
      data: arrows.map((_, i) => [i])
    },
    {
      id: 'field-streamlines',
      name: 'streamlines of the posterior mean',
      type: 'lines',
      coordinateSystem: 'geo',
      polyline: true,
      silent: true,
      // under the land (geo z 1), so the coast masks them; above the cells
      z: 0.8,
      symbol: ['none', 'arrow'],
      symbolSize: 6,
      lineStyle: { color: lineColour, width: 1, opacity: 0.8 },
      data: lines.map((coords) => ({ coords }))
    }
  ]
  return { series, range }
}

/** The Assimilate map: domain box, posterior field (when given) masked by land, drifters in the window on top. */
export function buildDeploymentMap(o: DeploymentMapOptions): EChartsOption {
  const quantity = o.quantity ?? 'speed'
  const withField = Boolean(o.field)
  const span = o.window ? `${formatUtc(o.window.start)} → ${formatUtc(o.window.end)}` : ''
  const { option, frame } = buildGeoBase({
    ...o,
    title: o.title ?? (withField ? `${QUANTITY[quantity].label.replace(/ \(m\/s\)$/, '')}${o.time !== undefined ? ` at ${formatUtc(o.time)}` : ''}` : 'Drifters in the analysis window'),
    subtitle: `${o.tracks.length} drifter${o.tracks.length === 1 ? '' : 's'}${span ? `\nwindow ${span}` : ''}`,
    bottom: 28,
    right: withField ? 92 : 0
  })
  const series = [...(option.series as Record<string, unknown>[])]
  if (o.domain) {
    series.push({
      id: 'domain',
      name: 'domain box',
      type: 'lines',
      coordinateSystem: 'geo',
      polyline: true,
      silent: true,
      z: 3,
      lineStyle: { color: o.theme.text, width: 1.2, type: 'dashed', opacity: 0.8 },
      data: [{ coords: boxOutline(o.domain, 24) }]
    })
  }
  if (o.field) {
    const { series: layers, range } = fieldLayers(o.field, quantity, frame, o.vectors ?? 'arrows', o.theme.text)
    const cellsIndex = series.length
    series.push(...layers)
    option.visualMap = {
      type: 'continuous',
      seriesIndex: cellsIndex,
      z: 10,
      dimension: 2,
      min: range[0],
      max: range[1],
      calculable: false,
      orient: 'vertical',
      right: 14,
      top: frame.y + 4,
      itemHeight: Math.max(60, frame.height - 40),
      itemWidth: 12,
      // values outside the robust range take the end colours
      text: [`${range[1]} m/s`, `${range[0]}`],
      textGap: 6,
      textStyle: { color: o.theme.text, fontSize: 11 },
      inRange: { color: sampleColormap(QUANTITY[quantity].colormap, 32) }
    } as EChartsOption['visualMap']
  }
  const until = o.time ?? Infinity
  series.push(...(drifterLayers(o.tracks, { until, theme: o.theme, maxPoints: 300 }) as Record<string, unknown>[]))
  option.series = series as EChartsOption['series']
  option.legend = { ...(legendBlock(o.theme, { data: o.tracks.map((t) => t.id), top: undefined, right: undefined, bottom: 16, left: 'center', icon: 'circle' }) as object), z: 10 }
  return option
}
