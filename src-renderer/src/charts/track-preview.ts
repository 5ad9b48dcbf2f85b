/** Preview of imported or simulated tracer paths: one line per track with start and end markers. Pure. */
import type { TrackPreview } from '@shared/views'
import type { ChartTheme, EChartsOption } from './common'
import { decimate, legend, title, valueAxis } from './common'

/** Tracks drawn on equal-unit axes; at most `maxTracks` tracks and `maxPoints` points each (display only). */
export function buildTrackPreview(
  preview: TrackPreview,
  theme: ChartTheme,
  opts: { maxTracks?: number; maxPoints?: number } = {}
): EChartsOption {
  const tracks = decimate(preview.tracks, opts.maxTracks ?? 60).filter((t) => t.length > 0)
  const pts = opts.maxPoints ?? 300
  const { xMin, xMax, yMin, yMax } = trackExtent(tracks, preview.bounds)
  const len = preview.units.length
  // drifter tracks come in degrees: x is longitude, y latitude
  const geographic = /degree/i.test(len)
  // the fitted extent is not a round number: label only the ticks inside it
  const edgeless = { color: theme.muted, showMinLabel: false, showMaxLabel: false }
  const lines = tracks.map((t, i) => ({
    id: `track-${i}`,
    name: 'tracer path',
    type: 'line' as const,
    showSymbol: false,
    lineStyle: { width: 1.2, opacity: 0.8 },
    data: decimate(t, pts).map((p) => [p[0], p[1]])
  }))
  const marker = (name: string, symbol: string, color: string, pick: (t: number[][]) => number[]) => ({
    id: name,
    name,
    type: 'scatter' as const,
    symbol,
    symbolSize: 8,
    itemStyle: { color, borderColor: theme.background, borderWidth: 1 },
    z: 5,
    data: tracks.map((t) => pick(t).slice(0, 2))
  })
  return {
    backgroundColor: theme.background,
    color: [theme.palette[0]],
    animation: false,
    title: title('Tracer paths', theme, `${preview.source}: ${preview.tracks.length} tracks (showing ${tracks.length})`),
    legend: legend(theme, { data: ['tracer path', 'start', 'end'], top: undefined, right: undefined, bottom: 4, left: 12 }),
    tooltip: { trigger: 'item' },
    grid: { left: 72, right: 24, top: 64, bottom: 70 },
    xAxis: { ...valueAxis(geographic ? 'longitude (°E)' : `x (${len})`, theme, { nameGap: 26 }), min: xMin, max: xMax, axisLabel: edgeless },
    yAxis: { ...valueAxis(geographic ? 'latitude (°N)' : `y (${len})`, theme, { nameGap: 48 }), min: yMin, max: yMax, axisLabel: edgeless },
    series: [...lines, marker('start', 'circle', '#2ca02c', (t) => t[0]), marker('end', 'triangle', '#d62728', (t) => t[t.length - 1])]
  }
}

/** Axis extent that fits the drawn tracks with a 5% margin, so short paths are not lost in a large domain. */
export function trackExtent(tracks: readonly number[][][], fallback: TrackPreview['bounds']): TrackPreview['bounds'] {
  let xMin = Infinity
  let xMax = -Infinity
  let yMin = Infinity
  let yMax = -Infinity
  for (const t of tracks) {
    for (const p of t) {
      if (!Number.isFinite(p[0]) || !Number.isFinite(p[1])) continue
      xMin = Math.min(xMin, p[0])
      xMax = Math.max(xMax, p[0])
      yMin = Math.min(yMin, p[1])
      yMax = Math.max(yMax, p[1])
    }
  }
  if (!(xMin <= xMax && yMin <= yMax)) return fallback
  // equal spans on both axes keep the paths' shapes
  const half = (Math.max(xMax - xMin, yMax - yMin) * 1.1) / 2 || 1e-6
  const cx = (xMin + xMax) / 2
  const cy = (yMin + yMax) / 2
  const r = (v: number) => Number(v.toPrecision(6))
  return { xMin: r(cx - half), xMax: r(cx + half), yMin: r(cy - half), yMax: r(cy + half) }
}
