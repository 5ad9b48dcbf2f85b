/** Compare: one test case's true speed and each variant's reconstructed speed, on one shared colour scale. Pure. */
import type { FieldView } from '@shared/views'
import type { ChartTheme, EChartsOption } from './common'
import { fmt } from './common'
import { frameScalar } from './field-data'
import type { ChartSize, HeatPanel } from './heat-panels'
import { buildHeatPanels } from './heat-panels'

export interface VariantField {
  label: string
  view: FieldView
}

/** Truth first, then every variant that has a reconstruction; the colour scale spans all panels. */
export function buildSmallMultiples(
  variants: readonly VariantField[],
  frame: number,
  theme: ChartTheme,
  size?: ChartSize
): EChartsOption | null {
  const base = variants[0]?.view
  if (!base) return null
  const f = Math.min(Math.max(0, frame), base.times.length - 1)
  const panels: HeatPanel[] = [{ id: 'truth', label: 'truth', scale: 'speed', values: frameScalar(base.truth, 'speed', f), tracks: base.tracks }]
  variants.forEach((v, i) => {
    if (v.view.reconstruction) {
      panels.push({ id: `variant-${i}`, label: v.label, scale: 'speed', values: frameScalar(v.view.reconstruction, 'speed', f), tracks: base.tracks })
    }
  })
  let max = 0
  for (const p of panels) for (const x of p.values) if (Number.isFinite(x)) max = Math.max(max, x)
  return buildHeatPanels(panels, [{ id: 'speed', label: `speed (${base.units.velocity})`, colormap: 'speed', min: 0, max: max || 1 }], {
    title: `Test case: true and reconstructed speed at t = ${fmt(base.times[f])} ${base.units.time}`,
    x: base.x,
    y: base.y,
    xName: `x (${base.units.length})`,
    yName: `y (${base.units.length})`,
    valueUnit: base.units.velocity,
    theme
  }, size)
}
