/** Assimilation requests: compare loss variants, fields for the explorers, exports. */
import { stat } from 'node:fs/promises'
import type { FileEntry } from '../../shared/contract'
import { meanError, runComparison } from '../assimilate/compare'
import { existsSync } from 'node:fs'
import { freeName } from '../../shared/names'
import { computeFieldView } from '../assimilate/field-view'
import { writeCaseExports } from '../assimilate/case-export'
import { cachedDataset } from '../assimilate/cache'
import { pairsOfSplit } from '../assimilate/setup'
import { UserError } from '../jobs/job'
import type { Workspace } from '../workspace'
import type { HandlerDeps, Handlers } from './types'

type AssimilateChannels = 'startComparison' | 'getField' | 'startExport' | 'startAssimilation' | 'startTwinBenchmark' | 'startDemo'

/** Export grid: fine enough for analysis, small enough to write in a second. */
const EXPORT_GRID = 48
const EXPORT_FRAMES = 21

export function assimilateHandlers({ workspace, runner }: HandlerDeps): Pick<Handlers, AssimilateChannels> {
  return {
    startComparison: async ({ name, dataset, variants, models }) => {
      const outDir = workspace.pathFor('exports', name)
      const label = models.length ? `compare ${models.length} trained models` : `compare ${variants.length} variants`
      return runner.start('compare', label, async (ctx) =>
        relativePaths(workspace, await runComparison({ datasetPath: workspace.resolve(dataset), variants, models: models.map((m) => workspace.resolve(m)), outDir, force: true }, ctx))
      )
    },
    getField: async ({ dataset, model, index, grid, frames }) =>
      computeFieldView({
        datasetPath: workspace.resolve(dataset),
        modelDir: model ? workspace.resolve(model) : undefined,
        index,
        grid,
        frames
      }),
    startDemo: async ({ quick }) => {
      // never replaces an earlier demo: datasets/demo.nc + exports/demo/, then demo-2, …
      const name = freeName('demo', (n) => existsSync(workspace.pathFor('datasets', n, '.nc')) || existsSync(workspace.pathFor('exports', n)))
      const datasetPath = workspace.pathFor('datasets', name, '.nc')
      return runner.start('demo', `demo${quick ? ' (quick)' : ''}`, async (ctx) => {
        const { runDemo } = await import('../assimilate/demo')
        const r = await runDemo({ outDir: workspace.pathFor('exports', name), datasetPath, quick }, ctx)
        const comparison = relativePaths(workspace, r.comparison)
        const best = [...comparison.variants].sort((a, b) => meanError(comparison.rmse, a.label) - meanError(comparison.rmse, b.label))[0]
        if (!best) throw new UserError('demo: the comparison has no variants; check resources/demo.json')
        return { dataset: workspace.relative(datasetPath), comparison: { ...comparison, dataset: workspace.relative(datasetPath) }, best: { label: best.label, model: best.model }, seconds: r.seconds }
      })
    },
    startAssimilation: async ({ name, tracks, options }) => {
      const out = workspace.pathFor('exports', name, '.nc')
      return runner.start('assimilate', `assimilate ${tracks}`, async (ctx) => {
        const { runAssimilation } = await import('../assimilate/deployment/run')
        const r = await runAssimilation({ tracksPath: workspace.resolve(tracks), outPath: out, options, command: `Driftclip Assimilate view: ${tracks} → exports/${name}.nc` }, ctx)
        return { ...r, source: tracks, out: workspace.relative(out) }
      })
    },
    startTwinBenchmark: async ({ name, options }) => {
      const outDir = workspace.pathFor('exports', name)
      return runner.start('benchmark-da', `twin benchmark (${options.flow})`, async (ctx) => {
        const { runTwinBenchmark } = await import('../assimilate/twin/benchmark')
        const { learnedMethods } = await import('../assimilate/twin/learned-methods')
        const r = await runTwinBenchmark({ options, outDir, learned: learnedMethods }, ctx)
        return { ...r, outputs: { json: workspace.relative(r.outputs.json), csv: workspace.relative(r.outputs.csv), html: workspace.relative(r.outputs.html), markdown: workspace.relative(r.outputs.markdown) } }
      })
    },
    startExport: async (req) => {
      return runner.start('export', `export ${req.name}`, async (ctx) => {
        ctx.progress({ done: 0, total: req.formats.length, unit: 'files' })
        const datasetPath = workspace.resolve(req.dataset)
        const ds = await cachedDataset(datasetPath)
        const pair = pairsOfSplit(ds, 'test')[req.index]
        if (pair === undefined) throw new UserError(`export: the test split has no case ${req.index}`)
        const view = await computeFieldView({
          datasetPath,
          modelDir: req.model ? workspace.resolve(req.model) : undefined,
          index: req.index,
          grid: EXPORT_GRID,
          frames: EXPORT_FRAMES
        })
        const written = await writeCaseExports(ds, view, pair, workspace.pathFor('exports', req.name), {
          formats: req.formats,
          fields: req.fields,
          attrs: { dataset: req.dataset, model: req.model ?? '', test_case: req.index },
          comments: {
            truth: 'true field',
            reconstruction: 'conditional-mean reconstruction; uncertainty = weighted std of the velocity vector under the learned conditional'
          },
          signal: ctx.signal,
          onFormat: (done, total) => ctx.progress({ done, total, unit: 'files' })
        })
        return { files: await Promise.all(written.map((p) => entryOf(workspace, p))) }
      })
    }
  }
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
