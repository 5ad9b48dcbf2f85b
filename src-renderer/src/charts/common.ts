/** Shared pieces of every chart option: theme colours, titles, axes with units, display-only decimation. Pure. */
import type { EChartsOption } from 'echarts'

export type { EChartsOption }

/** Colours the option builders need from the UI theme. */
export interface ChartTheme {
  text: string
  muted: string
  grid: string
  background: string
  /** Categorical palette for variants and metric keys. */
  palette: string[]
}

export const LIGHT_CHART_THEME: ChartTheme = {
  text: '#1f2933',
  muted: '#52606d',
  grid: '#d9e2ec',
  background: '#ffffff',
  palette: ['#1f77b4', '#d95f02', '#1b9e77', '#7570b3', '#e7298a', '#66a61e', '#a6761d', '#e6ab02']
}

export const DARK_CHART_THEME: ChartTheme = {
  text: '#e4e7eb',
  muted: '#9aa5b1',
  grid: '#3e4c59',
  background: '#1b2129',
  palette: ['#6baed6', '#fd8d3c', '#41c9a0', '#a99ee8', '#f768a1', '#a1d76a', '#d9b26f', '#ffd92f']
}

/** Chart title block (top-left), readable in both themes. */
export function title(text: string, theme: ChartTheme, subtext?: string): EChartsOption['title'] {
  return {
    text,
    subtext,
    left: 8,
    top: 4,
    textStyle: { color: theme.text, fontSize: 14, fontWeight: 600 },
    subtextStyle: { color: theme.muted, fontSize: 11 }
  }
}

/** A labelled value axis: `name` should carry the unit, e.g. "velocity RMSE (m/s)". */
export function valueAxis(name: string, theme: ChartTheme, extra: Record<string, unknown> = {}) {
  const wrapped = wrapAxisName(name)
  const twoLines = wrapped.includes('\n')
  return {
    type: 'value' as const,
    name: wrapped,
    nameLocation: 'middle' as const,
    nameGap: 34,
    nameTextStyle: { color: theme.text, lineHeight: 14 },
    axisLabel: { color: theme.muted },
    axisLine: { lineStyle: { color: theme.muted } },
    splitLine: { lineStyle: { color: theme.grid } },
    scale: true,
    ...extra,
    // a second line needs room between the tick labels and the name
    ...(twoLines && typeof extra.nameGap === 'number' ? { nameGap: extra.nameGap + 8 } : {})
  }
}

/** Long axis names ("RMSE (domain length / model time)") break before the unit so they fit beside the axis. */
export function wrapAxisName(name: string, max = 26): string {
  const at = name.indexOf(' (')
  return name.length > max && at > 0 ? `${name.slice(0, at)}\n${name.slice(at + 1)}` : name
}

export function legend(theme: ChartTheme, extra: Record<string, unknown> = {}): EChartsOption['legend'] {
  return { top: 6, right: 12, textStyle: { color: theme.text }, type: 'scroll', ...extra }
}

/** Keep at most `max` items by stride, always keeping the last (for display only; data stay whole). */
export function decimate<T>(items: readonly T[], max: number): T[] {
  if (items.length <= max) return items.slice()
  const stride = Math.ceil(items.length / max)
  const out: T[] = []
  for (let i = 0; i < items.length; i += stride) out.push(items[i])
  if (out[out.length - 1] !== items[items.length - 1]) out.push(items[items.length - 1])
  return out
}

/** Format a number for read-outs: 3 significant digits, exponent for very small or large. */
export function fmt(x: number): string {
  if (!Number.isFinite(x)) return '—'
  const a = Math.abs(x)
  if (a !== 0 && (a < 1e-3 || a >= 1e5)) return x.toExponential(2)
  return Number(x.toPrecision(3)).toString()
}
