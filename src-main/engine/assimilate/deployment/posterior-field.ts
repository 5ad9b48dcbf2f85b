/**
 * The posterior velocity field on the grid: the learned conditional's mean at each frame, its spread (standard
 * deviation of each velocity component under the conditional) and N samples, rotated to true east/north and
 * masked (NaN) over land. The L2 conditional's covariance does not depend on the data, so the spread is the same
 * at every frame; samples reuse one draw per sample across frames, so each sample is smooth in time.
 */
import { drawGaussian, denseGaussian } from '../posterior/index'
import { Rng } from '../../flows/rng'
import type { Deployment } from './geometry'
import { northRotation, toEastNorth, type FieldGrid } from './field'
import { velocityRows } from './prior'
import { posteriorMeans, type Sbi } from './sbi'

export interface PosteriorField {
  /** Frame sample indices. */
  frames: Int32Array
  /** frames × ny × nx, m/s, eastward / northward; NaN on land. */
  u: Float32Array
  v: Float32Array
  /** ny × nx: standard deviation of u and v under the conditional, m/s; NaN on land. */
  uStd: Float32Array
  vStd: Float32Array
  /** samples × frames × ny × nx. */
  uSamples: Float32Array
  vSamples: Float32Array
  samples: number
}

export function posteriorField(dep: Deployment, sbi: Sbi, grid: FieldGrid, frames: Int32Array, samples: number, seed: number): PosteriorField {
  const { basis } = sbi
  const P = basis.P
  const cells = grid.nx * grid.ny
  const H = new Float64Array(cells * 2 * P)
  const rows = new Float64Array(2 * P)
  for (let j = 0; j < grid.ny; j++)
    for (let i = 0; i < grid.nx; i++) {
      velocityRows(basis, grid.x[i], grid.y[j], rows)
      H.set(rows, (j * grid.nx + i) * 2 * P)
    }
  const rot = northRotation(dep, grid)
  const F = frames.length
  const out: PosteriorField = {
    frames, samples,
    u: new Float32Array(F * cells), v: new Float32Array(F * cells),
    uStd: new Float32Array(cells), vStd: new Float32Array(cells),
    uSamples: new Float32Array(samples * F * cells), vSamples: new Float32Array(samples * F * cells)
  }
  const eval1 = (theta: Float64Array, c: number): [number, number] => {
    let a = 0, b = 0
    const o = c * 2 * P
    for (let k = 0; k < P; k++) {
      a += H[o + k] * theta[k]
      b += H[o + P + k] * theta[k]
    }
    return toEastNorth(rot, c, a, b)
  }
  // Spread: cov of (u, v) at a cell = h D Σ D hᵀ with D = diag(prior std), rotated like the mean.
  const S = sbi.cov
  const hu = new Float64Array(P), hv = new Float64Array(P)
  for (let c = 0; c < cells; c++) {
    if (grid.land[c]) {
      out.uStd[c] = out.vStd[c] = NaN
      continue
    }
    const o = c * 2 * P
    const cs = rot[2 * c], sn = rot[2 * c + 1]
    for (let k = 0; k < P; k++) {
      const ux = H[o + k] * basis.std[k], uy = H[o + P + k] * basis.std[k]
      hu[k] = ux * cs - uy * sn
      hv[k] = ux * sn + uy * cs
    }
    let su = 0, sv = 0
    for (let r = 0; r < P; r++) {
      let au = 0, av = 0
      for (let k = 0; k < P; k++) {
        const s = S.get(r, k)
        au += s * hu[k]
        av += s * hv[k]
      }
      su += hu[r] * au
      sv += hv[r] * av
    }
    out.uStd[c] = Math.sqrt(Math.max(0, su))
    out.vStd[c] = Math.sqrt(Math.max(0, sv))
  }
  const conditional = denseGaussian(new Float64Array(P), S)
  const rng = new Rng(seed, 0, 0xf1e1d)
  const draws = Array.from({ length: samples }, () => drawGaussian(conditional, rng).map((x, k) => x * basis.std[k]))
  const means = posteriorMeans(dep, sbi, frames, false).all
  const theta = new Float64Array(P)
  frames.forEach((_, f) => {
    const mean = means[f]
    for (let c = 0; c < cells; c++) {
      const at = f * cells + c
      if (grid.land[c]) {
        out.u[at] = out.v[at] = NaN
        for (let s = 0; s < samples; s++) out.uSamples[s * F * cells + at] = out.vSamples[s * F * cells + at] = NaN
        continue
      }
      const [a, b] = eval1(mean, c)
      out.u[at] = a
      out.v[at] = b
    }
    for (let s = 0; s < samples; s++) {
      for (let k = 0; k < P; k++) theta[k] = mean[k] + draws[s][k]
      for (let c = 0; c < cells; c++) {
        if (grid.land[c]) continue
        const [a, b] = eval1(theta, c)
        out.uSamples[s * F * cells + f * cells + c] = a
        out.vSamples[s * F * cells + f * cells + c] = b
      }
    }
  })
  return out
}
