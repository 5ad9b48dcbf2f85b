/**
 * `driftclip reproduce`: every experiment of arXiv 2505.24134 in turn, with progress per experiment and an
 * estimated time left, then reproduce.json and one self-contained report.html in the output folder.
 */
import { availableParallelism, getPriority, loadavg } from 'node:os'
import { execFileSync } from 'node:child_process'
import { dirname, join } from 'node:path'
import { fileURLToPath } from 'node:url'
import { existsSync } from 'node:fs'
import { mkdir, readFile } from 'node:fs/promises'
import { writeFileAtomic } from '../data/atomic'
import { etaSeconds, throwIfCancelled, UserError, type JobContext } from '../jobs/job'
import { initBackend } from '../learn/backend'
import { gpSettings, runGpExperiment } from '../learn/gp-experiment'
import { poolRunner } from '../learn/gp-pool'
import { gaussianSettings, runGaussian2d } from './gaussian2d'
import { gpVerdicts } from './gp'
import { collapseVerdict, lagrangianSettings, lagrangianVerdict, runLagrangian } from './lagrangian'
import { renderReproduceReport } from './report'
import type { ExperimentSummary, ReproduceResult, Verdict } from './types'

import { EXPERIMENTS, mergeResults, sectionsOf, type ExperimentId } from './merge'
import { parseReproduceJson } from './schema'

export { EXPERIMENTS, type ExperimentId }

export interface ReproduceOptions {
  outDir: string; quick: boolean
  /** A data set of the Lagrangian experiment simulated before (skips the simulation). */ dataPath?: string
  /** Run only these experiments (default: all). */ only?: ExperimentId[]
  /** Seed of the Lagrangian experiment (simulation and training; default the settings' 11), to measure seed-to-seed spread. */ seed?: number
}

/** Relative cost of each experiment (for the time left), in CPU-seconds: quick from a measured run (9, 24, 75), full estimated (≈ 40, 700–1400, 1240). */
interface Stage { id: string; title: string; weight: number }

/** Progress across stages: each stage reports its own fraction; the ETA extrapolates over the weighted whole. */
export class StagedProgress {
  private readonly started = Date.now()
  private doneWeight = 0
  private readonly total: number
  constructor(private readonly stages: Stage[], private readonly ctx: JobContext) {
    this.total = stages.reduce((a, s) => a + s.weight, 0)
  }
  /** Report `fraction` (0–1) of stage `index`, with a message. */
  report(index: number, fraction: number, message: string): void {
    const s = this.stages[index]
    const done = this.doneWeight + s.weight * Math.min(1, Math.max(0, fraction))
    const permille = Math.round((1000 * done) / this.total)
    this.ctx.progress({ done: permille, total: 1000, unit: '‰', etaSeconds: etaSeconds(this.started, done, this.total), message: `experiment ${index + 1}/${this.stages.length} (${s.title}): ${message}` })
  }
  finish(index: number): void {
    this.doneWeight += this.stages[index].weight
    this.report(index, 0, 'done')
  }
}

/** The checkout's commit, "-dirty" when files differ from it; undefined outside a git checkout (the packaged app). */
export function gitCommit(): string | undefined {
  try {
    const cwd = dirname(fileURLToPath(import.meta.url))
    const opts = { cwd, encoding: 'utf8' as const, timeout: 5000, stdio: ['ignore', 'pipe', 'ignore'] as ('ignore' | 'pipe')[] }
    const head = execFileSync('git', ['rev-parse', '--short=12', 'HEAD'], opts).trim()
    const dirty = execFileSync('git', ['status', '--porcelain', '--untracked-files=no'], opts).trim() !== ''
    return head === '' ? undefined : `${head}${dirty ? '-dirty' : ''}`
  } catch {
    return undefined
  }
}

/** CPU seconds of this process since `from` (process.cpuUsage counts every thread, workers included). */
const cpuSince = (from: NodeJS.CpuUsage): number => {
  const u = process.cpuUsage(from)
  return (u.user + u.system) / 1e6
}

/**
 * Run the experiments and write the report. With --only into a folder holding an earlier reproduce.json, the new
 * sections replace that report's and the others stay (merge.ts); `run` is then this run's own result.
 */
export async function runReproduce(o: ReproduceOptions, ctx: JobContext): Promise<ReproduceResult & { report: string; json: string; run: ReproduceResult }> {
  // --only into a folder that holds a report: its other sections are kept; read (and check) it now, not after an hour
  const jsonPath = join(o.outDir, 'reproduce.json')
  const base = o.only && existsSync(jsonPath) ? await readResult(jsonPath) : undefined
  if (base && base.quick !== o.quick) throw new UserError(`reproduce: ${jsonPath} is a ${base.quick ? 'quick' : 'full'}-mode report; re-run with${base.quick ? '' : 'out'} --quick to merge into it, or choose another --out`)
  const backend = await initBackend()
  const started = Date.now()
  const cpu0 = process.cpuUsage()
  const loadBefore = loadavg()[0]
  // the machine is shared: sample its load through the run, so the wall time can be read against it
  const loads = [loadBefore]
  const sampler = setInterval(() => loads.push(loadavg()[0]), 30_000)
  sampler.unref()
  await mkdir(o.outDir, { recursive: true })
  const all: Stage[] = [{ id: 'gaussian', title: 'Gaussian illustrations', weight: 1 }, { id: 'gp', title: 'GP sweeps', weight: o.quick ? 3 : 25 }, { id: 'lagrangian', title: 'Lagrangian retrieval and mode collapse', weight: o.quick ? 8 : 30 }]
  const stages = all.filter((s) => !o.only || o.only.includes(s.id as ExperimentId))
  const at = (id: ExperimentId) => stages.findIndex((s) => s.id === id)
  const progress = new StagedProgress(stages, ctx)
  const experiments: ExperimentSummary[] = []
  const result: ReproduceResult = {
    createdAt: new Date().toISOString(), commit: gitCommit(), quick: o.quick, seconds: 0,
    machine: { backend: backend.name, cores: availableParallelism(), loadBefore, loadAfter: loadBefore, nice: getPriority() },
    experiments, settings: {}
  }

  if (at('gaussian') >= 0) {
    const i = at('gaussian')
    const gs = gaussianSettings(o.quick)
    const t0 = Date.now()
    const c0 = process.cpuUsage()
    progress.report(i, 0, 'training the four 2-D cases')
    const gaussian = await runGaussian2d(gs, ctx, (done, total) => progress.report(i, done / total, `case ${done}/${total}`))
    const held = gaussian.filter((c) => c.holds).length
    const gv: Verdict = { holds: held === gaussian.length ? true : held === 0 ? false : 'partly', text: `${held} of ${gaussian.length} statements hold: ${gaussian.map((c) => `${c.id} ${c.holds ? 'holds' : 'does not hold'}`).join('; ')}` }
    experiments.push({ id: 'gaussian', title: 'Gaussian illustrations', paperSection: '§5.4, Figs. 2–6', verdict: gv, seconds: (Date.now() - t0) / 1000, cpuSeconds: cpuSince(c0) })
    Object.assign(result, { gaussianSettings: gs, gaussian })
    result.settings.gaussian = gs
    progress.finish(i)
    throwIfCancelled(ctx.signal)
  }

  if (at('gp') >= 0) {
    const i = at('gp')
    const gpS = gpSettings(o.quick)
    const t1 = Date.now()
    const c1 = process.cpuUsage()
    progress.report(i, 0, 'embedding-dimension, batch and N sweeps')
    // the points are independent seeded runs: one worker thread per core (the same numbers as in one thread, tested)
    const workers = Math.max(1, Math.min(2, availableParallelism()))
    const gpResult = await runGpExperiment(gpS, ctx, (done, total, run) => {
      ctx.log(`GP point ${done}/${total}: ℓ ${run.dim}, batch ${run.batch}, N ${run.n}${run.replicate ? `, replicate ${run.replicate}` : ''}: u|v ${run.uGivenV.toPrecision(3)}, v|u ${run.vGivenU.toPrecision(3)} (optimum ${run.optimum.uGivenV.toPrecision(3)}, ${run.optimum.vGivenU.toPrecision(3)}), convergence gap ${(100 * run.convergenceGap).toFixed(1)} % at ${run.steps} steps`)
      progress.report(i, done / total, `point ${done}/${total} (ℓ ${run.dim}, batch ${run.batch}, N ${run.n}; gap ${(100 * run.convergenceGap).toFixed(1)} % at ${run.steps} steps)`)
    }, poolRunner(gpS, workers, ctx))
    const gpV = gpVerdicts(gpResult)
    experiments.push({ id: 'gp', title: 'Gaussian-process sweeps', paperSection: '§6.1, Figs. 8–10', verdict: gpV.overall, seconds: (Date.now() - t1) / 1000, cpuSeconds: cpuSince(c1) })
    result.gp = { result: gpResult, verdicts: gpV }
    result.settings.gp = gpS
    progress.finish(i)
    throwIfCancelled(ctx.signal)
  }

  if (at('lagrangian') >= 0) {
    const i = at('lagrangian')
    const ls = { ...lagrangianSettings(o.quick), ...(o.seed !== undefined ? { seed: o.seed } : {}) }
    const t2 = Date.now()
    const c2 = process.cpuUsage()
    const lag = await runLagrangian(ls, o.outDir, ctx, (f, m) => progress.report(i, f, m), o.dataPath)
    const lagV = lagrangianVerdict(lag)
    const colV = collapseVerdict(lag)
    const lagSeconds = (Date.now() - t2) / 1000
    const lagCpu = cpuSince(c2)
    experiments.push({ id: 'lagrangian', title: 'Lagrangian retrieval', paperSection: '§6.3, Fig. 14', verdict: lagV, seconds: lagSeconds - lag.collapseSeconds, cpuSeconds: lagCpu - lag.collapseCpuSeconds })
    experiments.push({ id: 'collapse', title: 'One-sided mode collapse (ocean pairs)', paperSection: '§6.2, Fig. 12', verdict: colV, seconds: lag.collapseSeconds, cpuSeconds: lag.collapseCpuSeconds })
    result.lagrangian = { result: lag, verdict: lagV, collapseVerdict: colV }
    result.settings.lagrangian = ls
    progress.finish(i)
  }
  result.seconds = (Date.now() - started) / 1000
  result.cpuSeconds = cpuSince(cpu0)
  clearInterval(sampler)
  result.machine.loadAfter = loadavg()[0]
  loads.push(result.machine.loadAfter)
  result.machine.loadMean = loads.reduce((a, b) => a + b, 0) / loads.length
  result.machine.loadMax = Math.max(...loads)
  for (const e of experiments) e.run = { createdAt: result.createdAt, ...(result.commit ? { commit: result.commit } : {}), quick: o.quick, loadMean: result.machine.loadMean, nice: result.machine.nice }
  if (!base) return { ...(await writeReport(o.outDir, result)), run: result }
  // this run's own result beside the merged one, then the merge (re-read: the file may have changed during the run)
  await writeFileAtomic(join(o.outDir, `reproduce-${sectionsOf(result).join('-')}-${result.createdAt.replace(/[:.]/g, '-')}.json`), JSON.stringify(result, null, 1))
  return { ...(await writeReport(o.outDir, mergeResults(await readResult(jsonPath), result, new Date().toISOString()))), run: result }
}

async function readResult(path: string): Promise<ReproduceResult> {
  return parseReproduceJson(await readFile(path, 'utf8'), path)
}

/** reproduce.json and report.html, each written whole to a temporary and renamed into place. */
async function writeReport(outDir: string, result: ReproduceResult): Promise<ReproduceResult & { report: string; json: string }> {
  const report = join(outDir, 'report.html')
  const json = join(outDir, 'reproduce.json')
  const html = renderReproduceReport(result) // render before replacing anything: a failure leaves both files as they were
  await writeFileAtomic(json, JSON.stringify(result, null, 1))
  await writeFileAtomic(report, html)
  return { ...result, report, json }
}

/** `reproduce --merge FROM.json --out DIR`: the sections of an earlier run's result into DIR's report, nothing re-run. */
export async function mergeReproduce(outDir: string, fromPath: string): Promise<ReproduceResult & { report: string; json: string }> {
  const jsonPath = join(outDir, 'reproduce.json')
  if (!existsSync(jsonPath)) throw new UserError(`reproduce: --merge needs a report to merge into: ${jsonPath} does not exist`)
  if (!existsSync(fromPath)) throw new UserError(`reproduce: --merge ${fromPath}: no such file`)
  const [base, update] = [await readResult(jsonPath), await readResult(fromPath)]
  return writeReport(outDir, mergeResults(base, update, new Date().toISOString()))
}
