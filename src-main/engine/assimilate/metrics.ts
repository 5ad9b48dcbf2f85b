/**
 * Scores of a reconstruction against the truth: velocity RMSE over grid and frames (absolute and relative
 * to the truth's RMS), stream-function RMSE with each frame's spatial mean removed, and tracer-position
 * RMSE, per frame/time and overall. Pure.
 */
import type { GridFrames } from './grid-frames'

/** Overall value and one value per frame (or per record time for tracers). */
export interface Scored {
  overall: number
  perFrame: Float64Array
}

/**
 * Vector velocity RMSE: sqrt(mean over cells of |w_a − w_b|²), per frame and over all frames.
 * A field against itself plus a constant (c₁, c₂) scores exactly sqrt(c₁² + c₂²).
 */
export function velocityRmse(a: GridFrames, b: GridFrames): Scored {
  sameShape(a, b)
  return perFrameRms(a.frames, a.cells, (i) => sq(a.u[i]! - b.u[i]!) + sq(a.v[i]! - b.v[i]!))
}

/** RMS speed of one field, sqrt(mean |w|²): the scale that relative RMSE divides by. */
export function velocityRms(a: GridFrames): Scored {
  return perFrameRms(a.frames, a.cells, (i) => sq(a.u[i]!) + sq(a.v[i]!))
}

/**
 * Stream-function RMSE after removing each field's spatial mean per frame: ψ is defined only up to an
 * additive constant (for the periodic Fourier flow and in general), so a constant offset scores 0.
 */
export function streamFunctionRmse(a: GridFrames, b: GridFrames): Scored {
  sameShape(a, b)
  const meanA = frameMeans(a.psi, a.frames, a.cells)
  const meanB = frameMeans(b.psi, b.frames, b.cells)
  return perFrameRms(a.frames, a.cells, (i) => {
    const f = Math.floor(i / a.cells)
    return sq(a.psi[i]! - meanA[f]! - (b.psi[i]! - meanB[f]!))
  })
}

/**
 * Tracer-position RMSE: sqrt(mean over tracers of |x_pred − x_obs|²) per record time and over all,
 * for two tracks laid out tracers × times × 2.
 */
export function trackRmse(predicted: ArrayLike<number>, observed: ArrayLike<number>, tracers: number, times: number): Scored {
  if (predicted.length !== tracers * times * 2 || observed.length !== predicted.length)
    throw new Error(`trackRmse: expected ${tracers}×${times}×2 positions, got ${predicted.length} and ${observed.length}`)
  const perTime = new Float64Array(times)
  let total = 0
  for (let p = 0; p < tracers; p++)
    for (let t = 0; t < times; t++) {
      const i = (p * times + t) * 2
      const e = sq(predicted[i]! - observed[i]!) + sq(predicted[i + 1]! - observed[i + 1]!)
      perTime[t]! += e
      total += e
    }
  return { overall: Math.sqrt(total / (tracers * times)), perFrame: perTime.map((e) => Math.sqrt(e / tracers)) }
}

function perFrameRms(frames: number, cells: number, squaredError: (i: number) => number): Scored {
  const perFrame = new Float64Array(frames)
  let total = 0
  for (let f = 0; f < frames; f++) {
    let s = 0
    for (let c = 0; c < cells; c++) s += squaredError(f * cells + c)
    perFrame[f] = Math.sqrt(s / cells)
    total += s
  }
  return { overall: Math.sqrt(total / (frames * cells)), perFrame }
}

function frameMeans(x: Float64Array, frames: number, cells: number): Float64Array {
  const m = new Float64Array(frames)
  for (let f = 0; f < frames; f++) {
    let s = 0
    for (let c = 0; c < cells; c++) s += x[f * cells + c]!
    m[f] = s / cells
  }
  return m
}

function sq(x: number): number {
  return x * x
}

function sameShape(a: GridFrames, b: GridFrames): void {
  if (a.frames !== b.frames || a.cells !== b.cells)
    throw new Error(`fields differ in shape: ${a.frames}×${a.cells} vs ${b.frames}×${b.cells}`)
}
