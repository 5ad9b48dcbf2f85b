/** Vortex positions of one pair at any time: stored record-time tracks where available, deterministic RK4 in between. */
import type { PairedDataset } from '../data/dataset-types'
import { Rk4Work, rk4Step } from '../integrate/rk4'
import type { Derivative } from '../integrate/system'
import { vortexDerivative } from './vortex'

export class VortexClock {
  readonly gamma: Float64Array
  private readonly n: number
  private readonly f: Derivative
  private readonly work: Rk4Work
  private readonly state: Float64Array
  private time = 0

  constructor(
    private readonly ds: PairedDataset,
    private readonly pair: number,
    private readonly params: Float64Array
  ) {
    this.n = params.length / 3
    this.gamma = params.slice(2 * this.n)
    this.f = vortexDerivative(this.gamma)
    this.work = new Rk4Work(2 * this.n)
    this.state = params.slice(0, 2 * this.n)
  }

  /** Positions (N × 2) at time t ≥ 0; the returned array is reused by the next call. */
  positionsAt(t: number): Float64Array {
    const { ds, n } = this
    // latest known state at or before t: a stored record or t = 0 (the potential itself)
    let anchor = -1
    if (ds.vortexTracks) for (let r = 0; r < ds.nTimes && ds.times[r] <= t; r++) anchor = r
    const anchorT = anchor >= 0 ? ds.times[anchor] : 0
    if (!(this.time >= anchorT && this.time <= t)) {
      if (anchor >= 0) {
        const base = this.pair * n * ds.nTimes * 2
        for (let j = 0; j < n; j++) {
          this.state[2 * j] = ds.vortexTracks![base + (j * ds.nTimes + anchor) * 2]
          this.state[2 * j + 1] = ds.vortexTracks![base + (j * ds.nTimes + anchor) * 2 + 1]
        }
      } else this.state.set(this.params.subarray(0, 2 * n))
      this.time = anchorT
    }
    const dt = ds.config.dt
    while (t - this.time > 1e-12 * Math.max(1, t)) {
      const h = Math.min(dt, t - this.time)
      rk4Step(this.f, this.time, this.state, h, this.work)
      this.time += h
    }
    this.time = t
    return this.state
  }
}
