/**
 * Compare: one test case's true speed and each variant's reconstructed speed (or its difference from the truth),
 * one row per frame, on shared colour scales. Pure.
 */
import type { FieldView } from '@shared/views'
import type { ChartTheme, EChartsOption } from './common'
import { fmt } from './common'
import { colorLimits } from './color-limits'
import { frameScalar } from './field-data'
import type { ChartSize, ColorScale, HeatPanel } from './heat-panels'
import { buildHeatPanels } from './heat-panels'

export interface VariantField {
  label: string
  view: FieldView
}

export interface MultiplesOptions {
  /** Frame indices, one row each (clamped to the view's frames, duplicates dropped). */
  frames: readonly number[]
  /** Variant panels show the reconstruction or reconstruction − truth. */
  show: 'reconstruction' | 'difference'
  theme: ChartTheme
  size?: ChartSize
}

/** Truth first, then every variant that has a reconstruction, for each frame; one colour bar per kind of panel. */
export function buildSmallMultiples(variants: readonly VariantField[], o: MultiplesOptions): EChartsOption | null {
  const base = variants[0]?.view
  if (!base) return null
  const frames = [...new Set(o.frames.map((f) => Math.min(Math.max(0, f), base.times.length - 1)))]
  const withRec = variants.map((v, i) => ({ ...v, i })).filter((v) => v.view.reconstruction)
  const panels: HeatPanel[] = []
  frames.forEach((f, k) => {
    const suffix = k === 0 ? '' : `-f${f}`
    const at = frames.length > 1 ? ` · t = ${fmt(base.times[f])} ${base.units.time}` : ''
    const truth = frameScalar(base.truth, 'speed', f)
    panels.push({ id: `truth${suffix}`, label: `truth${at}`, scale: 'speed', values: truth, tracks: base.tracks })
    for (const v of withRec) {
      const rec = frameScalar(v.view.reconstruction!, 'speed', f)
      panels.push(
        o.show === 'difference'
          ? { id: `variant-${v.i}-diff${suffix}`, label: `${v.label} − truth${at}`, scale: 'difference', values: rec.map((r, c) => r - truth[c]), tracks: base.tracks }
          : { id: `variant-${v.i}${suffix}`, label: `${v.label}${at}`, scale: 'speed', values: rec, tracks: base.tracks }
      )
    }
  })
  const unit = base.units.velocity
  const scaleValues = (id: string) => panels.filter((p) => p.scale === id).flatMap((p) => p.values)
  const speed = colorLimits(scaleValues('speed'), 'robust', false)
  const scales: ColorScale[] = [{ id: 'speed', label: `speed (${unit})`, colormap: 'speed', ...speed, min: Math.min(0, speed.min), clippedLow: false }]
  if (o.show === 'difference') scales.push({ id: 'difference', label: `reconstruction − truth (${unit})`, colormap: 'balance', ...colorLimits(scaleValues('difference'), 'robust', true) })
  return buildHeatPanels(panels, scales, {
    title: `Test case: true speed and each variant's ${o.show === 'difference' ? 'error' : 'reconstruction'}${frames.length > 1 ? '' : ` at t = ${fmt(base.times[frames[0]])} ${base.units.time}`}`,
    x: base.x,
    y: base.y,
    xName: `x (${base.units.length})`,
    yName: `y (${base.units.length})`,
    valueUnit: unit,
    lengthUnit: base.units.length,
    theme: o.theme,
    cols: 1 + withRec.length
  }, o.size)
}
