/**
 * Exponential moving average (Polyak–Ruppert averaging with forgetting) of a model's weights, for evaluation only:
 * the optimiser keeps training the raw weights, and the averaged copy is swapped in to score retrieval. Averaging
 * the iterates of a noisy optimiser lowers the variance of the weights it ends at (a standard evaluation practice,
 * not part of arXiv 2505.24134 §6.3, so the report names it). Debiased like Adam's moments: after t updates from a
 * zero start the average is Σ_s d^{t−s}(1−d) w_s / (1 − d^t), so the first update returns w_1 exactly.
 */
import type { tf } from '../learn/backend'

export class WeightAverage {
  private readonly sums: Float64Array[]
  private updates = 0

  /** `decay` d in [0, 1): the weight of step s in the average after step t is ∝ d^{t−s}. */
  constructor(private readonly variables: tf.Variable[], readonly decay: number) {
    if (!(decay >= 0 && decay < 1)) throw new Error(`weight average: decay must be in [0, 1), got ${decay}`)
    this.sums = variables.map((v) => new Float64Array(v.size))
  }

  /** Fold the variables' current values into the average (call after every optimiser step). */
  update(): void {
    const d = this.decay
    this.updates++
    this.variables.forEach((v, i) => {
      const w = v.dataSync()
      const s = this.sums[i]
      for (let k = 0; k < s.length; k++) s[k] = d * s[k] + (1 - d) * w[k]
    })
  }

  /** The debiased average of variable i (a copy). */
  average(i: number): Float32Array {
    const s = this.sums[i]
    const out = new Float32Array(s.length)
    const c = this.updates ? 1 / (1 - Math.pow(this.decay, this.updates)) : 0
    for (let k = 0; k < s.length; k++) out[k] = s[k] * c
    return out
  }

  /** Run `f` with the averaged weights in the variables, then put the raw weights back (also when `f` throws). */
  withAverage<T>(tfx: typeof tf, f: () => T): T {
    if (!this.updates) return f()
    const raw = this.variables.map((v) => (v.dataSync() as Float32Array).slice())
    const assign = (vals: (i: number) => Float32Array) =>
      this.variables.forEach((v, i) => {
        const t = tfx.tensor(vals(i), v.shape)
        v.assign(t)
        t.dispose()
      })
    assign((i) => this.average(i))
    try {
      return f()
    } finally {
      assign((i) => raw[i])
    }
  }
}

/** Decay whose average spans about `fraction` of `steps` optimiser steps (1/(1−d) = its mean age in steps). */
export function decayForSpan(steps: number, fraction: number): number {
  return Math.max(0, 1 - 1 / Math.max(1, fraction * steps))
}
