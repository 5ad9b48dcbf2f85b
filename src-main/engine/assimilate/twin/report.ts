/** The benchmark's self-contained HTML report: per twin, the method table, a relative-RMSE bar chart, MCMC diagnostics and the configuration. */
import type { LaunchPoint, McmcDiagnostics, TwinBenchmarkResult, TwinTable } from '../../../shared/twin'
import { esc, fmt, renderSvg, table } from '../report'
import { rmseBarsOption } from '../report-charts'

/** The sampler-specific diagnostics of one query in a few words. */
function samplerNote(d: McmcDiagnostics): string {
  if (d.basins) return `basins: ${d.basins.map((b) => `Φ* ${fmt(b.misfit, 0)}: weight ${fmt(b.weight, 3)} (IS ESS ${fmt(b.evidenceEss, 0)}), R̂ ${fmt(b.rhat, 2)} / label-free ${fmt(b.invariantRhat, 2)}, ESS ${fmt(b.minEss, 0)}`).join('; ')}`
  if (d.weakDirections !== undefined) return `ridge: ${d.weakDirections} walked directions, ${d.maxima} maxima, jump acceptance ${fmt(d.jumpAcceptance, 3)}`
  if (d.levels !== undefined) return `tempering: ${d.levels} levels, min swap ${fmt(d.minSwapAcceptance ?? NaN, 2)}, ${d.roundTrips} round trips`
  return 'pCN'
}

function twinSection(t: TwinTable): string {
  const rows = t.rows.map((r) => [r.method, r.rmse, r.rmseNearTracers, r.relativeRmse, r.psiRmse, r.tracerRmse, r.crps, r.coverage50, r.coverage90, r.spreadSkill, r.rmseVsMcmc, r.secondsPerQuery, r.cpuSecondsPerQuery ?? '–'])
  const bars = rmseBarsOption(t.rows.map((r) => ({ method: r.method, velocityRmse: r.rmse, relativeVelocityRmse: r.relativeRmse, tracerRmse: r.tracerRmse, streamFunctionRmse: r.psiRmse })))
  return `<h2>${esc(t.twin)}</h2>
<p class="muted">Queries: test pairs ${t.queries.join(', ')}. Observation noise σ = ${t.noise} on every recorded coordinate. Velocity RMSE of the posterior-mean field over a grid and frames;
"near" = cells within ${t.nearRadius} of the observed path; coverage = fraction of velocity components inside the central 50 % / 90 % interval of the draws; spread/skill = posterior spread ÷ RMSE (1 = calibrated); CPU s / query: ${esc(String(t.config.cpuClock ?? 'CPU time of the process'))}.</p>
${table(['method', 'velocity RMSE', 'near tracers', 'relative', 'ψ RMSE', 'tracer RMSE', 'CRPS', 'cov 50 %', 'cov 90 %', 'spread/skill', '× MCMC', 's / query', 'CPU s / query'], rows)}
<div class="grid"><figure>${renderSvg(bars, 760, 60 + 26 * t.rows.length + 80)}</figure></div>
<h3>Methods</h3><ul>${t.rows.map((r) => `<li><b>${esc(r.method)}</b>: ${esc(r.label)}</li>`).join('')}</ul>
<h3>MCMC convergence</h3>
${table(['test pair', 'acceptance', 'min ESS', 'max split-R̂', 'R̂ of misfit', 'label-free rank R̂ (worst summary)', 'label-free min ESS', 'final misfit per chain', 'N/2', 'sampler', 'seconds', 'CPU s'], t.mcmc.map((d) => [String(d.pair), d.acceptance, d.minEss, d.maxRhat, d.rhatMisfit ?? '–', d.invariantRhat === undefined ? '–' : `${fmt(d.invariantRhat)} (${d.invariantWorst})`, d.invariantMinEss ?? '–', d.finalMisfit.map((m) => fmt(m, 0)).join(', '), String(d.halfN), samplerNote(d), d.seconds, d.cpuSeconds ?? '–']))}
<h3>Findings</h3><ul>${t.findings.map((f) => `<li>${esc(f)}</li>`).join('')}</ul>
<h3>Configuration</h3><pre>${esc(JSON.stringify(t.config, null, 2))}</pre>`
}

/** Tracer RMSE (log scale) against launch distance, one line per method: the launch study's figure. */
function launchChart(points: LaunchPoint[]): string {
  const run = points.filter((p) => !p.skipped && p.enkf && p.mcmc)
  const line = (name: string, pick: (p: LaunchPoint) => number | undefined) => ({ name, type: 'line', symbolSize: 7, data: run.map((p) => [p.distance, pick(p)]).filter(([, v]) => v !== undefined && v > 0) })
  const option = {
    animation: false,
    backgroundColor: '#ffffff',
    textStyle: { fontFamily: 'Helvetica, Arial, sans-serif' },
    title: { text: 'Re-advected drifter error by launch point', subtext: 'distance from the vortex pair’s centre (the saddle) along its bisector', left: 'center', textStyle: { fontSize: 15 } },
    legend: { bottom: 0 },
    grid: { left: 80, right: 30, top: 80, bottom: 70 },
    xAxis: { type: 'value', name: 'launch distance from the pair’s centre (domain lengths)', nameLocation: 'middle', nameGap: 28 },
    yAxis: { type: 'log', name: 'tracer RMSE (domain lengths)', nameLocation: 'middle', nameGap: 55 },
    series: [line('EnKF', (p) => p.enkf?.tracerRmse), line('ES-MDA', (p) => p.esmda?.tracerRmse), line('MCMC (exact posterior)', (p) => p.mcmc?.tracerRmse)]
  }
  return renderSvg(option, 760, 420)
}

function launchSection(l: NonNullable<TwinBenchmarkResult['launchStudy']>): string {
  const rows = l.points.map((p) =>
    p.skipped || !p.enkf || !p.mcmc
      ? [p.distance, `(${fmt(p.launch[0])}, ${fmt(p.launch[1])})`, p.skipped ?? '–']
      : [p.distance, `(${fmt(p.launch[0])}, ${fmt(p.launch[1])})`, p.enkf.tracerRmse, p.esmda?.tracerRmse, p.mcmc.tracerRmse, p.enkf.rmseNearTracers, p.esmda?.rmseNearTracers, p.mcmc.rmseNearTracers, p.enkf.coverage90, p.esmda?.coverage90, p.mcmc.coverage90, p.mcmcRhat, p.mcmcInvariantRhat ?? '–', p.mcmcEss, `${fmt(p.mcmcFinalMisfit, 0)} / ${p.halfN}`]
  )
  return `<h2>Launch-location sensitivity: ${esc(l.twin)}, the flow of test pair ${l.pair}</h2>
<p class="muted">One drifter launched along the perpendicular bisector of the two vortices, from the pair's centre (a saddle in the co-rotating frame, on the separatrix) outwards; each launch has its own noisy observations of the same flow.</p>
${table(['distance', 'launch', 'EnKF tracer RMSE', 'ES-MDA tracer RMSE', 'MCMC tracer RMSE', 'EnKF near RMSE', 'ES-MDA near RMSE', 'MCMC near RMSE', 'EnKF cov 90 %', 'ES-MDA cov 90 %', 'MCMC cov 90 %', 'MCMC max R̂', 'MCMC label-free rank R̂', 'MCMC min ESS', 'MCMC worst final misfit / N/2'], rows)}
<div class="grid"><figure>${launchChart(l.points)}</figure></div>`
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
