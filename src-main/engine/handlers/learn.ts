/** Training requests: train one model on a data set in the workspace. */
import { rm } from 'node:fs/promises'
import { checkpointPath, runTraining } from '../learn/index'
import { PAUSE_REASON } from '../jobs/job'
import { discardOnCancel } from '../data/atomic'
import type { HandlerDeps, Handlers } from './types'

export function learnHandlers({ workspace, runner }: HandlerDeps): Pick<Handlers, 'startTraining'> {
  return {
    startTraining: async ({ name, dataset, config, resume }) => {
      const datasetPath = workspace.resolve(dataset)
      const outDir = workspace.pathFor('models', name)
      return runner.start('train', `${resume ? 'resume' : 'train'} ${name} (${config.loss}/${config.metric})`, async (ctx) => {
        discardOnCancel(checkpointPath(outDir)) // also when the host must stop this job's worker
        try {
          // the GUI names models in its own workspace folder: a new model of the same name replaces the old one (by rename)
          const result = await runTraining({ datasetPath, outDir, config, resume, force: true }, ctx)
          return { ...result, path: workspace.relative(outDir), dataset }
        } catch (err) {
          // Cancel discards the partial run; only Pause keeps its checkpoint for Resume
          if (ctx.signal.aborted && ctx.signal.reason !== PAUSE_REASON) await rm(checkpointPath(outDir), { recursive: true, force: true })
          throw err
        }
      })
    }
  }
}
