/**
 * The comparison job: train several loss/metric variants on the same data and seed (LEARN's trainOnDataset),
 * evaluate each against the same test queries, bank and baselines, and write one folder with metrics.json,
 * metrics.csv, curves.json, report.html and the trained models — atomically.
 */
import { mkdir, writeFile } from 'node:fs/promises'
import { basename, join } from 'node:path'
import type { TrainConfig } from '../../shared/training'
import type { ComparisonResult, ComparisonVariant, FieldView } from '../../shared/views'
import { checkTarget, writeAtomically } from '../data/atomic'
import { creationDate } from '../data/created'
import type { PairedDataset } from '../data/dataset-types'
import { throwIfCancelled, type JobContext } from '../jobs/job'
import { loadModel, trainOnDataset, type EpochRecord } from '../learn/index'
import { readMeta } from '../learn/model-io'
import { evaluateBaselines } from './baselines'
import { cachedDataset } from './cache'
import { metricsCsv } from '../data/export/index'
import { curvesJson, metricRows, metricsJson } from './comparison-files'
import { phaseContext, settingsOf } from './evaluate'
import { fieldViewOf } from './field-view'
import { evaluateLearned } from './learned'
import { renderReport } from './report'
import { DEFAULT_EVALUATION, prepareEvaluation, type EvaluationOptions } from './setup'
import type { RmseRow } from '../../shared/assimilation'
import { FIELD_DEFAULTS } from '../../shared/limits'

export interface ComparisonRequest {
  datasetPath: string
  variants: TrainConfig[]
  outDir: string
  evaluation?: Partial<EvaluationOptions>
  /** Report title (default "Driftclip loss comparison"). */
  title?: string
  /** Grid and frames of the field panels in the report. */
  viewGrid?: number
  /** Replace an existing comparison folder (--force); the old one is kept until the new one is complete. */
  force?: boolean
  /** Model folders already trained on this data set: evaluated as they are instead of training `variants`. */
  models?: string[]
}

/** What one variant of the comparison is: a config to train, or a trained model folder to evaluate as it is. */
type Entry = { config: TrainConfig; dir?: string }

/** "name (loss/metric)" for a trained model folder. */
const modelLabel = (dir: string, c: TrainConfig) => `${basename(dir)} (${c.loss}/${c.metric})`

/** A comparison folder as a write target: replaced only with `force`, and only if it holds a comparison. */
const comparisonTarget = (force = false) => ({ kind: 'folder', force, marker: 'metrics.json' }) as const

/** Readable unique labels: "cond/cosine", and "#2" suffixes when two variants share loss and metric. */
export function variantLabels(variants: TrainConfig[]): string[] {
  const seen = new Map<string, number>()
  return variants.map((v) => {
    const base = `${v.loss}/${v.metric}`
    const n = (seen.get(base) ?? 0) + 1
    seen.set(base, n)
    return n === 1 ? base : `${base}#${n}`
  })
}

/** Relative velocity RMSE of a variant's conditional mean (to pick the best variant for panels and exports). */
export function meanError(rows: RmseRow[], label: string): number {
  return rows.find((r) => r.kind === 'mean' && r.variant === label)?.relativeVelocityRmse ?? Infinity
}

export async function runComparison(req: ComparisonRequest, ctx: JobContext): Promise<ComparisonResult> {
  await checkTarget(req.outDir, comparisonTarget(req.force))
  const ds = await cachedDataset(req.datasetPath)
  return compareOnDataset(ds, req, ctx)
}

/** The comparison on an in-memory data set (the demo passes the one it just simulated). */
export async function compareOnDataset(ds: PairedDataset, req: ComparisonRequest, ctx: JobContext): Promise<ComparisonResult> {
  const options = { ...DEFAULT_EVALUATION, ...req.evaluation }
  const entries: Entry[] = req.models?.length
    ? await Promise.all(req.models.map(async (dir) => ({ config: (await readMeta(dir)).config, dir })))
    : req.variants.map((config) => ({ config }))
  const labels = req.models?.length ? entries.map((e) => modelLabel(e.dir!, e.config)) : variantLabels(req.variants)
  const setup = prepareEvaluation(ds, options, phaseContext(ctx, 'fields'))
  const baselines = evaluateBaselines(setup, phaseContext(ctx, 'baselines'))
  return writeAtomically(req.outDir, async (tmp) => {
    await mkdir(join(tmp, 'models'), { recursive: true })
    const variants: ComparisonVariant[] = []
    const learnedRows: RmseRow[] = []
    let best: { error: number; view: FieldView; label: string } | undefined
    for (const [k, { config, dir }] of entries.entries()) {
      throwIfCancelled(ctx.signal)
      const label = labels[k]!
      const tag = `variant ${k + 1}/${entries.length} ${label}`
      ctx.log(dir ? `${tag}: evaluating the trained model ${dir} (no retraining)` : `${tag}: training (${config.epochs} epochs, dim ${config.dim}, batch ${config.batch}, seed ${config.seed})`)
      const started = Date.now()
      // a trained model is refused here when it was trained on differently shaped data
      const { model, history } = dir
        ? await loadModel(dir, ds).then((m) => ({ model: m, history: m.meta.history as EpochRecord[] }))
        : await trainOnDataset(ds, config, phaseContext(ctx, `${tag} training`))
      const trainSeconds = (Date.now() - started) / 1000
      try {
        const folder = label.replace(/[^A-Za-z0-9._-]/g, '_')
        if (!dir) await model.save(join(tmp, 'models', folder), { dataset: req.datasetPath })
        const scores = evaluateLearned(model, setup, label, phaseContext(ctx, `${tag} evaluating`))
        learnedRows.push(...scores.rmse)
        variants.push({
          label,
          config,
          model: dir ?? join(req.outDir, 'models', folder),
          retrieval: scores.retrieval,
          curve: history.map(({ epoch, trainLoss, validationLoss, r1TrajToPot, r1PotToTraj }) => ({ epoch, trainLoss, validationLoss, r1TrajToPot, r1PotToTraj })),
          calibration: scores.calibration,
          ess: scores.ess,
          ...(dir ? {} : { trainSeconds })
        })
        const error = meanError(scores.rmse, label)
        if (!best || error < best.error)
          best = { error, label, view: fieldViewOf(ds, model, { index: 0, grid: req.viewGrid ?? FIELD_DEFAULTS.comparison.grid, frames: FIELD_DEFAULTS.comparison.reportFrames }, { maxBank: options.maxBank }) }
        ctx.log(`${tag}: R@1 T→P ${scores.retrieval.trajectoryToPotential.r1.toFixed(3)}, P→T ${scores.retrieval.potentialToTrajectory.r1.toFixed(3)}, conditional-mean relative RMSE ${error.toFixed(3)} (${trainSeconds.toFixed(0)} s)`)
      } finally {
        model.dispose()
      }
      ctx.progress({ done: k + 1, total: entries.length, unit: 'variants' })
    }
    const rmse = [...learnedRows, ...baselines]
    const result: ComparisonResult = {
      dataset: req.datasetPath,
      variants,
      rmse,
      settings: settingsOf(setup),
      report: join(req.outDir, 'report.html'),
      files: ['metrics.json', 'metrics.csv', 'curves.json', 'report.html', 'models/'].map((f) => join(req.outDir, f))
    }
    await writeFile(join(tmp, 'metrics.json'), metricsJson(result))
    await writeFile(join(tmp, 'metrics.csv'), metricsCsv(metricRows(rmse, variants)))
    await writeFile(join(tmp, 'curves.json'), curvesJson(variants))
    const html = renderReport({
      title: req.title ?? 'Driftclip loss comparison',
      createdAt: creationDate(),
      dataset: req.datasetPath,
      datasetNote: `${ds.flow} flow, ${ds.nPairs} pairs, ${ds.nTracers} tracer(s) × ${ds.nTimes} records, ${setup.testPairs.length} test queries, bank of ${setup.bankPairs.length} train pairs`,
      variants,
      rmse,
      frameTimes: Array.from(setup.times),
      configuration: { simulation: ds.config, variants: Object.fromEntries(variants.map((v) => [v.label, v.config])), evaluation: result.settings },
      ...(best ? { field: { view: best.view, variant: best.label, caseIndex: 0 } } : {}),
      notes:
        ds.flow === 'fourier'
          ? ['Fourier flow: every mode keeps its amplitude and all pairs share the frequencies, so on the periodic grid the spatial RMS of any error field is the same at every frame (Parseval) — flat per-frame curves are expected, not a bug.']
          : []
    })
    await writeFile(join(tmp, 'report.html'), html)
    return result
  }, { ...comparisonTarget(req.force), signal: ctx.signal })
}
