/** Live training curves: every numeric metric that arrives, grouped into loss, retrieval and other panels. Pure. */
import type { ChartTheme, EChartsOption } from './common'
import { decimate, legend, title, valueAxis } from './common'

/** One progress sample: x is the job's `done` counter (steps or epochs). */
export interface MetricSample {
  done: number
  metrics: Record<string, number>
}

export type MetricGroup = 'loss' | 'retrieval' | 'other'

/** Human labels for the keys the engine is known to send; others are shown by key. */
const LABELS: Record<string, string> = {
  loss: 'train loss',
  trainLoss: 'train loss',
  validationLoss: 'validation loss',
  temperature: 'temperature τ',
  r1TrajToPot: 'R@1 trajectory→potential',
  r1PotToTraj: 'R@1 potential→trajectory',
  stepsPerSecond: 'steps/s'
}

export function metricLabel(key: string): string {
  return LABELS[key] ?? key
}

/** Which panel a metric key belongs to. */
export function metricGroup(key: string): MetricGroup {
  if (/loss/i.test(key)) return 'loss'
  if (/^r\d|recall/i.test(key)) return 'retrieval'
  return 'other'
}

const GROUP_AXIS: Record<MetricGroup, string> = {
  loss: 'loss (nats)',
  retrieval: 'recall (fraction)',
  other: 'value (log scale)'
}

/** Counters that arrive with the metrics but are not curves (progress is already the x axis). */
const COUNTERS = new Set(['epoch', 'step', 'batch', 'done', 'total'])

/** Keys present in the samples, in first-seen order, without progress counters. */
export function metricKeys(samples: readonly MetricSample[]): string[] {
  const keys = new Set<string>()
  for (const s of samples) for (const k of Object.keys(s.metrics)) if (Number.isFinite(s.metrics[k]) && !COUNTERS.has(k)) keys.add(k)
  return [...keys]
}

/**
 * Stacked panels (one per group present) of metric curves against progress.
 * @param unit what `done` counts ("steps", "epochs"), shown on the x axis.
 */
export function buildMetricCurves(
  samples: readonly MetricSample[],
  opts: { title: string; unit: string; theme: ChartTheme; maxPoints?: number }
): EChartsOption {
  const { theme } = opts
  const keys = metricKeys(samples)
  const groups = (['loss', 'retrieval', 'other'] as MetricGroup[]).filter((g) => keys.some((k) => metricGroup(k) === g))
  const shown = decimate(samples, opts.maxPoints ?? 1500)
  const n = Math.max(1, groups.length)
  // first panel starts under the title and legend; the others share the remaining height equally
  const grids = groups.map((_, i) =>
    n === 1
      ? { left: 72, right: 24, top: 84, bottom: 48 }
      : { left: 72, right: 24, top: i === 0 ? 84 : `${(i * 100) / n + 7}%`, height: `${100 / n - 17}%` }
  )
  const xAxis = groups.map((_, i) => ({
    ...valueAxis(i === n - 1 ? opts.unit : '', theme, { scale: false, nameGap: 26 }),
    gridIndex: i,
    min: 'dataMin' as const
  }))
  const yAxis = groups.map((g, i) =>
    g === 'other'
      ? { ...valueAxis(GROUP_AXIS[g], theme, { type: 'log', nameGap: 48 }), gridIndex: i, type: 'log' as const }
      : { ...valueAxis(GROUP_AXIS[g], theme, { nameGap: 48 }), gridIndex: i, ...(g === 'retrieval' ? { min: 0, max: 1 } : {}) }
  )
  const series = keys.map((k) => {
    const data = shown.filter((s) => Number.isFinite(s.metrics[k])).map((s) => [s.done, s.metrics[k]])
    return {
      name: metricLabel(k),
      id: k,
      type: 'line' as const,
      // sparse metrics (once per epoch) need visible points; dense ones read better as plain lines
      showSymbol: data.length < 40,
      symbolSize: 6,
      xAxisIndex: groups.indexOf(metricGroup(k)),
      yAxisIndex: groups.indexOf(metricGroup(k)),
      data
    }
  })
  return {
    backgroundColor: theme.background,
    color: theme.palette,
    animation: false,
    title: title(opts.title, theme),
    // plain legend wraps onto more lines instead of hiding keys behind paging
    legend: legend(theme, { type: 'plain', top: 30, left: 12, right: 12 }),
    tooltip: { trigger: 'axis' },
    grid: grids.length ? grids : [{ left: 72, right: 24, top: 84, bottom: 48 }],
    xAxis: xAxis.length ? xAxis : [valueAxis(opts.unit, theme)],
    yAxis: yAxis.length ? yAxis : [valueAxis('value', theme)],
    series
  }
}
