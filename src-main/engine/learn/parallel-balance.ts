/**
 * How encoder-parallel training (encoder-worker.ts) shares the work when one encoder is the larger: v's worker then
 * runs Adam for part of u's parameters. Adam is element-wise, so where it runs changes no bit; only the balance.
 */
import type { EncoderSpec } from './encoders'

/**
 * Multiply-adds per row of one training step through `spec` (forward, weight gradients, input gradients of every
 * layer but the first, whose input is data); undefined for the transformer, which this does not model.
 */
export function stepMacsPerRow(spec: EncoderSpec): number | undefined {
  if (spec.kind === 'identity') return 0
  const sizes = spec.kind === 'linear' ? [spec.inputDim, spec.outputDim] : spec.kind === 'mlp' ? [spec.inputDim, ...spec.widths, spec.outputDim] : undefined
  if (!sizes) return undefined
  let layers = 0
  for (let i = 0; i + 1 < sizes.length; i++) layers += sizes[i]! * sizes[i + 1]!
  return 3 * layers - sizes[0]! * sizes[1]!
}

/**
 * The share of u's parameters whose Adam update v's worker runs: half when u's encoder does more multiply-adds per row
 * than v's (a transformer counts as the larger), else none. Half was the best of 0, ½ and all on the reference model
 * (u 323,584 against v 253,952 multiply-adds per row; learn README, 2026-12-03).
 */
export function adamOffloadFraction(u: EncoderSpec, v: EncoderSpec): number {
  const cu = stepMacsPerRow(u)
  const cv = stepMacsPerRow(v)
  if (cv === undefined) return 0
  return cu === undefined || cu > cv ? 0.5 : 0
}
