/** Maps (x, y, t) data coordinates into the 3D scene's unit box and colours values; pure, no WebGL. */
import type { FieldView } from '@shared/views'
import { colorAt, type ColormapName } from '@renderer/charts/colormaps'

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
