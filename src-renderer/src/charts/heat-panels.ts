/**
 * Heat-map panels in one ECharts option: each panel a gridded scalar (custom rect series coloured by a
 * visualMap colour bar), optional velocity arrows and tracer paths with start/end markers. Pure.
 */
import type { CustomSeriesRenderItemAPI, CustomSeriesRenderItemParams, CustomSeriesRenderItemReturn } from 'echarts'
import type { ChartTheme, EChartsOption } from './common'
import { decimate, fmt, title as titleBlock, wrapAxisName } from './common'
import type { ColormapName } from './colormaps'
import { sampleColormap } from './colormaps'
import { visualValue } from './color-limits'
import { spacing } from './field-data'

/** One colour scale shared by one or more panels; drawn as one colour bar. */
export interface ColorScale {
  id: string
  label: string
  colormap: ColormapName
  min: number
  max: number
  /** Colour by log10 of the value. */
  log?: boolean
  /** Values beyond the limits exist (drawn in the end colours; the bar's end label says ≤ / ≥). */
  clippedLow?: boolean
  clippedHigh?: boolean
}

export interface HeatPanel {
  id: string
  label: string
  scale: string
  /** Row-major ny × nx values on the cell centres x, y. */
  values: readonly number[]
  arrows?: readonly [number, number, number, number][]
  /** Streamline polylines, [x, y] in domain units. */
  streamlines?: readonly (readonly [number, number])[][]
  tracks?: readonly (readonly number[])[][]
}

export interface HeatLayout {
  title: string
  subtitle?: string
  x: readonly number[]
  y: readonly number[]
  /** Axis names with units, e.g. "x (km)". */
  xName: string
  yName: string
  theme: ChartTheme
  /** Unit of the values, shown in read-outs. */
  valueUnit: string
  /** Unit of x and y in read-outs ("km", "domain length"). */
  lengthUnit?: string
  maxTrackPoints?: number
  /** Panels per row (e.g. one row per frame); default: whatever makes the panels largest. */
  cols?: number
}

function heatRenderer(dx: number, dy: number) {
  return (_p: CustomSeriesRenderItemParams, api: CustomSeriesRenderItemAPI): CustomSeriesRenderItemReturn => {
    const c = api.coord([api.value(0), api.value(1)])
    const s = api.size?.([dx, dy]) as number[]
    return {
      type: 'rect',
      shape: { x: c[0] - s[0] / 2, y: c[1] - s[1] / 2, width: s[0] + 0.6, height: s[1] + 0.6 },
      style: { fill: api.visual('color') as string }
    }
  }
}

function arrowRenderer(_p: CustomSeriesRenderItemParams, api: CustomSeriesRenderItemAPI): CustomSeriesRenderItemReturn {
  const x = Number(api.value(0))
  const y = Number(api.value(1))
  const a = api.coord([x, y])
  const b = api.coord([x + Number(api.value(2)), y + Number(api.value(3))])
  const ang = Math.atan2(b[1] - a[1], b[0] - a[0])
  const head = Math.min(6, Math.hypot(b[0] - a[0], b[1] - a[1]) * 0.45)
  const wing = (d: number) => [b[0] - head * Math.cos(ang + d), b[1] - head * Math.sin(ang + d)]
  const points = [a, b, wing(0.5), b, wing(-0.5)]
  return {
    type: 'group',
    children: [
      { type: 'polyline', shape: { points }, style: { stroke: 'rgba(255,255,255,0.8)', lineWidth: 2.6, fill: 'none' } },
      { type: 'polyline', shape: { points }, style: { stroke: '#111', lineWidth: 1.1, fill: 'none' } }
    ]
  }
}

/** Draws streamline k (the data item's only value) as a polyline with a small arrow head at its end. */
function streamlineRenderer(lines: readonly (readonly [number, number])[][]) {
  return (_p: CustomSeriesRenderItemParams, api: CustomSeriesRenderItemAPI): CustomSeriesRenderItemReturn => {
    const line = lines[Number(api.value(0))] ?? []
    const points = line.map((q) => api.coord([q[0], q[1]]))
    const n = points.length
    const children: CustomSeriesRenderItemReturn[] = [
      { type: 'polyline', shape: { points }, style: { stroke: 'rgba(255,255,255,0.7)', lineWidth: 2.4, fill: 'none' } },
      { type: 'polyline', shape: { points }, style: { stroke: '#111', lineWidth: 1, fill: 'none' } }
    ]
    if (n >= 2) {
      const [a, b] = [points[n - 2], points[n - 1]]
      const ang = Math.atan2(b[1] - a[1], b[0] - a[0])
      const wing = (d: number) => [b[0] - 5 * Math.cos(ang + d), b[1] - 5 * Math.sin(ang + d)]
      children.push({ type: 'polyline', shape: { points: [wing(0.5), b, wing(-0.5)] }, style: { stroke: '#111', lineWidth: 1.2, fill: 'none' } })
    }
    return { type: 'group', children } as CustomSeriesRenderItemReturn
  }
}

/** Pixel size of the chart the option is for; panels are laid out square in data units within it. */
export interface ChartSize {
  width: number
  height: number
}

const TOP = 62
const RIGHT = 132
const AXIS_LEFT = 46
const AXIS_BOTTOM = 40
const LABEL = 20
const GAP = 18

/** Columns, panel box and positions that make the panels as large as possible with equal x and y scales. */
export function panelLayout(n: number, xSpan: number, ySpan: number, size: ChartSize, fixedCols?: number) {
  const fx = xSpan / Math.max(xSpan, ySpan) || 1
  const fy = ySpan / Math.max(xSpan, ySpan) || 1
  let best = { cols: 1, s: 0 }
  for (let cols = fixedCols ?? 1; cols <= (fixedCols ?? Math.max(1, n)); cols++) {
    const rows = Math.ceil(n / cols)
    const s = Math.min(
      ((size.width - RIGHT) / cols - AXIS_LEFT - GAP) / fx,
      ((size.height - TOP) / rows - AXIS_BOTTOM - LABEL) / fy
    )
    if (s > best.s) best = { cols, s }
  }
  const w = Math.max(40, best.s * fx)
  const h = Math.max(40, best.s * fy)
  const boxes = Array.from({ length: n }, (_, i) => {
    const col = i % best.cols
    const row = Math.floor(i / best.cols)
    return { left: col * (w + AXIS_LEFT + GAP) + AXIS_LEFT + 8, top: TOP + row * (h + AXIS_BOTTOM + LABEL) + LABEL, width: w, height: h }
  })
  return { cols: best.cols, boxes }
}

/** The option: panels on a grid with equal data aspect, one vertical colour bar per scale on the right. */
export function buildHeatPanels(
  panels: readonly HeatPanel[],
  scales: readonly ColorScale[],
  layout: HeatLayout,
  size: ChartSize = { width: 900, height: 460 }
): EChartsOption {
  const { x, y, theme } = layout
  const dx = spacing(x)
  const dy = spacing(y)
  const nx = x.length
  const xLo = x[0] - dx / 2
  const xHi = x[nx - 1] + dx / 2
  const yLo = y[0] - dy / 2
  const yHi = y[y.length - 1] + dy / 2
  const { boxes } = panelLayout(panels.length, xHi - xLo, yHi - yLo, size, layout.cols)
  const axis = (name: string, lo: number, hi: number, i: number) => ({
    type: 'value' as const,
    gridIndex: i,
    name: wrapAxisName(name, 18),
    nameLocation: 'middle' as const,
    nameGap: 24,
    nameTextStyle: { color: theme.text, lineHeight: 14 },
    min: lo,
    max: hi,
    axisLabel: { color: theme.muted, formatter: (v: number) => fmt(v), hideOverlap: true },
    axisLine: { lineStyle: { color: theme.muted } },
    splitLine: { show: false }
  })
  const xAxis = panels.map((_, i) => axis(layout.xName, xLo, xHi, i))
  const yAxis = panels.map((_, i) => ({ ...axis(layout.yName, yLo, yHi, i), nameGap: 30 }))
  const series: Record<string, unknown>[] = []
  const heatIndex: Record<string, number[]> = {}
  const scaleOf = (id: string) => scales.find((s) => s.id === id)
  panels.forEach((p, i) => {
    ;(heatIndex[p.scale] ??= []).push(series.length)
    const sc = scaleOf(p.scale)
    const limits = sc ? { min: sc.min, max: sc.max, log: sc.log ?? false, clippedLow: false, clippedHigh: false } : undefined
    series.push({
      id: `${p.id}-heat`,
      name: p.label,
      type: 'custom',
      xAxisIndex: i,
      yAxisIndex: i,
      renderItem: heatRenderer(dx, dy),
      clip: true,
      encode: { x: 0, y: 1, tooltip: 2 },
      // [x, y, value, the number the colour bar maps: clamped into the limits, log10 for log scales]
      data: p.values.map((v, k) => [x[k % nx], y[Math.floor(k / nx)], v, limits ? visualValue(v, limits) : v]),
      tooltip: {
        formatter: (q: { value: number[] }) =>
          `${p.label}<br/>x ${fmt(q.value[0])}, y ${fmt(q.value[1])}${layout.lengthUnit ? ` ${layout.lengthUnit}` : ''}<br/><b>${fmt(q.value[2])} ${layout.valueUnit}</b>`
      }
    })
    if (p.arrows?.length) {
      series.push({ id: `${p.id}-arrows`, name: 'velocity arrows', type: 'custom', xAxisIndex: i, yAxisIndex: i, renderItem: arrowRenderer, clip: true, data: p.arrows.map((a) => [...a]), silent: true, z: 3 })
    }
    if (p.streamlines?.length) {
      const lines = p.streamlines
      series.push({ id: `${p.id}-streamlines`, name: 'streamlines', type: 'custom', xAxisIndex: i, yAxisIndex: i, clip: true, silent: true, z: 3, data: lines.map((_, k) => [k]), renderItem: streamlineRenderer(lines) })
    }
    if (p.tracks?.length) pushTracks(series, p, i, layout)
  })
  const barTop = TOP + 16
  const barSlot = (size.height - barTop - 10) / Math.max(1, scales.length)
  const barLeft = size.width - RIGHT + 22
  // each slot stacks: the scale's title (14 px a line), the max label, the bar, the min label (about 20 px each)
  const barTitles = scales.map((s) => wrapAxisName(s.log ? `${s.label}, log scale` : s.label, 14))
  const titleHeight = (k: number) => barTitles[k].split('\n').length * 14 + 4
  const barHeight = (k: number) => Math.max(30, Math.min(220, barSlot - titleHeight(k) - 2 * 20 - 14))
  const visualMap = scales.map((s, k) => ({
    type: 'continuous' as const,
    id: s.id,
    seriesIndex: heatIndex[s.id] ?? [],
    dimension: 3,
    min: s.log ? Math.log10(s.min) : s.min,
    max: s.log ? Math.log10(s.max) : s.max,
    calculable: false,
    orient: 'vertical' as const,
    left: barLeft,
    top: barTop + k * barSlot + titleHeight(k),
    itemWidth: 14,
    itemHeight: barHeight(k),
    text: [`${s.clippedHigh ? '≥ ' : ''}${fmt(s.max)}`, `${s.clippedLow ? '≤ ' : ''}${fmt(s.min)}`],
    textGap: 6,
    textStyle: { color: theme.text },
    inRange: { color: sampleColormap(s.colormap, 32) }
  }))
  const hasTracks = panels.some((p) => p.tracks?.length)
  return {
    backgroundColor: theme.background,
    animation: false,
    title: [
      titleBlock(layout.title, theme, layout.subtitle) as object,
      ...panels.map((p, i) => ({ text: p.label, left: boxes[i].left, top: boxes[i].top - LABEL, textStyle: { color: theme.text, fontSize: 12, width: boxes[i].width + 30, overflow: 'truncate' } })),
      ...scales.map((_, k) => ({ text: barTitles[k], left: barLeft - 14, top: barTop + k * barSlot, textStyle: { color: theme.text, fontSize: 11, fontWeight: 'normal', lineHeight: 14, width: RIGHT - 10, overflow: 'break' } }))
    ],
    legend: hasTracks ? { data: ['tracer path', 'start', 'end'], top: 30, right: 12, textStyle: { color: theme.text } } : undefined,
    tooltip: { trigger: 'item' },
    grid: boxes,
    xAxis,
    yAxis,
    visualMap,
    series
  } as EChartsOption
}

function pushTracks(series: Record<string, unknown>[], p: HeatPanel, i: number, layout: HeatLayout): void {
  const tracks = decimate(p.tracks ?? [], 40)
  const max = layout.maxTrackPoints ?? 400
  tracks.forEach((t, k) => {
    series.push({
      id: `${p.id}-track-${k}`,
      name: 'tracer path',
      type: 'line',
      xAxisIndex: i,
      yAxisIndex: i,
      showSymbol: false,
      silent: true,
      z: 4,
      lineStyle: { color: '#e8175d', width: 1.6 },
      itemStyle: { color: '#e8175d' },
      data: decimate(t, max).map((q) => [q[0], q[1]])
    })
  })
  const marker = (name: string, symbol: string, color: string, pick: (t: readonly (readonly number[])[]) => readonly number[]) => ({
    id: `${p.id}-${name}`,
    name,
    type: 'scatter',
    xAxisIndex: i,
    yAxisIndex: i,
    symbol,
    symbolSize: 9,
    z: 5,
    itemStyle: { color, borderColor: '#fff', borderWidth: 1 },
    data: tracks.filter((t) => t.length).map((t) => [...pick(t)].slice(0, 2))
  })
  series.push(marker('start', 'circle', '#2ca02c', (t) => t[0]))
  series.push(marker('end', 'triangle', '#e8175d', (t) => t[t.length - 1]))
}
