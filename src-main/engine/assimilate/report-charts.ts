/**
 * ECharts option objects for the report (pure data → option): loss curves, R@k bars, RMSE bars and per-frame
 * curves, and gridded fields drawn as coloured cells with the observed tracks on top. Every chart has a title,
 * labelled axes with units and a legend or colour bar.
 */
import { isBaseline, type RmseRow } from '../../shared/assimilation'
import type { ComparisonVariant } from '../../shared/views'
import { DIVERGING, SERIES, VIRIDIS } from './colormaps'

export type ChartOption = Record<string, unknown>

const base = (title: string, subtitle?: string): ChartOption => ({
  animation: false,
  color: SERIES,
  backgroundColor: '#ffffff',
  textStyle: { fontFamily: 'Helvetica, Arial, sans-serif' },
  title: { text: title, subtext: subtitle, left: 'center', textStyle: { fontSize: 15 } }
})

/** Train and validation loss per epoch, one pair of lines per variant. */
export function lossCurvesOption(variants: ComparisonVariant[]): ChartOption {
  const series = variants.flatMap((v, k) => {
    const color = SERIES[k % SERIES.length]
    return [
      { name: `${v.label} train`, type: 'line', showSymbol: false, itemStyle: { color }, lineStyle: { color }, data: v.curve.map((c) => [c.epoch, c.trainLoss]) },
      { name: `${v.label} validation`, type: 'line', showSymbol: false, itemStyle: { color }, lineStyle: { color, type: 'dashed' }, data: v.curve.map((c) => [c.epoch, c.validationLoss]) }
    ]
  })
  return {
    ...base('Training curves', 'contrastive loss per epoch (solid: train, dashed: validation; each loss has its own scale)'),
    legend: { bottom: 0, left: 'center', width: '90%' },
    grid: { left: 70, right: 30, top: 70, bottom: 40 + 22 * Math.ceil(series.length / 4) },
    xAxis: { type: 'value', name: 'epoch', nameLocation: 'middle', nameGap: 28, minInterval: 1 },
    yAxis: { type: 'value', name: 'loss (nats)', nameLocation: 'middle', nameGap: 50, scale: true },
    series
  }
}

/** R@1, R@5, R@10 per variant for one retrieval direction. */
export function recallBarsOption(variants: ComparisonVariant[], direction: 'trajectoryToPotential' | 'potentialToTrajectory'): ChartOption {
  const title = direction === 'trajectoryToPotential' ? 'Retrieval: trajectory → potential' : 'Retrieval: potential → trajectory'
  return {
    ...base(title, 'test split, bank = all test pairs'),
    legend: { bottom: 0 },
    grid: { left: 60, right: 20, top: 70, bottom: 60 },
    xAxis: { type: 'category', data: ['R@1', 'R@5', 'R@10'], name: 'recall at k', nameLocation: 'middle', nameGap: 28 },
    yAxis: { type: 'value', min: 0, max: 1, name: 'fraction of queries', nameLocation: 'middle', nameGap: 40 },
    series: variants.map((v) => {
      const r = v.retrieval[direction]
      return { name: v.label, type: 'bar', data: [r.r1, r.r5, r.r10], label: { show: true, position: 'top', formatter: (p: { value: number }) => p.value.toFixed(2), fontSize: 9 } }
    })
  }
}

/** Relative velocity RMSE per method, horizontal bars, baselines (grey) included; rows without a kind are methods of their own (the twin's). */
export function rmseBarsOption(rows: (Pick<RmseRow, 'method' | 'relativeVelocityRmse'> & { kind?: RmseRow['kind'] })[]): ChartOption {
  const sorted = [...rows].sort((a, b) => b.relativeVelocityRmse - a.relativeVelocityRmse)
  return {
    ...base('Velocity error by method', 'RMSE / RMS speed of the truth over grid, frames and test queries (1 = zero field)'),
    grid: { left: 290, right: 60, top: 90, bottom: 50 },
    xAxis: { type: 'value', min: 0, name: 'relative velocity RMSE (–)', nameLocation: 'middle', nameGap: 28 },
    yAxis: { type: 'category', data: sorted.map((r) => r.method), axisLabel: { fontSize: 10 } },
    series: [
      {
        name: 'relative RMSE',
        type: 'bar',
        data: sorted.map((r) => ({ value: r.relativeVelocityRmse, itemStyle: { color: isBaseline(r) ? '#999999' : SERIES[0] } })),
        label: { show: true, position: 'right', formatter: (p: { value: number }) => p.value.toFixed(3), fontSize: 9 }
      }
    ],
    legend: { show: true, data: ['relative RMSE'], top: 52 }
  }
}

/** Velocity RMSE against frame time for each method. */
export function rmsePerFrameOption(rows: RmseRow[], frameTimes: number[], timeUnit: string, velocityUnit: string): ChartOption {
  // conditional means and baselines only: the other learned rows would crowd the plot (they are in the table)
  rows = rows.filter((r) => isBaseline(r) || r.kind === 'mean')
  return {
    ...base('Velocity error over the time window', 'conditional means and baselines, pooled over test queries'),
    legend: { bottom: 0, left: 'center', width: '90%' },
    grid: { left: 70, right: 30, top: 70, bottom: 40 + 22 * Math.ceil(rows.length / 3) },
    xAxis: { type: 'value', name: `time (${timeUnit})`, nameLocation: 'middle', nameGap: 28, scale: true },
    yAxis: { type: 'value', name: `velocity RMSE (${velocityUnit})`, nameLocation: 'middle', nameGap: 50, min: 0 },
    series: rows
      .filter((r) => r.perFrameVelocityRmse)
      .map((r) => ({ name: r.method, type: 'line', data: r.perFrameVelocityRmse!.map((e, f) => [frameTimes[f], e]) }))
  }
}

export interface FieldPanel {
  title: string
  /** Cell centres and one flat row-major (ny × nx) array. */
  x: number[]
  y: number[]
  values: number[]
  scale: 'sequential' | 'diverging'
  /** Colour-bar label with units. */
  quantity: string
  lengthUnit: string
  /** Tracks to draw on top: tracers × points × [x, y]. */
  tracks?: number[][][]
  /** Shared colour range so panels compare. */
  range?: [number, number]
}

/** A gridded field as square cells on value axes (so tracks can share the axes), with a colour bar. */
export function fieldOption(p: FieldPanel, width: number, height: number): ChartOption {
  const grid = { left: 55, right: 75, top: 64, bottom: 62 }
  const cellPx = [(width - grid.left - grid.right) / p.x.length + 0.6, (height - grid.top - grid.bottom) / p.y.length + 0.6]
  const nx = p.x.length
  const [lo, hi] = p.range ?? symmetricOrPlain(p.values, p.scale)
  const dx = nx > 1 ? p.x[1]! - p.x[0]! : 1
  const dy = p.y.length > 1 ? p.y[1]! - p.y[0]! : 1
  const cells = p.values.map((v, i) => [p.x[i % nx]!, p.y[Math.floor(i / nx)]!, v])
  const series: ChartOption[] = [{ name: p.quantity, type: 'scatter', symbol: 'rect', symbolSize: cellPx, itemStyle: { opacity: 1 }, data: cells, z: 1 }]
  for (const [k, track] of (p.tracks ?? []).entries())
    series.push({ name: k === 0 ? 'observed track' : `track ${k + 1}`, type: 'line', data: track, showSymbol: false, lineStyle: { color: '#ffffff', width: 1.5 }, z: 3, silent: true })
  return {
    ...base(p.title, `colour: ${p.quantity}`),
    grid,
    xAxis: { type: 'value', name: `x (${p.lengthUnit})`, nameLocation: 'middle', nameGap: 24, min: p.x[0]! - dx / 2, max: p.x[nx - 1]! + dx / 2 },
    yAxis: { type: 'value', name: `y (${p.lengthUnit})`, nameLocation: 'middle', nameGap: 36, min: p.y[0]! - dy / 2, max: p.y[p.y.length - 1]! + dy / 2 },
    visualMap: {
      type: 'continuous', min: lo, max: hi, seriesIndex: 0, dimension: 2, right: 2, top: 'middle', itemHeight: 180, itemWidth: 14, calculable: false,
      textStyle: { fontSize: 10 }, precision: 2, text: [fmtBound(hi), fmtBound(lo)], showLabel: false,
      inRange: { color: p.scale === 'diverging' ? DIVERGING : VIRIDIS }
    },
    legend: { data: p.tracks?.length ? [{ name: 'observed track', itemStyle: { color: '#222' }, lineStyle: { color: '#222' } }] : [], bottom: 0, textStyle: { fontSize: 10 } },
    series
  }
}

function fmtBound(x: number): string {
  return Math.abs(x) >= 100 || (Math.abs(x) < 0.01 && x !== 0) ? x.toExponential(1) : x.toPrecision(2)
}

/** Colour range: [min, max] for sequential data, [−m, m] for diverging data. */
export function symmetricOrPlain(values: number[], scale: 'sequential' | 'diverging'): [number, number] {
  let lo = Infinity
  let hi = -Infinity
  for (const v of values) {
    lo = Math.min(lo, v)
    hi = Math.max(hi, v)
  }
  if (scale === 'diverging') {
    const m = Math.max(Math.abs(lo), Math.abs(hi)) || 1
    return [-m, m]
  }
  return lo === hi ? [lo, lo + 1] : [lo, hi]
}
