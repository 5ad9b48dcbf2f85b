/**
 * The tangent-linear model of the point-vortex + tracer RK4 (flows/vortex-rk4.ts): the recorded tracer positions
 * and their exact derivatives with respect to v = [x₁, y₁, …, Γ₁, …] (the initial vortex positions and the
 * circulations) — the derivative of the discrete RK4 map itself, so it agrees with finite differences of the
 * likelihood's own forward model up to their truncation error (tested), not merely with the ODE's sensitivity.
 * One run carries the 3n sensitivity columns through every stage (forward mode), which costs about as much as
 * four plain runs where forward differences cost 3n + 1 (a Gauss–Newton fit's inner loop).
 *
 * With c = Γ_j/2π, d = z_p − z_j and r² = |d|², point p moves with u = −c d_y/r², v = c d_x/r², so
 * ∂(u, v)/∂d = (c/r⁴) [[2d_x d_y, −(d_x² − d_y²)], [−(d_x² − d_y²), −2d_x d_y]] and ∂(u, v)/∂Γ_j = (−d_y, d_x)/(2π r²).
 */
import { vortexVelocities } from './vortex'

const TWO_PI = 2 * Math.PI

export class VortexTangentRk4 {
  private readonly y: Float64Array
  private readonly tmp: Float64Array
  private readonly k: Float64Array[]
  /** Sensitivities ∂state/∂v, row-major (state × 3n), and the stage copies. */
  private readonly S: Float64Array
  private readonly T: Float64Array
  private readonly D: Float64Array[]
  readonly paramDim: number

  constructor(
    readonly n: number,
    readonly tracers: number
  ) {
    const size = 2 * (n + tracers)
    this.paramDim = 3 * n
    this.y = new Float64Array(size)
    this.tmp = new Float64Array(size)
    this.k = Array.from({ length: 4 }, () => new Float64Array(size))
    this.S = new Float64Array(size * this.paramDim)
    this.T = new Float64Array(size * this.paramDim)
    this.D = Array.from({ length: 4 }, () => new Float64Array(size * this.paramDim))
  }

  /** dK = ∂f/∂state · S + ∂f/∂Γ at state s (the first n points are the vortices). */
  private tangent(s: Float64Array, S: Float64Array, gamma: Float64Array, dK: Float64Array): void {
    const n = this.n, P = this.paramDim, total = s.length / 2
    dK.fill(0)
    for (let p = 0; p < total; p++) {
      const x = s[2 * p], y = s[2 * p + 1], up = 2 * p * P, vp = up + P
      for (let j = 0; j < n; j++) {
        if (j === p) continue
        const dx = x - s[2 * j], dy = y - s[2 * j + 1]
        const r2 = dx * dx + dy * dy
        const c = gamma[j] / TWO_PI, r4 = r2 * r2
        const a = (2 * c * dx * dy) / r4, q = (c * (dx * dx - dy * dy)) / r4
        const uj = 2 * j * P, vj = uj + P
        for (let col = 0; col < P; col++) {
          const ddx = S[up + col] - S[uj + col], ddy = S[vp + col] - S[vj + col]
          dK[up + col] += a * ddx - q * ddy
          dK[vp + col] -= q * ddx + a * ddy
        }
        dK[up + 2 * n + j] -= dy / (TWO_PI * r2)
        dK[vp + 2 * n + j] += dx / (TWO_PI * r2)
      }
    }
  }

  /**
   * Tracks of v from tracer `starts` (as VortexRk4.run: `steps` RK4 steps of `dt`, recorded every `perRecord`,
   * tracer-major into `tracks`) and their Jacobian into `jac`, row-major (tracks.length × 3n). `records` (default
   * all) stops early, as VortexRk4's does: the later entries are left as they were.
   */
  run(v: Float64Array, starts: Float64Array, dt: number, steps: number, perRecord: number, tracks: Float64Array, jac: Float64Array, records = Math.floor(steps / perRecord)): void {
    const { n, y, tmp, S, T, paramDim: P } = this
    const [k1, k2, k3, k4] = this.k, [D1, D2, D3, D4] = this.D
    const size = y.length, m = size * P
    const nTimes = Math.floor(steps / perRecord)
    for (let i = 0; i < 2 * n; i++) y[i] = v[i]
    y.set(starts, 2 * n)
    S.fill(0)
    for (let i = 0; i < 2 * n; i++) S[i * P + i] = 1
    const gamma = v.subarray(2 * n, 3 * n)
    const h2 = dt / 2, h6 = dt / 6
    const last = Math.min(steps, records * perRecord)
    for (let s = 1; s <= last; s++) {
      // the same state operations as VortexRk4 (so the same tracks), each stage's sensitivities beside it
      vortexVelocities(y, gamma, n, k1)
      this.tangent(y, S, gamma, D1)
      for (let i = 0; i < size; i++) tmp[i] = y[i] + h2 * k1[i]
      for (let i = 0; i < m; i++) T[i] = S[i] + h2 * D1[i]
      vortexVelocities(tmp, gamma, n, k2)
      this.tangent(tmp, T, gamma, D2)
      for (let i = 0; i < size; i++) tmp[i] = y[i] + h2 * k2[i]
      for (let i = 0; i < m; i++) T[i] = S[i] + h2 * D2[i]
      vortexVelocities(tmp, gamma, n, k3)
      this.tangent(tmp, T, gamma, D3)
      for (let i = 0; i < size; i++) tmp[i] = y[i] + dt * k3[i]
      for (let i = 0; i < m; i++) T[i] = S[i] + dt * D3[i]
      vortexVelocities(tmp, gamma, n, k4)
      this.tangent(tmp, T, gamma, D4)
      for (let i = 0; i < size; i++) y[i] += h6 * (k1[i] + 2 * k2[i] + 2 * k3[i] + k4[i])
      for (let i = 0; i < m; i++) S[i] += h6 * (D1[i] + 2 * D2[i] + 2 * D3[i] + D4[i])
      if (s % perRecord === 0) {
        const r = s / perRecord - 1
        for (let p = 0; p < this.tracers; p++) {
          const o = (p * nTimes + r) * 2, at = 2 * (n + p)
          tracks[o] = y[at]
          tracks[o + 1] = y[at + 1]
          jac.set(S.subarray(at * P, (at + 2) * P), o * P)
        }
      }
    }
  }
}
