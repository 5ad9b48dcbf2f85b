/**
 * Velocity and stream function of many flows sampled on one grid at a few frame times, stored flat,
 * and their weighted combinations (conditional mean and spread over a bank). Pure typed-array maths.
 */

/** Fields of `count` flows on `cells` grid cells at `frames` times: index ((k*frames + f)*cells + c). */
export interface FieldStack {
  count: number
  frames: number
  cells: number
  /** Velocity components (domain length units per time unit). */
  u: Float64Array
  v: Float64Array
  /** Stream function (length² / time). */
  psi: Float64Array
  /** Vorticity (1 / time); only kept when a view needs it. */
  vorticity?: Float64Array
}

/** One flow's fields (a stack with count 1): frames × cells each. */
export type GridFrames = FieldStack

export function emptyStack(count: number, frames: number, cells: number, withVorticity = false): FieldStack {
  const n = count * frames * cells
  const stack: FieldStack = { count, frames, cells, u: new Float64Array(n), v: new Float64Array(n), psi: new Float64Array(n) }
  if (withVorticity) stack.vorticity = new Float64Array(n)
  return stack
}

/** Copy member `k` of a stack out as its own GridFrames. */
export function stackMember(stack: FieldStack, k: number): GridFrames {
  const len = stack.frames * stack.cells
  const s = k * len
  return {
    count: 1,
    frames: stack.frames,
    cells: stack.cells,
    u: stack.u.slice(s, s + len),
    v: stack.v.slice(s, s + len),
    psi: stack.psi.slice(s, s + len),
    ...(stack.vorticity ? { vorticity: stack.vorticity.slice(s, s + len) } : {})
  }
}

/** Weights below this fraction of the largest add nothing visible; skipping them keeps peaked posteriors cheap. */
const NEGLIGIBLE = 1e-12

/** Σ_k w_k field_k over the stack (w normalised): the conditional mean field. */
export function weightedMean(stack: FieldStack, w: ArrayLike<number>): GridFrames {
  const out = emptyStack(1, stack.frames, stack.cells, stack.vorticity !== undefined)
  weightedMeanInto(stack, w, out, 0, stack.frames * stack.cells)
  return out
}

/**
 * Elements [from, to) (of frames × cells) of `weightedMean` into `out` (zeroed): each element is summed over the
 * members in the same order, so threads that fill disjoint ranges give the same bits as one `weightedMean`.
 */
export function weightedMeanInto(stack: FieldStack, w: ArrayLike<number>, out: GridFrames, from: number, to: number): void {
  checkWeights(stack, w)
  const len = stack.frames * stack.cells
  const cutoff = maxOf(w) * NEGLIGIBLE
  for (let k = 0; k < stack.count; k++) {
    const wk = w[k]!
    if (wk <= cutoff) continue
    const s = k * len
    for (let i = from; i < to; i++) {
      out.u[i]! += wk * stack.u[s + i]!
      out.v[i]! += wk * stack.v[s + i]!
      out.psi[i]! += wk * stack.psi[s + i]!
    }
    if (stack.vorticity && out.vorticity) for (let i = from; i < to; i++) out.vorticity[i]! += wk * stack.vorticity[s + i]!
  }
}

/**
 * Weighted standard deviation of the velocity vector per frame and cell,
 * sqrt(Σ_k w_k |w_k(x,t) − mean(x,t)|²) (the square root of the covariance trace), frames × cells.
 */
export function weightedVelocityStd(stack: FieldStack, w: ArrayLike<number>, mean: GridFrames): Float64Array {
  checkWeights(stack, w)
  const len = stack.frames * stack.cells
  const variance = new Float64Array(len)
  const cutoff = maxOf(w) * NEGLIGIBLE
  for (let k = 0; k < stack.count; k++) {
    const wk = w[k]!
    if (wk <= cutoff) continue
    const s = k * len
    for (let i = 0; i < len; i++) {
      const du = stack.u[s + i]! - mean.u[i]!
      const dv = stack.v[s + i]! - mean.v[i]!
      variance[i]! += wk * (du * du + dv * dv)
    }
  }
  return variance.map(Math.sqrt)
}

/** Equal weights on drawn indices (with repeats): turns a resample into weights over the stack. */
export function countsAsWeights(indices: ArrayLike<number>, count: number): Float64Array {
  const w = new Float64Array(count)
  for (let s = 0; s < indices.length; s++) w[indices[s]!]! += 1 / indices.length
  return w
}

function maxOf(w: ArrayLike<number>): number {
  let m = 0
  for (let k = 0; k < w.length; k++) m = Math.max(m, w[k]!)
  return m
}

function checkWeights(stack: FieldStack, w: ArrayLike<number>): void {
  if (w.length !== stack.count) throw new Error(`weights: ${w.length} weights for a bank of ${stack.count}`)
}
