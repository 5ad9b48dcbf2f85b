/** The benchmark's self-contained HTML report: per twin, the method table, a relative-RMSE bar chart, MCMC diagnostics and the configuration. */
import type { TwinBenchmarkResult, TwinTable } from '../../../shared/twin'
import { esc, fmt, renderSvg, table } from '../report'
import { rmseBarsOption } from '../report-charts'

function twinSection(t: TwinTable): string {
  const rows = t.rows.map((r) => [r.method, r.rmse, r.rmseNearTracers, r.relativeRmse, r.psiRmse, r.tracerRmse, r.crps, r.coverage50, r.coverage90, r.spreadSkill, r.rmseVsMcmc, r.secondsPerQuery])
  const bars = rmseBarsOption(t.rows.map((r) => ({ method: r.method, velocityRmse: r.rmse, relativeVelocityRmse: r.relativeRmse, tracerRmse: r.tracerRmse, streamFunctionRmse: r.psiRmse })))
  return `<h2>${esc(t.twin)}</h2>
<p class="muted">Queries: test pairs ${t.queries.join(', ')}. Observation noise σ = ${t.noise} on every recorded coordinate. Velocity RMSE of the posterior-mean field over a grid and frames;
"near" = cells within ${t.nearRadius} of the observed path; coverage = fraction of velocity components inside the central 50 % / 90 % interval of the draws; spread/skill = posterior spread ÷ RMSE (1 = calibrated).</p>
${table(['method', 'velocity RMSE', 'near tracers', 'relative', 'ψ RMSE', 'tracer RMSE', 'CRPS', 'cov 50 %', 'cov 90 %', 'spread/skill', '× MCMC', 's / query'], rows)}
<div class="grid"><figure>${renderSvg(bars, 760, 60 + 26 * t.rows.length + 80)}</figure></div>
<h3>Methods</h3><ul>${t.rows.map((r) => `<li><b>${esc(r.method)}</b>: ${esc(r.label)}</li>`).join('')}</ul>
<h3>MCMC convergence</h3>
${table(['test pair', 'acceptance', 'min ESS', 'max split-R̂', 'R̂ of misfit', 'final misfit per chain', 'N/2', 'tempering levels', 'min swap rate', 'round trips', 'seconds'], t.mcmc.map((d) => [String(d.pair), d.acceptance, d.minEss, d.maxRhat, d.rhatMisfit ?? '–', d.finalMisfit.map((m) => fmt(m, 0)).join(', '), String(d.halfN), d.levels ?? '–', d.minSwapAcceptance ?? '–', d.roundTrips ?? '–', d.seconds]))}
<h3>Findings</h3><ul>${t.findings.map((f) => `<li>${esc(f)}</li>`).join('')}</ul>
<h3>Configuration</h3><pre>${esc(JSON.stringify(t.config, null, 2))}</pre>`
}

function launchSection(l: NonNullable<TwinBenchmarkResult['launchStudy']>): string {
  const rows = l.points.map((p) =>
    p.skipped || !p.enkf || !p.mcmc
      ? [p.distance, `(${fmt(p.launch[0])}, ${fmt(p.launch[1])})`, p.skipped ?? '–']
      : [p.distance, `(${fmt(p.launch[0])}, ${fmt(p.launch[1])})`, p.enkf.tracerRmse, p.mcmc.tracerRmse, p.enkf.rmseNearTracers, p.mcmc.rmseNearTracers, p.enkf.coverage90, p.mcmc.coverage90, p.enkf.spreadSkill, p.mcmc.spreadSkill, p.mcmcRhat, `${fmt(p.mcmcFinalMisfit, 0)} / ${p.halfN}`]
  )
  return `<h2>Launch-location sensitivity: ${esc(l.twin)}, the flow of test pair ${l.pair}</h2>
<p class="muted">One drifter launched along the perpendicular bisector of the two vortices, from the pair's centre (a saddle in the co-rotating frame, on the separatrix) outwards; each launch has its own noisy observations of the same flow.</p>
${table(['distance', 'launch', 'EnKF tracer RMSE', 'MCMC tracer RMSE', 'EnKF near RMSE', 'MCMC near RMSE', 'EnKF cov 90 %', 'MCMC cov 90 %', 'EnKF spread/skill', 'MCMC spread/skill', 'MCMC max R̂', 'MCMC worst final misfit / N/2'], rows)}`
}

export function twinReportHtml(r: TwinBenchmarkResult): string {
  return `<!doctype html>
<html lang="en"><head><meta charset="utf-8"><title>Driftclip twin benchmark (${esc(r.flow)})</title>
<style>
body{font-family:Helvetica,Arial,sans-serif;margin:24px auto;max-width:1280px;color:#222;line-height:1.4}
h1{font-size:22px}h2{font-size:17px;margin-top:28px;border-bottom:1px solid #ddd;padding-bottom:4px}h3{font-size:14px}
table{border-collapse:collapse;font-size:13px;margin:8px 0}th,td{border:1px solid #ddd;padding:3px 8px;text-align:right}
th{background:#f4f6f8}td:first-child,th:first-child{text-align:left}.grid{display:flex;flex-wrap:wrap;gap:8px}figure{margin:0}
pre{background:#f7f7f7;padding:8px;font-size:11px;overflow:auto}.muted{color:#666;font-size:13px}
</style></head><body>
<h1>Twin benchmark: ${esc(r.flow)}${r.quick ? ' (quick run)' : ''}</h1>
<p class="muted">Every method is scored from its posterior draws on the same test queries against the simulated truth. The MCMC row samples the exact Bayesian posterior (the information limit). Total ${fmt(r.seconds, 0)} s.</p>
${r.tables.map(twinSection).join('\n')}
${r.launchStudy ? launchSection(r.launchStudy) : ''}
</body></html>
`
}
