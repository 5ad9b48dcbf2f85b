/**
 * pCN with a fitted Gaussian reference, for posteriors much narrower than their prior (Lagrangian twins with
 * small σ): plain pCN on the prior then needs β ~ 1e-3 and mixes slowly. Stage 1 runs plain pCN (burn-in, β
 * adapted); stage 2 fits N(m̂, Ĉ) to the pooled second half of stage 1 and runs pCN with that reference on the
 * same target rewritten exactly as exp(−Φ̃) N(m̂, Ĉ), Φ̃ = Φ − log μ + log N(m̂, Ĉ) (Law 2014; Rudolf & Sprungk
 * 2018, "generalised pCN" in finite dimension). The target is unchanged; only the proposal learns its shape.
 */
import { fitGaussian, logDensityOf } from './gaussian'
import { diagnose, pcn, type PcnOptions, type PcnResult, type PcnTarget } from './pcn'

export interface AdaptivePcnOptions extends Omit<PcnOptions, 'burnIn'> {
  /** Stage-1 steps per chain (plain pCN on the prior). */
  exploreSteps: number
  /** Stage-2 burn-in steps with the fitted reference (default steps/5). */
  settleSteps?: number
  /** Scale of the fitted covariance (default 1.5: a reference a little wider than the posterior). */
  inflation?: number
}

export interface AdaptivePcnResult extends PcnResult {
  /** The stage-1 run (its acceptance and β say how hard the plain sampler found the target). */
  explore: PcnResult
}

/** The same target with another Gaussian reference: Φ̃ = Φ − log μ + log ref. */
export function withReference(target: PcnTarget, reference: PcnTarget['prior']): PcnTarget {
  const logPrior = logDensityOf(target.prior), logRef = logDensityOf(reference)
  const d = reference.dim
  return {
    prior: reference,
    potential(states, count, out) {
      target.potential(states, count, out)
      for (let c = 0; c < count; c++) {
        const x = states.subarray(c * d, (c + 1) * d)
        out[c] = out[c] - logPrior(x) + logRef(x)
      }
    }
  }
}

export function adaptivePcn(target: PcnTarget, o: AdaptivePcnOptions): AdaptivePcnResult {
  const d = target.prior.dim
  const explore = pcn(target, { ...o, steps: Math.max(4, Math.floor(o.exploreSteps / 2)), burnIn: Math.ceil(o.exploreSteps / 2), thin: 1, onProgress: o.onProgress && ((done, total) => o.onProgress!(done, total + o.steps)) })
  const reference = fitGaussian(explore.samples, d, o.inflation ?? 1.5)
  const last = new Float64Array(o.chains * d)
  for (let c = 0; c < o.chains; c++) last.set(explore.samples.subarray(((c + 1) * explore.kept - 1) * d, (c + 1) * explore.kept * d), c * d)
  const settle = o.settleSteps ?? Math.floor(o.steps / 5)
  const run = pcn(withReference(target, reference), {
    ...o, burnIn: settle, starts: last, seed: o.seed + 1, beta: 0.5,
    onProgress: o.onProgress && ((done, total) => o.onProgress!(o.exploreSteps + done, o.exploreSteps + total))
  })
  // report Φ itself along the kept draws, not Φ̃
  const phi = new Float64Array(o.chains * run.kept)
  target.potential(run.samples, o.chains * run.kept, phi)
  return { ...run, potentials: phi, explore, diagnostics: diagnose(run.samples, phi, o.chains, run.kept, d, run.acceptance) }
}
