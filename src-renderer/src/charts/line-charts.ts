/** Small line charts: RMSE per frame with the current frame marked, and per-epoch curves of compared variants. Pure. */
import type { ComparisonVariant } from '@shared/views'
import type { ChartTheme, EChartsOption } from './common'
import { legend, title, valueAxis } from './common'

/** Velocity RMSE against time, with a vertical marker at the current frame. */
export function buildRmsePerFrame(
  times: readonly number[],
  rmse: readonly number[],
  frame: number,
  units: { time: string; velocity: string },
  theme: ChartTheme
): EChartsOption {
  return {
    backgroundColor: theme.background,
    color: theme.palette,
    animation: false,
    title: title('Velocity RMSE per time step', theme),
    legend: legend(theme, { data: ['velocity RMSE'] }),
    tooltip: { trigger: 'axis' },
    grid: { left: 72, right: 24, top: 44, bottom: 44 },
    xAxis: valueAxis(`time (${units.time})`, theme, { nameGap: 26 }),
    yAxis: { ...valueAxis(`RMSE (${units.velocity})`, theme, { nameGap: 52 }), min: 0 },
    series: [
      {
        id: 'rmse',
        name: 'velocity RMSE',
        type: 'line',
        data: times.map((t, i) => [t, rmse[i]]),
        markLine: {
          symbol: 'none',
          silent: true,
          lineStyle: { color: theme.muted, type: 'dashed' },
          label: { show: false },
          data: times[frame] !== undefined ? [{ xAxis: times[frame] }] : []
        }
      }
    ]
  }
}

/** Validation loss (left) and R@1 trajectory→potential (right) per epoch, one line per variant. */
export function buildVariantCurves(variants: readonly ComparisonVariant[], theme: ChartTheme): EChartsOption {
  const grid = [
    { left: 64, right: '54%', top: 64, bottom: 48 },
    { left: '56%', right: 20, top: 64, bottom: 48 }
  ]
  return {
    backgroundColor: theme.background,
    color: theme.palette,
    animation: false,
    title: title('Training curves per variant', theme, 'left: validation loss · right: R@1 trajectory → potential'),
    legend: legend(theme, { data: variants.map((v) => v.label), top: 24 }),
    tooltip: { trigger: 'axis' },
    grid,
    xAxis: [0, 1].map((i) => ({ ...valueAxis('epoch', theme, { nameGap: 26 }), gridIndex: i, minInterval: 1 })),
    yAxis: [
      { ...valueAxis('validation loss (nats)', theme, { nameGap: 44 }), gridIndex: 0 },
      { ...valueAxis('R@1 (fraction)', theme, { nameGap: 40, scale: false }), gridIndex: 1, min: 0, max: 1 }
    ],
    series: variants.flatMap((v) => [
      { id: `${v.label}-loss`, name: v.label, type: 'line' as const, xAxisIndex: 0, yAxisIndex: 0, data: v.curve.map((c) => [c.epoch, c.validationLoss]) },
      { id: `${v.label}-r1`, name: v.label, type: 'line' as const, xAxisIndex: 1, yAxisIndex: 1, data: v.curve.map((c) => [c.epoch, c.r1TrajToPot]) }
    ])
  }
}
