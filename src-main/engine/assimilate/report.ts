/**
 * The comparison report: ONE self-contained HTML file whose plots are SVG rendered server-side by ECharts
 * (no scripts, no network), with the RMSE table, retrieval scores, training curves, the calibration check of
 * the paper's expectations, and truth vs reconstruction fields of one test case.
 */
import * as echarts from 'echarts'
import { isBaseline, type RmseRow } from '../../shared/assimilation'
import type { ComparisonVariant, FieldView } from '../../shared/views'
import { fieldOption, lossCurvesOption, recallBarsOption, rmseBarsOption, rmsePerFrameOption, symmetricOrPlain, type ChartOption } from './report-charts'

export interface ReportInput {
  title: string
  createdAt: string
  dataset: string
  /** One line about the data (flow, pairs, tracers, times). */
  datasetNote: string
  variants: ComparisonVariant[]
  rmse: RmseRow[]
  frameTimes: number[]
  /** Settings shown verbatim (simulation, training, evaluation). */
  configuration: Record<string, unknown>
  field?: { view: FieldView; variant: string; caseIndex: number }
  /** Extra remarks shown under the error plots. */
  notes?: string[]
}

/** Render one ECharts option to an SVG string. */
export function renderSvg(option: ChartOption, width: number, height: number): string {
  const chart = echarts.init(null, null, { renderer: 'svg', ssr: true, width, height })
  try {
    chart.setOption(option)
    return chart.renderToSVGString()
  } finally {
    chart.dispose()
  }
}

export const esc = (s: string) => s.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;').replace(/"/g, '&quot;')
export const fmt = (x: number | undefined, digits = 3) => (x === undefined || !Number.isFinite(x) ? '–' : Math.abs(x) >= 1e4 || (Math.abs(x) < 1e-3 && x !== 0) ? x.toExponential(2) : x.toFixed(digits))

export function table(head: string[], rows: (string | number | undefined)[][]): string {
  const cell = (c: string | number | undefined) => `<td>${typeof c === 'number' || c === undefined ? fmt(c as number | undefined) : esc(c)}</td>`
  return `<table><thead><tr>${head.map((h) => `<th>${esc(h)}</th>`).join('')}</tr></thead><tbody>${rows
    .map((r) => `<tr>${r.map(cell).join('')}</tr>`)
    .join('')}</tbody></table>`
}

export function rmseTableHtml(rows: RmseRow[]): string {
  return table(
    ['method', 'velocity RMSE', 'relative', 'tracer RMSE', 'ψ RMSE (mean removed)', 'ESS'],
    rows.map((r) => [r.method, r.velocityRmse, r.relativeVelocityRmse, r.tracerRmse, r.streamFunctionRmse, r.ess])
  )
}

function retrievalTable(variants: ComparisonVariant[]): string {
  return table(
    ['variant', 'T→P R@1', 'T→P R@5', 'T→P R@10', 'T→P median rank', 'P→T R@1', 'P→T R@5', 'P→T R@10', 'P→T median rank'],
    variants.map((v) => {
      const a = v.retrieval.trajectoryToPotential
      const b = v.retrieval.potentialToTrajectory
      return [v.label, a.r1, a.r5, a.r10, a.medianRank, b.r1, b.r5, b.r10, b.medianRank]
    })
  )
}

function calibrationSection(variants: ComparisonVariant[]): string {
  const rows = variants
    .filter((v) => v.calibration)
    .map((v) => {
      const a = v.calibration!.potentialGivenTrajectory
      const b = v.calibration!.trajectoryGivenPotential
      return [v.label, a.ratio, a.slope, b.ratio, b.slope, v.ess?.median]
    })
  if (rows.length === 0) return ''
  return `<h2>Checks of the paper's expectations</h2>
<p>For every test query the learned conditional (self-normalised weights over the train bank) is compared with the truth.
<b>spread/skill</b> = the conditional's own spread ÷ the error of its mean (≈ 1 calibrated, &gt; 1 too wide);
<b>slope</b> = regression of the truth on the conditional mean, both relative to the bank mean (≈ 1 unbiased, &gt; 1 means shrunk toward the bank mean).
Paper §5 (Gaussian, linear encoders): the two-sided conditional loss matches the means but its conditionals are as wide as the marginals (spread/skill &gt; 1, slope ≈ 1);
the one-sided L2 loss matches u|v (trajectory given potential: spread/skill ≈ 1, slope ≈ 1); the joint loss shrinks the means (slope &gt; 1).
The same diagnostics reproduce the closed-form values on the 2-D Gaussian of paper §5.4 (unit test <code>calibration.test.ts</code>).</p>
${table(['variant', 'v|u spread/skill', 'v|u slope', 'u|v spread/skill', 'u|v slope', 'median ESS'], rows)}`
}

function fieldSection(input: ReportInput): string {
  if (!input.field) return ''
  const { view, variant, caseIndex } = input.field
  const f = Math.floor(view.times.length / 2)
  const speed = (u: number[], v: number[]) => u.map((x, i) => Math.hypot(x, v[i]!))
  const truthSpeed = speed(view.truth.u[f]!, view.truth.v[f]!)
  const panels: string[] = []
  // square plot area for the square domain: width − (left + right margins) = height − (top + bottom margins)
  const h = 390
  const w = h - 126 + 130
  const L = view.units.length
  const vel = view.units.velocity
  const tracks = view.tracks.map((t) => t.filter((_, k) => view.trackTimes[k]! <= view.times[f]! + 1e-12))
  const speedRange = symmetricOrPlain(truthSpeed, 'sequential')
  panels.push(renderSvg(fieldOption({ title: `Truth: speed at t = ${fmt(view.times[f])}`, x: view.x, y: view.y, values: truthSpeed, scale: 'sequential', quantity: `speed (${vel})`, lengthUnit: L, tracks, range: [0, speedRange[1]] }, w, h), w, h))
  if (view.reconstruction) {
    const recSpeed = speed(view.reconstruction.u[f]!, view.reconstruction.v[f]!)
    panels.push(renderSvg(fieldOption({ title: `${variant}: conditional-mean speed`, x: view.x, y: view.y, values: recSpeed, scale: 'sequential', quantity: `speed (${vel})`, lengthUnit: L, tracks, range: [0, speedRange[1]] }, w, h), w, h))
    panels.push(renderSvg(fieldOption({ title: `Uncertainty (conditional std, ESS ${fmt(view.ess, 1)})`, x: view.x, y: view.y, values: view.uncertainty![f]!, scale: 'sequential', quantity: `std (${vel})`, lengthUnit: L, tracks }, w, h), w, h))
  }
  const vortRange = symmetricOrPlain(view.truth.vorticity[f]!, 'diverging')
  panels.push(renderSvg(fieldOption({ title: 'Truth: vorticity', x: view.x, y: view.y, values: view.truth.vorticity[f]!, scale: 'diverging', quantity: 'vorticity (1 / model time)', lengthUnit: L, tracks, range: vortRange }, w, h), w, h))
  if (view.reconstruction)
    panels.push(renderSvg(fieldOption({ title: `${variant}: reconstructed vorticity`, x: view.x, y: view.y, values: view.reconstruction.vorticity[f]!, scale: 'diverging', quantity: 'vorticity (1 / model time)', lengthUnit: L, tracks, range: vortRange }, w, h), w, h))
  const rmse = view.rmsePerFrame ? `<p>Velocity RMSE of this case per frame: ${view.rmsePerFrame.map((e) => fmt(e)).join(', ')} (${esc(vel)}).</p>` : ''
  return `<h2>Truth vs reconstruction, test case ${caseIndex}</h2>
<p>Frame ${f + 1} of ${view.times.length}; white line: the observed track up to this time. Speed panels share one viridis colour range, vorticity panels one diverging range.</p>
<div class="grid">${panels.map((p) => `<figure>${p}</figure>`).join('')}</div>${rmse}`
}

/** The whole report as one HTML string. */
export function renderReport(input: ReportInput): string {
  const learned = input.rmse.filter((r) => !isBaseline(r))
  const best = [...learned].sort((a, b) => a.relativeVelocityRmse - b.relativeVelocityRmse)[0]
  const unitsV = input.field?.view.units.velocity ?? 'domain length / model time'
  const unitsT = input.field?.view.units.time ?? 'model time'
  return `<!doctype html>
<html lang="en"><head><meta charset="utf-8"><title>${esc(input.title)}</title>
<style>
body{font-family:Helvetica,Arial,sans-serif;margin:24px auto;max-width:1280px;color:#222;line-height:1.4}
h1{font-size:22px;margin-bottom:4px}h2{font-size:17px;margin-top:28px;border-bottom:1px solid #ddd;padding-bottom:4px}
table{border-collapse:collapse;font-size:13px;margin:8px 0}th,td{border:1px solid #ddd;padding:3px 8px;text-align:right}
th{background:#f4f6f8}td:first-child,th:first-child{text-align:left}
.grid{display:flex;flex-wrap:wrap;gap:8px}figure{margin:0}pre{background:#f7f7f7;padding:8px;font-size:11px;overflow:auto;max-height:260px}
.muted{color:#666;font-size:13px}
</style></head><body>
<h1>${esc(input.title)}</h1>
<p class="muted">${esc(input.createdAt)} · data set <code>${esc(input.dataset)}</code> · ${esc(input.datasetNote)}</p>
${best ? `<p>Best learned reconstruction: <b>${esc(best.method)}</b>, velocity RMSE ${fmt(best.velocityRmse)} (${fmt(best.relativeVelocityRmse)} of the truth's RMS speed).</p>` : ''}
<h2>Reconstruction error (test split)</h2>
<p class="muted">Velocity RMSE = sqrt(mean |w − w<sub>true</sub>|²) over grid cells, frames and test queries (${esc(unitsV)}); relative = ÷ RMS speed of the truth;
tracer RMSE = observed start positions advected in the reconstructed field vs the observed tracks (domain length); ψ RMSE after removing each frame's spatial mean (ψ is defined up to a constant).
ESS = 1/Σw² of the conditional weights (≈ 1: the posterior collapsed onto one bank member).</p>
${rmseTableHtml(input.rmse)}
<div class="grid"><figure>${renderSvg(rmseBarsOption(input.rmse), 760, 60 + 26 * input.rmse.length + 80)}</figure></div>
<div class="grid"><figure>${renderSvg(rmsePerFrameOption(input.rmse, input.frameTimes, unitsT, unitsV), 760, 460)}</figure></div>
${(input.notes ?? []).map((n) => `<p class="muted">${esc(n)}</p>`).join('')}
<h2>Retrieval (test split)</h2>
${retrievalTable(input.variants)}
<div class="grid"><figure>${renderSvg(recallBarsOption(input.variants, 'trajectoryToPotential'), 520, 340)}</figure><figure>${renderSvg(recallBarsOption(input.variants, 'potentialToTrajectory'), 520, 340)}</figure></div>
<h2>Training</h2>
<div class="grid"><figure>${renderSvg(lossCurvesOption(input.variants), 760, 440)}</figure></div>
${calibrationSection(input.variants)}
${fieldSection(input)}
<h2>Configuration</h2>
<pre>${esc(JSON.stringify(input.configuration, null, 2))}</pre>
</body></html>
`
}
