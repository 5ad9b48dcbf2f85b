/** Simulation configuration (flow engine): schema, defaults and summary types. Pure: zod only. */
import { z } from 'zod'
import { Seed } from './limits'
import { PAPER } from './constants'
import { PhysicalScales } from './physical-units'

export const FlowKind = z.enum(['fourier', 'vortex'])
export type FlowKind = z.infer<typeof FlowKind>
export const FLOW_LABELS: Record<FlowKind, string> = { fourier: 'Fourier stream function', vortex: 'point vortices' }

/** The paper's time-dependent Fourier stream function on the periodic unit square (arXiv 2505.24134 §6.3). */
export const FourierOptions = z.object({
  /** Side m of the m×m wavenumber block (kx ∈ centred m values, ky ∈ 1..m): K = m² modes. */
  modesPerSide: z.number().int().min(1).max(32).default(PAPER.modesPerSide),
  /** Spectral slope α: Var ψ_k ∝ (|k|² + τ²)^(−α), |k| in integer wavenumbers. */
  spectralSlope: z.number().min(0).max(10).default(2),
  /** Spectral offset τ (integer wavenumber units). */
  spectralOffset: z.number().min(0).default(1),
  /** Expected root-mean-square speed of the flow, domain lengths per time unit (sets the amplitude). */
  rmsSpeed: z.number().positive().default(4),
  /** Frequencies ω_k are drawn uniformly in [−maxFrequency, maxFrequency] (radians per time unit), once per data set. */
  maxFrequency: z.number().min(0).default(20 * Math.PI)
})
export type FourierOptions = z.infer<typeof FourierOptions>

/** Point vortices in the plane (Kuznetsov, Ide & Jones 2003). */
export const VortexOptions = z.object({
  /** Number of vortices N_F. */
  vortices: z.number().int().min(1).max(64).default(2),
  /** Mean circulation Γ (area per time unit); Γ > 0 turns counter-clockwise. */
  circulation: z.number().default(2 * Math.PI),
  /** Relative spread: Γ_i = circulation · (1 + spread · U(−1, 1)). */
  circulationSpread: z.number().min(0).max(1).default(0.5),
  /** Give each vortex a random sign (otherwise all share the sign of `circulation`). */
  mixedSigns: z.boolean().default(false),
  /** Initial vortex positions are uniform in the disc of this radius around the origin. */
  placementRadius: z.number().positive().default(1),
  /** Minimum distance between initial vortices and from any tracer start. */
  minSeparation: z.number().min(0).default(0.25),
  /** Std of the Euler–Maruyama forcing on each vortex coordinate, per √time unit ("noisy truth"); 0 = deterministic. */
  systemNoise: z.number().min(0).default(0)
})
export type VortexOptions = z.infer<typeof VortexOptions>

const SimulationFields = z.object({
  flow: FlowKind.default('fourier'),
  pairs: z.number().int().min(1).max(1_000_000).default(1024),
  seed: Seed.default(1),
  tracers: z.number().int().min(1).max(1000).default(1),
  /** Integration steps, step and record interval; omitted → the flow's own defaults (FLOW_DEFAULTS). */
  steps: z.number().int().min(1).optional(),
  dt: z.number().positive().optional(),
  recordEvery: z.number().int().min(1).optional(),
  /** Std of Gaussian noise added to recorded positions, in domain units. */
  noise: z.number().min(0).default(0),
  integrator: z.enum(['rk4', 'dopri5']).default('rk4'),
  /** Dormand–Prince error control (relative and absolute tolerance on positions). */
  rtol: z.number().positive().default(1e-8),
  atol: z.number().positive().default(1e-10),
  /** Tracer start positions (domain units), one per tracer; omitted → `startCentre` plus a ring of radius `startRadius`. */
  starts: z.array(z.tuple([z.number(), z.number()])).optional(),
  startCentre: z.tuple([z.number(), z.number()]).optional(),
  startRadius: z.number().min(0).default(0.1),
  /** Fractions of pairs for validation and test; the rest trains. */
  validationFraction: z.number().min(0).max(0.5).default(0.1),
  testFraction: z.number().min(0).max(0.5).default(0.1),
  fourier: FourierOptions.prefault({}),
  vortex: VortexOptions.prefault({}),
  /** Physical units (km per domain unit, days per time unit) for views and exports; omitted → nondimensional. */
  scales: PhysicalScales.optional()
})

/** The simulation configuration; time stepping and the start centre not given take the flow's defaults. */
export const SimulationConfig = SimulationFields.transform((c) => {
  const d = FLOW_DEFAULTS[c.flow]
  return {
    ...c,
    steps: c.steps ?? d.steps,
    dt: c.dt ?? d.dt,
    recordEvery: c.recordEvery ?? d.recordEvery,
    startCentre: c.startCentre ?? d.startCentre
  }
})
export type SimulationConfig = z.output<typeof SimulationConfig>
export type SimulationConfigInput = z.input<typeof SimulationConfig>

/**
 * Time stepping that suits each flow when the user gives none: the Fourier flow uses the paper's
 * dt = 1e-5 × 10,000 steps (T = 0.1, 1000 records); point vortices of Γ ≈ 2π a unit apart turn once in
 * about π time units, so they run T = 10 with dt = 1e-3 and 100 records.
 */
export const FLOW_DEFAULTS: Record<FlowKind, { dt: number; steps: number; recordEvery: number; startCentre: [number, number] }> = {
  fourier: { dt: PAPER.dt, steps: PAPER.steps, recordEvery: PAPER.recordEvery, startCentre: [PAPER.start[0], PAPER.start[1]] },
  vortex: { dt: 1e-3, steps: 10_000, recordEvery: 100, startCentre: [0.75, 0.75] }
}

/** What the UI and CLI show about a data set on disk. */
export interface DatasetSummary {
  path: string
  flow: FlowKind
  pairs: number
  tracers: number
  times: number
  paramDim: number
  split: { train: number; validation: number; test: number }
  seed: number
  createdAt: string
  /** Physical scales of the simulation, when it has them. */
  scales?: PhysicalScales
}
