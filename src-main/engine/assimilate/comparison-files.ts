/**
 * The files a comparison writes: metrics.json (everything), metrics.csv (the RMSE table with retrieval
 * columns per variant), curves.json (training curves per variant). Pure string builders.
 */
import type { RmseRow } from '../../shared/assimilation'
import type { ComparisonResult, ComparisonVariant } from '../../shared/views'

const csvCell = (x: string | number | undefined) =>
  x === undefined || (typeof x === 'number' && !Number.isFinite(x)) ? '' : typeof x === 'number' ? String(x) : /[",\n]/.test(x) ? `"${x.replace(/"/g, '""')}"` : x

/** One line per method: the RMSE table, with the variant's retrieval scores on its learned rows. */
export function metricsCsv(rows: RmseRow[], variants: ComparisonVariant[]): string {
  const head = ['method', 'velocity_rmse', 'relative_velocity_rmse', 'tracer_rmse', 'streamfunction_rmse', 'ess', 'r1_traj_to_pot', 'r5_traj_to_pot', 'r10_traj_to_pot', 'r1_pot_to_traj', 'r5_pot_to_traj', 'r10_pot_to_traj']
  const lines = rows.map((r) => {
    const v = variants.find((x) => r.method.startsWith(`${x.label}: `))
    const a = v?.retrieval.trajectoryToPotential
    const b = v?.retrieval.potentialToTrajectory
    return [r.method, r.velocityRmse, r.relativeVelocityRmse, r.tracerRmse, r.streamFunctionRmse, r.ess, a?.r1, a?.r5, a?.r10, b?.r1, b?.r5, b?.r10].map(csvCell).join(',')
  })
  return [head.join(','), ...lines].join('\n') + '\n'
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
    const v = variants.find((x) => r.method.startsWith(`${x.label}: `))
    out.push(`| ${r.method} | ${f(r.velocityRmse)} | ${f(r.relativeVelocityRmse)} | ${f(r.tracerRmse, 4)} | ${f(r.streamFunctionRmse, 4)} | ${f(r.ess, 1)} | ${f(v?.retrieval.trajectoryToPotential.r1, 2)} | ${f(v?.retrieval.potentialToTrajectory.r1, 2)} |`)
  }
  return out.join('\n')
}
