/**
 * The paper's time-dependent Fourier stream function on the periodic unit square (arXiv 2505.24134 §6.3):
 * ψ(x, t) = Re Σ_k ψ_k e^{iω_k t} e^{2πi k·x}, velocity w = J∇ψ = (∂ψ/∂y, −∂ψ/∂x). Wavenumbers, frequencies,
 * random coefficients, and the allocation-free velocity kernel shared by advection and grid evaluation.
 *
 * Wavenumber set: the m×m block kx ∈ {−⌊(m−1)/2⌋ … ⌈(m−1)/2⌉}, ky ∈ {1 … m} (m = 7: kx −3…3, ky 1…7, K = 49).
 * It lies in the half plane ky > 0, so the zero mode is excluded and no mode appears together with its mirror −k
 * (taking the real part already supplies −k). Modes are ordered ky-major: index j = (ky − 1)·m + (kx − kxMin).
 */
import type { FourierOptions, SimulationConfig } from '../../shared/simulation'
import { Rng, STREAM } from './rng'
import { fourierVelocity7 } from './fourier-kernel7'

const TWO_PI = 2 * Math.PI

/** Integer wavenumbers of the m×m block, ky-major; K = m². */
export function fourierWavenumbers(m: number): { kx: Float64Array; ky: Float64Array } {
  const kxMin = -Math.floor((m - 1) / 2)
  const kx = new Float64Array(m * m)
  const ky = new Float64Array(m * m)
  for (let r = 0; r < m; r++)
    for (let c = 0; c < m; c++) {
      kx[r * m + c] = kxMin + c
      ky[r * m + c] = r + 1
    }
  return { kx, ky }
}

/**
 * Data-set-wide constants: wavenumbers and the frequencies ω_k (radians per time unit), drawn once per data set
 * from the seed. They are not part of the potential v, so the potential → trajectory map is well defined.
 */
export function fourierConstants(cfg: SimulationConfig): Record<string, Float64Array> {
  const { kx, ky } = fourierWavenumbers(cfg.fourier.modesPerSide)
  const rng = new Rng(cfg.seed, 0, STREAM.constants)
  const omega = new Float64Array(kx.length)
  for (let j = 0; j < omega.length; j++) omega[j] = rng.between(-cfg.fourier.maxFrequency, cfg.fourier.maxFrequency)
  return { kx, ky, omega }
}

/**
 * Standard deviations σ_k of |ψ_k|: σ_k ∝ (|k|² + τ²)^(−α/2), scaled so the expected space-averaged speed² is
 * rmsSpeed² (E|w|² = Σ_k 2π²|k|² σ_k², since a mode of amplitude |ψ_k| has mean-square speed (2π|k|)²|ψ_k|²/2).
 */
export function fourierSigmas(opts: FourierOptions, kx: Float64Array, ky: Float64Array): Float64Array {
  const sigma = new Float64Array(kx.length)
  let energy = 0
  for (let j = 0; j < kx.length; j++) {
    const k2 = kx[j] * kx[j] + ky[j] * ky[j]
    sigma[j] = Math.pow(k2 + opts.spectralOffset * opts.spectralOffset, -opts.spectralSlope / 2)
    energy += 2 * Math.PI * Math.PI * k2 * sigma[j] * sigma[j]
  }
  const scale = opts.rmsSpeed / Math.sqrt(energy)
  for (let j = 0; j < kx.length; j++) sigma[j] *= scale
  return sigma
}

/** One pair's potential v = [Re ψ_1, Im ψ_1, …] (2K reals): ψ_k = σ_k (a + ib)/√2, a, b ~ N(0, 1). */
export function fourierParams(sigma: Float64Array, rng: Rng, out: Float64Array = new Float64Array(2 * sigma.length)): Float64Array {
  for (let j = 0; j < sigma.length; j++) {
    out[2 * j] = (sigma[j] * rng.normal()) / Math.SQRT2
    out[2 * j + 1] = (sigma[j] * rng.normal()) / Math.SQRT2
  }
  return out
}

/** Evaluators of one m×m block at a point, for time-rotated coefficients c_k = ψ_k e^{iω_k t} (cr, ci, ky-major). */
export interface FourierKernel {
  readonly m: number
  /**
   * Velocity (u, v) at (x, y) into out[0], out[1]. With P_k = c_k e^{2πi k·x}: ∂ψ/∂x = −2π Σ kx Im P_k and
   * ∂ψ/∂y = −2π Σ ky Im P_k, so u = −2π Σ ky Im P_k, v = 2π Σ kx Im P_k. Separable: per ky row
   * A = Σ_kx c e^{2πi kx x}, B = Σ_kx kx c e^{2πi kx x}; the per-axis powers come from angle recurrences.
   */
  velocity(x: number, y: number, cr: Float64Array, ci: Float64Array, out: Float64Array): void
  /** Stream function ψ into out[0] and vorticity ζ = ∂v/∂x − ∂u/∂y = −∇²ψ into out[1]. */
  scalars(x: number, y: number, cr: Float64Array, ci: Float64Array, out: Float64Array): void
}

/**
 * Build the kernel for an m×m block. A closure over its own scratch arrays: V8 keeps the hot loop on unboxed
 * doubles this way (measured ~2× faster than passing a scratch object). Not re-entrant: one per thread.
 */
export function createFourierKernel(m: number): FourierKernel {
  const kxMin = -Math.floor((m - 1) / 2)
  const z = -kxMin // index of kx = 0
  const exr = new Float64Array(m), exi = new Float64Array(m), eyr = new Float64Array(m), eyi = new Float64Array(m)

  /** Four trig calls, none per mode: e^{2πi kx x} by walking up from kx = 0 with (cx + i sx), down with its conjugate. */
  function fillPowers(x: number, y: number): void {
    const cx = Math.cos(TWO_PI * x), sx = Math.sin(TWO_PI * x)
    const cy = Math.cos(TWO_PI * y), sy = Math.sin(TWO_PI * y)
    exr[z] = 1
    exi[z] = 0
    for (let c = z + 1; c < m; c++) {
      exr[c] = exr[c - 1] * cx - exi[c - 1] * sx
      exi[c] = exr[c - 1] * sx + exi[c - 1] * cx
    }
    for (let c = z - 1; c >= 0; c--) {
      exr[c] = exr[c + 1] * cx + exi[c + 1] * sx
      exi[c] = exi[c + 1] * cx - exr[c + 1] * sx
    }
    eyr[0] = cy
    eyi[0] = sy
    for (let r = 1; r < m; r++) {
      eyr[r] = eyr[r - 1] * cy - eyi[r - 1] * sy
      eyi[r] = eyr[r - 1] * sy + eyi[r - 1] * cy
    }
  }

  function velocity(x: number, y: number, cr: Float64Array, ci: Float64Array, out: Float64Array): void {
    fillPowers(x, y)
    let u = 0, v = 0, j = 0
    for (let r = 0; r < m; r++) {
      let ar = 0, ai = 0, br = 0, bi = 0
      for (let c = 0; c < m; c++) {
        const a = cr[j], b = ci[j], er = exr[c], ei = exi[c]
        const pr = a * er - b * ei
        const pi = a * ei + b * er
        const k = c + kxMin
        ar += pr
        ai += pi
        br += k * pr
        bi += k * pi
        j++
      }
      u -= (r + 1) * (ar * eyi[r] + ai * eyr[r])
      v += br * eyi[r] + bi * eyr[r]
    }
    out[0] = TWO_PI * u
    out[1] = TWO_PI * v
  }

  function scalars(x: number, y: number, cr: Float64Array, ci: Float64Array, out: Float64Array): void {
    fillPowers(x, y)
    let psi = 0, zeta = 0, j = 0
    for (let r = 0; r < m; r++) {
      let ar = 0, ai = 0, qr = 0, qi = 0
      for (let c = 0; c < m; c++) {
        const a = cr[j], b = ci[j], er = exr[c], ei = exi[c]
        const pr = a * er - b * ei
        const pi = a * ei + b * er
        const k2 = (c + kxMin) * (c + kxMin)
        ar += pr
        ai += pi
        qr += k2 * pr
        qi += k2 * pi
        j++
      }
      const ky2 = (r + 1) * (r + 1)
      const re = ar * eyr[r] - ai * eyi[r]
      psi += re
      zeta += qr * eyr[r] - qi * eyi[r] + ky2 * re
    }
    out[0] = psi
    out[1] = 4 * Math.PI * Math.PI * zeta
  }

  // the paper's block has an unrolled velocity kernel; other sizes use the loop
  return { m, velocity: m === 7 ? fourierVelocity7 : velocity, scalars }
}

/** c_k = ψ_k e^{iω_k t} for one pair's potential `params` (2K reals). */
export function rotateCoefficients(params: Float64Array, omega: Float64Array, t: number, cr: Float64Array, ci: Float64Array): void {
  for (let j = 0; j < omega.length; j++) {
    const c = Math.cos(omega[j] * t), s = Math.sin(omega[j] * t)
    const pr = params[2 * j], pi = params[2 * j + 1]
    cr[j] = pr * c - pi * s
    ci[j] = pr * s + pi * c
  }
}

/** m from K = m² (throws when K is not a perfect square). */
export function modesPerSideOf(K: number): number {
  const m = Math.round(Math.sqrt(K))
  if (m * m !== K) throw new Error(`Fourier flow: ${K} modes is not an m×m block`)
  return m
}
