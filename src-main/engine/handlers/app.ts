/** App-level requests: info, workspace listing, jobs, saving figures. */
import { availableParallelism } from 'node:os'
import { stat } from 'node:fs/promises'
import { writeFileAtomic } from '../data/atomic'
import { initBackend } from '../learn/backend'
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
    listWorkspace: async () => ({
      datasets: await workspace.list('datasets'),
      models: await workspace.list('models'),
      tracks: await workspace.list('tracks'),
      exports: await workspace.list('exports')
    }),
    listJobs: async () => runner.list(),
    cancelJob: async ({ jobId }) => ({ cancelled: runner.cancel(jobId) }),
    saveFigure: async ({ name, format, contentBase64 }) => {
      const path = workspace.pathFor('exports', name, `.${format}`)
      await writeFileAtomic(path, Buffer.from(contentBase64, 'base64'))
      const s = await stat(path)
      return { path: workspace.relative(path), bytes: s.size, modified: s.mtime.toISOString() }
    }
  }
}
