/** Numbers behind the field maps: scalar fields per frame, colour ranges, decimated arrows. Pure, no ECharts. */
import type { FieldFrames, FieldView } from '@shared/views'

export type FieldQuantity = 'speed' | 'vorticity' | 'psi'
export type PanelKind = 'truth' | 'reconstruction' | 'difference' | 'uncertainty'

/** The scalar shown as heat map for one frame (row-major ny × nx). */
export function frameScalar(frames: FieldFrames, quantity: FieldQuantity, frame: number): number[] {
  if (quantity === 'vorticity') return frames.vorticity[frame] ?? []
  if (quantity === 'psi') return frames.psi[frame] ?? []
  const u = frames.u[frame] ?? []
  const v = frames.v[frame] ?? []
  return u.map((ui, i) => Math.hypot(ui, v[i]))
}

/** Values of one panel at one frame, or null when the view lacks that panel (no model, no samples). */
export function panelValues(view: FieldView, panel: PanelKind, quantity: FieldQuantity, frame: number): number[] | null {
  if (panel === 'truth') return frameScalar(view.truth, quantity, frame)
  if (panel === 'uncertainty') return view.uncertainty?.[frame] ?? null
  if (!view.reconstruction) return null
  const rec = frameScalar(view.reconstruction, quantity, frame)
  if (panel === 'reconstruction') return rec
  const truth = frameScalar(view.truth, quantity, frame)
  return rec.map((r, i) => r - truth[i])
}

/** Panels the view can show, in display order. */
export function availablePanels(view: FieldView): PanelKind[] {
  const panels: PanelKind[] = ['truth']
  if (view.reconstruction) panels.push('reconstruction', 'difference')
  if (view.uncertainty) panels.push('uncertainty')
  return panels
}

/** Grid spacing (cell width) of a coordinate vector; 1 for a single cell. */
export function spacing(coord: readonly number[]): number {
  return coord.length > 1 ? Math.abs(coord[1] - coord[0]) : 1
}

/**
 * Arrows on every `stride`-th cell so at most ~maxPerSide per side are drawn, scaled so the longest
 * spans 0.9 of the arrow spacing. Returns [x, y, dx, dy] in domain units.
 */
export function decimatedArrows(
  x: readonly number[],
  y: readonly number[],
  u: readonly number[],
  v: readonly number[],
  maxPerSide = 16
): [number, number, number, number][] {
  const nx = x.length
  const stride = Math.max(1, Math.ceil(Math.max(nx, y.length) / maxPerSide))
  let vmax = 0
  for (let i = 0; i < u.length; i++) vmax = Math.max(vmax, Math.hypot(u[i], v[i]))
  if (!(vmax > 0)) return []
  const scale = (0.9 * stride * Math.min(spacing(x), spacing(y))) / vmax
  const out: [number, number, number, number][] = []
  const off = Math.floor(stride / 2)
  for (let j = off; j < y.length; j += stride) {
    for (let i = off; i < nx; i += stride) {
      const k = j * nx + i
      out.push([x[i], y[j], u[k] * scale, v[k] * scale])
    }
  }
  return out
}
