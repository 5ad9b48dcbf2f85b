/** RMSE of each method (learned variants and baselines) against the truth, as horizontal bars with bootstrap intervals. Pure. */
import type { CustomSeriesRenderItemAPI, CustomSeriesRenderItemParams, CustomSeriesRenderItemReturn } from 'echarts'
import type { RmseDisplayRow } from '@shared/assimilation'
import { unitFactors, unitsOf, type PhysicalScales, type QuantityFactors } from '@shared/physical-units'
import type { ChartTheme, EChartsOption } from './common'
import { legend, title, valueAxis } from './common'
import { bootstrapRmse } from './bootstrap'

export type RmseKey = 'velocityRmse' | 'relativeVelocityRmse' | 'tracerRmse' | 'streamFunctionRmse'

export const RMSE_LABELS: Record<RmseKey, string> = {
  velocityRmse: 'velocity RMSE',
  relativeVelocityRmse: 'relative velocity RMSE',
  tracerRmse: 'tracer position RMSE',
  streamFunctionRmse: 'stream-function RMSE'
}

/** The quantity whose unit each column is in (relative RMSE is a fraction). */
const QUANTITY: Record<RmseKey, keyof QuantityFactors | null> = {
  velocityRmse: 'velocity',
  relativeVelocityRmse: null,
  tracerRmse: 'length',
  streamFunctionRmse: 'streamFunction'
}

/** One column's values for display: in the data set's units, with its 95 % bootstrap interval over the test queries. */
export interface RmseCell {
  value: number
  interval?: [number, number]
}

/** Unit name of a column for a data set with or without physical scales. */
export function rmseUnit(key: RmseKey, scales?: PhysicalScales): string {
  const q = QUANTITY[key]
  return q ? unitsOf(scales)[q] : 'fraction'
}

/** A row's column in display units, with its interval when the row kept its per-query errors. */
export function rmseCell(row: RmseDisplayRow, key: RmseKey, scales?: PhysicalScales): RmseCell {
  const q = QUANTITY[key]
  const k = q ? unitFactors(scales)[q] : 1
  const ci = row.perQuery ? bootstrapRmse(row.perQuery, key) : undefined
  return { value: row[key] * k, ...(ci && Number.isFinite(ci[0]) ? { interval: [ci[0] * k, ci[1] * k] as [number, number] } : {}) }
}

/** Horizontal whiskers [value, category, lo, hi] on the centre of each bar, the value and its interval written past them. */
function whiskers(color: string) {
  return (_p: CustomSeriesRenderItemParams, api: CustomSeriesRenderItemAPI): CustomSeriesRenderItemReturn => {
    const value = Number(api.value(0))
    const [l, h] = [Number(api.value(2)), Number(api.value(3))]
    const lo = api.coord([l, api.value(1)])
    const hi = api.coord([h, api.value(1)])
    const band = (api.size?.([0, 1]) as number[])[1]
    const cap = Math.min(6, band * 0.2)
    const style = { stroke: color, lineWidth: 1.4 }
    return {
      type: 'group',
      children: [
        { type: 'line', shape: { x1: lo[0], y1: lo[1], x2: hi[0], y2: hi[1] }, style },
        { type: 'line', shape: { x1: lo[0], y1: lo[1] - cap, x2: lo[0], y2: lo[1] + cap }, style },
        { type: 'line', shape: { x1: hi[0], y1: hi[1] - cap, x2: hi[0], y2: hi[1] + cap }, style },
        {
          type: 'text',
          x: hi[0] + 6,
          y: hi[1],
          style: { text: `${value.toPrecision(3)} (${l.toPrecision(2)}–${h.toPrecision(2)})`, fill: color, font: '11px sans-serif', verticalAlign: 'middle' }
        }
      ]
    } as CustomSeriesRenderItemReturn
  }
}

/** Bars of one RMSE column per method, lowest first, in the data set's units; whiskers are 95 % bootstrap intervals. */
export function buildRmseBars(rows: readonly RmseDisplayRow[], key: RmseKey, theme: ChartTheme, scales?: PhysicalScales): EChartsOption {
  const cells = rows.map((r) => ({ method: r.method, ...rmseCell(r, key, scales) })).sort((a, b) => a.value - b.value)
  const withCi = cells.filter((c) => c.interval)
  const queries = rows.find((r) => r.perQuery)?.perQuery?.velocity.length
  const axisName = `${RMSE_LABELS[key]} (${rmseUnit(key, scales)})`
  const series: Record<string, unknown>[] = [
    {
      name: RMSE_LABELS[key],
      id: `rmse-${key}`,
      type: 'bar',
      // with an interval the value is written past the whisker (by the interval series), so the two never overlap
      data: cells.map((c) => ({ value: c.value, label: { show: !c.interval } })),
      label: { show: true, position: 'right', color: theme.text, formatter: (p: { value: unknown }) => Number(p.value).toPrecision(3) }
    }
  ]
  if (withCi.length) {
    series.push({
      name: '95 % interval',
      id: `rmse-${key}-ci`,
      type: 'custom',
      silent: true,
      z: 5,
      renderItem: whiskers(theme.text),
      // the interval ends are on the x dimension so the axis extent covers them
      encode: { x: [0, 2, 3], y: 1 },
      data: cells.flatMap((c, i) => (c.interval ? [[c.value, i, c.interval[0], c.interval[1]]] : []))
    })
  }
  return {
    backgroundColor: theme.background,
    color: theme.palette,
    animation: false,
    title: title(`${RMSE_LABELS[key]} by method`, theme, `lower is better${queries ? ` · ${queries} test queries · whiskers: 95 % bootstrap intervals` : ''}`),
    legend: legend(theme, { data: [RMSE_LABELS[key]] }),
    tooltip: { trigger: 'axis', axisPointer: { type: 'shadow' } },
    grid: { left: 250, right: 130, top: 64, bottom: 52 },
    xAxis: { ...valueAxis(axisName, theme, { scale: false, nameGap: 30 }), min: 0 },
    yAxis: {
      type: 'category',
      // best (lowest) at the top
      inverse: true,
      data: cells.map((c) => c.method),
      name: 'method',
      nameTextStyle: { color: theme.text },
      axisLabel: { color: theme.muted, width: 235, overflow: 'truncate' }
    },
    series
  } as EChartsOption
}
