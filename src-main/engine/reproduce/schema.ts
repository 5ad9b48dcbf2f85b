/**
 * Schema of reproduce.json, for reading an earlier run back (merging a re-run section into it): what the report
 * renders must be there with its type; settings objects may carry more fields (they are shown verbatim).
 */
import { z } from 'zod'
import { UserError } from '../jobs/job'
import type { ReproduceResult } from './types'

const num = z.number()
const Verdict = z.object({ holds: z.union([z.boolean(), z.literal('partly')]), text: z.string() })
const RunProvenance = z.object({ createdAt: z.string(), commit: z.string().optional(), quick: z.boolean(), loadMean: num.optional(), nice: num.optional() })
const ExperimentSummary = z.object({
  id: z.string(), title: z.string(), paperSection: z.string(), verdict: Verdict, seconds: num, cpuSeconds: num.optional(), run: RunProvenance.optional()
})

const Conditional1d = z.object({ slope: num, variance: num })
const Conditionals = z.object({ uGivenV: Conditional1d, vGivenU: Conditional1d })
const SignModel = z.object({ kappa: num, beta: num })
const GaussianCase = z.object({
  id: z.enum(['cond-dot', 'l2-one-sided', 'joint-dot', 'normalised']), title: z.string(), statement: z.string(), loss: z.string(), metric: z.string(),
  truth: Conditionals, closedForm: z.union([Conditionals, SignModel]), learned: z.union([Conditionals, SignModel]),
  parameters: z.record(z.string(), num), checks: z.array(z.object({ name: z.string(), measured: num, expected: z.string(), pass: z.boolean() })),
  holds: z.boolean(), verdict: z.string()
})
const GaussianSettings = z.looseObject({ samples: num, batch: num, epochs: num, learningRate: num, seed: num })

const GpErrors = z.object({ uGivenV: num, vGivenU: num })
const GpRun = GpErrors.extend({
  dim: num, batch: num, n: num, replicate: num.optional(), steps: num, optimum: GpErrors, halfSteps: GpErrors, convergenceGap: num,
  runs: z.array(GpErrors.extend({ steps: num }))
})
const GpSettings = z.looseObject({
  nu: num, nv: num, noise: num, tau: num, alpha: num, modes: num, steps: num, maxSteps: num, maxGap: num, learningRate: num, seed: num,
  dims: z.array(num), batches: z.array(num), sizes: z.array(num), baseDim: num, baseBatch: num, baseN: num, replicates: num.optional()
})
const Gp = z.object({
  result: z.object({ settings: GpSettings, errorDefinition: z.string(), embeddingDim: z.array(GpRun), batchSize: z.array(GpRun), sampleSize: z.array(GpRun) }),
  verdicts: z.object({ embeddingDim: Verdict, batchSize: Verdict, sampleSize: Verdict, convergence: Verdict, overall: Verdict })
})

const Recall = z.object({ trajToPotR1: num, trajToPotR5: num, potToTrajR1: num, potToTrajR5: num })
const Scored = z.object({ trainBatches: Recall, testBatches: Recall, testWhole: Recall })
const EpochRecall = Scored.extend({ epoch: num, seconds: num, trainLoss: num, temperature: num, raw: Scored.optional() })
const CollapseSide = z.object({ meanEss: num, medianEss: num, meanDistinct: num, meanSpread: num, uniformSpread: num })
const LagrangianSettings = z.looseObject({
  train: num, validation: num, test: num, dt: num, steps: num, recordEvery: num, epochs: num, batch: num, learningRate: num, mlpLearningRate: num,
  tokens: num, blocks: num, modelWidth: num, pooling: z.enum(['last', 'mean']), collapseEpochs: num, collapseQueries: num, draws: num, seed: num
})
const Lagrangian = z.object({
  result: z.object({
    settings: LagrangianSettings, dataset: z.string(), simulationSeconds: num, collapseSeconds: num, collapseCpuSeconds: num,
    runs: z.array(z.object({ label: z.string(), encoder: z.enum(['sequence', 'mlp']), parameters: num, msPerStep: num, history: z.array(EpochRecall), final: EpochRecall })),
    collapse: z.array(z.object({ loss: z.enum(['cond', 'cond-v']), trajGivenPot: CollapseSide, potGivenTraj: CollapseSide }))
  }),
  verdict: Verdict, collapseVerdict: Verdict
})

export const ReproduceResultSchema = z.object({
  createdAt: z.string(), commit: z.string().optional(), mergedAt: z.string().optional(), quick: z.boolean(), seconds: num, cpuSeconds: num.optional(),
  machine: z.object({ backend: z.string(), cores: num, loadBefore: num, loadAfter: num, loadMean: num.optional(), loadMax: num.optional(), nice: num.optional() }),
  experiments: z.array(ExperimentSummary),
  gaussianSettings: GaussianSettings.optional(), gaussian: z.array(GaussianCase).optional(), gp: Gp.optional(), lagrangian: Lagrangian.optional(),
  settings: z.record(z.string(), z.unknown())
})

/** Parse reproduce.json text; a problem gives one line naming the file and the first mismatching field. */
export function parseReproduceJson(text: string, file: string): ReproduceResult {
  let raw: unknown
  try {
    raw = JSON.parse(text)
  } catch (err) {
    throw new UserError(`reproduce: ${file} is not JSON (${err instanceof Error ? err.message : String(err)})`)
  }
  const parsed = ReproduceResultSchema.safeParse(raw)
  if (!parsed.success) {
    const issue = parsed.error.issues[0]!
    throw new UserError(`reproduce: ${file} is not a reproduce.json: ${issue.path.length ? issue.path.join('.') : '(top level)'}: ${issue.message}`)
  }
  return parsed.data as ReproduceResult
}
