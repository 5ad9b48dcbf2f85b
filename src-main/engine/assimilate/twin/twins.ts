/**
 * The twins of the benchmark, each written once: the demo's Fourier twin (resources/demo.json's simulation with
 * position noise σ = 0.005 domain lengths) and KIJ's point-vortex cases (N_F, N_D) = (2, 1) and (4, 2), the
 * (2, 1) case from two launch points to show the launch-location sensitivity KIJ report.
 */
import { readFileSync } from 'node:fs'
import { SimulationConfig, type SimulationConfigInput } from '../../../shared/simulation'
import { PAPER } from '../../../shared/constants'
import { DEMO_CONFIG_PATH } from '../demo'

export interface TwinSpec {
  name: string
  config: SimulationConfig
  /** Radius of the "near the tracers" cells (domain lengths). */
  nearRadius: number
  /** Comparison grid cells per side and frames. */
  grid: number
  frames: number
}

/** Fourier twin: the demo's configuration plus observation noise; `pairs` for training the contrastive variants. */
export function fourierTwins(pairs: number): TwinSpec[] {
  const demo = JSON.parse(readFileSync(DEMO_CONFIG_PATH, 'utf8')) as { simulation: SimulationConfigInput }
  const config = SimulationConfig.parse({ ...demo.simulation, pairs, noise: 0.005 })
  const m = config.fourier.modesPerSide
  return [{ name: `fourier ${m}×${m} modes, ${config.tracers} tracers, σ = ${config.noise}`, config, nearRadius: 0.1, grid: 16, frames: 6 }]
}

/**
 * The paper's Lagrangian twin (arXiv 2505.24134 §6.3; the simulator's Fourier defaults are the paper's): 7×7 modes,
 * one tracer from (0.75, 0.75), RK4 dt 1e-5 to T 0.1 recorded every 10 steps (1000 records), plus position noise
 * σ = 0.005 (the paper states none; a posterior needs some) and the demo's seed.
 */
export function paperFourierTwin(pairs: number): TwinSpec[] {
  const config = SimulationConfig.parse({ flow: 'fourier', pairs, seed: 7, tracers: 1, starts: [[PAPER.start[0], PAPER.start[1]]], noise: 0.005 })
  const m = config.fourier.modesPerSide
  return [{ name: `fourier ${m}×${m} modes, 1 tracer, ${config.steps / config.recordEvery} records, σ = ${config.noise} (the paper's)`, config, nearRadius: 0.1, grid: 16, frames: 6 }]
}

/**
 * Point-vortex twins after KIJ 2003: equal-sign vortices (Γ = 2π ± 50 %) in the unit disc, tracers observed every
 * 0.05 time units over T = 2 (about two thirds of a turn of a vortex pair) with σ = 0.02. Launch A is the flow's default start (0.75, 0.75); launch B starts the
 * single drifter at the disc's centre, among the vortices, where their separatrices pass.
 */
export function vortexTwins(pairs: number): TwinSpec[] {
  const base = { flow: 'vortex' as const, pairs, seed: 11, steps: 2000, dt: 1e-3, recordEvery: 50, noise: 0.02, startRadius: 0.3 }
  const twin = (name: string, vortices: number, tracers: number, starts?: [number, number][]): TwinSpec => ({
    name, nearRadius: 0.3, grid: 16, frames: 6,
    config: SimulationConfig.parse({ ...base, tracers, ...(starts ? { starts } : {}), vortex: { vortices } })
  })
  return [
    twin('vortex (2, 1), launch A (0.75, 0.75)', 2, 1),
    twin('vortex (2, 1), launch B (0, 0)', 2, 1, [[0, 0]]),
    twin('vortex (4, 2)', 4, 2)
  ]
}
