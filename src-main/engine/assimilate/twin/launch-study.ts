/**
 * Launch-location sensitivity near separatrices (KIJ 2003 §5): one true two-vortex flow, one drifter launched from
 * points on a line that starts at the vortex pair's centre — a saddle of the flow in the frame co-rotating with the
 * pair, so on the separatrix — and runs outwards along the pair's perpendicular bisector, through the region of orbits
 * around both vortices and beyond. Each launch gets its own noisy observations (σ of the twin) of the same flow and is
 * scored for the augmented-state EnKF, ES-MDA (when given) and the MCMC reference like a table row: velocity RMSE over the domain and near
 * the path, re-advected tracer RMSE, 90 % coverage. A launch closer than the separation rule to a vortex is skipped.
 */
import type { LaunchPoint } from '../../../shared/twin'
import { SimulationConfig } from '../../../shared/simulation'
import { defaultGrid } from '../../flows/field'
import { Rng } from '../../flows/rng'
import { simulateDataset } from '../../flows/simulate'
import { throwIfCancelled } from '../../jobs/job'
import { frameTimes } from '../bank-fields'
import { flowPrior, simulatorParams } from '../posterior'
import { enkf, type EnkfOptions } from './enkf'
import { esmda, type EsmdaOptions } from './esmda'
import { chooseCoarsening, forwardModel, segmentModel } from './forward'
import { mcmcReference, priorDraws } from './reference'
import { fieldsOfDraws, nearPathMask, scoreEnsemble } from './score'
import type { TwinSpec } from './twins'

export interface LaunchStudyOptions {
  /** Distances from the pair's centre along the bisector (domain lengths). */
  distances: number[]
  filter: Omit<EnkfOptions, 'seed'>
  /** ES-MDA settings (the twin's tuned ones); omitted → no ES-MDA per launch. */
  smoother?: Omit<EsmdaOptions, 'seed'>
  mcmc: { chains: number; steps: number; keep: number }
  seed: number
  signal?: AbortSignal
  log?: (line: string) => void
}

/** Launches on the bisector of the two vortices of `truth` (v = [x₁, y₁, x₂, y₂, Γ₁, Γ₂]). */
export function bisectorLaunches(truth: Float64Array, distances: number[]): [number, number][] {
  const cx = (truth[0] + truth[2]) / 2, cy = (truth[1] + truth[3]) / 2
  const dx = truth[2] - truth[0], dy = truth[3] - truth[1]
  const len = Math.hypot(dx, dy) || 1
  return distances.map((d) => [cx - (dy / len) * d, cy + (dx / len) * d])
}

/**
 * The study's true flow: the first of `pairs` (the twin's test pairs, in order) whose every launch keeps the
 * separation rule, so that the whole line from the saddle outwards is run (a vortex pair closer than twice the
 * separation puts the centre itself inside the rule). Undefined when none does.
 */
export function studyFlow(spec: TwinSpec, pairs: Iterable<number>, distances: number[]): { pair: number; truth: Float64Array } | undefined {
  for (const pair of pairs) {
    const truth = simulatorParams(spec.config, pair)
    const ok = bisectorLaunches(truth, distances).every((start) => flowPrior(SimulationConfig.parse({ ...spec.config, pairs: 2, starts: [start] })).admissible(truth))
    if (ok) return { pair, truth }
  }
  return undefined
}

export function launchStudy(spec: TwinSpec, truth: Float64Array, o: LaunchStudyOptions): LaunchPoint[] {
  const out: LaunchPoint[] = []
  for (const [k, start] of bisectorLaunches(truth, o.distances).entries()) {
    if (o.signal) throwIfCancelled(o.signal)
    const cfg = SimulationConfig.parse({ ...spec.config, pairs: 2, starts: [start] })
    const prior = flowPrior(cfg)
    const base = { launch: start, distance: o.distances[k] }
    if (!prior.admissible(truth)) {
      out.push({ ...base, skipped: 'within the separation rule of a vortex' })
      continue
    }
    const ds = simulateDataset(cfg)
    const fine = forwardModel({ ...cfg, noise: 0 }, 1)
    const len = fine.nTracers * fine.nTimes * 2
    const trueTracks = new Float64Array(len)
    fine.run(truth, 1, trueTracks)
    const rng = new Rng(o.seed, k, 0x1a7c)
    const observed = trueTracks.map((x) => x + cfg.noise * rng.normal())
    const grid = defaultGrid(ds, spec.grid), times = frameTimes(ds, spec.frames)
    const q = { truth: fieldsOfDraws(ds, truth, grid, times), trueTracks, near: nearPathMask(ds, grid, observed, spec.nearRadius) }
    const { coarsening } = chooseCoarsening(cfg, prior, 0.1 * cfg.noise)
    let t0 = performance.now()
    const members = priorDraws(prior, o.filter.members, o.seed + k)
    const filtered = enkf(prior, segmentModel(cfg, coarsening), members, observed, cfg.noise, { ...o.filter, seed: o.seed + k })
    const enkfSeconds = (performance.now() - t0) / 1000
    t0 = performance.now()
    const r = mcmcReference(cfg, observed, { ...o.mcmc, sampler: 'ridge', seed: o.seed + k, signal: o.signal })
    const mcmcSeconds = (performance.now() - t0) / 1000
    t0 = performance.now()
    const smoothed = o.smoother ? esmda(prior, forwardModel(cfg, coarsening), observed, cfg.noise, { ...o.smoother, seed: o.seed + k }) : undefined
    const esmdaSeconds = (performance.now() - t0) / 1000
    const pick = (s: ReturnType<typeof scoreEnsemble>) => ({ rmse: s.rmse, rmseNearTracers: s.rmseNearTracers, tracerRmse: s.tracerRmse, coverage90: s.coverage90, spreadSkill: s.spreadSkill })
    out.push({
      ...base,
      enkf: { ...pick(scoreEnsemble(ds, q, filtered, grid, times, fine)), seconds: enkfSeconds },
      mcmc: { ...pick(scoreEnsemble(ds, q, r.params, grid, times, fine)), seconds: mcmcSeconds },
      ...(smoothed ? { esmda: { ...pick(scoreEnsemble(ds, q, smoothed, grid, times, fine)), seconds: esmdaSeconds } } : {}),
      mcmcRhat: Math.max(r.diagnostics.maxRhat, r.diagnostics.rhatPotential),
      mcmcEss: r.diagnostics.minEss,
      ...(r.invariants ? { mcmcInvariantRhat: r.invariants.maxRhat } : {}),
      mcmcFinalMisfit: Math.max(...r.finalMisfit),
      halfN: r.halfN
    })
    o.log?.(`launch ${k + 1}/${o.distances.length} at (${start[0].toFixed(2)}, ${start[1].toFixed(2)}): EnKF tracer RMSE ${out[out.length - 1].enkf!.tracerRmse.toFixed(3)}, MCMC ${out[out.length - 1].mcmc!.tracerRmse.toFixed(3)} (R̂ ${out[out.length - 1].mcmcRhat!.toFixed(2)})`)
  }
  return out
}
