/**
 * The evaluation job: a trained model against its data set's test split — retrieval both directions and the
 * RMSE table of the learned reconstructions next to the baselines, with ESS and calibration.
 */
import type { EvaluationResult, RetrievalScores, RmseRow } from '../../shared/assimilation'
import { throwIfCancelled, type JobContext } from '../jobs/job'
import { evaluateBaselines } from './baselines'
import { cachedDataset, cachedModel } from './cache'
import { evaluateLearned, learnedScores, modelPart, type LearnedScores } from './learned'
import { RmseTable } from './score-table'
import { DEFAULT_EVALUATION, planEvaluation, prepareEvaluation, type EvaluationOptions, type EvaluationPlan } from './setup'
import { evaluationWorkers, evaluateInWorkers } from './evaluate-parallel'

export interface EvaluationRequest {
  modelDir: string
  datasetPath: string
  /** At most this many test pairs as queries (default 200). */
  maxTest?: number
  options?: Partial<EvaluationOptions>
  /** Worker threads sharing the queries (default: all cores for large evaluations; 1 = this thread). */
  workers?: number
}

/** Settings of a setup in the JSON-safe form results carry. */
export function settingsOf(setup: EvaluationPlan): NonNullable<EvaluationResult['settings']> {
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
  const plan = planEvaluation(ds, options)
  const workers = req.workers ?? evaluationWorkers(plan)
  const model = await cachedModel(req.modelDir, ds, req.datasetPath)
  throwIfCancelled(ctx.signal)
  if (workers > 1) {
    // the model's part here (logits, retrieval), the fields and the per-query scores in the workers
    ctx.log(`evaluating ${plan.testPairs.length} queries in ${workers} worker threads`)
    let retrieval: RetrievalScores | undefined
    const pooled = await evaluateInWorkers(plan, workers, ctx, (shared) => {
      const own = modelPart(model, plan, shared)
      retrieval = own.retrieval
      return own.inputs
    })
    const baselines = new RmseTable().addAll(pooled.baselines).toRows()
    return resultOf(req, plan, learnedScores(retrieval!, pooled.learned), baselines)
  }
  const setup = prepareEvaluation(ds, options, phaseContext(ctx, 'fields'))
  const learned = evaluateLearned(model, setup, 'learned', phaseContext(ctx, 'learned'))
  const baselines = evaluateBaselines(setup, phaseContext(ctx, 'baselines'))
  return resultOf(req, setup, learned, baselines)
}

function resultOf(req: EvaluationRequest, plan: EvaluationPlan, learned: LearnedScores, baselines: RmseRow[]): EvaluationResult {
  return {
    model: req.modelDir,
    dataset: req.datasetPath,
    retrieval: learned.retrieval,
    rmse: [...learned.rmse, ...baselines],
    settings: settingsOf(plan),
    ess: learned.ess,
    calibration: learned.calibration
  }
}
