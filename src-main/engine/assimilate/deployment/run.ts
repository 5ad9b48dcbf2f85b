/**
 * The assimilation job of a real deployment: read the drifter file, build the deployment (window, step,
 * projection, box), land, fit the baselines' and the prior's hyperparameters, score every method leave-one-
 * drifter-out, and write the posterior field. Progress per phase; cancel between phases and drifters.
 */
import { readFile } from 'node:fs/promises'
import { basename } from 'node:path'
import type { AssimilationOptions, AssimilationResult, PriorEstimate, SkillMethod, SkillRow } from '../../../shared/deployment'
import { FIELD_DEFAULTS } from '../../../shared/limits'
import { readDrifterFile } from '../../data/drifters/read'
import { isoTime, parseDateTime } from '../../data/drifters/time'
import { throwIfCancelled, UserError, type JobContext } from '../../jobs/job'
import { buildDeployment, type Deployment } from './geometry'
import { deploymentPoints, fitDeploymentKernel, kernelPredictor } from './gp-lodo'
import type { VelocityKernel } from './gp'
import { landIndex, landMask, type LandIndex } from './land'
import { baselinePredictor, scoreMethod, skillCsv, verdict, type LodoPredictor } from './skill'
import { fieldGrid, frameSamples, type FieldGrid } from './field'
import { posteriorField } from './posterior-field'
import { writeFieldFile } from './field-netcdf'
import { writeFileAtomic } from '../../data/atomic'
import { flowBasis, velocityAt } from './prior'
import { GPS_ERROR_M, posteriorMeans, trainDeployment, type Sbi } from './sbi'
import { initBackend } from '../../learn/backend'

/** Random Fourier features per potential (ψ and φ) of the prior's finite basis. */
export const RANDOM_FEATURES = 24

/** Driftclip's leave-one-drifter-out predictor: the learned conditional's mean with the drifter masked out of the set. */
export function driftclipPredictor(dep: Deployment, sbi: Sbi, ctx?: JobContext): LodoPredictor {
  const ks = Int32Array.from({ length: dep.nT }, (_, k) => k)
  const { without } = posteriorMeans(dep, sbi, ks, true, ctx)
  const rows = new Float64Array(2 * sbi.basis.P)
  return (d, targets) => {
    const u = new Float64Array(targets.length)
    const v = new Float64Array(targets.length)
    targets.forEach((k, i) => {
      const w = velocityAt(sbi.basis, without[k][d], dep.x[d * dep.nT + k], dep.y[d * dep.nT + k], rows)
      u[i] = w[0]
      v[i] = w[1]
    })
    return { u, v }
  }
}

export interface AssimilationRequest {
  tracksPath: string
  outPath: string
  options: AssimilationOptions
  /** The command line (or GUI action) recorded in the file's history. */
  command?: string
}

export const METHOD_LABELS: Record<SkillMethod, string> = {
  zero: 'zero field',
  'mean-of-others': 'mean of the other drifters at the same time',
  nearest: 'nearest other drifter at the same time',
  'inverse-distance': 'inverse-squared-distance interpolation of the other drifters at the same time',
  gp: 'GP regression (independent SE on u and v in x, y, t; marginal-likelihood hyperparameters)',
  'helmholtz-gp': 'Helmholtz GP (SE GPs on ψ and φ, Berlinghieri et al. 2023; marginal-likelihood hyperparameters)',
  'prior-bayes': 'exact Bayes posterior under the fitted Driftclip prior (the information limit of that prior)',
  driftclip: 'Driftclip: learned conditional under the fitted prior (set encoder trained on simulated deployments)'
}

/** Run `phase`, recording its wall time. */
async function timed<T>(timings: Record<string, number>, phase: string, work: () => Promise<T> | T): Promise<T> {
  const t0 = performance.now()
  try {
    return await work()
  } finally {
    timings[phase] = +((performance.now() - t0) / 1000).toFixed(3)
  }
}

function parseOptionTime(file: string, text: string, which: string): number {
  const t = parseDateTime(text)
  if (!Number.isFinite(t)) throw new UserError(`${file}: the window ${which} "${text}" is not an ISO-8601 time; write e.g. 2023-04-25T00:00:00Z`)
  return t
}

/** Prior estimates shown to the user (from the fitted prior kernel). */
export function priorEstimates(k: VelocityKernel, mean: [number, number]): PriorEstimate[] {
  const p = k.params
  const how = 'maximum marginal likelihood of the prior kernel on the drifters’ finite-difference velocities'
  return [
    { name: 'mean flow east', value: mean[0], units: 'm/s', how: 'mean of all velocity samples in the window' },
    { name: 'mean flow north', value: mean[1], units: 'm/s', how: 'mean of all velocity samples in the window' },
    { name: 'mean-flow variability (std per component)', value: Math.sqrt(p.meanVariance), units: 'm/s', how },
    { name: 'mean-flow time scale', value: p.meanTime / 24, units: 'days', how },
    { name: 'inertial oscillation speed (std per component)', value: Math.sqrt(p.inertialVariance), units: 'm/s', how },
    { name: 'inertial oscillation decay time', value: p.inertialTime / 24, units: 'days', how },
    { name: 'inertial period', value: (2 * Math.PI) / Math.abs(p.coriolis) / 24, units: 'days', how: '2π/f at the deployment’s latitude (not fitted)' },
    { name: 'rotational eddy speed (std per component)', value: Math.sqrt(p.psiVariance), units: 'm/s', how },
    { name: 'rotational eddy length scale', value: p.psiLength, units: 'km', how },
    { name: 'divergent eddy speed (std per component)', value: Math.sqrt(p.phiVariance), units: 'm/s', how },
    { name: 'divergent eddy length scale', value: p.phiLength, units: 'km', how },
    { name: 'eddy time scale', value: p.eddyTime / 24, units: 'days', how },
    { name: 'observation noise (std per component)', value: Math.sqrt(p.noise), units: 'm/s', how: `${how} (GPS error and unresolved motion)` }
  ]
}

export async function runAssimilation(req: AssimilationRequest, ctx: JobContext): Promise<AssimilationResult> {
  const timings: Record<string, number> = {}
  const file = basename(req.tracksPath)
  const o = req.options
  const total = 7
  const phase = (done: number, message: string) => {
    throwIfCancelled(ctx.signal)
    ctx.progress({ done, total, unit: 'phases', message })
  }
  phase(0, 'reading tracks')
  const bytes = await timed(timings, 'read', async () => {
    try {
      return new Uint8Array(await readFile(req.tracksPath))
    } catch {
      throw new UserError(`${req.tracksPath}: file not found or unreadable; check the path`, 'not-found')
    }
  })
  const tracks = await timed(timings, 'read', () => readDrifterFile(file, bytes))
  const window = o.window ? { start: parseOptionTime(file, o.window.start, 'start'), end: parseOptionTime(file, o.window.end, 'end') } : undefined
  if (window && !(window.end > window.start)) throw new UserError(`${file}: the window end ${o.window!.end} is not after its start ${o.window!.start}; fix --window`)
  const dep = await timed(timings, 'geometry', () => buildDeployment(tracks, { window, drifters: o.drifters, stepHours: o.stepHours }))

  phase(1, 'land')
  const { land, grid } = await timed(timings, 'land', async () => {
    const g = fieldGrid(dep, o.grid)
    const land = await landIndex(g.bounds.latMin - 0.5, g.bounds.latMax + 0.5)
    const mask = landMask(land, g.lonLat)
    if (mask.every((m) => m === 1))
      throw new UserError(`${file}: the domain box around the drifters (${g.bounds.latMin.toFixed(2)}–${g.bounds.latMax.toFixed(2)}°N, ${g.bounds.lonMin.toFixed(2)}–${g.bounds.lonMax.toFixed(2)}°E) is entirely land in Natural Earth; check the latitude/longitude columns (swapped, or a wrong sign?)`)
    return { land, grid: { ...g, land: mask } as FieldGrid }
  })
  dep.choices.push(`land: ${land.source}; the field is masked (NaN) over land — it is not constrained to run along the coast`)

  phase(2, 'interpolation baselines')
  const rows: SkillRow[] = []
  const add = (method: SkillMethod, predictor: LodoPredictor) => rows.push(scoreMethod(dep, method, METHOD_LABELS[method], predictor, o.seed))
  await timed(timings, 'baselines', () => {
    for (const m of ['zero', 'mean-of-others', 'nearest', 'inverse-distance'] as const) add(m, baselinePredictor(dep, m))
  })

  phase(3, 'GP and Helmholtz GP')
  const dp = deploymentPoints(dep)
  await timed(timings, 'gp', () => {
    const s = ctx.signal
    add('gp', kernelPredictor(dep, dp, fitDeploymentKernel('gp', dep, dp, undefined, s).kernel, s))
    add('helmholtz-gp', kernelPredictor(dep, dp, fitDeploymentKernel('helmholtz', dep, dp, undefined, s).kernel, s))
  })
  dep.choices.push('hyperparameters of every kernel method (GP, Helmholtz GP, the prior) are fitted once on all drifters; the held-out drifter never enters its own regression')

  phase(4, 'fitting the flow prior')
  const prior = await timed(timings, 'prior', () => fitDeploymentKernel('prior', dep, dp, undefined, ctx.signal))
  add('prior-bayes', kernelPredictor(dep, dp, prior.kernel, ctx.signal))
  const basis = flowBasis(prior.kernel, prior.mean, RANDOM_FEATURES, o.seed)

  phase(5, 'simulation-based training')
  await initBackend()
  const sbi = await timed(timings, 'training', () => trainDeployment(dep, basis, { pairs: o.pairs, epochs: o.epochs, seed: o.seed }, ctx))
  dep.choices.push(`training: ${sbi.pairs} simulated deployments (tracers released at the real fixes, real gaps, GPS error ${GPS_ERROR_M} m), ±${sbi.J} samples around each analysis time, ${sbi.history.length} epochs; simulated-validation MSE of the conditional mean ${sbi.validationMse.trained.toFixed(4)} trained vs ${sbi.validationMse.initial.toFixed(4)} at the identity start, so the ${sbi.kept === 'trained' ? 'trained' : 'initial (untrained: training did not help)'} encoders are used; set encoder over ${dep.nD} drifters, ${basis.P} flow coefficients (${RANDOM_FEATURES} random Fourier features per potential)`)
  add('driftclip', await timed(timings, 'driftclip-skill', () => driftclipPredictor(dep, sbi, ctx)))

  phase(6, 'writing the field')
  const v = verdict(rows)
  const summary = {
    source: req.tracksPath,
    window: { start: isoTime(dep.window.start), end: isoTime(dep.window.end), days: (dep.window.end - dep.window.start) / 86400, reason: dep.window.reason },
    step: { hours: dep.step / 3600, reason: dep.stepReason },
    samples: dep.nT,
    drifters: drifterSummaries(dep),
    projection: {
      proj4: dep.projection.def,
      centre: dep.projection.centre,
      boxKm: dep.box,
      bounds: grid.bounds,
      landFraction: grid.land.reduce((a, b) => a + b, 0) / grid.land.length,
      land: land.source
    },
    prior: priorEstimates(prior.kernel, prior.mean),
    skill: rows,
    best: v.best,
    verdict: v.text,
    choices: dep.choices,
    notes: dep.notes
  }
  await timed(timings, 'field', async () => {
    const field = posteriorField(dep, sbi, grid, frameSamples(dep.nT, o.frames ?? FIELD_DEFAULTS.deployment.frames), o.samples, o.seed)
    throwIfCancelled(ctx.signal)
    await writeFieldFile(req.outPath, dep, grid, field, summary, req.command ?? `driftclip assimilate ${file} --out ${basename(req.outPath)}`)
    const stem = req.outPath.replace(/\.nc$/i, '')
    await writeFileAtomic(`${stem}.skill.json`, `${JSON.stringify({ skill: rows, best: v.best, verdict: v.text }, null, 2)}\n`)
    await writeFileAtomic(`${stem}.skill.csv`, skillCsv(rows))
  })
  phase(7, 'done')
  return { ...summary, out: req.outPath, timings }
}

function drifterSummaries(dep: Deployment): AssimilationResult['drifters'] {
  return dep.ids.map((id, d) => {
    const ks: number[] = []
    for (let k = 0; k < dep.nT; k++) if (dep.mask[d * dep.nT + k]) ks.push(k)
    return { id, samples: ks.length, start: ks.length ? isoTime(dep.times[ks[0]]) : '', end: ks.length ? isoTime(dep.times[ks[ks.length - 1]]) : '' }
  })
}

export type { LandIndex }
