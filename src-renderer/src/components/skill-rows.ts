/** The leave-one-drifter-out skill table as the Assimilate view shows it: rows in table order, best marked, per drifter. Pure. */
import type { AssimilationResult, SkillMethod, SkillRow } from '@shared/deployment'
import { SKILL_METHODS } from '@shared/deployment'

/** Short names for the table; the engine's `label` says each in full. */
export const METHOD_NAMES: Record<SkillMethod, string> = {
  zero: 'zero field',
  'mean-of-others': 'mean of others',
  nearest: 'nearest drifter',
  'inverse-distance': 'inverse distance',
  gp: 'GP regression',
  'helmholtz-gp': 'Helmholtz GP',
  'prior-bayes': 'prior, exact Bayes',
  driftclip: 'Driftclip'
}

export interface SkillLine {
  method: SkillMethod
  name: string
  label: string
  rmse: string
  ci: string
  speedRatio: string
  directionCosine: string
  best: boolean
  driftclip: boolean
}

/** m/s to 3 decimals (a GPS-derived velocity is not better than ~1 cm/s). */
export const ms = (x: number) => (Number.isFinite(x) ? x.toFixed(3) : '—')
const two = (x: number) => (Number.isFinite(x) ? x.toFixed(2) : '—')

/** One formatted line per scored method, in the engine's table order. */
export function skillLines(result: Pick<AssimilationResult, 'skill' | 'best'>): SkillLine[] {
  const order = (r: SkillRow) => SKILL_METHODS.indexOf(r.method)
  return [...result.skill].sort((a, b) => order(a) - order(b)).map((r) => ({
    method: r.method,
    name: METHOD_NAMES[r.method] ?? r.method,
    label: r.label,
    rmse: ms(r.rmse),
    ci: `${ms(r.ci[0])}–${ms(r.ci[1])}`,
    speedRatio: two(r.speedRatio),
    directionCosine: two(r.directionCosine),
    best: r.method === result.best,
    driftclip: r.method === 'driftclip'
  }))
}

/** Per-drifter RMSE (m/s): one row per drifter, one column per method, with the method that did best for it. */
export function perDrifterTable(result: Pick<AssimilationResult, 'skill'>): { methods: SkillMethod[]; rows: { id: string; n: number; rmse: string[]; best: SkillMethod }[] } {
  const rows = [...result.skill].sort((a, b) => SKILL_METHODS.indexOf(a.method) - SKILL_METHODS.indexOf(b.method))
  const methods = rows.map((r) => r.method)
  const ids = [...new Set(rows.flatMap((r) => r.perDrifter.map((d) => d.id)))]
  return {
    methods,
    rows: ids.map((id) => {
      const values = rows.map((r) => r.perDrifter.find((d) => d.id === id)?.rmse ?? NaN)
      let best = 0
      values.forEach((v, i) => {
        if (v < values[best] || !Number.isFinite(values[best])) best = i
      })
      return { id, n: rows[0]?.perDrifter.find((d) => d.id === id)?.n ?? 0, rmse: values.map(ms), best: methods[best] }
    })
  }
}
