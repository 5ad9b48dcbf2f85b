/**
 * `driftclip benchmark-da`: every method on the same twin queries, scored from its posterior draws against the
 * truth (score.ts) — the prior, the augmented-state EnKF and the ES-MDA ensemble smoother (each tuned on a validation pair), the MCMC reference
 * (the information limit), and, when asked, the contrastive bank mixture and bank-free conditionals
 * (learned-methods.ts). One table per twin; JSON, CSV, a self-contained HTML report and the README's markdown tables.
 */
import { mkdir } from 'node:fs/promises'
import { loadavg } from 'node:os'
import { join } from 'node:path'
import type { McmcDiagnostics, TwinBenchmarkOptionsInput, TwinBenchmarkResult, TwinRow, TwinTable } from '../../../shared/twin'
import { TwinBenchmarkOptions } from '../../../shared/twin'
import { SPLIT, type PairedDataset } from '../../data/dataset-types'
import { writeFileAtomic } from '../../data/atomic'
import { metricsCsv, type MetricRow } from '../../data/export/metrics'
import { defaultGrid, type GridSpec } from '../../flows/field'
import { splitLabels, tracerStarts } from '../../flows/plan'
import { simulateDataset } from '../../flows/simulate'
import { throwIfCancelled, UserError, type JobContext } from '../../jobs/job'
import { frameTimes } from '../bank-fields'
import { pairsOfSplit } from '../setup'
import { flowPrior, simulatorParams, type FlowPrior } from '../posterior'
import { esmda, type EsmdaOptions } from './esmda'
import { enkf, type EnkfOptions } from './enkf'
import { chooseCoarsening, forwardModel, segmentModel, type ForwardModel } from './forward'
import { BRANCHING, mcmcReference, priorDraws } from './reference'

export { priorDraws }
import { fieldsOfDraws, nearPathMask, scoreEnsemble, type EnsembleScore, type TwinQuery } from './score'
import { twinReportHtml } from './report'
import { commandLine, twinMarkdown } from './markdown'
import { fourierTwins, paperFourierTwin, vortexTwins, type TwinSpec } from './twins'
import { launchStudy, studyFlow } from './launch-study'
import { cpuClock, cpuSecondsSince, threadCpuSeconds } from '../../thread-cpu'

/** Posterior draws per method and query. */
const DRAWS = 200

/** Sizes of a full and a quick run. */
export const TWIN_RUN = {
  full: { fourierPairs: 2048, vortexPairs: 2048, queries: 3, mcmcSteps: 20_000, vortexMcmcSteps: 8000, chains: 4 },
  quick: { fourierPairs: 512, vortexPairs: 512, queries: 2, mcmcSteps: 6000, vortexMcmcSteps: 4000, chains: 4 },
  /** The paper's Fourier twin (`--config paper`): 98 parameters, 2000 observed numbers per query. */
  paper: { fourierPairs: 2048, vortexPairs: 0, queries: 10, mcmcSteps: 40_000, vortexMcmcSteps: 0, chains: 4 }
} as const

/** Augmented-state EnKF settings tried on the validation pair (localisation only where entries have a place: the vortex twin). */
const ENKF_GRID: Omit<EnkfOptions, 'seed'>[] = [1, 1.02, 1.05].map((inflation) => ({ members: 100, inflation, localisation: Infinity }))
const ENKF_GRID_VORTEX: Omit<EnkfOptions, 'seed'>[] = [1, 1.02, 1.05].flatMap((inflation) => [Infinity, 0.5].map((localisation) => ({ members: 100, inflation, localisation })))

/** ES-MDA settings tried on the validation pair; the best velocity RMSE is used for the table and reported. */
const ESMDA_GRID: Omit<EsmdaOptions, 'seed'>[] = [
  { members: 100, iterations: 4, inflation: 1 },
  { members: 100, iterations: 8, inflation: 1 },
  { members: 100, iterations: 8, inflation: 1.05 }
]

/** What a method returns for one query: parameter draws (S × paramDim). */
export type MethodRun = (query: QueryData) => Float64Array

export interface QueryData {
  pair: number
  observed: Float64Array
}

/** A learned method's name, label and per-query sampler (filled by learned-methods.ts). */
export interface TwinMethod {
  method: string
  label: string
  run: MethodRun
}

/** Everything one twin's methods share. */
export interface TwinContext {
  spec: TwinSpec
  ds: PairedDataset
  prior: FlowPrior
  /** Likelihood model (coarsened where allowed) and the fine model for scoring re-advected tracers. */
  model: ForwardModel
  fine: ForwardModel
  grid: GridSpec
  times: Float64Array
}

export interface TwinRequest {
  options: TwinBenchmarkOptionsInput
  outDir: string
  /** Other twins than the flow's standard ones (a library caller's own, or a small one in a test). */
  twins?: TwinSpec[]
  /** Contrastive methods of a twin (training inside); omitted → none. */
  learned?: (twin: TwinContext, ctx: JobContext) => Promise<TwinMethod[]>
}

export async function runTwinBenchmark(req: TwinRequest, ctx: JobContext): Promise<TwinBenchmarkResult> {
  const o = TwinBenchmarkOptions.parse(req.options)
  if (o.config === 'paper' && o.flow !== 'fourier') throw new UserError('benchmark-da: --config paper is the Fourier twin of the paper; use it with --flow fourier')
  const paper = o.config === 'paper' && o.flow === 'fourier'
  const size = o.quick ? TWIN_RUN.quick : paper ? TWIN_RUN.paper : TWIN_RUN.full
  const started = performance.now()
  const startedAt = new Date().toISOString(), loadStart = loadavg()[0]
  await mkdir(req.outDir, { recursive: true })
  const specs = req.twins ?? (o.flow === 'vortex' ? vortexTwins(size.vortexPairs) : paper ? paperFourierTwin(size.fourierPairs) : fourierTwins(size.fourierPairs))
  const tables: TwinTable[] = []
  for (const [k, spec] of specs.entries()) {
    ctx.log(`twin ${k + 1}/${specs.length}: ${spec.name}`)
    tables.push(await runTwin(spec, o.queries ?? size.queries, o.mcmcSteps ?? (o.flow === 'vortex' ? size.vortexMcmcSteps : size.mcmcSteps), size.chains, o.seed, o.learned ? req.learned : undefined, ctx))
  }
  const rows = tables.flatMap((t) => t.rows.map((r) => ({ ...r, twin: t.twin })))
  const study = o.flow === 'vortex' && !req.twins ? runLaunchStudy(specs[0], tables[0], o.quick, o.seed, ctx) : undefined
  const outputs = { json: join(req.outDir, 'benchmark-da.json'), csv: join(req.outDir, 'benchmark-da.csv'), html: join(req.outDir, 'report.html'), markdown: join(req.outDir, 'benchmark-da.md') }
  const run = { started: startedAt, finished: new Date().toISOString(), loadStart, loadEnd: loadavg()[0], command: commandLine(o) }
  const result: TwinBenchmarkResult = { flow: o.flow, quick: o.quick, tables, rows, outputs, seconds: (performance.now() - started) / 1000, run, ...(study ? { launchStudy: study } : {}) }
  await writeFileAtomic(outputs.json, JSON.stringify(result, null, 2) + '\n', { force: true })
  await writeFileAtomic(outputs.csv, metricsCsv(rows.map(csvRow)), { force: true })
  await writeFileAtomic(outputs.html, twinReportHtml(result), { force: true })
  await writeFileAtomic(outputs.markdown, twinMarkdown(result), { force: true })
  return result
}

async function runTwin(spec: TwinSpec, nQueries: number, mcmcSteps: number, chains: number, seed: number, learned: TwinRequest['learned'], ctx: JobContext): Promise<TwinTable> {
  const cfg = spec.config
  ctx.progress({ done: 0, total: 1, unit: 'twins', message: `simulating ${cfg.pairs} pairs of ${spec.name}` })
  const ds = simulateDataset(cfg, ctx.signal)
  const prior = flowPrior(cfg)
  const { coarsening, maxError } = chooseCoarsening(cfg, prior, 0.1 * cfg.noise)
  const twin: TwinContext = {
    spec, ds, prior, model: forwardModel(cfg, coarsening), fine: forwardModel({ ...cfg, noise: 0 }, 1),
    grid: defaultGrid(ds, spec.grid), times: frameTimes(ds, spec.frames)
  }
  const queries = Array.from(pairsOfSplit(ds, 'test', nQueries))
  const tuningPair = pairsOfSplit(ds, 'validation', 1)[0]
  const len = ds.nTracers * ds.nTimes * 2
  const observedOf = (pair: number) => ds.trajectories.slice(pair * len, (pair + 1) * len)

  const tuning = { pair: tuningPair, observed: observedOf(tuningPair) }
  const smoother = tune(twin, tuning, ESMDA_GRID, (options, q) => esmda(twin.prior, twin.model, q.observed, cfg.noise, { ...options, seed }))
  const segments = segmentModel(cfg, coarsening)
  const filter = tune(twin, tuning, cfg.flow === 'vortex' ? ENKF_GRID_VORTEX : ENKF_GRID, (options, q) =>
    enkf(twin.prior, segments, priorDraws(twin.prior, options.members, seed), q.observed, cfg.noise, { ...options, seed }))
  const mcmcDiagnostics: McmcDiagnostics[] = []
  const methods: TwinMethod[] = [
    { method: 'prior', label: `${DRAWS} draws from the flow prior`, run: () => priorDraws(prior, DRAWS, seed) },
    {
      method: 'enkf',
      label: `EnKF on the state augmented with the tracers (flow parameters + ${cfg.flow === 'vortex' ? 'vortex and ' : ''}tracer positions, stochastic analysis at each of the ${ds.nTimes} observation times): ${filter.options.members} prior members, inflation ρ = ${filter.options.inflation}, ${Number.isFinite(filter.options.localisation) ? `Gaspari–Cohn localisation c = ${filter.options.localisation}` : 'no localisation'} (tuned on validation pair ${tuningPair})`,
      run: (q) => enkf(prior, segments, priorDraws(prior, filter.options.members, seed + q.pair), q.observed, cfg.noise, { ...filter.options, seed: seed + q.pair })
    },
    {
      method: 'esmda',
      label: `ES-MDA on the flow parameters: ${smoother.options.members} members, ${smoother.options.iterations} iterations (α = ${smoother.options.iterations}), anomaly inflation ${smoother.options.inflation}, no localisation (tuned on validation pair ${tuningPair})`,
      run: (q) => esmda(prior, twin.model, q.observed, cfg.noise, { ...smoother.options, seed: seed + q.pair })
    },
    {
      method: 'mcmc',
      label: cfg.flow === 'vortex'
        ? `ridge-following Metropolis–Hastings on the exact posterior (posterior/ridge.ts): ${chains} chains × ${mcmcSteps} steps (half burn-in), started from the posterior maxima that Levenberg–Marquardt finds from ${3000 * chains} prior draws (two thirds by window continuation) and by a branching window continuation (${BRANCHING.draws} prior draws; after each of the windows ${BRANCHING.windows.join(', ')} the best ${BRANCHING.beam} maxima each spawn ${BRANCHING.branches - 1} draws of their own Laplace approximation); a random walk on the weak or curved directions of the Gauss–Newton Hessian at the best maximum, the stiff directions placed by 2 Gauss–Newton iterations and drawn from their conditional Laplace approximation, plus mode jumps between the maxima along the sheet (the walked coordinates from a Gaussian at a maximum's, the stiff ones from their conditional; rate 0.2); diagnostics in a canonical vortex labelling; RK4 likelihood with a ${coarsening}× coarser step (trajectory error ${maxError.toExponential(1)} < σ/10)`
        : `generalised pCN on the exact posterior: ${chains} chains × ${mcmcSteps} steps (half burn-in, step adapted), the pCN reference the Laplace approximation at the posterior maximum (Levenberg–Marquardt from ${chains} ES-MDA members, Gauss–Newton Hessian), chains started from draws of it; RK4 likelihood with a ${coarsening}× coarser step${coarsening > cfg.recordEvery ? ' (records between step ends by cubic Hermite interpolation)' : ''} (measured trajectory error ${maxError.toExponential(1)} < σ/10)`,
      run: (q) => {
        const common = { chains, steps: mcmcSteps, seed: seed + q.pair, keep: Math.ceil(DRAWS / chains), signal: ctx.signal }
        // Fourier: start from a cheap approximate posterior (the chains stay exact; split-R̂ says whether they mixed);
        // vortex: the ridge sampler from posterior maxima (an ensemble smoother's members sit between the multimodal basins);
        // not the basins sampler: on the full (4, 2) twin (run 2026-12-02 19:07) its basins' chains did not mix either
        // (label-free R̂ 1.25–2.47), its importance weights rested on 1–18 effective draws of 400, and its RMSE was worse (2.18 vs 1.89)
        const r = cfg.flow === 'vortex'
          ? mcmcReference(cfg, q.observed, { ...common, sampler: 'ridge' })
          : mcmcReference(cfg, q.observed, { ...common, startAt: esmda(prior, twin.model, q.observed, cfg.noise, { ...smoother.options, seed: seed + q.pair }).slice(0, chains * prior.paramDim) })
        const d = r.diagnostics
        mcmcDiagnostics.push({
          pair: q.pair, acceptance: d.acceptance, minEss: d.minEss, maxRhat: Math.max(d.maxRhat, d.rhatPotential), finalMisfit: Array.from(r.finalMisfit), halfN: r.halfN, seconds: r.seconds,
          rhatMisfit: d.rhatPotential, cpuSeconds: r.cpuSeconds,
          ...(r.invariants ? { invariantRhat: r.invariants.maxRhat, invariantMinEss: r.invariants.minEss, invariantWorst: r.invariants.worst } : {}),
          ...(r.ridge ? { weakDirections: r.ridge.weakDirections, maxima: r.ridge.modes, jumpAcceptance: r.ridge.jumpAcceptance } : {}),
          ...(r.basins ? { basins: r.basins.map((b) => ({ misfit: b.misfit, weight: b.weight, evidenceEss: b.evidenceEss, rhat: b.rhat, invariantRhat: b.invariantRhat, minEss: b.minEss, draws: b.draws })) } : {}),
          ...(r.tempering ? { levels: r.tempering.ladder.length, minSwapAcceptance: Math.min(...r.tempering.swapAcceptance), roundTrips: r.tempering.roundTrips } : {})
        })
        return r.params
      }
    },
    ...(learned ? await learned(twin, ctx) : [])
  ]

  const scores = new Map<string, { s: EnsembleScore[]; seconds: number[]; cpuSeconds: number[] }>(methods.map((m) => [m.method, { s: [], seconds: [], cpuSeconds: [] }]))
  for (const [qi, pair] of queries.entries()) {
    const observed = observedOf(pair)
    const truthParams = ds.params.slice(pair * ds.paramDim, (pair + 1) * ds.paramDim)
    const trueTracks = new Float64Array(len)
    twin.fine.run(truthParams, 1, trueTracks)
    const q: TwinQuery = { truth: fieldsOfDraws(ds, truthParams, twin.grid, twin.times), trueTracks, near: nearPathMask(ds, twin.grid, observed, spec.nearRadius) }
    for (const [mi, m] of methods.entries()) {
      throwIfCancelled(ctx.signal)
      ctx.progress({ done: qi * methods.length + mi, total: queries.length * methods.length, unit: 'method-queries', message: `${spec.name}: ${m.method} on test pair ${pair}` })
      // the sampler alone is timed (wall and CPU); scoring its draws is not, for any method. CPU: this thread's own clock
      // (thread-cpu.ts), so V8's background GC/compiler threads finishing the previous row's garbage are not charged to
      // this row; every sampler here runs on this thread (none starts workers), MCMC included, so the ratios stay fair
      const c0 = threadCpuSeconds(), t0 = performance.now()
      const draws = m.run({ pair, observed })
      const seconds = (performance.now() - t0) / 1000
      const cpu = cpuSecondsSince(c0)
      const entry = scores.get(m.method)!
      entry.seconds.push(seconds)
      entry.cpuSeconds.push(cpu)
      entry.s.push(scoreEnsemble(ds, q, draws, twin.grid, twin.times, twin.fine))
    }
  }
  const rows: TwinRow[] = methods.map((m) => averageRow(m, scores.get(m.method)!))
  const mcmc = rows.find((r) => r.method === 'mcmc')
  if (mcmc) for (const r of rows) r.rmseVsMcmc = r.rmse / mcmc.rmse
  return {
    twin: spec.name, flow: cfg.flow, noise: cfg.noise, nearRadius: spec.nearRadius,
    config: {
      pairs: cfg.pairs, seed: cfg.seed, tracers: cfg.tracers, steps: cfg.steps, dt: cfg.dt, recordEvery: cfg.recordEvery, noise: cfg.noise,
      ...(cfg.flow === 'fourier' ? { modesPerSide: cfg.fourier.modesPerSide } : { vortices: cfg.vortex.vortices }),
      starts: JSON.stringify(Array.from(tracerStarts(cfg))),
      grid: spec.grid, frames: spec.frames, drawsPerMethod: DRAWS, mcmcChains: chains, mcmcSteps, likelihoodCoarsening: coarsening, cpuClock: CPU_CLOCK_MEANING[cpuClock()],
      esmdaMembers: smoother.options.members, esmdaIterations: smoother.options.iterations, esmdaInflation: smoother.options.inflation,
      esmdaTuning: smoother.tried.map((t) => `${t.options.iterations}it/ρ${t.options.inflation}: ${t.rmse.toFixed(3)}`).join('; '),
      enkfMembers: filter.options.members, enkfInflation: filter.options.inflation, enkfLocalisation: Number.isFinite(filter.options.localisation) ? filter.options.localisation : 'none',
      enkfTuning: filter.tried.map((t) => `ρ${t.options.inflation}/c${t.options.localisation}: ${t.rmse.toFixed(3)}`).join('; ')
    },
    queries, rows, mcmc: mcmcDiagnostics, findings: findingsOf(rows, mcmcDiagnostics)
  }
}

/** What "CPU s / query" means, stated once (in every table's config and its report): the clock the rows were timed with. */
export const CPU_CLOCK_MEANING = {
  thread: 'CPU time of the thread that ran the sampler (Linux schedstat; its GC pauses included, V8 background threads not; no sampler starts workers)',
  process: 'CPU time of the whole process (no per-thread clock on this platform: V8 background threads included)'
} as const

/** Launch-location study sizes: launches along the bisector and the MCMC per launch. */
const LAUNCH_STUDY = {
  full: { distances: [0, 0.1, 0.2, 0.3, 0.45, 0.6, 0.8, 1, 1.3], mcmc: { chains: 4, steps: 8000, keep: 50 } },
  /** Quick: the two ends only (one launch MCMC, ≈ 13 CPU-s, less; the tables unchanged). */
  quick: { distances: [0, 0.8], mcmc: { chains: 4, steps: 4000, keep: 50 } }
}

/** The launch study on a (2, 1) twin's first test flow that admits every launch (studyFlow), with that twin's tuned EnKF settings. */
function runLaunchStudy(spec: TwinSpec, table: TwinTable, quick: boolean, seed: number, ctx: JobContext): TwinBenchmarkResult['launchStudy'] {
  if (spec.config.flow !== 'vortex' || spec.config.vortex.vortices !== 2 || spec.config.tracers !== 1) return undefined
  const size = quick ? LAUNCH_STUDY.quick : LAUNCH_STUDY.full
  const testPairs = Array.from(splitLabels(spec.config).entries()).filter(([, s]) => s === SPLIT.test).map(([i]) => i)
  const flow = studyFlow(spec, testPairs, size.distances) ?? { pair: table.queries[0], truth: simulatorParams(spec.config, table.queries[0]) }
  ctx.log(`launch-location study on ${spec.name}, test pair ${flow.pair}`)
  const loc = table.config.enkfLocalisation
  const filter = { members: Number(table.config.enkfMembers), inflation: Number(table.config.enkfInflation), localisation: typeof loc === 'number' ? loc : Infinity }
  const smoother = { members: Number(table.config.esmdaMembers), iterations: Number(table.config.esmdaIterations), inflation: Number(table.config.esmdaInflation) }
  const points = launchStudy(spec, flow.truth, { ...size, filter, smoother, seed, signal: ctx.signal, log: ctx.log })
  return { twin: spec.name, pair: flow.pair, points }
}

/** The option set with the best velocity RMSE on the validation pair, and every score tried (reported). */
function tune<T>(twin: TwinContext, q: QueryData, grid: T[], run: (options: T, q: QueryData) => Float64Array) {
  const ds = twin.ds
  const truthParams = ds.params.slice(q.pair * ds.paramDim, (q.pair + 1) * ds.paramDim)
  const truth = fieldsOfDraws(ds, truthParams, twin.grid, twin.times)
  const tracks = new Float64Array(q.observed.length)
  twin.fine.run(truthParams, 1, tracks)
  const query: TwinQuery = { truth, trueTracks: tracks, near: nearPathMask(ds, twin.grid, q.observed, twin.spec.nearRadius) }
  const tried = grid.map((options) => ({ options, rmse: scoreEnsemble(ds, query, run(options, q), twin.grid, twin.times, twin.fine).rmse }))
  const best = tried.reduce((a, b) => (b.rmse < a.rmse ? b : a))
  return { options: best.options, tried }
}

function averageRow(m: TwinMethod, e: { s: EnsembleScore[]; seconds: number[]; cpuSeconds: number[] }): TwinRow {
  const mean = (f: (s: EnsembleScore) => number) => e.s.reduce((a, s) => a + f(s), 0) / e.s.length
  return {
    method: m.method, label: m.label,
    rmse: mean((s) => s.rmse), rmseNearTracers: mean((s) => s.rmseNearTracers), relativeRmse: mean((s) => s.relativeRmse),
    psiRmse: mean((s) => s.psiRmse), tracerRmse: mean((s) => s.tracerRmse), crps: mean((s) => s.crps),
    coverage50: mean((s) => s.coverage50), coverage90: mean((s) => s.coverage90), spreadSkill: mean((s) => s.spreadSkill),
    secondsPerQuery: e.seconds.reduce((a, b) => a + b, 0) / e.seconds.length,
    cpuSecondsPerQuery: e.cpuSeconds.reduce((a, b) => a + b, 0) / e.cpuSeconds.length
  }
}

/** Plain statements: chain convergence, and each issue target met or missed. */
function findingsOf(rows: TwinRow[], mcmc: McmcDiagnostics[]): string[] {
  const out: string[] = []
  const ref = rows.find((r) => r.method === 'mcmc')
  const mixed = mcmc.length > 0 && Math.max(...mcmc.map((d) => d.maxRhat)) < 1.1
  if (mcmc.length) {
    const rhat = Math.max(...mcmc.map((d) => d.maxRhat))
    const reached = mcmc.filter((d) => d.finalMisfit.every((m) => m < 1.5 * d.halfN)).length
    out.push(`MCMC: worst split-R̂ ${rhat < 1e3 ? rhat.toFixed(2) : '> 1000'} (${rhat < 1.1 ? 'chains mixed' : 'chains NOT mixed: the MCMC row is not yet the exact posterior'}); all chains at misfit < 1.5·N/2 on ${reached} of ${mcmc.length} queries; ${Math.max(...mcmc.map((d) => d.seconds)).toFixed(0)} s for the slowest query.`)
  }
  const enkfRow = rows.find((r) => r.method === 'enkf'), esmdaRow = rows.find((r) => r.method === 'esmda')
  if (ref && enkfRow) out.push(`EnKF (augmented state) velocity RMSE ${(enkfRow.rmse / ref.rmse).toFixed(2)}× the MCMC reference's, tracer RMSE ${(enkfRow.tracerRmse / ref.tracerRmse).toFixed(2)}×, 90 % coverage ${enkfRow.coverage90.toFixed(2)}.`)
  if (ref && esmdaRow) out.push(`ES-MDA velocity RMSE ${(esmdaRow.rmse / ref.rmse).toFixed(2)}× the MCMC reference's, tracer RMSE ${(esmdaRow.tracerRmse / ref.tracerRmse).toFixed(2)}×, 90 % coverage ${esmdaRow.coverage90.toFixed(2)}.`)
  if (ref && !mixed) out.push('The MCMC chains did not mix, so the ratios to MCMC below compare with an unconverged sampler, not with the information limit.')
  for (const r of rows.filter((x) => x.method.startsWith('bankfree:') || x.method.startsWith('bank'))) {
    if (!ref) break
    const ratio = r.rmse / ref.rmse
    const near = r.rmseNearTracers / ref.rmseNearTracers
    const speedup = ref.secondsPerQuery / Math.max(r.secondsPerQuery, 1e-9)
    const cpuSpeedup = ref.cpuSecondsPerQuery !== undefined && r.cpuSecondsPerQuery !== undefined ? ref.cpuSecondsPerQuery / Math.max(r.cpuSecondsPerQuery, 1e-9) : undefined
    out.push(
      `${r.method}: RMSE ${ratio.toFixed(2)}× MCMC (near tracers ${near.toFixed(2)}×; target ≤ 1.1: ${ratio <= 1.1 && near <= 1.1 ? 'met' : 'missed'}), ` +
        `90 % coverage ${r.coverage90.toFixed(2)} (target 0.85–0.95: ${r.coverage90 >= 0.85 && r.coverage90 <= 0.95 ? 'met' : 'missed'}), ` +
        `${speedup.toFixed(0)}× cheaper than MCMC by wall time${cpuSpeedup === undefined ? '' : `, ${cpuSpeedup.toFixed(0)}× by CPU time`} (target ≥ 1000: ${speedup >= 1000 && (cpuSpeedup ?? Infinity) >= 1000 ? 'met' : 'missed'}), ` +
        `${enkfRow ? (r.rmse < enkfRow.rmse ? 'better' : 'worse') + ' than the EnKF' : ''}${esmdaRow ? (r.rmse < esmdaRow.rmse ? ', better' : ', worse') + ' than ES-MDA' : ''}.`
    )
  }
  return out
}

function csvRow(r: TwinRow & { twin: string }): MetricRow {
  return {
    twin: r.twin, method: r.method, rmse: r.rmse, rmse_near_tracers: r.rmseNearTracers, relative_rmse: r.relativeRmse, psi_rmse: r.psiRmse,
    tracer_rmse: r.tracerRmse, crps: r.crps, coverage50: r.coverage50, coverage90: r.coverage90, spread_skill: r.spreadSkill,
    seconds_per_query: r.secondsPerQuery, cpu_seconds_per_query: r.cpuSecondsPerQuery ?? NaN, rmse_vs_mcmc: r.rmseVsMcmc, label: r.label
  }
}
