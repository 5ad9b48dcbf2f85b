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

/**
 * Validation loss per epoch with one panel per loss type (losses of different kinds are not on one scale:
 * the conditional losses are cross-entropies in nats, MMD is a kernel discrepancy), and R@1 trajectory→potential
 * of every variant on the last panel. One line per variant.
 */
export function buildVariantCurves(variants: readonly ComparisonVariant[], theme: ChartTheme): EChartsOption {
  const losses = [...new Set(variants.map((v) => v.config.loss))]
  const n = losses.length + 1
  const gap = 4
  const width = (100 - gap * (n + 1)) / n
  const grid = Array.from({ length: n }, (_, i) => ({ left: `${gap + i * (width + gap) + 2}%`, width: `${width - 2}%`, top: 64, bottom: 48 }))
  const colour = (v: ComparisonVariant) => theme.palette[variants.indexOf(v) % theme.palette.length]
  return {
    backgroundColor: theme.background,
    color: theme.palette,
    animation: false,
    title: title('Training curves per variant', theme, `validation loss per loss type (own axis each) · last panel: R@1 trajectory → potential`),
    legend: legend(theme, { data: variants.map((v) => v.label), top: 24 }),
    tooltip: { trigger: 'axis' },
    grid,
    xAxis: grid.map((_, i) => ({ ...valueAxis('epoch', theme, { nameGap: 26 }), gridIndex: i, minInterval: 1 })),
    yAxis: [
      ...losses.map((l, i) => ({ ...valueAxis(`${l} validation loss${l === 'mmd' ? '' : ' (nats)'}`, theme, { nameGap: 44 }), gridIndex: i })),
      { ...valueAxis('R@1 (fraction)', theme, { nameGap: 40, scale: false }), gridIndex: losses.length, min: 0, max: 1 }
    ],
    series: variants.flatMap((v) => [
      { id: `${v.label}-loss`, name: v.label, type: 'line' as const, xAxisIndex: losses.indexOf(v.config.loss), yAxisIndex: losses.indexOf(v.config.loss), itemStyle: { color: colour(v) }, lineStyle: { color: colour(v) }, data: v.curve.map((c) => [c.epoch, c.validationLoss]) },
      { id: `${v.label}-r1`, name: v.label, type: 'line' as const, xAxisIndex: losses.length, yAxisIndex: losses.length, itemStyle: { color: colour(v) }, lineStyle: { color: colour(v) }, data: v.curve.map((c) => [c.epoch, c.r1TrajToPot]) }
    ])
  }
}
