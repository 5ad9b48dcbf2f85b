/**
 * The evaluation job: a trained model against its data set's test split — retrieval both directions and the
 * RMSE table of the learned reconstructions next to the baselines, with ESS and calibration.
 */
import type { EvaluationResult } from '../../shared/assimilation'
import { throwIfCancelled, type JobContext } from '../jobs/job'
import { evaluateBaselines } from './baselines'
import { cachedDataset, cachedModel } from './cache'
import { evaluateLearned } from './learned'
import { DEFAULT_EVALUATION, prepareEvaluation, type EvaluationOptions, type EvaluationSetup } from './setup'

export interface EvaluationRequest {
  modelDir: string
  datasetPath: string
  /** At most this many test pairs as queries (default 200). */
  maxTest?: number
  options?: Partial<EvaluationOptions>
}

/** Settings of a setup in the JSON-safe form results carry. */
export function settingsOf(setup: EvaluationSetup): NonNullable<EvaluationResult['settings']> {
  const o = setup.options
  return {
    grid: o.grid,
    frameTimes: Array.from(setup.times),
    testQueries: setup.testPairs.length,
    bankSize: setup.bankPairs.length,
    samples: o.samples,
    seed: o.seed
  }
}

/** Phase-tagged progress: each phase reports its own done/total under one message prefix. */
export function phaseContext(ctx: JobContext, phase: string): JobContext {
  return { ...ctx, progress: (p) => ctx.progress({ ...p, message: p.message ? `${phase}: ${p.message}` : phase }) }
}

export async function runEvaluation(req: EvaluationRequest, ctx: JobContext): Promise<EvaluationResult> {
  const options = { ...DEFAULT_EVALUATION, ...req.options, ...(req.maxTest ? { maxTest: req.maxTest } : {}) }
  ctx.log(`reading ${req.datasetPath} and the model in ${req.modelDir}`)
  const ds = await cachedDataset(req.datasetPath)
  const model = await cachedModel(req.modelDir, ds, req.datasetPath)
  throwIfCancelled(ctx.signal)
  const setup = prepareEvaluation(ds, options, phaseContext(ctx, 'fields'))
  const learned = evaluateLearned(model, setup, 'learned', phaseContext(ctx, 'learned'))
  const baselines = evaluateBaselines(setup, phaseContext(ctx, 'baselines'))
  return {
    model: req.modelDir,
    dataset: req.datasetPath,
    retrieval: learned.retrieval,
    rmse: [...learned.rmse, ...baselines],
    settings: settingsOf(setup),
    ess: learned.ess,
    calibration: learned.calibration
  }
}
