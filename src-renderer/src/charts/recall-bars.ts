/** R@k bars per retrieval direction, one bar group per trained variant, with bootstrap error bars and chance lines. Pure. */
import type { CustomSeriesRenderItemAPI, CustomSeriesRenderItemParams, CustomSeriesRenderItemReturn } from 'echarts'
import type { RetrievalScores } from '@shared/assimilation'
import type { ChartTheme, EChartsOption } from './common'
import { fmt, legend, title, valueAxis } from './common'
import { bootstrapProportion } from './bootstrap'

export interface RecallEntry {
  label: string
  retrieval: RetrievalScores
}

export const DIRECTIONS = [
  { key: 'trajectoryToPotential', label: 'trajectory → potential' },
  { key: 'potentialToTrajectory', label: 'potential → trajectory' }
] as const

export const KS = [
  { key: 'r1', label: 'R@1', k: 1 },
  { key: 'r5', label: 'R@5', k: 5 },
  { key: 'r10', label: 'R@10', k: 10 }
] as const

/** Bars of one category fill this fraction of its band, side by side (the error bars sit on their centres). */
const BAR_FRACTION = 0.25

/** Whiskers [category, lo, hi] drawn at bar `slot` of the category's KS.length bars. */
function whiskers(slot: number, color: string) {
  return (_p: CustomSeriesRenderItemParams, api: CustomSeriesRenderItemAPI): CustomSeriesRenderItemReturn => {
    const band = (api.size?.([1, 0]) as number[])[0]
    const dx = (slot - (KS.length - 1) / 2) * BAR_FRACTION * band
    const lo = api.coord([api.value(0), api.value(1)])
    const hi = api.coord([api.value(0), api.value(2)])
    const x = lo[0] + dx
    const cap = Math.min(5, BAR_FRACTION * band * 0.3)
    const style = { stroke: color, lineWidth: 1.4 }
    return {
      type: 'group',
      children: [
        { type: 'line', shape: { x1: x, y1: lo[1], x2: x, y2: hi[1] }, style },
        { type: 'line', shape: { x1: x - cap, y1: lo[1], x2: x + cap, y2: lo[1] }, style },
        { type: 'line', shape: { x1: x - cap, y1: hi[1], x2: x + cap, y2: hi[1] }, style }
      ]
    } as CustomSeriesRenderItemReturn
  }
}

/**
 * Two side-by-side panels (one per direction); bars R@1, R@5, R@10 for each variant.
 * @param queries number of test queries (the candidate set): error bars are 95 % bootstrap intervals over them and
 *   dashed lines mark chance, k / queries. Without it neither is drawn.
 */
export function buildRecallBars(entries: readonly RecallEntry[], theme: ChartTheme, queries?: number): EChartsOption {
  const labels = entries.map((e) => e.label)
  const grid = DIRECTIONS.map((_, i) => ({ left: i === 0 ? 64 : '54%', right: i === 0 ? '54%' : 20, top: 70, bottom: 56 }))
  const xAxis = DIRECTIONS.map((d, i) => ({
    type: 'category' as const,
    gridIndex: i,
    data: labels,
    name: d.label,
    nameLocation: 'middle' as const,
    nameGap: 32,
    nameTextStyle: { color: theme.text, fontWeight: 600 },
    axisLabel: { color: theme.muted, interval: 0, overflow: 'truncate' as const, width: 90 }
  }))
  const yAxis = DIRECTIONS.map((_, i) => ({
    ...valueAxis(i === 0 ? 'recall (fraction of test set)' : '', theme, { scale: false, nameGap: 40 }),
    gridIndex: i,
    min: 0,
    max: 1
  }))
  const series: Record<string, unknown>[] = DIRECTIONS.flatMap((d, i) =>
    KS.map((k, slot) => ({
      name: k.label,
      id: `${d.key}-${k.key}`,
      type: 'bar' as const,
      xAxisIndex: i,
      yAxisIndex: i,
      barWidth: `${BAR_FRACTION * 100}%`,
      barGap: '0%',
      data: entries.map((e) => e.retrieval[d.key][k.key]),
      ...(queries
        ? {
            markLine: {
              silent: true,
              symbol: 'none',
              lineStyle: { type: 'dashed', color: theme.palette[slot], width: 1 },
              label: { formatter: `chance ${k.label}`, color: theme.muted, fontSize: 10, position: 'insideEndTop' },
              data: [{ yAxis: Math.min(1, k.k / queries) }]
            }
          }
        : {})
    }))
  )
  if (queries) {
    DIRECTIONS.forEach((d, i) =>
      KS.forEach((k, slot) =>
        series.push({
          name: `${k.label} 95 % interval`,
          id: `${d.key}-${k.key}-ci`,
          type: 'custom',
          xAxisIndex: i,
          yAxisIndex: i,
          silent: true,
          z: 5,
          renderItem: whiskers(slot, theme.text),
          encode: { x: 0, y: [1, 2] },
          data: entries.map((e, c) => [c, ...bootstrapProportion(e.retrieval[d.key][k.key], queries, { seed: 1 + slot + 3 * i })])
        })
      )
    )
  }
  return {
    backgroundColor: theme.background,
    color: theme.palette,
    animation: false,
    title: title(
      'Retrieval on the test set',
      theme,
      queries ? `higher is better · ${queries} test queries · bars: 95 % bootstrap intervals · dashed: chance (k / ${queries})` : 'higher is better; chance level is k / test size'
    ),
    legend: legend(theme, { data: KS.map((k) => k.label) }),
    tooltip: {
      trigger: 'item',
      formatter: (p: { seriesName: string; name: string; value: number }) => `${p.name}<br/>${p.seriesName}: <b>${fmt(p.value)}</b>`
    },
    grid,
    xAxis,
    yAxis,
    series
  } as EChartsOption
}
