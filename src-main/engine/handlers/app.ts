/** App-level requests: info, workspace listing, jobs, saving figures. */
import { availableParallelism } from 'node:os'
import { stat } from 'node:fs/promises'
import { existsSync } from 'node:fs'
import { writeFileAtomic } from '../data/atomic'
import type { FileEntry } from '../../shared/contract'
import { figureProblem } from '../../shared/figures'
import { freeName } from '../../shared/names'
import { UserError } from '../jobs/job'
import { initBackend } from '../learn/backend'
import { readMeta } from '../learn/model-io'
import { summarizeDataset } from '../data/dataset'
import type { DatasetSummary } from '../../shared/simulation'
import type { ModelSummary } from '../../shared/training'
import type { Workspace } from '../workspace'
import type { HandlerDeps, Handlers } from './types'

type AppChannels = 'appInfo' | 'listWorkspace' | 'listJobs' | 'cancelJob' | 'saveFigure'

export async function appHandlers({ options, workspace, runner }: HandlerDeps): Promise<Pick<Handlers, AppChannels>> {
  const backend = await initBackend()
  return {
    appInfo: async () => ({
      version: options.version,
      mode: options.mode,
      backend,
      workspace: workspace.root,
      cores: availableParallelism()
    }),
    listWorkspace: async () => {
      const notes: string[] = []
      return {
        datasets: await withSummaries(workspace, await workspace.list('datasets', notes), datasetSummary),
        models: await withSummaries(workspace, await workspace.list('models', notes), modelSummary),
        tracks: await workspace.list('tracks', notes),
        exports: await workspace.list('exports', notes),
        ...(notes.length ? { notes } : {})
      }
    },
    listJobs: async () => runner.list(),
    cancelJob: async ({ jobId, pause }) => ({ cancelled: runner.cancel(jobId, pause) }),
    saveFigure: async ({ name, format, contentBase64 }) => {
      const bytes = Buffer.from(contentBase64, 'base64')
      const problem = figureProblem(format, bytes)
      if (problem) throw new UserError(`saveFigure: ${name}.${format}: ${problem}`)
      // a figure never replaces an earlier one: field-map.png, field-map-2.png, …
      const free = freeName(name, (n) => existsSync(workspace.pathFor('exports', n, `.${format}`)))
      const path = workspace.pathFor('exports', free, `.${format}`)
      await writeFileAtomic(path, bytes)
      const s = await stat(path)
      return { path: workspace.relative(path), bytes: s.size, modified: s.mtime.toISOString() }
    }
  }
}

/** Attach each entry's summary; an unreadable file is listed without one (its error shows when it is used). */
async function withSummaries<T>(
  workspace: Workspace,
  entries: FileEntry[],
  summarize: (abs: string, rel: string) => Promise<T>
): Promise<(FileEntry & { summary?: T })[]> {
  return Promise.all(
    entries.map(async (e) => {
      try {
        return { ...e, summary: await summarize(workspace.resolve(e.path), e.path) }
      } catch {
        return e
      }
    })
  )
}

async function datasetSummary(abs: string, rel: string): Promise<DatasetSummary> {
  return { ...(await summarizeDataset(abs)), path: rel }
}

async function modelSummary(abs: string, rel: string): Promise<ModelSummary> {
  const meta = await readMeta(abs)
  const { loss, metric, dim } = meta.config
  return { path: rel, loss, metric, dim, dataset: meta.provenance.dataset, createdAt: meta.provenance.createdAt }
}
