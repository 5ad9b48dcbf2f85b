/**
 * Pools per-query scores into one RMSE table row per method: root of the mean squared error over all
 * queries, cells and frames (so every query weighs the same), relative to the truth's pooled RMS.
 */
import type { RmseRow } from '../../shared/assimilation'
import { streamFunctionRmse, velocityRms, velocityRmse, type Scored } from './metrics'
import type { GridFrames } from './grid-frames'

interface Sums {
  n: number
  velocity: number
  truth: number
  psi: number
  tracer: number
  tracerN: number
  ess: number
  essN: number
  perFrame: Float64Array
}

export class RmseTable {
  private readonly rows = new Map<string, Sums>()

  /** Add one query's reconstruction by `method` against its truth; `tracer` from advecting the observed starts. */
  add(method: string, truth: GridFrames, recon: GridFrames, tracer?: Scored, ess?: number): void {
    const sums = this.rowFor(method, truth.frames)
    const vel = velocityRmse(truth, recon)
    sums.n++
    sums.velocity += vel.overall ** 2
    sums.truth += velocityRms(truth).overall ** 2
    sums.psi += streamFunctionRmse(truth, recon).overall ** 2
    vel.perFrame.forEach((e, f) => (sums.perFrame[f]! += e * e))
    if (tracer) {
      sums.tracer += tracer.overall ** 2
      sums.tracerN++
    }
    if (ess !== undefined) {
      sums.ess += ess
      sums.essN++
    }
  }

  /** One row per method, in the order methods were first added. */
  toRows(): RmseRow[] {
    return [...this.rows].map(([method, s]) => ({
      method,
      velocityRmse: Math.sqrt(s.velocity / s.n),
      relativeVelocityRmse: Math.sqrt(s.velocity / s.truth),
      tracerRmse: s.tracerN ? Math.sqrt(s.tracer / s.tracerN) : NaN,
      streamFunctionRmse: Math.sqrt(s.psi / s.n),
      ...(s.essN ? { ess: s.ess / s.essN } : {}),
      perFrameVelocityRmse: Array.from(s.perFrame, (e) => Math.sqrt(e / s.n))
    }))
  }

  private rowFor(method: string, frames: number): Sums {
    let s = this.rows.get(method)
    if (!s) {
      s = { n: 0, velocity: 0, truth: 0, psi: 0, tracer: 0, tracerN: 0, ess: 0, essN: 0, perFrame: new Float64Array(frames) }
      this.rows.set(method, s)
    }
    return s
  }
}
