/** `driftclip evaluate`: retrieval both directions and the RMSE table with baselines for a trained model. */
import { FIELD_DEFAULTS } from '../shared/limits'
import { DEFAULT_EVALUATION } from '../engine/assimilate/setup'
import { intOption, stringOption } from './options'
import type { CliCommand } from './types'

export const evaluateCommand: CliCommand = {
  name: 'evaluate',
  summary: 'score a trained model on its data set: retrieval R@k both ways, reconstruction RMSE vs baselines',
  usage: `options:
  --model DIR        trained model folder (from driftclip train)
  --data FILE.nc     the paired data set it was trained on
  --max-test N       at most N test pairs as queries (default ${DEFAULT_EVALUATION.maxTest})
  --grid N           grid cells per side for field errors (default ${FIELD_DEFAULTS.evaluation.grid})
  --frames N         frames across the time window (default ${FIELD_DEFAULTS.evaluation.frames})`,
  options: { model: { type: 'string' }, data: { type: 'string' }, 'max-test': { type: 'string' }, grid: { type: 'string' }, frames: { type: 'string' } },
  async run(values, _positionals, io) {
    // engines load on use, so `driftclip --help` and other commands start fast
    const { runEvaluation } = await import('../engine/assimilate/evaluate')
    const { markdownTable } = await import('../engine/assimilate/comparison-files')
    const result = await runEvaluation(
      {
        modelDir: stringOption(values, 'model', 'evaluate'),
        datasetPath: stringOption(values, 'data', 'evaluate'),
        maxTest: intOption(values, 'max-test', DEFAULT_EVALUATION.maxTest),
        options: { grid: intOption(values, 'grid', FIELD_DEFAULTS.evaluation.grid), frames: intOption(values, 'frames', FIELD_DEFAULTS.evaluation.frames) }
      },
      io.context
    )
    const a = result.retrieval.trajectoryToPotential
    const b = result.retrieval.potentialToTrajectory
    const pct = (x: number) => `${(100 * x).toFixed(1)}%`
    io.print(`retrieval on ${result.settings?.testQueries} test pairs:`)
    io.print(`  trajectory → potential  R@1 ${pct(a.r1)}  R@5 ${pct(a.r5)}  R@10 ${pct(a.r10)}  median rank ${a.medianRank}`)
    io.print(`  potential → trajectory  R@1 ${pct(b.r1)}  R@5 ${pct(b.r5)}  R@10 ${pct(b.r10)}  median rank ${b.medianRank}`)
    if (result.ess) io.print(`effective sample size of the conditional weights: median ${result.ess.median.toFixed(1)} (min ${result.ess.min.toFixed(1)}, max ${result.ess.max.toFixed(1)}) of a bank of ${result.settings?.bankSize}`)
    io.print('')
    io.print(markdownTable(result.rmse, []))
    return result
  }
}
