/** Maps (x, y, t) data coordinates into the 3D scene's unit box and colours values; pure, no WebGL. */
import type { FieldView } from '@shared/views'
import { colorAt, type ColormapName } from '@renderer/charts/colormaps'
import { decimate } from '@renderer/charts/common'

/** Scene box: x and y span [−1, 1] (aspect kept), time runs up the vertical axis from 0 to `height`. */
export interface SceneSpace {
  cx: number
  cy: number
  half: number
  t0: number
  t1: number
  height: number
}

export function sceneSpace(view: Pick<FieldView, 'x' | 'y' | 'times' | 'trackTimes'>, height = 1.4): SceneSpace {
  const xs = view.x
  const ys = view.y
  const cx = (xs[0] + xs[xs.length - 1]) / 2
  const cy = (ys[0] + ys[ys.length - 1]) / 2
  const half = Math.max(Math.abs(xs[xs.length - 1] - xs[0]), Math.abs(ys[ys.length - 1] - ys[0])) / 2 || 1
  const allTimes = [...view.times, ...view.trackTimes]
  const t0 = Math.min(...allTimes)
  const t1 = Math.max(...allTimes)
  return { cx, cy, half, t0, t1: t1 > t0 ? t1 : t0 + 1, height }
}

/** Scene position [X, Y(up = time), Z] of a data point. */
export function toScene(s: SceneSpace, x: number, y: number, t: number): [number, number, number] {
  return [(x - s.cx) / s.half, ((t - s.t0) / (s.t1 - s.t0)) * s.height, -(y - s.cy) / s.half]
}

/** Per-vertex RGB (0–1) for values on a colormap over [min, max]. */
export function vertexColors(values: ArrayLike<number>, map: ColormapName, min: number, max: number): Float32Array {
  const out = new Float32Array(values.length * 3)
  const span = max - min || 1
  for (let i = 0; i < values.length; i++) {
    const [r, g, b] = colorAt(map, (values[i] - min) / span)
    out.set([r / 255, g / 255, b / 255], i * 3)
  }
  return out
}

/** Speed along a path (finite differences, one value per point), in data units per time unit. */
export function pathSpeeds(path: readonly (readonly number[])[], times: readonly number[]): number[] {
  const n = path.length
  return path.map((_, i) => {
    const a = Math.max(0, i - 1)
    const b = Math.min(n - 1, i + 1)
    const dt = (times[b] ?? b) - (times[a] ?? a)
    return b > a && dt !== 0 ? Math.hypot(path[b][0] - path[a][0], path[b][1] - path[a][1]) / Math.abs(dt) : 0
  })
}

/** [min, max] of finite values ([0, 1] when there are none). */
export function finiteRange(values: Iterable<number>): [number, number] {
  let lo = Infinity
  let hi = -Infinity
  for (const v of values) {
    if (!Number.isFinite(v)) continue
    lo = Math.min(lo, v)
    hi = Math.max(hi, v)
  }
  return lo <= hi ? [lo, hi] : [0, 1]
}

/** About `count` round tick values inside [lo, hi] (steps of 1, 2 or 5 × 10^k). */
export function niceTicks(lo: number, hi: number, count = 5): number[] {
  if (!(hi > lo) || !Number.isFinite(lo) || !Number.isFinite(hi)) return Number.isFinite(lo) ? [lo] : []
  const raw = (hi - lo) / Math.max(1, count)
  const mag = 10 ** Math.floor(Math.log10(raw))
  // the round step nearest the raw one
  const step = [1, 2, 5, 10].map((m) => m * mag).reduce((best, s) => (Math.abs(s - raw) < Math.abs(best - raw) ? s : best))
  const out: number[] = []
  for (let v = Math.ceil(lo / step - 1e-9) * step; v <= hi + step * 1e-9; v += step) out.push(Number(v.toPrecision(12)))
  return out
}

/** A tick label of the scene: its text and where it sits in the scene. */
export interface SceneLabel {
  text: string
  at: [number, number, number]
  /** Axis titles are drawn larger than tick labels. */
  title?: boolean
}

/**
 * Tick labels and axis titles on the three box edges nearest the default camera: x along the front edge, y along
 * the right edge (both at t0) and time up the front-left edge. Values are the view's data values.
 */
export function axisLabels(view: Pick<FieldView, 'x' | 'y' | 'times' | 'trackTimes' | 'units'>, s: SceneSpace, fmt: (v: number) => string): SceneLabel[] {
  const out: SceneLabel[] = []
  const [x0, x1] = [s.cx - s.half, s.cx + s.half]
  const [y0, y1] = [s.cy - s.half, s.cy + s.half]
  const xs = finiteRange(view.x)
  const ys = finiteRange(view.y)
  for (const x of niceTicks(Math.max(x0, xs[0]), Math.min(x1, xs[1]), 4)) {
    const [X] = toScene(s, x, s.cy, s.t0)
    out.push({ text: fmt(x), at: [X, -0.06, 1.14] })
  }
  for (const y of niceTicks(Math.max(y0, ys[0]), Math.min(y1, ys[1]), 4)) {
    const [, , Z] = toScene(s, s.cx, y, s.t0)
    out.push({ text: fmt(y), at: [1.16, -0.06, Z] })
  }
  for (const t of niceTicks(s.t0, s.t1, 4)) {
    const [, Y] = toScene(s, s.cx, s.cy, t)
    out.push({ text: fmt(t), at: [-1.14, Y, 1.1] })
  }
  out.push({ text: `x (${view.units.length})`, at: [0, -0.2, 1.32], title: true })
  out.push({ text: `y (${view.units.length})`, at: [1.36, -0.2, 0], title: true })
  out.push({ text: `time (${view.units.time})`, at: [-1.1, s.height + 0.14, 1.1], title: true })
  return out
}

/** [min, max] speed along the tubes drawn (the first `maxTracks` tracks, decimated), in track units per time unit. */
export function tubeSpeedRange(view: Pick<FieldView, 'tracks' | 'trackTimes'>, maxTracks = 40): [number, number] {
  return finiteRange(decimate(view.tracks, maxTracks).flatMap((t) => pathSpeeds(t, view.trackTimes)))
}
