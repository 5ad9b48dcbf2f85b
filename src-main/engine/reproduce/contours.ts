/** Iso-lines of a gridded function by marching squares: segments for contour plots drawn as SVG lines. */

export type Segment = [[number, number], [number, number]]

/**
 * Segments of the level set f = level, with f sampled as values[j * nx + i] at (xs[i], ys[j]).
 * Each cell contributes up to two segments between edge crossings (linear interpolation); saddle cells
 * are split by the cell-centre value.
 */
export function isoline(xs: number[], ys: number[], values: ArrayLike<number>, level: number): Segment[] {
  const nx = xs.length
  const out: Segment[] = []
  const at = (i: number, j: number) => values[j * nx + i]
  const cross = (x0: number, y0: number, f0: number, x1: number, y1: number, f1: number): [number, number] => {
    const t = (level - f0) / (f1 - f0)
    return [x0 + t * (x1 - x0), y0 + t * (y1 - y0)]
  }
  for (let j = 0; j + 1 < ys.length; j++)
    for (let i = 0; i + 1 < nx; i++) {
      const [x0, x1, y0, y1] = [xs[i], xs[i + 1], ys[j], ys[j + 1]]
      const f = [at(i, j), at(i + 1, j), at(i + 1, j + 1), at(i, j + 1)] // corners counter-clockwise from (x0, y0)
      const corner: [number, number][] = [[x0, y0], [x1, y0], [x1, y1], [x0, y1]]
      const points: [number, number][] = []
      for (let e = 0; e < 4; e++) {
        const a = e
        const b = (e + 1) % 4
        if ((f[a] >= level) !== (f[b] >= level)) points.push(cross(corner[a][0], corner[a][1], f[a], corner[b][0], corner[b][1], f[b]))
      }
      if (points.length === 2) out.push([points[0], points[1]])
      else if (points.length === 4) {
        // saddle: pair the crossings so that the segments separate the centre from the corners unlike it
        const centreAbove = (f[0] + f[1] + f[2] + f[3]) / 4 >= level
        if (centreAbove === f[0] >= level) out.push([points[0], points[1]], [points[2], points[3]])
        else out.push([points[3], points[0]], [points[1], points[2]])
      }
    }
  return out
}
