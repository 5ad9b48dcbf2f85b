/** ECharts options of the reproduction report (pure data → option): conditional contours, sweeps, recall curves. */
import type { ChartOption } from '../assimilate/report-charts'
import { SERIES } from '../assimilate/colormaps'
import { isoline } from './contours'
import { conditionalDensity, type Conditional1d, type SignModel } from './gaussian2d'

const base = (title: string, subtitle?: string): ChartOption => ({
  animation: false,
  color: SERIES,
  backgroundColor: '#ffffff',
  textStyle: { fontFamily: 'Helvetica, Arial, sans-serif' },
  title: { text: title, subtext: subtitle, left: 'center', textStyle: { fontSize: 14 }, subtextStyle: { fontSize: 11 } }
})

const grid = (lo: number, hi: number, n: number) => Array.from({ length: n }, (_, i) => lo + ((hi - lo) * i) / (n - 1))

/** The paper's plot window (§5.4): u ∈ [−2.5, 2.5], v ∈ [−4, 4]. */
const U_RANGE: [number, number] = [-2.5, 2.5]
const V_RANGE: [number, number] = [-4, 4]
const LEVELS = [0.05, 0.15, 0.25]

/**
 * Contours of a conditional density over the (u, v) plane: the true one (grey, dashed) and the learned one
 * (coloured), e.g. p(v | u) as a function of both; `given` = 'u' for v|u, 'v' for u|v.
 */
export function conditionalContoursOption(title: string, truth: Conditional1d, learned: Conditional1d | SignModel, given: 'u' | 'v'): ChartOption {
  const us = grid(U_RANGE[0], U_RANGE[1], 61)
  const vs = grid(V_RANGE[0], V_RANGE[1], 81)
  const which = given === 'u' ? 'x' : 'y'
  const lines = (m: Conditional1d | SignModel, name: string, color: string, dashed: boolean) => ({
    name, type: 'lines', coordinateSystem: 'cartesian2d', polyline: false, silent: true,
    lineStyle: { color, width: dashed ? 1.2 : 1.6, type: dashed ? 'dashed' : 'solid', opacity: 1 },
    data: LEVELS.flatMap((level) => isoline(us, vs, conditionalDensity(m, us, vs, which), level).map((coords) => ({ coords })))
  })
  const meanLine = (slope: number, name: string, color: string, dashed: boolean) => ({
    name, type: 'line', showSymbol: false, silent: true, lineStyle: { color, width: 1, type: dashed ? 'dotted' : 'solid' },
    data: given === 'u' ? U_RANGE.map((u) => [u, slope * u]) : V_RANGE.map((v) => [slope * v, v])
  })
  const series: ChartOption[] = [lines(truth, 'true conditional', '#777777', true), lines(learned, 'learned conditional', SERIES[0], false), meanLine(truth.slope, 'true mean', '#777777', true)]
  if ('slope' in learned) series.push(meanLine(learned.slope, 'learned mean', SERIES[1], false))
  return {
    ...base(title, `contours of ${given === 'u' ? 'p(v | u)' : 'p(u | v)'} at ${LEVELS.join(', ')}`),
    legend: { bottom: 0, textStyle: { fontSize: 10 }, data: series.map((s) => s.name as string) },
    grid: { left: 48, right: 16, top: 58, bottom: 86 },
    xAxis: { type: 'value', name: 'u', nameLocation: 'middle', nameGap: 24, min: U_RANGE[0], max: U_RANGE[1] },
    yAxis: { type: 'value', name: 'v', nameLocation: 'middle', nameGap: 28, nameRotate: 0, min: V_RANGE[0], max: V_RANGE[1] },
    series
  }
}

/** Short tick labels (log axes otherwise print 0.000099999999999999). */
const tick = (v: number): string => (v !== 0 && (Math.abs(v) < 1e-3 || Math.abs(v) >= 1e5) ? v.toExponential(0) : String(Number(v.toPrecision(3))))

/** scatter: points without a line (e.g. single replicates); color: fixed colour (e.g. a band drawn with its mean's colour). */
export interface SweepSeries { name: string; points: [number, number][]; dashed?: boolean; scatter?: boolean; color?: string; noSymbol?: boolean }

/** A log axis from the decade below the data to the decade above (ECharts' own choice adds empty decades). */
function decades(series: SweepSeries[], at: 0 | 1): { min: number; max: number } | Record<string, never> {
  const xs = series.flatMap((s) => s.points.map((p) => p[at])).filter((x) => x > 0 && Number.isFinite(x))
  if (!xs.length) return {}
  return { min: 10 ** Math.floor(Math.log10(Math.min(...xs)) + 1e-9), max: 10 ** Math.ceil(Math.log10(Math.max(...xs)) - 1e-9) }
}

/** Error against a swept setting, one line per series (log-scaled y optional). */
export function sweepOption(title: string, subtitle: string, xName: string, yName: string, series: SweepSeries[], opts: { logX?: boolean; logY?: boolean } = {}): ChartOption {
  return {
    ...base(title, subtitle),
    legend: { bottom: 0, textStyle: { fontSize: 10 } },
    grid: { left: 78, right: 24, top: 64, bottom: series.length > 3 ? 96 : 70 }, // room for a legend of two rows
    xAxis: { type: opts.logX ? 'log' : 'value', name: xName, nameLocation: 'middle', nameGap: 28, scale: true, axisLabel: { formatter: tick }, ...(opts.logX ? decades(series, 0) : {}) },
    yAxis: { type: opts.logY ? 'log' : 'value', name: yName, nameLocation: 'middle', nameGap: 60, scale: true, axisLabel: { formatter: tick } },
    series: series.map((s, k) => s.scatter
      ? { name: s.name, type: 'scatter', symbolSize: 5, data: s.points, itemStyle: { color: s.color ?? SERIES[k % SERIES.length], opacity: 0.55 } }
      : {
        name: s.name, type: 'line', symbolSize: 6, data: s.points, ...(s.noSymbol ? { showSymbol: false } : {}),
        lineStyle: { type: s.dashed ? 'dashed' : 'solid', color: s.color ?? SERIES[k % SERIES.length] }, itemStyle: { color: s.color ?? SERIES[k % SERIES.length] }
      })
  }
}
