/**
 * The simulator's flow prior μ_v, written once, from the simulation config — what every sampler of a flow
 * posterior moves on. pCN needs a Gaussian reference measure, so each prior is a Gaussian `latent` measure plus a
 * deterministic map to the data set's parameter layout v:
 *
 * - Fourier flow (arXiv 2505.24134 §6.3): the simulator draws Re ψ_k, Im ψ_k ~ N(0, σ_k²/2) independently
 *   (flows/fourier.ts), so μ_v is exactly the diagonal Gaussian N(0, diag σ_k²/2) and the map is the identity.
 * - Point vortices (KIJ 2003): positions uniform in the placement disc, circulations
 *   Γ (1 + spread·U(−1, 1)) with an optional random sign — not Gaussian. The latent is N(0, I) and the map is
 *   a transform whose image is exactly the simulator's independent uniform draws: each position from a 2-D latent
 *   (ξ₁, ξ₂) by the radial map r = R √(1 − exp(−|ξ|²/2)) (|ξ|² ~ χ²₂, so r²/R² is uniform) along the direction of ξ
 *   (uniform angle); circulation from Φ(ξ₃), sign from Φ(ξ₄) < ½. The radial map is smooth and one-to-one, so a
 *   sampler moving ξ never meets a seam (an angle latent through 2πΦ(ξ) would put angle 0 at ξ = ±∞, splitting any
 *   posterior mode there in two). The simulator's minimum separation (between
 *   vortices and from tracer starts) enters as the support: `admissible` is false outside it, and a sampler
 *   gives such states zero likelihood. (The simulator places vortices one after the other with rejection, which
 *   differs from the uniform law restricted to that support by a factor of the free area seen by each later
 *   vortex; with the default separation 0.25 in a unit disc that factor varies by a few per cent.)
 *
 * `simulatorParams` draws exactly the bytes the simulator draws for a pair (same seed → same v).
 */
import type { FlowKind, SimulationConfig } from '../../../shared/simulation'
import { fourierConstants, fourierParams, fourierSigmas } from '../../flows/fourier'
import { tracerStarts } from '../../flows/plan'
import { Rng, STREAM } from '../../flows/rng'
import { vortexParams } from '../../flows/vortex'
import { diagonalGaussian, type GaussianPrior } from './gaussian'
import { normalCdf, normalQuantile } from './normal'

export interface FlowPrior {
  readonly flow: FlowKind
  /** Length of v (2K Fourier coefficients, or 3N vortex positions then circulations). */
  readonly paramDim: number
  /** The Gaussian reference measure of the latent coordinates ξ that pCN moves. */
  readonly latent: GaussianPrior
  /** v = T(ξ). */
  toParams(latent: Float64Array, out: Float64Array): void
  /** ξ = T⁻¹(v) (a v outside the prior's range is clamped onto it). */
  toLatent(params: Float64Array, out: Float64Array): void
  /** Whether v lies in the prior's support (the vortex separation rule; always true for the Fourier flow). */
  admissible(params: Float64Array): boolean
  /** One line saying what the prior is. */
  readonly description: string
}

/** μ_v of a simulation config. */
export function flowPrior(cfg: SimulationConfig): FlowPrior {
  return cfg.flow === 'fourier' ? fourierPrior(cfg) : vortexPrior(cfg)
}

/** The potential the simulator draws for pair `index` of `cfg` (the same bytes as the data set's). */
export function simulatorParams(cfg: SimulationConfig, index: number): Float64Array {
  const rng = new Rng(cfg.seed, index, STREAM.params)
  if (cfg.flow === 'vortex') return vortexParams(cfg.vortex, tracerStarts(cfg), rng)
  const { kx, ky } = fourierConstants(cfg)
  return fourierParams(fourierSigmas(cfg.fourier, kx, ky), rng)
}

function fourierPrior(cfg: SimulationConfig): FlowPrior {
  const { kx, ky } = fourierConstants(cfg)
  const sigma = fourierSigmas(cfg.fourier, kx, ky)
  const std = new Float64Array(2 * sigma.length)
  for (let j = 0; j < sigma.length; j++) std[2 * j] = std[2 * j + 1] = sigma[j] / Math.SQRT2
  return {
    flow: 'fourier',
    paramDim: std.length,
    latent: diagonalGaussian(new Float64Array(std.length), std),
    toParams: (l, out) => out.set(l.subarray(0, std.length)),
    toLatent: (v, out) => out.set(v.subarray(0, std.length)),
    admissible: () => true,
    description: `Fourier flow prior: ${sigma.length} modes, Re/Im ψ_k ~ N(0, σ_k²/2) independent, rms speed ${cfg.fourier.rmsSpeed}`
  }
}

/** Keep Φ(ξ) strictly inside (0, 1) when inverting boundary values. */
const EDGE = 1e-12
const clampUnit = (p: number): number => Math.min(1 - EDGE, Math.max(EDGE, p))

function vortexPrior(cfg: SimulationConfig): FlowPrior {
  const o = cfg.vortex
  const n = o.vortices
  const starts = tracerStarts(cfg)
  const R = o.placementRadius
  const latentDim = (o.mixedSigns ? 4 : 3) * n
  // latent layout: [ξ_x, ξ_y] per vortex, then ξ_Γ per vortex, then (mixed signs) ξ_sign per vortex
  return {
    flow: 'vortex',
    paramDim: 3 * n,
    latent: diagonalGaussian(new Float64Array(latentDim), new Float64Array(latentDim).fill(1)),
    toParams(l, out) {
      for (let i = 0; i < n; i++) {
        const rho = Math.hypot(l[2 * i], l[2 * i + 1])
        const scale = rho > 0 ? (R * Math.sqrt(-Math.expm1(-0.5 * rho * rho))) / rho : 0
        out[2 * i] = scale * l[2 * i]
        out[2 * i + 1] = scale * l[2 * i + 1]
        const sign = o.mixedSigns && normalCdf(l[3 * n + i]) < 0.5 ? -1 : 1
        out[2 * n + i] = sign * o.circulation * (1 + o.circulationSpread * (2 * normalCdf(l[2 * n + i]) - 1))
      }
    },
    toLatent(v, out) {
      for (let i = 0; i < n; i++) {
        const x = v[2 * i], y = v[2 * i + 1]
        const r = Math.hypot(x, y)
        const rho = Math.sqrt(-2 * Math.log1p(-clampUnit((r * r) / (R * R))))
        out[2 * i] = r > 0 ? (rho * x) / r : 0
        out[2 * i + 1] = r > 0 ? (rho * y) / r : 0
        const g = v[2 * n + i]
        const magnitude = o.circulation === 0 ? 1 : Math.abs(g / o.circulation)
        const u = o.circulationSpread > 0 ? (magnitude - 1) / o.circulationSpread : 0
        out[2 * n + i] = normalQuantile(clampUnit((u + 1) / 2))
        if (o.mixedSigns) out[3 * n + i] = Math.sign(g) === Math.sign(o.circulation) ? 0.6744897501960817 : -0.6744897501960817
      }
    },
    admissible(v) {
      const d2 = o.minSeparation * o.minSeparation
      for (let i = 0; i < n; i++) {
        const x = v[2 * i], y = v[2 * i + 1]
        for (let j = 0; j < i; j++) if ((x - v[2 * j]) ** 2 + (y - v[2 * j + 1]) ** 2 < d2) return false
        for (let k = 0; k < starts.length / 2; k++) if ((x - starts[2 * k]) ** 2 + (y - starts[2 * k + 1]) ** 2 < d2) return false
      }
      return true
    },
    description:
      `point-vortex prior: ${n} vortices uniform in the disc of radius ${R} (≥ ${o.minSeparation} apart and from tracer starts), ` +
      `Γ = ${o.circulation.toFixed(3)}·(1 + ${o.circulationSpread}·U(−1, 1))${o.mixedSigns ? ' with random signs' : ''}; pCN moves an N(0, I) latent through a radial map and the inverse CDF`
  }
}
