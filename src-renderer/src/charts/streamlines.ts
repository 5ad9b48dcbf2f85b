/** Instantaneous streamlines of a gridded velocity field: bilinear interpolation and midpoint (RK2) steps. Pure. */
import { spacing } from './field-data'

/** Velocity at (px, py) by bilinear interpolation on cell centres; null outside the grid. */
export function sampleVelocity(
  x: readonly number[],
  y: readonly number[],
  u: readonly number[],
  v: readonly number[],
  px: number,
  py: number
): [number, number] | null {
  const nx = x.length
  const ny = y.length
  const fx = (px - x[0]) / spacing(x)
  const fy = (py - y[0]) / spacing(y)
  if (!(fx >= 0 && fy >= 0 && fx <= nx - 1 && fy <= ny - 1)) return null
  const i = Math.min(nx - 2, Math.floor(fx))
  const j = Math.min(ny - 2, Math.floor(fy))
  const a = fx - i
  const b = fy - j
  const k = j * nx + i
  const mix = (f: readonly number[]) =>
    (1 - a) * (1 - b) * f[k] + a * (1 - b) * f[k + 1] + (1 - a) * b * f[k + nx] + a * b * f[k + nx + 1]
  return [mix(u), mix(v)]
}

/**
 * Streamlines from a seedsPerSide² lattice, traced forward with steps of `stepCells` grid cells (arc length,
 * not time, so slow regions still get lines). Stops outside the grid or where the speed vanishes.
 * @returns polylines of [x, y] in domain units
 */
export function streamlines(
  x: readonly number[],
  y: readonly number[],
  u: readonly number[],
  v: readonly number[],
  opts: { seedsPerSide?: number; steps?: number; stepCells?: number } = {}
): [number, number][][] {
  const seeds = opts.seedsPerSide ?? 10
  const steps = opts.steps ?? 40
  const h = (opts.stepCells ?? 0.5) * Math.min(spacing(x), spacing(y))
  const x0 = x[0]
  const y0 = y[0]
  const wx = x[x.length - 1] - x0
  const wy = y[y.length - 1] - y0
  const unit = (px: number, py: number): [number, number] | null => {
    const w = sampleVelocity(x, y, u, v, px, py)
    const s = w ? Math.hypot(w[0], w[1]) : 0
    return w && s > 1e-12 ? [w[0] / s, w[1] / s] : null
  }
  const lines: [number, number][][] = []
  for (let sj = 0; sj < seeds; sj++) {
    for (let si = 0; si < seeds; si++) {
      let px = x0 + ((si + 0.5) / seeds) * wx
      let py = y0 + ((sj + 0.5) / seeds) * wy
      const line: [number, number][] = [[px, py]]
      for (let n = 0; n < steps; n++) {
        const d1 = unit(px, py)
        if (!d1) break
        const d2 = unit(px + 0.5 * h * d1[0], py + 0.5 * h * d1[1])
        if (!d2) break
        px += h * d2[0]
        py += h * d2[1]
        if (!sampleVelocity(x, y, u, v, px, py)) break
        line.push([px, py])
      }
      if (line.length > 2) lines.push(line)
    }
  }
  return lines
}
