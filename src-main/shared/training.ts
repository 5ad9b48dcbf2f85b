/** Training configuration (learning core): losses, metrics, encoders. Pure: zod only. */
import { z } from 'zod'
import { DEFAULT_TEMPERATURE } from './constants'
import { Seed } from './limits'

/** cond = two-sided conditional (CLIP), cond-u / cond-v = one-sided u|v / v|u, joint, mmd. */
export const LossKind = z.enum(['cond', 'cond-u', 'cond-v', 'joint', 'mmd'])
export type LossKind = z.infer<typeof LossKind>

/** cosine on normalised embeddings, dot = inner product, l2 = −½|g_u − g_v|². */
export const MetricKind = z.enum(['cosine', 'dot', 'l2'])
export type MetricKind = z.infer<typeof MetricKind>

export const TrajectoryEncoderKind = z.enum(['mlp', 'sequence', 'linear'])
export type TrajectoryEncoderKind = z.infer<typeof TrajectoryEncoderKind>
export const PotentialEncoderKind = z.enum(['mlp', 'linear', 'identity'])
export type PotentialEncoderKind = z.infer<typeof PotentialEncoderKind>

/** How each option is shown (typed by its schema: a new loss, metric or encoder does not compile until it is labelled). */
export const LOSS_LABELS: Record<LossKind, string> = {
  cond: 'conditional, two-sided (CLIP)',
  'cond-u': 'one-sided: trajectory | potential',
  'cond-v': 'one-sided: potential | trajectory',
  joint: 'joint',
  mmd: 'MMD'
}
export const METRIC_LABELS: Record<MetricKind, string> = { cosine: 'cosine', dot: 'dot product', l2: 'negative squared distance' }
export const TRAJECTORY_ENCODER_LABELS: Record<TrajectoryEncoderKind, string> = { mlp: 'MLP', sequence: 'sequence (patch tokens)', linear: 'linear' }
export const POTENTIAL_ENCODER_LABELS: Record<PotentialEncoderKind, string> = { mlp: 'MLP', linear: 'linear', identity: 'identity' }

/** Data-parallel training gives each worker at least this many rows of a batch: a worker costs the same CPU time with 16 rows as with 32 (its fixed per-step costs and the repeated B×B loss dominate; learn/README.md). */
export const MIN_SHARD_ROWS = 32

export const TrainConfig = z.object({
  loss: LossKind.default('cond'),
  metric: MetricKind.default('cosine'),
  dim: z.number().int().min(1).max(1024).default(98),
  epochs: z.number().int().min(1).default(20),
  batch: z.number().int().min(2).default(128),
  learningRate: z.number().positive().default(1e-3),
  temperature: z.number().positive().default(DEFAULT_TEMPERATURE),
  learnTemperature: z.boolean().default(true),
  seed: Seed.default(1),
  /** Trajectory (u) encoder: MLP on the flattened trajectory, a small transformer over time tokens, or linear. */
  encoder: TrajectoryEncoderKind.default('mlp'),
  /** What the trajectory encoder reads: the recorded positions, or the path regression for flows linear in v (engine/learn/path-features.ts). */
  features: z.enum(['positions', 'lagrangian']).default('positions'),
  /** Potential (v) encoder: identity on the coefficients (the paper's choice; needs dim = paramDim), linear or MLP. */
  potentialEncoder: PotentialEncoderKind.default('mlp'),
  /** Hidden widths of the MLP encoders. */
  widths: z.array(z.number().int().min(1).max(4096)).max(8).default([256, 256]),
  activation: z.enum(['relu', 'gelu', 'tanh']).default('relu'),
  /** Loss weights (λu for u|v, λv for v|u); default per loss: cond (1,1), cond-u (2,0), cond-v (0,2), mmd (1,1). */
  lambdaU: z.number().min(0).optional(),
  lambdaV: z.number().min(0).optional(),
  /** Fraction of all steps spent in linear learning-rate warm-up before the cosine decay. */
  warmupFraction: z.number().min(0).max(0.5).default(0.05),
  /** Stop after this many epochs without a better validation loss (0 = never stop early). */
  patience: z.number().int().min(0).default(5),
  /** Sequence encoder: at most this many time tokens (patches of consecutive recorded times that together cover every time), model width, blocks and pooling. */
  tokens: z.number().int().min(1).max(1000).default(25),
  /** What a token holds: its patch's positions, or (Fourier flow) velocity × the flow's Fourier features averaged over the patch (engine/learn/tokens.ts). */
  tokenFeatures: z.enum(['positions', 'basis']).default('positions'),
  modelWidth: z.number().int().min(8).max(512).default(64),
  blocks: z.number().int().min(1).max(12).default(1),
  pooling: z.enum(['last', 'mean']).default('last'),
  /**
   * Train in worker threads: one per encoder on two cores, else one data-parallel worker per core (each ≥ MIN_SHARD_ROWS rows
   * of a batch); auto = when the run has ≥ 200 steps (worker start-up costs seconds) and the machine is not saturated (load average < cores + 1).
   */
  parallel: z.enum(['auto', 'on', 'off']).default('auto')
})
export type TrainConfig = z.infer<typeof TrainConfig>
export type TrainConfigInput = z.input<typeof TrainConfig>

export type BackendName = 'tensorflow' | 'wasm' | 'cpu'
export interface BackendInfo {
  name: BackendName
  /** Why this backend was chosen, in plain words (e.g. "tfjs-node not installed: …"). */
  reason: string
}

export interface ModelSummary {
  path: string
  loss: LossKind
  metric: MetricKind
  dim: number
  dataset: string
  createdAt: string
}
