/** Explore 2D: a FieldView at one frame as truth | reconstruction | difference | uncertainty panels. Pure. */
import type { FieldView } from '@shared/views'
import type { ChartTheme, EChartsOption } from './common'
import { fmt } from './common'
import type { ChartSize, ColorScale, HeatPanel } from './heat-panels'
import { buildHeatPanels } from './heat-panels'
import type { FieldQuantity, PanelKind } from './field-data'
import { decimatedArrows, panelValues } from './field-data'
import type { ColormapName } from './colormaps'
import { colorLimits, type LimitMode } from './color-limits'
import { streamlines } from './streamlines'

export interface FieldMapOptions {
  frame: number
  quantity: FieldQuantity
  panels: readonly PanelKind[]
  /** How velocity is drawn over the heat map. */
  vectors: 'arrows' | 'streamlines' | 'none'
  tracks: boolean
  theme: ChartTheme
  /** Chart size in pixels, so panels keep equal x and y scales. */
  size?: ChartSize
  /** Colour limits and map of the field panels (default: robust limits, the quantity's own map, one shared scale). */
  color?: ColorControl
}

/** The plot controls of the field panels. */
export interface ColorControl {
  mode: LimitMode
  /** Limits for mode 'manual'. */
  min?: number
  max?: number
  colormap: ColormapName | 'auto'
  /** Truth and reconstruction on one colour scale (comparable at a glance) or each on its own. */
  shared: boolean
}

export const DEFAULT_COLOR: ColorControl = { mode: 'robust', colormap: 'auto', shared: true }

/** The quantity's own map: cmocean speed for magnitudes, curl for vorticity, balance for the stream function. */
export function defaultColormap(q: FieldQuantity): ColormapName {
  return q === 'speed' ? 'speed' : q === 'vorticity' ? 'curl' : 'balance'
}

/** Every value of the panels over every frame: one scale for the whole animation. */
function* valuesOf(view: FieldView, panels: readonly PanelKind[], q: FieldQuantity): Generator<number> {
  for (let f = 0; f < view.times.length; f++) for (const p of panels) yield* panelValues(view, p, q, f) ?? []
}

export const QUANTITY_LABELS: Record<FieldQuantity, string> = {
  speed: 'speed',
  vorticity: 'vorticity',
  psi: 'stream function'
}

export const PANEL_LABELS: Record<PanelKind, string> = {
  truth: 'truth',
  reconstruction: 'reconstruction (posterior mean)',
  difference: 'reconstruction − truth',
  uncertainty: 'uncertainty (std of velocity)'
}

/** Unit of a quantity given the data set's units. */
export function quantityUnit(view: FieldView, q: FieldQuantity): string {
  if (q === 'speed') return view.units.velocity
  return q === 'vorticity' ? view.units.vorticity : view.units.streamFunction
}

/** Tracer paths observed up to the frame's time (the whole path when there are no track times). */
function tracksUntil(view: FieldView, time: number): number[][][] {
  const n = view.trackTimes.length ? view.trackTimes.filter((t) => t <= time + 1e-12).length : Infinity
  return view.tracks.map((t) => t.slice(0, Math.max(2, Math.min(t.length, n))))
}

export function buildFieldMap(view: FieldView, o: FieldMapOptions): EChartsOption {
  const frame = Math.min(Math.max(0, o.frame), view.times.length - 1)
  const unit = quantityUnit(view, o.quantity)
  const qLabel = QUANTITY_LABELS[o.quantity]
  const signed = o.quantity !== 'speed'
  const c = o.color ?? DEFAULT_COLOR
  const colormap = c.colormap === 'auto' ? defaultColormap(o.quantity) : c.colormap
  const fields = o.panels.filter((p) => p === 'truth' || p === 'reconstruction')
  const scales: ColorScale[] = []
  const groups = c.shared ? (fields.length ? [{ id: 'field', panels: fields, label: qLabel }] : []) : fields.map((p) => ({ id: p, panels: [p], label: `${qLabel}, ${p}` }))
  for (const g of groups) scales.push({ id: g.id, label: `${g.label} (${unit})`, colormap, ...colorLimits(valuesOf(view, g.panels, o.quantity), c.mode, signed, c) })
  // differences are always symmetric and robust unless asked for the full range; manual limits are for the field
  const secondary: LimitMode = c.mode === 'full' ? 'full' : 'robust'
  if (o.panels.includes('difference')) {
    scales.push({ id: 'difference', label: `difference (${unit})`, colormap: 'balance', ...colorLimits(valuesOf(view, ['difference'], o.quantity), secondary, true) })
  }
  if (o.panels.includes('uncertainty')) {
    const mode = c.mode === 'log' ? 'log' : secondary
    scales.push({ id: 'uncertainty', label: `std (${view.units.velocity})`, colormap: 'thermal', ...colorLimits(valuesOf(view, ['uncertainty'], o.quantity), mode, false) })
  }
  const tracks = o.tracks ? tracksUntil(view, view.times[frame]) : undefined
  const panels: HeatPanel[] = []
  for (const kind of o.panels) {
    const values = panelValues(view, kind, o.quantity, frame)
    if (!values) continue
    const frames = kind === 'reconstruction' ? view.reconstruction : kind === 'truth' ? view.truth : undefined
    const u = frames?.u[frame] ?? []
    const v = frames?.v[frame] ?? []
    const arrows = frames && o.vectors === 'arrows' ? decimatedArrows(view.x, view.y, u, v, 12) : undefined
    const lines = frames && o.vectors === 'streamlines' ? streamlines(view.x, view.y, u, v) : undefined
    const scale = kind === 'difference' || kind === 'uncertainty' ? kind : c.shared ? 'field' : kind
    panels.push({ id: kind, label: PANEL_LABELS[kind], scale, values, arrows, streamlines: lines, tracks })
  }
  const rmse = view.rmsePerFrame?.[frame]
  return buildHeatPanels(panels, scales, {
    title: `${qLabel} at t = ${fmt(view.times[frame])} ${view.units.time}`,
    subtitle: rmse !== undefined ? `velocity RMSE this frame: ${fmt(rmse)} ${view.units.velocity}` : undefined,
    x: view.x,
    y: view.y,
    xName: `x (${view.units.length})`,
    yName: `y (${view.units.length})`,
    valueUnit: unit,
    lengthUnit: view.units.length,
    theme: o.theme
  }, o.size)
}
