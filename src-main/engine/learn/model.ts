/** A trained contrastive model: both encoders, the temperature and the input normalisation; encodes and scores. */
import type { FlowKind } from '../../shared/simulation'
import type { TrainConfig } from '../../shared/training'
import { tf } from './backend'
import type { Encoder, EncoderSpec } from './encoders'
import { standardize, trajectoryFeatures, type Standardizer } from './features'
import { embedRows } from './fit'
import { logitsJs } from './similarity'
import type { PathFeatureSpec } from './path-features'
import type { TokenLayout } from './tokens'

/** What the model must match in a data set to be used on it. */
export interface DataShape { flow: FlowKind; nTracers: number; nTimes: number; paramDim: number; tStart: number; tEnd: number }

/** Everything in driftclip-model.json except the weights. */
export interface ModelMeta {
  format: 'driftclip-model'
  version: 1
  /** `features`: the trajectory encoder reads the path regression (path-features.ts) instead of positions. */
  architecture: { u: EncoderSpec; v: EncoderSpec; tokens?: TokenLayout; features?: PathFeatureSpec }
  config: TrainConfig
  weights: [number, number]
  temperature: number
  normalisation: { u: Standardizer; v: Standardizer }
  data: DataShape
  provenance: { dataset: string; createdAt: string; backend: string }
  history: unknown[]
}

export interface ContrastiveModel {
  readonly config: TrainConfig
  readonly temperature: number
  encodeTrajectories(trajectories: Float64Array, count: number): Float32Array
  encodePotentials(params: Float64Array, count: number): Float32Array
  logits(zu: Float32Array, nu: number, zv: Float32Array, nv: number): Float64Array
  /** `force` replaces an existing model folder (by rename, the old one kept until the new one is complete). */
  save(dir: string, provenance: { dataset: string }, opts?: { force?: boolean }): Promise<void>
  dispose(): void
}

const range = (n: number) => Int32Array.from({ length: n }, (_, i) => i)

/** The in-memory model; `save` is supplied by model-io (kept separate so this file has no file I/O). */
export class TrainedModel implements ContrastiveModel {
  constructor(
    readonly meta: ModelMeta,
    readonly encU: Encoder,
    readonly encV: Encoder,
    private readonly saver: (model: TrainedModel, dir: string, provenance: { dataset: string }, opts?: { force?: boolean }) => Promise<void>
  ) {}
  get config(): TrainConfig {
    return this.meta.config
  }
  get temperature(): number {
    return this.meta.temperature
  }
  encodeTrajectories(trajectories: Float64Array, count: number): Float32Array {
    const { tokens, features } = this.meta.architecture
    const x = trajectoryFeatures(trajectories, count, tokens, features)
    const dim = this.encU.spec.inputDim
    return embedRows(this.encU, standardize(x.subarray(0, count * dim), dim, this.meta.normalisation.u), dim, range(count))
  }
  encodePotentials(params: Float64Array, count: number): Float32Array {
    const dim = this.encV.spec.inputDim
    return embedRows(this.encV, standardize(params.subarray(0, count * dim), dim, this.meta.normalisation.v), dim, range(count))
  }
  logits(zu: Float32Array, nu: number, zv: Float32Array, nv: number): Float64Array {
    return logitsJs(zu, nu, zv, nv, this.encU.spec.outputDim, this.meta.config.metric, this.meta.temperature)
  }
  save(dir: string, provenance: { dataset: string }, opts: { force?: boolean } = {}): Promise<void> {
    return this.saver(this, dir, provenance, opts)
  }
  dispose(): void {
    tf.dispose([...this.encU.variables, ...this.encV.variables])
  }
}
