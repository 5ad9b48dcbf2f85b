/**
 * Sample the velocity, stream function (and optionally vorticity) of data-set pairs on one grid at a few
 * frame times: the bank that conditional means, spreads and oracle searches are computed from.
 */
import type { PairedDataset } from '../data/dataset-types'
import { fieldOfPair, type FlowField, type GridSpec } from '../flows/field'
import { throwIfCancelled } from '../jobs/job'
import { emptyStack, type FieldStack } from './grid-frames'

/** `frames` evenly spaced times spanning the data set's record window, both ends included (time units). */
export function frameTimes(ds: PairedDataset, frames: number): Float64Array {
  const t0 = ds.times[0] ?? 0
  const t1 = ds.times[ds.nTimes - 1] ?? t0
  if (frames <= 1) return Float64Array.of(t0)
  return Float64Array.from({ length: frames }, (_, f) => t0 + ((t1 - t0) * f) / (frames - 1))
}

/** Number of cells of a grid. */
export function gridCells(grid: GridSpec): number {
  return grid.nx * grid.ny
}

/** Write one flow's samples at every frame time into member `k` of a stack. */
export function sampleInto(stack: FieldStack, k: number, field: FlowField, grid: GridSpec, times: ArrayLike<number>): void {
  for (let f = 0; f < stack.frames; f++) {
    const s = field.sample(grid, times[f]!)
    const at = (k * stack.frames + f) * stack.cells
    stack.u.set(s.u, at)
    stack.v.set(s.v, at)
    stack.psi.set(s.psi, at)
    stack.vorticity?.set(s.vorticity, at)
  }
}

/** Fields of the given pairs on `grid` at `times`, one stack member per pair (in the order given). */
export function samplePairs(
  ds: PairedDataset,
  pairs: ArrayLike<number>,
  grid: GridSpec,
  times: ArrayLike<number>,
  options: { withVorticity?: boolean; signal?: AbortSignal } = {}
): FieldStack {
  const stack = emptyStack(pairs.length, times.length, gridCells(grid), options.withVorticity)
  for (let k = 0; k < pairs.length; k++) {
    if (options.signal && k % 64 === 0) throwIfCancelled(options.signal)
    sampleInto(stack, k, fieldOfPair(ds, pairs[k]!), grid, times)
  }
  return stack
}

/** Cell-centre coordinates of a grid (x along i, y along j), domain units. */
export function gridAxes(grid: GridSpec): { x: Float64Array; y: Float64Array } {
  const x = Float64Array.from({ length: grid.nx }, (_, i) => grid.x0 + ((i + 0.5) * (grid.x1 - grid.x0)) / grid.nx)
  const y = Float64Array.from({ length: grid.ny }, (_, j) => grid.y0 + ((j + 0.5) * (grid.y1 - grid.y0)) / grid.ny)
  return { x, y }
}
