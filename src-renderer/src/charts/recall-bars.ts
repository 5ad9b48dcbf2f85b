/** R@k bars per retrieval direction, one bar group per trained variant. Pure. */
import type { RetrievalScores } from '@shared/assimilation'
import type { ChartTheme, EChartsOption } from './common'
import { legend, title, valueAxis } from './common'

export interface RecallEntry {
  label: string
  retrieval: RetrievalScores
}

const DIRECTIONS = [
  { key: 'trajectoryToPotential', label: 'trajectory → potential' },
  { key: 'potentialToTrajectory', label: 'potential → trajectory' }
] as const

const KS = [
  { key: 'r1', label: 'R@1' },
  { key: 'r5', label: 'R@5' },
  { key: 'r10', label: 'R@10' }
] as const

/** Two side-by-side panels (one per direction); bars R@1, R@5, R@10 for each variant. */
export function buildRecallBars(entries: readonly RecallEntry[], theme: ChartTheme): EChartsOption {
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
  const series = DIRECTIONS.flatMap((d, i) =>
    KS.map((k) => ({
      name: k.label,
      id: `${d.key}-${k.key}`,
      type: 'bar' as const,
      xAxisIndex: i,
      yAxisIndex: i,
      data: entries.map((e) => e.retrieval[d.key][k.key])
    }))
  )
  return {
    backgroundColor: theme.background,
    color: theme.palette,
    animation: false,
    title: title('Retrieval on the test set', theme, 'higher is better; chance level is k / test size'),
    legend: legend(theme, { data: KS.map((k) => k.label) }),
    tooltip: { trigger: 'axis', axisPointer: { type: 'shadow' } },
    grid,
    xAxis,
    yAxis,
    series
  }
}
