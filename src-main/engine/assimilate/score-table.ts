/**
 * Pools per-query scores into one RMSE table row per method: root of the mean squared error over all
 * queries, cells and frames (so every query weighs the same), relative to the truth's pooled RMS.
 */
import { methodName, type RmseMethod, type RmseRow } from '../../shared/assimilation'
import { streamFunctionRmse, velocityRms, velocityRmse, type Scored } from './metrics'
import type { GridFrames } from './grid-frames'

interface Sums {
  method: RmseMethod
  n: number
  velocity: number
  truth: number
  psi: number
  tracer: number
  tracerN: number
  ess: number
  essN: number
  perFrame: Float64Array
  /** Per query, in the order added. */
  queries: { velocity: number[]; truth: number[]; psi: number[]; tracer: number[] }
}

/**
 * One query's contribution to a method's row (squared errors, what `RmseTable` sums): computable in any thread and
 * added in query order, so a table pooled from workers has the same bits as one filled in one thread.
 */
export interface QueryScore { velocity: number; truth: number; psi: number; perFrame: number[]; tracer?: number; ess?: number }

/** The score of one reconstruction against its truth; `tracer` from advecting the observed starts. */
export function queryScore(truth: GridFrames, recon: GridFrames, tracer?: Scored, ess?: number): QueryScore {
  const vel = velocityRmse(truth, recon)
  return {
    velocity: vel.overall ** 2,
    truth: velocityRms(truth).overall ** 2,
    psi: streamFunctionRmse(truth, recon).overall ** 2,
    perFrame: Array.from(vel.perFrame, (e) => e * e),
    ...(tracer ? { tracer: tracer.overall ** 2 } : {}),
    ...(ess !== undefined ? { ess } : {})
  }
}

/** Each query's scores, method by method (in the order the methods appear in the table). */
export type QueryRows = [method: RmseMethod, score: QueryScore][]

export class RmseTable {
  private readonly rows = new Map<string, Sums>()

  /** Add one query's reconstruction by `method` against its truth; `tracer` from advecting the observed starts. */
  add(method: RmseMethod, truth: GridFrames, recon: GridFrames, tracer?: Scored, ess?: number): void {
    this.addScore(method, queryScore(truth, recon, tracer, ess))
  }

  /** Add one query's precomputed score. */
  addScore(method: RmseMethod, q: QueryScore): void {
    const sums = this.rowFor(method, q.perFrame.length)
    sums.n++
    sums.velocity += q.velocity
    sums.truth += q.truth
    sums.psi += q.psi
    sums.queries.velocity.push(q.velocity)
    sums.queries.truth.push(q.truth)
    sums.queries.psi.push(q.psi)
    if (q.tracer !== undefined) sums.queries.tracer.push(q.tracer)
    q.perFrame.forEach((e, f) => (sums.perFrame[f]! += e))
    if (q.tracer !== undefined) {
      sums.tracer += q.tracer
      sums.tracerN++
    }
    if (q.ess !== undefined) {
      sums.ess += q.ess
      sums.essN++
    }
  }

  /** Add every query's rows, query by query. */
  addAll(queries: QueryRows[]): this {
    for (const rows of queries) for (const [method, score] of rows) this.addScore(method, score)
    return this
  }

  /** One row per method, in the order methods were first added. */
  toRows(): RmseRow[] {
    return [...this.rows].map(([method, s]) => ({
      ...s.method,
      method,
      velocityRmse: Math.sqrt(s.velocity / s.n),
      relativeVelocityRmse: Math.sqrt(s.velocity / s.truth),
      tracerRmse: s.tracerN ? Math.sqrt(s.tracer / s.tracerN) : NaN,
      streamFunctionRmse: Math.sqrt(s.psi / s.n),
      ...(s.essN ? { ess: s.ess / s.essN } : {}),
      perFrameVelocityRmse: Array.from(s.perFrame, (e) => Math.sqrt(e / s.n)),
      perQuery: { ...s.queries, tracer: s.tracerN === s.n ? s.queries.tracer : undefined }
    }))
  }

  private rowFor(method: RmseMethod, frames: number): Sums {
    const name = methodName(method)
    let s = this.rows.get(name)
    if (!s) {
      s = { method, n: 0, velocity: 0, truth: 0, psi: 0, tracer: 0, tracerN: 0, ess: 0, essN: 0, perFrame: new Float64Array(frames), queries: { velocity: [], truth: [], psi: [], tracer: [] } }
      this.rows.set(name, s)
    }
    return s
  }
}
