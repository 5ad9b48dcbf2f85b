/**
 * The files a comparison writes: metrics.json (everything), the rows of metrics.csv (the RMSE table with
 * retrieval columns per variant; written by the shared metrics writer), curves.json. Pure string builders.
 */
import type { RmseRow } from '../../shared/assimilation'
import type { ComparisonResult, ComparisonVariant } from '../../shared/views'
import type { MetricRow } from '../data/export/index'

/** One row per method: the RMSE table, with the variant's retrieval scores on its learned rows (for metrics.csv). */
export function metricRows(rows: RmseRow[], variants: ComparisonVariant[]): MetricRow[] {
  return rows.map((r) => {
    const v = variants.find((x) => x.label === r.variant)
    const a = v?.retrieval.trajectoryToPotential
    const b = v?.retrieval.potentialToTrajectory
    return {
      method: r.method,
      velocity_rmse: r.velocityRmse,
      relative_velocity_rmse: r.relativeVelocityRmse,
      tracer_rmse: r.tracerRmse,
      streamfunction_rmse: r.streamFunctionRmse,
      ess: r.ess,
      r1_traj_to_pot: a?.r1,
      r5_traj_to_pot: a?.r5,
      r10_traj_to_pot: a?.r10,
      r1_pot_to_traj: b?.r1,
      r5_pot_to_traj: b?.r5,
      r10_pot_to_traj: b?.r10
    }
  })
}

export function curvesJson(variants: ComparisonVariant[]): string {
  return JSON.stringify(Object.fromEntries(variants.map((v) => [v.label, v.curve])), null, 2) + '\n'
}

export function metricsJson(result: ComparisonResult): string {
  return JSON.stringify(result, (_k, v) => (typeof v === 'number' && !Number.isFinite(v) ? null : v), 2) + '\n'
}

/** A Markdown table of the RMSE rows (for the README and the terminal). */
export function markdownTable(rows: RmseRow[], variants: ComparisonVariant[]): string {
  const f = (x: number | undefined, d = 3) => (x === undefined || !Number.isFinite(x) ? '–' : x.toFixed(d))
  const out = ['| method | velocity RMSE | relative | tracer RMSE | ψ RMSE | ESS | R@1 T→P | R@1 P→T |', '|---|---:|---:|---:|---:|---:|---:|---:|']
  for (const r of rows) {
    const v = variants.find((x) => x.label === r.variant)
    out.push(`| ${r.method} | ${f(r.velocityRmse)} | ${f(r.relativeVelocityRmse)} | ${f(r.tracerRmse, 4)} | ${f(r.streamFunctionRmse, 4)} | ${f(r.ess, 1)} | ${f(v?.retrieval.trajectoryToPotential.r1, 2)} | ${f(v?.retrieval.potentialToTrajectory.r1, 2)} |`)
  }
  return out.join('\n')
}
