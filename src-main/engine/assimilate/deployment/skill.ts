/**
 * Honest skill of a deployment's field: leave-one-drifter-out. Each drifter's velocity samples are predicted
 * from the other drifters only, on exactly the same samples for every method (those where at least one other
 * drifter reports at the same time). Pooled RMSE (m/s), per drifter, a bootstrap 95% interval over drifters,
 * speed ratio and mean direction cosine; a plain-words verdict.
 */
import type { DrifterSkill, SkillMethod, SkillRow } from '../../../shared/deployment'
import { uniformRng } from '../../learn/random'
import type { Deployment } from './geometry'

/** Bootstrap resamples of the drifters for the 95% interval. */
export const BOOTSTRAP = 2000
/** Targets for Driftclip from the issue: speed ratio band and mean direction cosine. */
export const TARGETS = { speedRatio: [0.67, 1.5] as [number, number], directionCosine: 0.5 }

/** A leave-one-drifter-out predictor: velocities of drifter `d` at samples `ks`, from the other drifters only. */
export type LodoPredictor = (d: number, ks: Int32Array) => { u: Float64Array; v: Float64Array }

/** Samples of drifter d that are scored: its velocity is valid and at least one other drifter reports then. */
export function scoredSamples(dep: Deployment, d: number): Int32Array {
  const out: number[] = []
  for (let k = 0; k < dep.nT; k++) {
    if (!dep.mask[d * dep.nT + k]) continue
    for (let o = 0; o < dep.nD; o++) if (o !== d && dep.mask[o * dep.nT + k]) {
      out.push(k)
      break
    }
  }
  return Int32Array.from(out)
}

/** The other drifters reporting at sample k. */
function others(dep: Deployment, d: number, k: number): number[] {
  const out: number[] = []
  for (let o = 0; o < dep.nD; o++) if (o !== d && dep.mask[o * dep.nT + k]) out.push(o)
  return out
}

/** Interpolation baselines: each combines the other drifters at the same time with weights. */
export function baselinePredictor(dep: Deployment, method: 'zero' | 'mean-of-others' | 'nearest' | 'inverse-distance'): LodoPredictor {
  return (d, ks) => {
    const u = new Float64Array(ks.length)
    const v = new Float64Array(ks.length)
    if (method === 'zero') return { u, v }
    ks.forEach((k, i) => {
      const me = d * dep.nT + k
      const os = others(dep, d, k)
      const dist = os.map((o) => Math.hypot(dep.x[o * dep.nT + k] - dep.x[me], dep.y[o * dep.nT + k] - dep.y[me]))
      let w: number[]
      if (method === 'mean-of-others') w = os.map(() => 1)
      else if (method === 'nearest') {
        const j = dist.indexOf(Math.min(...dist))
        w = os.map((_, n) => (n === j ? 1 : 0))
      } else w = dist.map((r) => 1 / Math.max(r, 0.1) ** 2) // inverse squared distance, floored at 100 m
      const sw = w.reduce((a, b) => a + b, 0)
      os.forEach((o, n) => {
        u[i] += (w[n] * dep.u[o * dep.nT + k]) / sw
        v[i] += (w[n] * dep.v[o * dep.nT + k]) / sw
      })
    })
    return { u, v }
  }
}

interface Tally { err: number; obs: number; pred: number; cos: number; n: number }

/** Score one predictor: a skill row with the pooled RMSE, its bootstrap interval, speed ratio and direction. */
export function scoreMethod(dep: Deployment, method: SkillMethod, label: string, predictor: LodoPredictor, seed = 1): SkillRow {
  const tallies: Tally[] = []
  const perDrifter: DrifterSkill[] = []
  for (let d = 0; d < dep.nD; d++) {
    const ks = scoredSamples(dep, d)
    const t: Tally = { err: 0, obs: 0, pred: 0, cos: 0, n: ks.length }
    if (ks.length > 0) {
      const p = predictor(d, ks)
      ks.forEach((k, i) => {
        const uo = dep.u[d * dep.nT + k]
        const vo = dep.v[d * dep.nT + k]
        t.err += (p.u[i] - uo) ** 2 + (p.v[i] - vo) ** 2
        t.obs += uo * uo + vo * vo
        t.pred += p.u[i] ** 2 + p.v[i] ** 2
        const norm = Math.hypot(p.u[i], p.v[i]) * Math.hypot(uo, vo)
        t.cos += norm > 0 ? (p.u[i] * uo + p.v[i] * vo) / norm : 0
      })
    }
    tallies.push(t)
    if (t.n > 0) perDrifter.push({ id: dep.ids[d], rmse: Math.sqrt(t.err / t.n), n: t.n })
  }
  const sum = (ts: Tally[], key: keyof Tally) => ts.reduce((s, t) => s + t[key], 0)
  const scored = tallies.filter((t) => t.n > 0)
  const n = sum(scored, 'n')
  return {
    method,
    label,
    rmse: Math.sqrt(sum(scored, 'err') / n),
    ci: bootstrapInterval(scored, seed),
    speedRatio: Math.sqrt(sum(scored, 'pred') / sum(scored, 'obs')),
    directionCosine: sum(scored, 'cos') / n,
    perDrifter
  }
}

/** 95% interval of the pooled RMSE when the drifters are resampled with replacement. */
function bootstrapInterval(ts: Tally[], seed: number): [number, number] {
  const uniform = uniformRng(seed)
  const values: number[] = []
  for (let r = 0; r < BOOTSTRAP; r++) {
    let err = 0
    let n = 0
    for (let i = 0; i < ts.length; i++) {
      const t = ts[Math.min(ts.length - 1, Math.floor(uniform() * ts.length))]
      err += t.err
      n += t.n
    }
    values.push(Math.sqrt(err / n))
  }
  values.sort((a, b) => a - b)
  return [values[Math.floor(0.025 * (BOOTSTRAP - 1))], values[Math.ceil(0.975 * (BOOTSTRAP - 1))]]
}

/** Who wins, in plain words; and whether Driftclip met its targets. */
export function verdict(rows: SkillRow[]): { best: SkillMethod; text: string } {
  const sorted = [...rows].sort((a, b) => a.rmse - b.rmse)
  const best = sorted[0]
  const f = (x: number) => x.toFixed(3)
  const lines = [`${best.method} wins: leave-one-drifter-out RMSE ${f(best.rmse)} m/s (95% CI ${f(best.ci[0])}–${f(best.ci[1])}).`]
  const dc = rows.find((r) => r.method === 'driftclip')
  if (!dc) lines.push('Driftclip was not scored.')
  else {
    const baselines = rows.filter((r) => r.method !== 'driftclip' && r.method !== 'prior-bayes')
    const beaten = baselines.filter((r) => dc.rmse < r.rmse).map((r) => r.method)
    const lost = baselines.filter((r) => dc.rmse >= r.rmse).map((r) => r.method)
    if (best.method === 'driftclip') lines.push(`Driftclip beats every baseline (${beaten.join(', ')}).`)
    else lines.push(`Driftclip LOSES: ${f(dc.rmse)} m/s is not below ${lost.join(', ')}${beaten.length ? `; it beats ${beaten.join(', ')}` : ''}.`)
    const [lo, hi] = TARGETS.speedRatio
    lines.push(`Driftclip speed ratio ${dc.speedRatio.toFixed(2)} (target ${lo}–${hi}: ${dc.speedRatio >= lo && dc.speedRatio <= hi ? 'met' : 'NOT met'}), direction cosine ${dc.directionCosine.toFixed(2)} (target > ${TARGETS.directionCosine}: ${dc.directionCosine > TARGETS.directionCosine ? 'met' : 'NOT met'}).`)
    const overlap = sorted.filter((r) => r !== best && r.ci[0] <= best.ci[1]).map((r) => r.method)
    if (overlap.length) lines.push(`The 95% intervals of ${best.method} and ${overlap.join(', ')} overlap: with ${best.perDrifter.length} drifters the ranking among them is not certain.`)
  }
  return { best: best.method, text: lines.join(' ') }
}

/** The skill table as CSV (one row per method, then one per method and drifter). */
export function skillCsv(rows: SkillRow[]): string {
  const lines = ['method,drifter,rmse_m_s,ci_low,ci_high,speed_ratio,direction_cosine,samples']
  for (const r of rows) lines.push(`${r.method},all,${r.rmse},${r.ci[0]},${r.ci[1]},${r.speedRatio},${r.directionCosine},${r.perDrifter.reduce((n, d) => n + d.n, 0)}`)
  for (const r of rows) for (const d of r.perDrifter) lines.push(`${r.method},${JSON.stringify(d.id)},${d.rmse},,,,,${d.n}`)
  return `${lines.join('\n')}\n`
}

