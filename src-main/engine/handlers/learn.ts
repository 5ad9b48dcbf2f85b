/** Training requests: train one model on a data set in the workspace. */
import { runTraining } from '../learn/index'
import type { HandlerDeps, Handlers } from './types'

export function learnHandlers({ workspace, runner }: HandlerDeps): Pick<Handlers, 'startTraining'> {
  return {
    startTraining: async ({ name, dataset, config, resume }) => {
      const datasetPath = workspace.resolve(dataset)
      const outDir = workspace.pathFor('models', name)
      const jobId = runner.start('train', `${resume ? 'resume' : 'train'} ${name} (${config.loss}/${config.metric})`, async (ctx) => {
        // the GUI names models in its own workspace folder: a new model of the same name replaces the old one (by rename)
        const result = await runTraining({ datasetPath, outDir, config, resume, force: true }, ctx)
        return { ...result, path: workspace.relative(outDir), dataset }
      })
      return { jobId }
    }
  }
}
