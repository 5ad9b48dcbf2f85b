/** Assimilation requests: evaluate a model, compare loss variants, fields for the explorers, exports. */
import { join } from 'node:path'
import { stat } from 'node:fs/promises'
import type { FieldName, FileEntry } from '../../shared/contract'
import type { FieldExport } from '../data/export/index'
import { runEvaluation } from '../assimilate/evaluate'
import { runComparison } from '../assimilate/compare'
import { computeFieldView } from '../assimilate/field-view'
import { fieldExportOf } from '../assimilate/demo-exports'
import { writeFieldNetcdf, writeMetricsJson, writeTracksCsv, writeTracksGeojson } from '../data/export/index'
import { cachedDataset } from '../assimilate/cache'
import { pairsOfSplit } from '../assimilate/setup'
import { observedTrack } from '../assimilate/tracers'
import { throwIfCancelled, UserError } from '../jobs/job'
import type { Workspace } from '../workspace'
import type { HandlerDeps, Handlers } from './types'

type AssimilateChannels = 'startEvaluation' | 'startComparison' | 'getField' | 'startExport'

/** Export grid: fine enough for analysis, small enough to write in a second. */
const EXPORT_GRID = 48
const EXPORT_FRAMES = 21

export function assimilateHandlers({ workspace, runner }: HandlerDeps): Pick<Handlers, AssimilateChannels> {
  return {
    startEvaluation: async ({ model, dataset }) => {
      const jobId = runner.start('evaluate', `evaluate ${model}`, async (ctx) => ({
        ...(await runEvaluation({ modelDir: workspace.resolve(model), datasetPath: workspace.resolve(dataset) }, ctx)),
        model,
        dataset
      }))
      return { jobId }
    },
    startComparison: async ({ name, dataset, variants }) => {
      const outDir = workspace.pathFor('exports', name)
      const jobId = runner.start('compare', `compare ${variants.length} variants`, async (ctx) =>
        relativePaths(workspace, await runComparison({ datasetPath: workspace.resolve(dataset), variants, outDir }, ctx))
      )
      return { jobId }
    },
    getField: async ({ dataset, model, index, grid, frames }) =>
      computeFieldView({
        datasetPath: workspace.resolve(dataset),
        modelDir: model ? workspace.resolve(model) : undefined,
        index,
        grid,
        frames
      }),
    startExport: async (req) => {
      const jobId = runner.start('export', `export ${req.name}`, async (ctx) => {
        const outDir = workspace.pathFor('exports', req.name)
        const written: string[] = []
        const total = req.formats.length
        ctx.progress({ done: 0, total, unit: 'files' })
        const ds = await cachedDataset(workspace.resolve(req.dataset))
        const view = await computeFieldView({
          datasetPath: workspace.resolve(req.dataset),
          modelDir: req.model ? workspace.resolve(req.model) : undefined,
          index: req.index,
          grid: EXPORT_GRID,
          frames: EXPORT_FRAMES
        })
        const pair = pairsOfSplit(ds, 'test')[req.index]
        if (pair === undefined) throw new UserError(`export: the test split has no case ${req.index}`)
        const tracks = { times: ds.times, positions: observedTrack(ds, pair), nTracers: ds.nTracers }
        const attrs = { dataset: req.dataset, model: req.model ?? '', test_case: req.index }
        for (const format of req.formats) {
          throwIfCancelled(ctx.signal)
          if (format === 'netcdf') {
            const truth = join(outDir, 'truth.nc')
            await writeFieldNetcdf(truth, only(req.fields, fieldExportOf(view, view.truth, undefined, { ...attrs, comment: 'true field' })))
            written.push(truth)
            if (view.reconstruction) {
              const rec = join(outDir, 'reconstruction.nc')
              await writeFieldNetcdf(
                rec,
                only(
                  req.fields,
                  fieldExportOf(view, view.reconstruction, view.uncertainty, {
                    ...attrs,
                    comment: 'conditional-mean reconstruction; uncertainty = weighted std under the learned conditional',
                    effective_sample_size: view.ess ?? NaN
                  })
                )
              )
              written.push(rec)
            }
          } else if (format === 'csv') {
            written.push(join(outDir, 'tracks.csv'))
            await writeTracksCsv(written.at(-1)!, tracks)
          } else if (format === 'geojson') {
            written.push(join(outDir, 'tracks.geojson'))
            await writeTracksGeojson(written.at(-1)!, tracks)
          } else {
            written.push(join(outDir, 'rmse-per-frame.json'))
            const rows = view.times.map((t, f) => ({ time: t, velocityRmse: view.rmsePerFrame?.[f] ?? null }))
            await writeMetricsJson(written.at(-1)!, rows, { ...attrs, ess: view.ess ?? null })
          }
          ctx.progress({ done: req.formats.indexOf(format) + 1, total, unit: 'files' })
        }
        return { files: await Promise.all(written.map((p) => entryOf(workspace, p))) }
      })
      return { jobId }
    }
  }
}

/** The export with only the chosen gridded quantities. */
function only(fields: FieldName[], e: FieldExport): FieldExport {
  const out = { ...e }
  for (const name of ['u', 'v', 'psi', 'vorticity', 'uncertainty'] as const) if (!fields.includes(name)) delete out[name]
  return out
}

async function entryOf(workspace: Workspace, abs: string): Promise<FileEntry> {
  const s = await stat(abs)
  return { path: workspace.relative(abs), bytes: s.size, modified: s.mtime.toISOString() }
}

/** Comparison results name files by absolute path; the renderer wants workspace paths. */
function relativePaths<T extends { dataset: string; variants: { model: string }[]; report?: string }>(workspace: Workspace, r: T): T {
  return {
    ...r,
    dataset: workspace.relative(r.dataset),
    variants: r.variants.map((v) => ({ ...v, model: workspace.relative(v.model) })),
    ...(r.report ? { report: workspace.relative(r.report) } : {})
  }
}
