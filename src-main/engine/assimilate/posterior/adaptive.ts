/**
 * pCN with a fitted Gaussian reference, for posteriors much narrower than their prior (Lagrangian twins with
 * small σ): plain pCN on the prior then needs β ~ 1e-3 and mixes slowly. A first burn-in round runs plain pCN
 * (β adapted); each later round fits N(m̂, Ĉ) to the pooled second half of the round before and runs pCN with that
 * reference (chains in a poor basin then receive proposals from the better ones); the kept run does the same, on the
 * same target rewritten exactly as exp(−Φ̃) N(m̂, Ĉ), Φ̃ = Φ − log μ + log N(m̂, Ĉ) (Law 2014; Rudolf & Sprungk
 * 2018, "generalised pCN" in finite dimension). The target is unchanged; only the proposal learns its shape.
 */
import { fitGaussian, logDensityOf } from './gaussian'
import { diagnose, pcn, type PcnOptions, type PcnResult, type PcnTarget } from './pcn'

export interface AdaptivePcnOptions extends Omit<PcnOptions, 'burnIn'> {
  /** Burn-in steps per chain, split into `rounds`: the first plain pCN on the prior, each later one with the Gaussian fitted to the round before. */
  exploreSteps: number
  /** Exploration rounds (default 3). */
  rounds?: number
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
  const rounds = Math.max(1, o.rounds ?? 3)
  const per = Math.max(8, Math.floor(o.exploreSteps / rounds))
  const total = per * rounds + o.steps + (o.settleSteps ?? Math.floor(o.steps / 5))
  let done = 0
  const progress = o.onProgress && ((n: number) => o.onProgress!(done + n, total))
  // round 1 on the prior; every later round (and the final run) with the Gaussian fitted to the previous round
  let explore = pcn(target, { ...o, steps: per - Math.floor(per / 2), burnIn: Math.floor(per / 2), thin: 1, onProgress: progress && ((n) => progress(n)) })
  done += per
  for (let r = 1; r < rounds; r++) {
    explore = pcn(withReference(target, fitGaussian(explore.samples, d, o.inflation ?? 1.5)), {
      ...o, steps: per - Math.floor(per / 2), burnIn: Math.floor(per / 2), thin: 1, starts: lastStates(explore, d), seed: o.seed + r, beta: 0.5,
      onProgress: progress && ((n) => progress(n))
    })
    done += per
  }
  const reference = fitGaussian(explore.samples, d, o.inflation ?? 1.5)
  const run = pcn(withReference(target, reference), {
    ...o, burnIn: o.settleSteps ?? Math.floor(o.steps / 5), starts: lastStates(explore, d), seed: o.seed + rounds, beta: 0.5,
    onProgress: progress && ((n) => progress(n))
  })
  // report Φ itself along the kept draws, not Φ̃
  const phi = new Float64Array(o.chains * run.kept)
  target.potential(run.samples, o.chains * run.kept, phi)
  return { ...run, potentials: phi, explore, diagnostics: diagnose(run.samples, phi, o.chains, run.kept, d, run.acceptance) }
}

/** Each chain's last kept state, chains × d. */
function lastStates(r: PcnResult, d: number): Float64Array {
  const out = new Float64Array(r.chains * d)
  for (let c = 0; c < r.chains; c++) out.set(r.samples.subarray(((c + 1) * r.kept - 1) * d, (c + 1) * r.kept * d), c * d)
  return out
}
