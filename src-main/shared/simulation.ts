/** Simulation configuration (flow engine): schema, defaults and summary types. Pure: zod only. */
import { z } from 'zod'
import { PAPER } from './constants'

export const FlowKind = z.enum(['fourier', 'vortex'])
export type FlowKind = z.infer<typeof FlowKind>

export const SimulationConfig = z.object({
  flow: FlowKind.default('fourier'),
  pairs: z.number().int().min(1).max(1_000_000).default(1024),
  seed: z.number().int().min(0).default(1),
  tracers: z.number().int().min(1).max(1000).default(1),
  steps: z.number().int().min(1).default(PAPER.steps),
  dt: z.number().positive().default(PAPER.dt),
  recordEvery: z.number().int().min(1).default(PAPER.recordEvery),
  /** Std of Gaussian noise added to recorded positions, in domain units. */
  noise: z.number().min(0).default(0),
  integrator: z.enum(['rk4', 'dopri5']).default('rk4'),
  /** Fractions of pairs for validation and test; the rest trains. */
  validationFraction: z.number().min(0).max(0.5).default(0.1),
  testFraction: z.number().min(0).max(0.5).default(0.1)
})
export type SimulationConfig = z.infer<typeof SimulationConfig>
export type SimulationConfigInput = z.input<typeof SimulationConfig>

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
}
