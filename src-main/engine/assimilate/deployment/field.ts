/** The output grid of a deployment: square cells over the domain box in the local projection, with lat/lon and land. */
import type { Deployment } from './geometry'

export interface FieldGrid {
  /** Cell centres, km (projection coordinates). */
  x: Float64Array
  y: Float64Array
  nx: number
  ny: number
  /** [lon, lat] of each cell centre, row-major ny × nx. */
  lonLat: [number, number][]
  bounds: { latMin: number; latMax: number; lonMin: number; lonMax: number }
  /** 1 where the cell centre is on land (filled by the land phase). */
  land: Uint8Array
}

/** A grid of square cells, `n` along the longer side of the box. */
export function fieldGrid(dep: Deployment, n: number): FieldGrid {
  const { x0, x1, y0, y1 } = dep.box
  const cell = Math.max(x1 - x0, y1 - y0) / n
  const nx = Math.max(2, Math.round((x1 - x0) / cell))
  const ny = Math.max(2, Math.round((y1 - y0) / cell))
  const cx = (x0 + x1) / 2
  const cy = (y0 + y1) / 2
  const x = Float64Array.from({ length: nx }, (_, i) => cx + (i - (nx - 1) / 2) * cell)
  const y = Float64Array.from({ length: ny }, (_, j) => cy + (j - (ny - 1) / 2) * cell)
  const lonLat: [number, number][] = []
  const bounds = { latMin: Infinity, latMax: -Infinity, lonMin: Infinity, lonMax: -Infinity }
  for (let j = 0; j < ny; j++)
    for (let i = 0; i < nx; i++) {
      const [lon, lat] = dep.projection.toLonLat(x[i], y[j])
      lonLat.push([lon, lat])
      bounds.latMin = Math.min(bounds.latMin, lat)
      bounds.latMax = Math.max(bounds.latMax, lat)
      bounds.lonMin = Math.min(bounds.lonMin, lon)
      bounds.lonMax = Math.max(bounds.lonMax, lon)
    }
  return { x, y, nx, ny, lonLat, bounds, land: new Uint8Array(nx * ny) }
}

/** Frames of the written field: `n` sample indices spread evenly over the window. */
export function frameSamples(nT: number, n: number): Int32Array {
  const m = Math.max(1, Math.min(n, nT))
  return Int32Array.from({ length: m }, (_, f) => (m === 1 ? 0 : Math.round((f * (nT - 1)) / (m - 1))))
}

/**
 * Rotation from projection axes to true east/north at each cell: [cos, sin] of the angle between the projection's
 * y axis and local north (azimuthal-equidistant grids are rotated away from the centre).
 */
export function northRotation(dep: Deployment, grid: FieldGrid): Float64Array {
  const out = new Float64Array(2 * grid.nx * grid.ny)
  grid.lonLat.forEach(([lon, lat], i) => {
    const [x0, y0] = dep.projection.toKm(lon, lat)
    const [x1, y1] = dep.projection.toKm(lon, lat + 1e-3)
    const len = Math.hypot(x1 - x0, y1 - y0)
    out[2 * i] = (y1 - y0) / len // cos γ
    out[2 * i + 1] = (x1 - x0) / len // sin γ: north leans towards +x
  })
  return out
}

/** (u_x, u_y) in projection axes → (eastward, northward) at cell i. */
export function toEastNorth(rot: Float64Array, i: number, ux: number, uy: number): [number, number] {
  const c = rot[2 * i]
  const s = rot[2 * i + 1]
  return [ux * c - uy * s, ux * s + uy * c]
}
