/** RMSE of each method (learned variants and baselines) against the truth, as horizontal bars. Pure. */
import type { RmseRow } from '@shared/assimilation'
import type { ChartTheme, EChartsOption } from './common'
import { legend, title, valueAxis } from './common'

export type RmseKey = 'velocityRmse' | 'relativeVelocityRmse' | 'tracerRmse' | 'streamFunctionRmse'

export const RMSE_LABELS: Record<RmseKey, string> = {
  velocityRmse: 'velocity RMSE',
  relativeVelocityRmse: 'relative velocity RMSE',
  tracerRmse: 'tracer position RMSE',
  streamFunctionRmse: 'stream-function RMSE'
}

/**
 * Bars of one RMSE column per method, lowest first.
 * @param unit the unit of the chosen column, e.g. "domain units / time"; relative RMSE is unitless.
 */
export function buildRmseBars(rows: readonly RmseRow[], key: RmseKey, unit: string, theme: ChartTheme): EChartsOption {
  const sorted = [...rows].sort((a, b) => a[key] - b[key])
  const axisName = key === 'relativeVelocityRmse' ? `${RMSE_LABELS[key]} (fraction)` : `${RMSE_LABELS[key]} (${unit})`
  return {
    backgroundColor: theme.background,
    color: theme.palette,
    animation: false,
    title: title(`${RMSE_LABELS[key]} by method`, theme, 'lower is better'),
    legend: legend(theme, { data: [RMSE_LABELS[key]] }),
    tooltip: { trigger: 'axis', axisPointer: { type: 'shadow' } },
    grid: { left: 250, right: 50, top: 64, bottom: 52 },
    xAxis: { ...valueAxis(axisName, theme, { scale: false, nameGap: 30 }), min: 0 },
    yAxis: {
      type: 'category',
      // best (lowest) at the top
      inverse: true,
      data: sorted.map((r) => r.method),
      name: 'method',
      nameTextStyle: { color: theme.text },
      axisLabel: { color: theme.muted, width: 235, overflow: 'truncate' }
    },
    series: [
      {
        name: RMSE_LABELS[key],
        id: `rmse-${key}`,
        type: 'bar',
        data: sorted.map((r) => r[key]),
        label: { show: true, position: 'right', color: theme.text, formatter: (p: { value: unknown }) => Number(p.value).toPrecision(3) }
      }
    ]
  }
}
