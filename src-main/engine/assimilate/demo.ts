/**
 * The one-command demo: simulate the embedded default data set (resources/demo.json), train the main loss
 * variants, evaluate them against the baselines, write the HTML report and the NetCDF exports.
 */
import { existsSync } from 'node:fs'
import { readFile } from 'node:fs/promises'
import { join } from 'node:path'
import { fileURLToPath } from 'node:url'
import { z } from 'zod'
import type { DatasetSummary } from '../../shared/simulation'
import { SimulationConfig } from '../../shared/simulation'
import { TrainConfig } from '../../shared/training'
import type { ComparisonResult } from '../../shared/views'
import { readDataset } from '../data/dataset'
import { runSimulation } from '../flows/simulate'
import { UserError, type JobContext } from '../jobs/job'
import { compareOnDataset } from './compare'
import { phaseContext } from './evaluate'
import { DEFAULT_EVALUATION } from './setup'
import { writeDemoExports } from './demo-exports'

const Section = z.record(z.string(), z.unknown())

export const DemoConfig = z.object({
  description: z.string().optional(),
  simulation: Section,
  training: Section.default({}),
  variants: z.array(Section).min(1),
  evaluation: Section.default({}),
  quick: z.object({ simulation: Section.default({}), training: Section.default({}), evaluation: Section.default({}) }).default({ simulation: {}, training: {}, evaluation: {} })
})
export type DemoConfig = z.infer<typeof DemoConfig>

export interface DemoResult {
  outDir: string
  dataset: DatasetSummary
  comparison: ComparisonResult
  exports: string[]
  seconds: number
}

/** Path of the embedded default configuration: from the sources (src-main/engine/assimilate/) or the built app (out/main/). */
const CONFIG_CANDIDATES = ['../../../resources/demo.json', '../../resources/demo.json'].map((p) => fileURLToPath(new URL(p, import.meta.url)))
export const DEMO_CONFIG_PATH = CONFIG_CANDIDATES.find((p) => existsSync(p)) ?? CONFIG_CANDIDATES[0]

export async function loadDemoConfig(path = DEMO_CONFIG_PATH): Promise<DemoConfig> {
  let raw: unknown
  try {
    raw = JSON.parse(await readFile(path, 'utf8'))
  } catch (err) {
    throw new UserError(`${path}: cannot read the demo configuration (${(err as Error).message})`)
  }
  const parsed = DemoConfig.safeParse(raw)
  if (!parsed.success) throw new UserError(`${path}: ${parsed.error.issues[0]?.path.join('.')}: ${parsed.error.issues[0]?.message}`)
  return parsed.data
}

/** The demo's concrete settings, with the quick overrides applied when asked. */
export function demoSettings(cfg: DemoConfig, quick: boolean) {
  const simulation = SimulationConfig.parse({ ...cfg.simulation, ...(quick ? cfg.quick.simulation : {}) })
  const training = { ...cfg.training, ...(quick ? cfg.quick.training : {}) }
  const variants = cfg.variants.map((v) => TrainConfig.parse({ ...training, ...v }))
  const evaluation = { ...DEFAULT_EVALUATION, ...cfg.evaluation, ...(quick ? cfg.quick.evaluation : {}) }
  return { simulation, variants, evaluation }
}

/** @param req.datasetPath where the simulated data set goes (default: OUT/dataset.nc). */
export async function runDemo(req: { outDir: string; quick?: boolean; configPath?: string; datasetPath?: string }, ctx: JobContext): Promise<DemoResult> {
  const started = Date.now()
  const settings = demoSettings(await loadDemoConfig(req.configPath), req.quick ?? false)
  const datasetPath = req.datasetPath ?? join(req.outDir, 'dataset.nc')
  ctx.log(`1/3 simulating ${settings.simulation.pairs} pairs of the ${settings.simulation.flow} flow → ${datasetPath}`)
  const dataset = await runSimulation(settings.simulation, datasetPath, phaseContext(ctx, 'simulating'))
  const ds = await readDataset(datasetPath)
  ctx.log(`2/3 training and evaluating ${settings.variants.length} variants`)
  const comparison = await compareOnDataset(ds, { datasetPath, variants: settings.variants, outDir: join(req.outDir, 'comparison'), force: true, evaluation: settings.evaluation, title: 'Driftclip demo: loss comparison on a simulated Fourier flow' }, ctx)
  ctx.log('3/3 exporting the reconstructed field and tracks of test case 0')
  const exports = await writeDemoExports(ds, comparison, join(req.outDir, 'exports'))
  return { outDir: req.outDir, dataset, comparison, exports, seconds: (Date.now() - started) / 1000 }
}
