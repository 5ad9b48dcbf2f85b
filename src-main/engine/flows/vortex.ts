/**
 * Point vortices in the plane (Kuznetsov, Ide & Jones 2003) with passive tracers. Complex form: the velocity induced
 * at z by vortices z_j of circulation Γ_j is  u − iv = (1 / 2πi) Σ_j Γ_j / (z − z_j),  i.e.
 * u = −Σ Γ_j (y − y_j) / (2π r²), v = Σ Γ_j (x − x_j) / (2π r²): Γ > 0 turns counter-clockwise. Stream function
 * (w = (∂ψ/∂y, −∂ψ/∂x)): ψ = −Σ Γ_j ln r_j / 2π. A vortex feels all the others, never itself.
 *
 * State layout for integration: [x_1, y_1, …, x_N, y_N (vortices), ξ_1, η_1, … (tracers)].
 * Potential v = [x_1, y_1, …, x_N, y_N, Γ_1, …, Γ_N] (3N reals): the initial vortex positions and circulations.
 */
import type { SimulationConfig, VortexOptions } from '../../shared/simulation'
import type { Derivative } from '../integrate/system'
import { Rng } from './rng'

const TWO_PI = 2 * Math.PI

/**
 * Draw one pair's vortices: positions uniform in the disc of radius `placementRadius` around the origin, at least
 * `minSeparation` from each other and from every tracer start (rejection sampling, deterministic per stream);
 * Γ_i = circulation · (1 + spread · U(−1, 1)), with a random sign when `mixedSigns`.
 */
export function vortexParams(opts: VortexOptions, starts: Float64Array, rng: Rng): Float64Array {
  const n = opts.vortices
  const v = new Float64Array(3 * n)
  const R = opts.placementRadius
  for (let i = 0; i < n; i++) {
    let x: number, y: number
    for (let attempt = 0; ; attempt++) {
      const r = R * Math.sqrt(rng.uniform())
      const a = TWO_PI * rng.uniform()
      x = r * Math.cos(a)
      y = r * Math.sin(a)
      // after many failures accept anyway: a crowded configuration is the user's choice, not an infinite loop
      if (attempt > 10_000 || farFrom(x, y, v, i, starts, opts.minSeparation)) break
    }
    v[2 * i] = x
    v[2 * i + 1] = y
  }
  for (let i = 0; i < n; i++) {
    const sign = opts.mixedSigns && rng.uniform() < 0.5 ? -1 : 1
    v[2 * n + i] = sign * opts.circulation * (1 + opts.circulationSpread * rng.between(-1, 1))
  }
  return v
}

function farFrom(x: number, y: number, v: Float64Array, placed: number, starts: Float64Array, d: number): boolean {
  const d2 = d * d
  for (let j = 0; j < placed; j++) if ((x - v[2 * j]) ** 2 + (y - v[2 * j + 1]) ** 2 < d2) return false
  for (let j = 0; j < starts.length / 2; j++) if ((x - starts[2 * j]) ** 2 + (y - starts[2 * j + 1]) ** 2 < d2) return false
  return true
}

/** The vortex + tracer ODE for circulations `gamma` (the first 2·gamma.length state entries are vortices). */
export function vortexDerivative(gamma: Float64Array): Derivative {
  const n = gamma.length
  return (_t, s, ds) => vortexVelocities(s, gamma, n, ds)
}

/** Every point of `s` (vortex or tracer) moved by every one of the first `n` vortices other than itself. */
export function vortexVelocities(s: Float64Array, gamma: Float64Array, n: number, ds: Float64Array): void {
  const total = s.length / 2
  for (let p = 0; p < total; p++) {
    const x = s[2 * p], y = s[2 * p + 1]
    let u = 0, v = 0
    for (let j = 0; j < n; j++) {
      if (j === p) continue
      const dx = x - s[2 * j], dy = y - s[2 * j + 1]
      const g = gamma[j] / (TWO_PI * (dx * dx + dy * dy))
      u -= g * dy
      v += g * dx
    }
    ds[2 * p] = u
    ds[2 * p + 1] = v
  }
}

/** Velocity at (x, y) induced by vortices at `pos` (N×2); a point exactly on a vortex gets nothing from it. */
export function vortexVelocity(x: number, y: number, pos: Float64Array, gamma: Float64Array, out: Float64Array): void {
  let u = 0, v = 0
  for (let j = 0; j < gamma.length; j++) {
    const dx = x - pos[2 * j], dy = y - pos[2 * j + 1]
    const r2 = dx * dx + dy * dy
    if (r2 === 0) continue
    const g = gamma[j] / (TWO_PI * r2)
    u -= g * dy
    v += g * dx
  }
  out[0] = u
  out[1] = v
}

/** Stream function ψ = −Σ Γ_j ln r_j / 2π at (x, y); r is floored at `core` so the value stays finite on a vortex. */
export function vortexStreamFunction(x: number, y: number, pos: Float64Array, gamma: Float64Array, core = 1e-6): number {
  let psi = 0
  for (let j = 0; j < gamma.length; j++) {
    const r2 = Math.max((x - pos[2 * j]) ** 2 + (y - pos[2 * j + 1]) ** 2, core * core)
    psi -= (gamma[j] * Math.log(r2)) / (2 * TWO_PI)
  }
  return psi
}

/** Kirchhoff–Routh Hamiltonian H = −(1/4π) Σ_{i<j} Γ_i Γ_j ln r_ij² (conserved). */
export function vortexHamiltonian(pos: Float64Array, gamma: Float64Array): number {
  let h = 0
  for (let i = 0; i < gamma.length; i++)
    for (let j = i + 1; j < gamma.length; j++)
      h -= (gamma[i] * gamma[j] * Math.log((pos[2 * i] - pos[2 * j]) ** 2 + (pos[2 * i + 1] - pos[2 * j + 1]) ** 2)) / (4 * Math.PI)
  return h
}

/** Linear impulse (Σ Γ_i x_i, Σ Γ_i y_i) and angular impulse Σ Γ_i |z_i|² (conserved). */
export function vortexImpulses(pos: Float64Array, gamma: Float64Array): { px: number; py: number; angular: number } {
  let px = 0, py = 0, angular = 0
  for (let i = 0; i < gamma.length; i++) {
    const x = pos[2 * i], y = pos[2 * i + 1]
    px += gamma[i] * x
    py += gamma[i] * y
    angular += gamma[i] * (x * x + y * y)
  }
  return { px, py, angular }
}

/** The domain shown and stored for a vortex data set: the placement disc plus one unit of margin. */
export function vortexDomain(cfg: SimulationConfig): { x0: number; x1: number; y0: number; y1: number } {
  const L = cfg.vortex.placementRadius + 1
  return { x0: -L, x1: L, y0: -L, y1: L }
}
