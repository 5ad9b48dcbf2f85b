/** Messages and shared memory layout between the parallel-training orchestrator and its two encoder workers. */
import type { BackendName } from '../../shared/training'
import type { EncoderSpec } from './encoders'
import type { FitSettings } from './fit'

/**
 * control[SEQ_U], control[SEQ_V]: last step whose embeddings each side published; control[STOP] = 1 cancels;
 * control[HALF_V]: last step whose halves of the conditional loss v published. With the Adam
 * offload (EncoderWorkerInit.offload): control[GRAD_U] the last step whose gradient u published, control[PARAMS_V] the
 * last step whose updated parameters v published, control[MOMENTS_V] the last epoch whose moments v published.
 */
export const SEQ_U = 0
export const SEQ_V = 1
export const STOP = 2
export const HALF_V = 3
export const GRAD_U = 4
export const PARAMS_V = 5
export const MOMENTS_V = 6
/** Length of the encoder-parallel control array. */
export const ENCODER_CONTROL = 7
/** Data-parallel training's control: control[ARRIVED] counts barrier arrivals (W per barrier), control[STOP] as above. */
export const ARRIVED = 0

/**
 * The phases of a data-parallel step, in order (wall ms per rank, cumulative in `ShardWorkerInit.profile`, shard-worker.ts): where a
 * step's time goes, and how long each rank waits at each barrier for the slowest one.
 */
export const SHARD_PHASES = ['inputs', 'forward', 'wait: embeddings', 'loss', 'wait: column sums', 'backward', 'wait: ∂L/∂z_v', 'read gradients', 'wait: gradients', 'reduce + Adam', 'wait: parameters', 'store parameters'] as const
/** Adam state of one worker: values in tfjs getWeights order (iterations, first moments, second moments). */
export interface OptimizerState { names: string[]; values: Float32Array[]; shapes: number[][] }

/** What every training worker gets. */
export interface WorkerInitBase {
  backend: BackendName
  /** Normalised inputs of both sides (SharedArrayBuffer-backed; both are needed for the mmd kernels). */
  u: Float32Array
  du: number
  v: Float32Array
  dv: number
  train: Int32Array
  validation: Int32Array
  settings: FitSettings
  logScale: number
  control: Int32Array
  startEpoch: number
}

export interface EncoderWorkerInit extends WorkerInitBase {
  kind: 'encoder'
  side: 'u' | 'v'
  spec: EncoderSpec
  seed: number
  /** [side u parity 0, side u parity 1, side v parity 0, side v parity 1] × B × ℓ floats. */
  exchange: Float32Array
  /**
   * [rows parity 0, rows parity 1, columns parity 0, columns parity 1] × (1 + B²) floats: Σ lse, then the softmax, of
   * each half of the conditional loss, written by v's worker; empty when the loss is not split.
   */
  halves: Float32Array
  /** Resume: initial weights in the encoder's variable order, and the Adam state. */
  weights?: Float32Array[]
  optimizer?: OptimizerState
  /**
   * v's worker runs Adam for the first `count` of u's flat parameters (u's encoder is the larger): u puts that slice
   * of its gradient in `gradient`, v the updated slice in `params`, and after each epoch the slice's first and second
   * moments in `moments` (2 × count) for u's report. v side only: u's spec, weights and (resume) Adam state.
   */
  offload: { count: number; gradient: Float32Array; params: Float32Array; moments: Float32Array; specU?: EncoderSpec; weightsU?: Float32Array[]; optimizerU?: OptimizerState }
}

/**
 * One worker of data-parallel training (shard-worker.ts): both encoders, rows [⌊rB/W⌋, ⌊(r+1)B/W⌋) of every batch.
 * Shared memory: `embeddings` = [z_u | z_v] of the whole batch (B × ℓ each; each worker writes its rows),
 * `gradients` = W × P partial gradients (P = the trained parameters in the one-thread loop's order: u's, v's, then
 * the temperature if learned), `state` = the P parameters, then Adam's first and second moments (adam.ts).
 */
export interface ShardWorkerInit extends WorkerInitBase {
  kind: 'shard'
  rank: number
  workers: number
  specU: EncoderSpec
  specV: EncoderSpec
  weightsU: Float32Array[]
  weightsV: Float32Array[]
  embeddings: Float32Array
  gradients: Float32Array
  state: Float32Array
  /** The split conditional loss (shard-loss.ts): W × B × ℓ partial ∂L/∂z_v, W × 2B column partials, W shares of the loss. */
  partials: Float32Array
  columns: Float32Array
  losses: Float64Array
  /** W × SHARD_PHASES.length: each rank's cumulative wall ms per phase of its steps (shard-worker.ts). */
  profile: Float64Array
  /** Resume: Adam state in the one-thread loop's layout (u's variables, v's, then the temperature). */
  optimizer?: OptimizerState
}

/**
 * After each epoch every worker reports; the orchestrator merges the reports (an encoder side sends its own
 * encoder under its side, data-parallel rank 0 sends both and its Adam state under "all", other ranks nothing).
 */
export interface EpochReport {
  type: 'epoch'
  epoch: number
  trainLoss: number
  embeddings: Partial<Record<'u' | 'v', Float32Array>>
  weights: Partial<Record<'u' | 'v', Float32Array[]>>
  logScale: number
  optimizer: Record<string, OptimizerState>
}

export type WorkerMessage =
  | { type: 'step'; step: number; loss: number; temperature: number; ms: number; waitMs: number }
  | EpochReport
  | { type: 'cancelled' }
  | { type: 'done' }
  | { type: 'error'; message: string }

export type OrchestratorMessage = { type: 'continue' } | { type: 'stop' }
