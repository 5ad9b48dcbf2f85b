/**
 * Kernel regressions on a deployment: its valid velocity samples as GP observations, hyperparameters fitted by
 * marginal likelihood on time blocks of all drifters, and leave-one-drifter-out prediction in time blocks with a
 * halo of neighbouring samples (so every solve stays small).
 */
import { throwIfCancelled } from '../../jobs/job'
import type { Deployment } from './geometry'
import { KERNEL_PARAMS, coriolisPerHour, fitKernel, makeKernel, predict, type KernelKind, type Points, type VelocityKernel } from './gp'
import type { LodoPredictor } from './skill'

/** Marginal-likelihood fit: time blocks used, their length (samples) and the most points per block. */
export const FIT = { blocks: 3, blockSamples: 48, maxPoints: 90, iterationsPerParam: 30 }
/** Prediction: block length and halo (samples) and the most observation points per solve. */
export const PREDICT = { blockSamples: 12, maxHalo: 12, maxPoints: 150 }

export interface DeploymentPoints {
  pts: Points
  /** Point index of sample (d, k), or −1 in a gap. */
  index: Int32Array
}

/** All valid velocity samples as GP points: x/y in km, t in hours since the window start. */
export function deploymentPoints(dep: Deployment): DeploymentPoints {
  const index = new Int32Array(dep.nD * dep.nT).fill(-1)
  let n = 0
  for (let i = 0; i < index.length; i++) if (dep.mask[i]) index[i] = n++
  const pts: Points = { x: new Float64Array(n), y: new Float64Array(n), t: new Float64Array(n), u: new Float64Array(n), v: new Float64Array(n) }
  for (let i = 0; i < index.length; i++) {
    const j = index[i]
    if (j < 0) continue
    pts.x[j] = dep.x[i]
    pts.y[j] = dep.y[i]
    pts.t[j] = (dep.times[i % dep.nT] - dep.times[0]) / 3600
    pts.u[j] = dep.u[i]
    pts.v[j] = dep.v[i]
  }
  return { pts, index }
}

/** Points of drifters `ds` at samples [k0, k1), thinned evenly to at most `max`. */
function pointsIn(dep: Deployment, dp: DeploymentPoints, ds: number[], k0: number, k1: number, max: number): Int32Array {
  const all: number[] = []
  for (let k = Math.max(0, k0); k < Math.min(dep.nT, k1); k++) for (const d of ds) if (dp.index[d * dep.nT + k] >= 0) all.push(dp.index[d * dep.nT + k])
  if (all.length <= max) return Int32Array.from(all)
  return Int32Array.from({ length: max }, (_, i) => all[Math.floor((i * all.length) / max)])
}

/** Mean velocity of points `ia`. */
function meanOf(pts: Points, ia: ArrayLike<number>): [number, number] {
  let u = 0
  let v = 0
  for (let i = 0; i < ia.length; i++) {
    u += pts.u[ia[i]]
    v += pts.v[ia[i]]
  }
  return ia.length ? [u / ia.length, v / ia.length] : [0, 0]
}

/** Data-driven starting hyperparameters: velocity variance, a quarter of the box, half a day. */
export function startingParams(dep: Deployment, dp: DeploymentPoints): Record<string, number> {
  const all = Int32Array.from({ length: dp.pts.x.length }, (_, i) => i)
  const m = meanOf(dp.pts, all)
  let s = 0
  for (let i = 0; i < all.length; i++) s += (dp.pts.u[i] - m[0]) ** 2 + (dp.pts.v[i] - m[1]) ** 2
  const variance = Math.max(1e-6, s / (2 * all.length))
  const side = Math.max(dep.box.x1 - dep.box.x0, dep.box.y1 - dep.box.y0)
  return {
    variance, length: side / 4, time: 12, noise: 0.1 * variance,
    psiVariance: variance / 2, psiLength: side / 6, phiVariance: variance / 4, phiLength: side / 6,
    meanVariance: variance / 2, meanTime: 48, inertialVariance: variance / 4, inertialTime: 48, eddyTime: 12
  }
}

/** Fit `kind` by marginal likelihood on blocks of all drifters (the same protocol for every kernel method). */
export function fitDeploymentKernel(kind: KernelKind, dep: Deployment, dp: DeploymentPoints, iterations?: number, signal?: AbortSignal): { kernel: VelocityKernel; mean: [number, number] } {
  const all = dep.ids.map((_, d) => d)
  const L = Math.min(dep.nT, FIT.blockSamples)
  const starts = Array.from({ length: FIT.blocks }, (_, b) => Math.round((b * (dep.nT - L)) / Math.max(1, FIT.blocks - 1)))
  const blocks = [...new Set(starts)].map((k0) => pointsIn(dep, dp, all, k0, k0 + L, FIT.maxPoints)).filter((b) => b.length > 0)
  const mean = meanOf(dp.pts, Int32Array.from({ length: dp.pts.x.length }, (_, i) => i))
  const fixed = { coriolis: coriolisPerHour(dep.projection.centre.lat) }
  return { kernel: fitKernel(kind, dp.pts, blocks, mean, startingParams(dep, dp), iterations ?? FIT.iterationsPerParam * KERNEL_PARAMS[kind].length, fixed, signal), mean }
}

/** Longest time scale of a kernel, hours (sets the prediction halo). */
function timeScale(k: VelocityKernel): number {
  return Math.max(...['time', 'meanTime', 'inertialTime', 'eddyTime'].map((n) => k.params[n] ?? 0))
}

/** Leave-one-drifter-out prediction with a fitted kernel: each block of targets from the others' nearby samples. */
export function kernelPredictor(dep: Deployment, dp: DeploymentPoints, kernel: VelocityKernel, signal?: AbortSignal): LodoPredictor {
  const stepH = dep.step / 3600
  const halo = Math.min(PREDICT.maxHalo, Math.ceil((2 * timeScale(kernel)) / stepH))
  return (d, ks) => {
    const u = new Float64Array(ks.length)
    const v = new Float64Array(ks.length)
    const rest = dep.ids.map((_, o) => o).filter((o) => o !== d)
    const restAll = pointsIn(dep, dp, rest, 0, dep.nT, Infinity)
    const mean = meanOf(dp.pts, restAll)
    for (let b = 0; b < ks.length; ) {
      if (signal) throwIfCancelled(signal)
      const k0 = ks[b]
      let e = b
      while (e < ks.length && ks[e] < k0 + PREDICT.blockSamples) e++
      const obs = pointsIn(dep, dp, rest, k0 - halo, k0 + PREDICT.blockSamples + halo, PREDICT.maxPoints)
      const tk = ks.subarray(b, e)
      const targets = {
        x: Float64Array.from(tk, (k) => dep.x[d * dep.nT + k]),
        y: Float64Array.from(tk, (k) => dep.y[d * dep.nT + k]),
        t: Float64Array.from(tk, (k) => (dep.times[k] - dep.times[0]) / 3600)
      }
      const p = predict(kernel, dp.pts, obs, mean, targets)
      u.set(p.u, b)
      v.set(p.v, b)
      b = e
    }
    return { u, v }
  }
}

export { makeKernel }
