/**
 * One pair's flow as a field: velocity at any point and time, and velocity, stream function and vorticity sampled
 * on a grid (for display, RMSE and export). Rebuilt from the data set's parameters and flow constants.
 */
import type { PairedDataset } from '../data/dataset-types'
import { createFourierKernel, modesPerSideOf, rotateCoefficients } from './fourier'
import { advectFourierTracks } from './fourier-advect'
import { fourierGrid } from './fourier-grid'
import { vortexStreamFunction, vortexVelocity } from './vortex'
import { VortexClock } from './vortex-clock'

/** A regular grid of nx × ny cells over [x0, x1] × [y0, y1]; samples sit at cell centres. */
export interface GridSpec {
  nx: number
  ny: number
  x0: number
  x1: number
  y0: number
  y1: number
}
/** Samples on a grid, each ny × nx row-major (index j·nx + i; i along x, j along y). */
export interface FieldSample {
  u: Float64Array
  v: Float64Array
  psi: Float64Array
  vorticity: Float64Array
}
export interface FlowField {
  /** Velocity at (x, y) and time t (domain units per time unit) into out[0] = u, out[1] = v. */
  velocity(x: number, y: number, t: number, out: Float64Array): void
  /** u, v, stream function ψ (w = (∂ψ/∂y, −∂ψ/∂x)) and vorticity ∂v/∂x − ∂u/∂y at the grid's cell centres at time t. */
  sample(grid: GridSpec, t: number): FieldSample
  /** A faster route to `advectInField` for this field (the same RK4, to round-off), or undefined where it has none. */
  advect?(starts: Float64Array, times: Float64Array, dt: number): Float64Array | undefined
}

/** n × n cells over the data set's domain. */
export function defaultGrid(ds: PairedDataset, n: number): GridSpec {
  return { nx: n, ny: n, x0: ds.domain.x0, x1: ds.domain.x1, y0: ds.domain.y0, y1: ds.domain.y1 }
}

function emptySample(grid: GridSpec): FieldSample {
  const n = grid.nx * grid.ny
  return { u: new Float64Array(n), v: new Float64Array(n), psi: new Float64Array(n), vorticity: new Float64Array(n) }
}

const cx = (g: GridSpec, i: number): number => g.x0 + ((i + 0.5) * (g.x1 - g.x0)) / g.nx
const cy = (g: GridSpec, j: number): number => g.y0 + ((j + 0.5) * (g.y1 - g.y0)) / g.ny

/** The field of pair `pair` of `ds`. */
export function fieldOfPair(ds: PairedDataset, pair: number): FlowField {
  if (pair < 0 || pair >= ds.nPairs) throw new RangeError(`fieldOfPair: pair ${pair} outside 0..${ds.nPairs - 1}`)
  const params = ds.params.subarray(pair * ds.paramDim, (pair + 1) * ds.paramDim)
  return ds.flow === 'fourier' ? fourierField(ds, params) : vortexField(ds, pair, params)
}

/** Time levels reached by rotation before one exact evaluation of e^{iω t} (bounds the round-off drift to ~1e-14). */
const RESYNC = 64

function fourierField(ds: PairedDataset, params: Float64Array): FlowField {
  const omega = ds.flowConstants.omega
  if (!omega || omega.length * 2 !== ds.paramDim) throw new Error('Fourier data set without matching "omega" flow constants')
  const kernel = createFourierKernel(modesPerSideOf(omega.length))
  const K = omega.length
  // two cached time levels: an RK4 step asks for t, t+h/2 (twice), t+h, and the next step starts at t+h again
  const slots = [
    { t: NaN, cr: new Float64Array(K), ci: new Float64Array(K) },
    { t: NaN, cr: new Float64Array(K), ci: new Float64Array(K) }
  ]
  let older = 0
  let cr = slots[0].cr, ci = slots[0].ci
  // a new time level one recurring step δ after the newest one (RK4 halves: t → t + h/2 → t + h) is that level
  // rotated by e^{iω δ}, kept from the first such step: no trigonometric call; exact again every RESYNC levels
  const rotR = new Float64Array(K), rotI = new Float64Array(K)
  let delta = NaN
  let lastDelta = NaN
  let sinceExact = 0
  const at = (t: number): void => {
    let slot = slots[0].t === t ? slots[0] : slots[1].t === t ? slots[1] : undefined
    if (!slot) {
      const newest = slots[older === 0 ? 1 : 0]
      slot = slots[older]
      const d = t - newest.t
      if (Math.abs(d - delta) <= 1e-12 * Math.abs(delta) && sinceExact < RESYNC) {
        for (let j = 0; j < K; j++) {
          const a = newest.cr[j], b = newest.ci[j], r = rotR[j], i = rotI[j]
          slot.cr[j] = a * r - b * i
          slot.ci[j] = a * i + b * r
        }
        sinceExact++
      } else {
        rotateCoefficients(params, omega, t, slot.cr, slot.ci)
        sinceExact = 0
        // the same step twice in a row: it recurs, so keep its rotation
        if (Number.isFinite(d) && d !== 0 && Math.abs(d - lastDelta) <= 1e-12 * Math.abs(d)) {
          delta = d
          for (let j = 0; j < K; j++) {
            rotR[j] = Math.cos(omega[j] * d)
            rotI[j] = Math.sin(omega[j] * d)
          }
        }
        lastDelta = d
      }
      slot.t = t
    }
    older = slot === slots[0] ? 1 : 0
    cr = slot.cr
    ci = slot.ci
  }
  return {
    velocity(x, y, t, out) {
      at(t)
      kernel.velocity(x, y, cr, ci, out)
    },
    advect: (starts, times, dt) => advectFourierTracks(params, omega, starts, times, dt),
    sample(grid, t) {
      at(t)
      const s = emptySample(grid)
      fourierGrid(kernel.m, cr, ci, Float64Array.from({ length: grid.nx }, (_, i) => cx(grid, i)), Float64Array.from({ length: grid.ny }, (_, j) => cy(grid, j)), s)
      return s
    }
  }
}

/**
 * Vortex field: vortex positions at t from the stored tracks (exact at record times) or by integrating the
 * deterministic vortex dynamics from the nearest earlier known state. Vorticity is a sum of point masses: each
 * vortex puts Γ / (cell area) into the cell that contains it.
 */
function vortexField(ds: PairedDataset, pair: number, params: Float64Array): FlowField {
  const clock = new VortexClock(ds, pair, params)
  const gamma = clock.gamma
  return {
    velocity(x, y, t, out) {
      vortexVelocity(x, y, clock.positionsAt(t), gamma, out)
    },
    sample(grid, t) {
      const pos = clock.positionsAt(t)
      const s = emptySample(grid)
      const tmp = new Float64Array(2)
      const dx = (grid.x1 - grid.x0) / grid.nx, dy = (grid.y1 - grid.y0) / grid.ny
      for (let j = 0; j < grid.ny; j++)
        for (let i = 0; i < grid.nx; i++) {
          const k = j * grid.nx + i
          vortexVelocity(cx(grid, i), cy(grid, j), pos, gamma, tmp)
          s.u[k] = tmp[0]
          s.v[k] = tmp[1]
          s.psi[k] = vortexStreamFunction(cx(grid, i), cy(grid, j), pos, gamma, Math.min(dx, dy) / 2)
        }
      for (let n = 0; n < gamma.length; n++) {
        const i = Math.floor((pos[2 * n] - grid.x0) / dx), j = Math.floor((pos[2 * n + 1] - grid.y0) / dy)
        if (i >= 0 && i < grid.nx && j >= 0 && j < grid.ny) s.vorticity[j * grid.nx + i] += gamma[n] / (dx * dy)
      }
      return s
    }
  }
}
