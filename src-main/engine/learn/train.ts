/**
 * Training on a paired data set: features and normalisation from the training split, encoders per the
 * config, the fit loop, and (runTraining) reading the data set, per-epoch checkpoints, resume, and the
 * saved model folder.
 */
import { existsSync } from 'node:fs'
import { mkdir, readFile, rm, writeFile } from 'node:fs/promises'
import { join } from 'node:path'
import { availableParallelism, loadavg } from 'node:os'
import { MIN_SHARD_ROWS, TrainConfig, type ModelSummary, type TrainConfigInput } from '../../shared/training'
import type { PairedDataset } from '../data/dataset-types'
import { readDataset } from '../data/dataset'
import { checkTarget, writeAtomically } from '../data/atomic'
import { creationDate } from '../data/created'
import { UserError, type JobContext } from '../jobs/job'
import { currentBackend, initBackend, tf } from './backend'
import { buildEncoder, type EncoderSpec } from './encoders'
import { fitStandardizer, splitIndices, standardize, trajectoryFeatures } from './features'
import { pathFeatureSpec } from './path-features'
import { fit, type EpochRecord, type FitHooks, type FitSettings, type PairData, type PairNet } from './fit'
import { fitDataParallel, fitParallel } from './parallel'
import type { OptimizerState } from './parallel-protocol'
import type { Prepared } from './train-types'
import { lossWeights } from './losses'
import { TrainedModel, type ModelMeta } from './model'
import { assignWeights, dataShapeOf, modelTarget, namedWeights, readWeights, saveModel, writeWeights } from './model-io'
import { temperatureOf, temperatureVariable } from './similarity'
import { defaultTokenLayout, tokenBasisOf, tokenDim, type TokenLayout } from './tokens'

export interface TrainResult extends ModelSummary { finalLoss: number; steps: number; history: EpochRecord[]; backend: string }

export type { Prepared }

/** Build inputs, encoders and settings for `ds` under `config` (no training yet). */
export function prepareTraining(ds: PairedDataset, input: TrainConfigInput, datasetName = 'in-memory'): Prepared {
  const config = TrainConfig.parse(input)
  const train = splitIndices(ds, 'train')
  const validation = splitIndices(ds, 'validation')
  if (train.length < 3) throw new UserError(`the data set has ${train.length} training pairs; training needs at least 3 (simulate more pairs or lower the validation/test fractions)`)
  if (config.potentialEncoder === 'identity' && config.dim !== ds.paramDim)
    throw new UserError(`the identity potential encoder needs --dim ${ds.paramDim} (the number of flow parameters), got ${config.dim}`)
  if (config.features === 'lagrangian' && config.encoder === 'sequence') throw new UserError('the lagrangian trajectory features are one vector per trajectory; use --encoder mlp or linear with them, not sequence')
  const tokens: TokenLayout | undefined = config.encoder === 'sequence' ? defaultTokenLayout(ds.nTracers, ds.nTimes, config.tokens, config.tokenFeatures === 'basis' ? tokenBasisOf(ds) : undefined) : undefined
  const features = config.features === 'lagrangian' ? pathFeatureSpec(ds) : undefined
  const uRaw = trajectoryFeatures(ds.trajectories, ds.nPairs, tokens, features)
  const du = uRaw.length / ds.nPairs
  const nu = fitStandardizer(uRaw, du, train)
  const nv = fitStandardizer(ds.params, ds.paramDim, train)
  const data: PairData = { u: standardize(uRaw, du, nu), du, v: standardize(ds.params, ds.paramDim, nv), dv: ds.paramDim, train, validation }
  const common = { outputDim: config.dim, widths: config.widths, activation: config.activation, bias: true }
  const uSpec: EncoderSpec = { ...common, kind: config.encoder, inputDim: du, ...(tokens ? { sequence: { tokens: tokens.tokens, tokenDim: tokenDim(tokens), model: config.modelWidth, blocks: config.blocks, pooling: config.pooling } } : {}) }
  const vSpec: EncoderSpec = { ...common, kind: config.potentialEncoder, inputDim: ds.paramDim }
  const net: PairNet = {
    encU: buildEncoder(uSpec, config.seed * 2 + 1),
    encV: buildEncoder(vSpec, config.seed * 2 + 2),
    logScale: temperatureVariable(config.temperature, config.learnTemperature)
  }
  const weights = lossWeights(config)
  const settings: FitSettings = { ...config, weights, batch: config.batch }
  const meta: ModelMeta = {
    format: 'driftclip-model', version: 1,
    architecture: { u: uSpec, v: vSpec, ...(tokens ? { tokens } : {}), ...(features ? { features } : {}) },
    config, weights, temperature: config.temperature,
    normalisation: { u: nu, v: nv }, data: dataShapeOf(ds),
    provenance: { dataset: datasetName, createdAt: creationDate(), backend: currentBackend()?.name ?? 'unknown' },
    history: []
  }
  return { data, net, settings, meta }
}

/** Train on an in-memory data set (in this thread) and return the model and its history. */
export async function trainOnDataset(ds: PairedDataset, config: TrainConfigInput, ctx: JobContext, hooks: FitHooks & { datasetName?: string; restore?: (p: Prepared) => Promise<FitHooks> } = {}): Promise<{ model: TrainedModel; history: EpochRecord[]; steps: number; finalLoss: number }> {
  const backend = await initBackend()
  ctx.log(`backend: ${backend.name} (${backend.reason})`)
  const p = prepareTraining(ds, config, hooks.datasetName)
  const resumed = hooks.restore ? await hooks.restore(p) : {}
  const steps = Math.floor(p.data.train.length / Math.min(p.settings.batch, p.data.train.length)) * p.settings.epochs
  let plan = trainingPlan(p.meta.config.parallel, steps, availableParallelism(), loadavg()[0], p.settings.batch, p.net.encU.variables.length > 0 && p.net.encV.variables.length > 0)
  // a checkpoint's Adam state is per encoder (encoder-parallel) or whole (the others): resume in a mode that reads it
  const saved = resumed.optimizerStates ?? {}
  if (saved.u && plan.kind !== 'encoders') plan = { kind: 'encoders', why: 'resuming the encoder-parallel run in its two workers (one per encoder)' }
  else if (saved.all && plan.kind === 'encoders') plan = { kind: 'data', workers: 2, why: 'resuming in two data-parallel workers (the checkpoint holds one Adam state for both encoders)' }
  ctx.log(plan.why)
  const run = { ...hooks, ...resumed }
  const result = plan.kind === 'encoders' ? await fitParallel(p, ctx, run) : plan.kind === 'data' ? await fitDataParallel(p, ctx, run, plan.workers) : await fit(p.net, p.data, p.settings, ctx, run)
  const meta: ModelMeta = { ...p.meta, temperature: temperatureOf(p.net.logScale), history: result.history }
  p.net.logScale.dispose()
  return { model: new TrainedModel(meta, p.net.encU, p.net.encV, saveModel), ...result }
}

export type TrainingPlan = { kind: 'one' | 'encoders'; why: string } | { kind: 'data'; workers: number; why: string }

/**
 * How a run uses the cores. Parallel when asked (`on`), or (`auto`) for runs of ≥ 200 steps on a machine that is not
 * saturated. On two cores one worker per encoder (measured: CPU efficiency ≈ 0.9 against ≈ 0.66 for two
 * data-parallel workers, which each repeat the B×B loss); with more cores one data-parallel worker per core, each
 * with at least MIN_SHARD_ROWS rows of a batch.
 */
export function trainingPlan(mode: TrainConfig['parallel'], steps: number, cores: number, load: number, batch: number, bothTrained: boolean): TrainingPlan {
  if (mode === 'off') return { kind: 'one', why: 'training in one thread (--single-thread)' }
  if (mode === 'auto' && steps < 200) return { kind: 'one', why: `training in one thread: ${steps} steps do not pay for starting workers` }
  if (mode === 'auto' && !(cores >= 2 && load < cores + 1)) return { kind: 'one', why: `training in one thread: the machine is busy (load average ${load.toFixed(1)} on ${cores} cores)` }
  const workers = Math.min(cores, Math.floor(batch / MIN_SHARD_ROWS))
  if (workers <= 2 && bothTrained) return { kind: 'encoders', why: 'training the two encoders in parallel worker threads (one per encoder)' }
  if (workers >= 2) return { kind: 'data', workers, why: `training data-parallel in ${workers} worker threads (${Math.floor(batch / workers)}+ rows of each batch per worker)` }
  return { kind: 'one', why: `training in one thread: ${cores < 2 ? 'one core' : `a batch of ${batch} is too small to split`}` }
}

const STATE_FILE = 'checkpoint.json'
interface CheckpointState { epoch: number; history: EpochRecord[]; optimizers: Record<string, { names: string[] }> }

/** Write model weights, temperature and Adam state(s) after an epoch (atomically, replacing the last one). */
async function writeCheckpoint(dir: string, p: Prepared, epoch: number, history: EpochRecord[], optimizers: Record<string, OptimizerState>): Promise<void> {
  const named: tf.NamedTensorMap = { ...namedWeights(p.net.encU, p.net.encV), logScale: p.net.logScale }
  const kept: tf.Tensor[] = []
  for (const [key, st] of Object.entries(optimizers))
    st.values.forEach((x, i) => kept.push((named[`opt-${key}/${String(i).padStart(4, '0')}`] = tf.tensor(x, st.shapes[i]))))
  const state: CheckpointState = { epoch, history, optimizers: Object.fromEntries(Object.entries(optimizers).map(([k, st]) => [k, { names: st.names }])) }
  try {
    await writeAtomically(dir, async (tmp) => {
      await mkdir(tmp, { recursive: true })
      await writeWeights(tmp, named)
      await writeFile(join(tmp, STATE_FILE), JSON.stringify(state))
    }, { kind: 'folder', force: true, marker: STATE_FILE })
  } finally {
    tf.dispose(kept)
  }
}

/** Restore weights and optimiser state(s) from a checkpoint folder into freshly prepared encoders. */
async function readCheckpoint(dir: string, p: Prepared): Promise<FitHooks> {
  const state = JSON.parse(await readFile(join(dir, STATE_FILE), 'utf8')) as CheckpointState
  const named = await readWeights(dir)
  assignWeights(p.net.encU, p.net.encV, named, dir)
  p.net.logScale.assign(tf.reshape(named.logScale, []))
  const optimizerStates: Record<string, OptimizerState> = {}
  for (const [key, { names }] of Object.entries(state.optimizers)) {
    const ts = names.map((_, i) => named[`opt-${key}/${String(i).padStart(4, '0')}`])
    optimizerStates[key] = { names, values: ts.map((t) => t.dataSync().slice() as Float32Array), shapes: ts.map((t) => t.shape) }
  }
  tf.dispose(Object.values(named))
  return { startEpoch: state.epoch + 1, history: state.history, optimizerStates }
}

/** Where the per-epoch checkpoint of the model folder `outDir` is kept until the model is saved. */
export const checkpointPath = (outDir: string): string => `${outDir}.checkpoint`

/** Read a data set file, train (with checkpoints next to the output), save the model folder. */
export async function runTraining(req: { datasetPath: string; outDir: string; config: TrainConfigInput; resume?: boolean; force?: boolean }, ctx: JobContext): Promise<TrainResult> {
  await checkTarget(req.outDir, modelTarget(req.force)) // refuse before minutes of training, not after
  const ds = await readDataset(req.datasetPath)
  const checkpoint = checkpointPath(req.outDir)
  if (req.resume && !existsSync(join(checkpoint, STATE_FILE))) throw new UserError(`nothing to resume: no checkpoint at ${checkpoint}; start the training without --resume`)
  let prepared: Prepared | undefined
  const { model, history, steps, finalLoss } = await trainOnDataset(ds, req.config, ctx, {
    datasetName: req.datasetPath,
    restore: async (p) => {
      prepared = p
      if (!req.resume) return {}
      const hooks = await readCheckpoint(checkpoint, p)
      ctx.log(`resuming from ${checkpoint} after epoch ${hooks.startEpoch}`)
      return hooks
    },
    onEpochEnd: async (epoch, hist, optimizers) => {
      if (prepared) await writeCheckpoint(checkpoint, prepared, epoch, hist, optimizers)
    }
  })
  await model.save(req.outDir, { dataset: req.datasetPath }, { force: req.force })
  await rm(checkpoint, { recursive: true, force: true })
  model.dispose()
  const c = model.config
  return { path: req.outDir, loss: c.loss, metric: c.metric, dim: c.dim, dataset: req.datasetPath, createdAt: model.meta.provenance.createdAt, finalLoss, steps, history, backend: currentBackend()?.name ?? 'unknown' }
}
