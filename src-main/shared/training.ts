/** Training configuration (learning core): losses, metrics, encoders. Pure: zod only. */
import { z } from 'zod'
import { DEFAULT_TEMPERATURE } from './constants'

/** cond = two-sided conditional (CLIP), cond-u / cond-v = one-sided u|v / v|u, joint, mmd. */
export const LossKind = z.enum(['cond', 'cond-u', 'cond-v', 'joint', 'mmd'])
export type LossKind = z.infer<typeof LossKind>

/** cosine on normalised embeddings, dot = inner product, l2 = −½|g_u − g_v|². */
export const MetricKind = z.enum(['cosine', 'dot', 'l2'])
export type MetricKind = z.infer<typeof MetricKind>

export const TrainConfig = z.object({
  loss: LossKind.default('cond'),
  metric: MetricKind.default('cosine'),
  dim: z.number().int().min(1).max(1024).default(98),
  epochs: z.number().int().min(1).default(20),
  batch: z.number().int().min(2).default(128),
  learningRate: z.number().positive().default(1e-3),
  temperature: z.number().positive().default(DEFAULT_TEMPERATURE),
  learnTemperature: z.boolean().default(true),
  seed: z.number().int().min(0).default(1)
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
