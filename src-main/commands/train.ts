/** `driftclip train`: train a contrastive model (trajectory and potential encoders) on a data set file. */
import { LossKind, MetricKind, PotentialEncoderKind, TrainConfig, TrajectoryEncoderKind, type TrainConfigInput } from '../shared/training'
import { UserError } from '../engine/jobs/job'
import type { BackendName } from '../shared/training'
import { numberOption, parseWithSchema } from './options'
import type { CliCommand, OptionValues } from './types'

const num = (values: OptionValues, name: string, kind: 'int' | 'real') => numberOption(values, name, kind, 'train')

/** Config field → command-line option, for error messages. */
const OPTION_OF: Record<string, string> = {
  learningRate: 'lr', learnTemperature: 'fixed-temperature', potentialEncoder: 'potential-encoder',
  lambdaU: 'lambda-u', lambdaV: 'lambda-v', warmupFraction: 'warmup', modelWidth: 'model-width', tokenFeatures: 'token-features'
}

/** Build and validate the training configuration from command-line options. */
export function trainConfigFromOptions(values: OptionValues): TrainConfig {
  const widths = values.widths === undefined ? undefined : String(values.widths).split(',').map(Number)
  if (widths && widths.some((w) => !Number.isInteger(w) || w < 1)) throw new UserError(`train: --widths wants comma-separated positive integers, got "${String(values.widths)}"`)
  const input: TrainConfigInput = {
    loss: values.loss as TrainConfig['loss'] | undefined,
    metric: values.metric as TrainConfig['metric'] | undefined,
    dim: num(values, 'dim', 'int'),
    epochs: num(values, 'epochs', 'int'),
    batch: num(values, 'batch', 'int'),
    learningRate: num(values, 'lr', 'real'),
    temperature: num(values, 'temperature', 'real'),
    learnTemperature: values['fixed-temperature'] ? false : undefined,
    seed: num(values, 'seed', 'int'),
    encoder: values.encoder as TrainConfig['encoder'] | undefined,
    features: values.features as TrainConfig['features'] | undefined,
    potentialEncoder: values['potential-encoder'] as TrainConfig['potentialEncoder'] | undefined,
    widths,
    lambdaU: num(values, 'lambda-u', 'real'),
    lambdaV: num(values, 'lambda-v', 'real'),
    warmupFraction: num(values, 'warmup', 'real'),
    patience: num(values, 'patience', 'int'),
    tokens: num(values, 'tokens', 'int'),
    blocks: num(values, 'blocks', 'int'),
    modelWidth: num(values, 'model-width', 'int'),
    pooling: values.pooling as TrainConfig['pooling'] | undefined,
    tokenFeatures: values['token-features'] as TrainConfig['tokenFeatures'] | undefined,
    parallel: values['single-thread'] ? 'off' : values.parallel ? 'on' : undefined
  }
  return parseWithSchema(TrainConfig, input, 'train', OPTION_OF)
}

export const trainCommand: CliCommand = {
  name: 'train',
  summary: 'train trajectory/potential encoders with a contrastive loss and save the model folder',
  usage: `options:
  --data FILE.nc              paired data set from driftclip simulate (required)
  --out MODEL_DIR             output model folder (required)
  --force                     replace an existing model folder (the old one is kept until the new one is complete)
  --loss ${LossKind.options.join('|')}   two-sided conditional (CLIP, default), one-sided u|v or v|u, joint, MMD
  --metric ${MetricKind.options.join('|')}      alignment metric (default cosine)
  --dim N                     embedding dimension (default 98 = 2K)
  --epochs E --batch B        (defaults 20, 128)
  --lr X                      peak Adam learning rate (default 1e-3), warm-up then cosine decay
  --warmup F                  warm-up fraction of all steps (default 0.05)
  --temperature T             initial temperature (default 0.07); --fixed-temperature keeps it fixed
  --encoder ${TrajectoryEncoderKind.options.join('|')}          trajectory encoder (default mlp)
  --tokens N --blocks M --pooling last|mean --model-width D
                              sequence encoder: at most N patch tokens covering every recorded time (default 25),
                              M transformer blocks (default 1), last-token (default) or mean pooling, width (default 64)
  --token-features positions|basis   what a token holds: its patch's positions (default), or (Fourier flow) the
                              velocity times the flow's Fourier features, averaged over the patch
  --features positions|lagrangian   what the trajectory encoder reads: positions (default), or the regularised
                              least-squares flow coefficients of each path (Fourier flow only; engineered input)
  --potential-encoder ${PotentialEncoderKind.options.join('|')} potential encoder (identity needs --dim = number of parameters)
  --widths 256,256            MLP hidden widths
  --lambda-u X --lambda-v X   loss weights (default per loss)
  --patience P                early-stopping patience in epochs (default 5; 0 = off)
  --seed S                    random seed (default 1)
  --backend tensorflow|wasm|cpu   force a backend (default: best available)
  --parallel / --single-thread   force worker threads / one thread (default: parallel for runs of ≥ 200 steps
                              when a core is free: one worker per encoder on 2 cores, else one data-parallel
                              worker per core, each with ≥ 32 rows of a batch)
  --resume                    continue from MODEL_DIR.checkpoint`,
  options: {
    data: { type: 'string' }, out: { type: 'string' }, loss: { type: 'string' }, metric: { type: 'string' }, dim: { type: 'string' },
    epochs: { type: 'string' }, batch: { type: 'string' }, lr: { type: 'string' }, warmup: { type: 'string' }, temperature: { type: 'string' },
    'fixed-temperature': { type: 'boolean' }, encoder: { type: 'string' }, features: { type: 'string' }, 'potential-encoder': { type: 'string' }, widths: { type: 'string' },
    'lambda-u': { type: 'string' }, 'lambda-v': { type: 'string' }, patience: { type: 'string' }, seed: { type: 'string' },
    tokens: { type: 'string' }, blocks: { type: 'string' }, pooling: { type: 'string' }, 'model-width': { type: 'string' }, 'token-features': { type: 'string' },
    backend: { type: 'string' }, 'single-thread': { type: 'boolean' }, parallel: { type: 'boolean' }, resume: { type: 'boolean' },
    force: { type: 'boolean' }
  },
  async run(values, _positionals, io) {
    if (!values.data) throw new UserError('train: --data FILE.nc is required')
    if (!values.out) throw new UserError('train: --out MODEL_DIR is required')
    const config = trainConfigFromOptions(values)
    const backendOpt = values.backend as string | undefined
    if (backendOpt && !['tensorflow', 'wasm', 'cpu'].includes(backendOpt)) throw new UserError(`train: --backend must be tensorflow, wasm or cpu, got "${backendOpt}"`)
    const { initBackend, runTraining } = await import('../engine/learn/index')
    const backend = await initBackend(backendOpt as BackendName | undefined)
    io.print(`backend: ${backend.name} — ${backend.reason}`)
    const result = await runTraining({ datasetPath: String(values.data), outDir: String(values.out), config, resume: Boolean(values.resume), force: values.force === true }, io.context)
    const last = result.history[result.history.length - 1]
    io.print(`saved ${result.path}: ${result.steps} steps, final loss ${result.finalLoss.toFixed(4)}` + (last ? `, validation loss ${last.validationLoss.toFixed(4)}, R@1 u→v ${last.r1TrajToPot.toFixed(3)}, v→u ${last.r1PotToTraj.toFixed(3)}, τ ${last.temperature.toFixed(4)}` : ''))
    return { ...result, backend }
  }
}
