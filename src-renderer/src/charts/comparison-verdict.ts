/**
 * A comparison in plain words: which variant is best on which score, whether the difference is resolved by the
 * number of test queries, whether the learned reconstruction beats the baselines (said plainly when it does not),
 * and the definitions of the scores. Pure.
 */
import type { LossKind } from '@shared/training'
import { BASELINES, isBaseline } from '@shared/assimilation'
import type { ComparisonResult } from '@shared/views'
import { fmt } from './common'
import { bootstrapProportion } from './bootstrap'

/** The scores as a reader needs them, one line each. */
export const SCORE_DEFINITIONS: readonly { term: string; definition: string }[] = [
  { term: 'R@k', definition: 'Recall at k: the fraction of test queries whose true partner is among the k most similar candidates of the test set. Chance is k / (number of test queries); 1 is perfect.' },
  { term: 'relative RMSE', definition: 'Velocity RMSE over grid cells, frames and test queries divided by the RMS speed of the truth: 1 is as bad as predicting zero velocity, 0 is exact.' },
  { term: 'conditional mean', definition: 'The reconstruction Σ w_j v_j: bank flows v_j weighted by the learned conditional ν(v | u) ∝ exp(s(u, v)/τ).' },
  { term: 'ESS', definition: 'Effective sample size 1 / Σ w_j² of those weights: about how many bank flows carry the reconstruction. Near 1 it is a retrieval of one flow; near the bank size the observation is ignored.' },
  { term: '95 % interval', definition: 'Percentile bootstrap over the test queries (2,000 resamples): a difference inside overlapping intervals is not resolved by this many queries.' }
]

/** Why a loss behaves as it does (arXiv 2505.24134 §3–4), for the sentence on the best variant. */
const WHY: Record<LossKind, string> = {
  cond: 'the two-sided conditional loss trains both ν(v | u) and ν(u | v), so it retrieves well in both directions',
  'cond-u': 'the one-sided loss trains only ν(u | v) (trajectory given potential)',
  'cond-v': 'the one-sided loss trains ν(v | u) (potential given trajectory), the conditional a reconstruction uses',
  joint: 'the joint loss fits s(u, v) against the product of marginals; its conditionals come from normalising over the bank',
  mmd: 'the MMD loss matches distributions, not individual pairs, so its retrieval is usually weaker'
}

export function comparisonVerdict(r: ComparisonResult): string[] {
  const lines: string[] = []
  const n = r.settings?.testQueries
  const ranked = [...r.variants].sort((a, b) => b.retrieval.trajectoryToPotential.r1 - a.retrieval.trajectoryToPotential.r1)
  const [best, second] = ranked
  if (best) {
    const p = best.retrieval.trajectoryToPotential.r1
    const ci = n ? bootstrapProportion(p, n) : undefined
    let text = `Retrieval: ${best.label} is best at finding the flow of a trajectory (R@1 ${fmt(p)}${ci ? `, 95 % interval ${fmt(ci[0])}–${fmt(ci[1])}` : ''}${n ? `; chance ${fmt(1 / n)}` : ''}); ${WHY[best.config.loss]}.`
    if (second && n && ci) {
      const q = second.retrieval.trajectoryToPotential.r1
      const ci2 = bootstrapProportion(q, n)
      text += ci[0] > ci2[1]
        ? ` It is clearly ahead of ${second.label} (${fmt(q)}).`
        : ` ${second.label} (${fmt(q)}) is within the intervals: ${n} test queries do not resolve the difference.`
    }
    lines.push(text)
  }
  const mean = (label: string) => r.rmse.find((x) => x.kind === 'mean' && x.variant === label)
  const learned = r.variants.map((v) => ({ v, row: mean(v.label) })).filter((x) => x.row).sort((a, b) => a.row!.relativeVelocityRmse - b.row!.relativeVelocityRmse)
  // the oracle picks the best bank member knowing the truth: a bound, not a competitor
  const baselines = r.rmse.filter((x) => isBaseline(x) && x.kind !== 'oracle').sort((a, b) => a.relativeVelocityRmse - b.relativeVelocityRmse)
  const top = learned[0]
  const base = baselines[0]
  if (top?.row) {
    const e = top.row.relativeVelocityRmse
    let text = `Reconstruction: ${top.v.label} has the lowest relative velocity RMSE of its conditional mean (${fmt(e)}).`
    if (base) {
      const baseName = isBaseline(base) ? BASELINES[base.kind] : base.method
      text += e < base.relativeVelocityRmse
        ? ` It beats the best baseline, the ${baseName} (${fmt(base.relativeVelocityRmse)}), by ${fmt((1 - e / base.relativeVelocityRmse) * 100)} %.`
        : ` It does NOT beat the ${baseName} baseline (${fmt(base.relativeVelocityRmse)}): on this data the learned reconstruction adds nothing yet — train longer, on more pairs, or with more tracers.`
    }
    if (top.v.label !== best?.label) text += ` The best retriever (${best?.label}) is not the best reconstructor: retrieval rewards a sharp conditional, reconstruction a well-centred one.`
    lines.push(text)
  }
  const withEss = r.variants.filter((v) => v.ess)
  if (withEss.length) {
    const bank = r.settings?.bankSize
    lines.push(
      `Spread of the weights: ESS ${withEss.map((v) => `${v.label} ${fmt(v.ess!.mean)}`).join(', ')}${bank ? ` of a bank of ${bank}` : ''} — the number of bank flows each reconstruction effectively averages.`
    )
  }
  return lines
}
