/**
 * The reproduction report: ONE self-contained HTML file (SVG plots rendered server-side by ECharts, no scripts,
 * no network), a section per experiment of arXiv 2505.24134 with the paper's statement, our figure, our numbers
 * and a verdict.
 */
import { renderSvg } from '../assimilate/report'
import type { ChartOption } from '../assimilate/report-charts'
import { conditionalContoursOption } from './charts'
import type { GaussianCase } from './gaussian2d'
import type { ReproduceResult, Verdict } from './types'

export const esc = (s: string): string => s.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;').replace(/"/g, '&quot;')
export const fmt = (x: number | undefined, digits = 3): string =>
  x === undefined || !Number.isFinite(x) ? '–' : Math.abs(x) >= 1e4 || (Math.abs(x) < 1e-3 && x !== 0) ? x.toExponential(2) : x.toFixed(digits)

export function table(head: string[], rows: (string | number | undefined)[][]): string {
  const cell = (c: string | number | undefined) => `<td>${typeof c === 'number' || c === undefined ? fmt(c as number | undefined) : esc(c)}</td>`
  return `<table><thead><tr>${head.map((h) => `<th>${esc(h)}</th>`).join('')}</tr></thead><tbody>${rows.map((r) => `<tr>${r.map(cell).join('')}</tr>`).join('')}</tbody></table>`
}

export const figure = (option: ChartOption, w: number, h: number): string => `<figure>${renderSvg(option, w, h)}</figure>`

export function verdictHtml(v: Verdict): string {
  const cls = v.holds === true ? 'holds' : v.holds === false ? 'fails' : 'partly'
  const word = v.holds === true ? 'holds' : v.holds === false ? 'does not hold' : 'holds in part'
  return `<p class="verdict ${cls}"><b>Verdict: ${word}.</b> ${esc(v.text)}</p>`
}

function gaussianSection(cases: GaussianCase[]): string {
  const parts = cases.map((c) => {
    const figs = 'vGivenU' in c.learned
      ? [figure(conditionalContoursOption('v | u: true vs learned', c.truth.vGivenU, c.learned.vGivenU, 'u'), 380, 400), figure(conditionalContoursOption('u | v: true vs learned', c.truth.uGivenV, c.learned.uGivenV, 'v'), 380, 400)]
      : [figure(conditionalContoursOption('v | u: true vs learned', c.truth.vGivenU, c.learned, 'u'), 380, 400), figure(conditionalContoursOption('u | v: true vs learned', c.truth.uGivenV, c.learned, 'v'), 380, 400)]
    const cond = (x: GaussianCase['learned']) => ('vGivenU' in x ? [x.vGivenU.slope, x.vGivenU.variance, x.uGivenV.slope, x.uGivenV.variance] : [undefined, undefined, undefined, undefined])
    const rows: (string | number | undefined)[][] = [['true (eq. 37)', ...cond(c.truth)], ['closed form', ...cond(c.closedForm)], ['learned', ...cond(c.learned)]]
    return `<h3>${esc(c.title)}</h3>
<p class="paper"><b>Paper:</b> ${esc(c.statement)}</p>
<div class="grid">${figs.join('')}</div>
${'vGivenU' in c.learned ? table(['', 'v|u mean slope', 'v|u variance', 'u|v mean slope', 'u|v variance'], rows) : ''}
${table(['check', 'measured', 'expected', 'pass'], c.checks.map((k) => [k.name, k.measured, k.expected, k.pass ? 'yes' : 'NO']))}
<p class="muted">Loss <code>${c.loss}</code>, metric <code>${c.metric}</code>; learned parameters ${esc(Object.entries(c.parameters).map(([k, v]) => `${k} = ${fmt(v)}`).join(', '))}.</p>
${verdictHtml({ holds: c.holds, text: c.verdict })}`
  })
  return parts.join('\n')
}

const STYLE = `body{font-family:Helvetica,Arial,sans-serif;margin:24px auto;max-width:1280px;color:#222;line-height:1.4}
h1{font-size:22px;margin-bottom:4px}h2{font-size:18px;margin-top:32px;border-bottom:1px solid #ddd;padding-bottom:4px}h3{font-size:15px;margin-top:22px}
table{border-collapse:collapse;font-size:13px;margin:8px 0}th,td{border:1px solid #ddd;padding:3px 8px;text-align:right}
th{background:#f4f6f8}td:first-child,th:first-child{text-align:left}
.grid{display:flex;flex-wrap:wrap;gap:8px}figure{margin:0}pre{background:#f7f7f7;padding:8px;font-size:11px;overflow:auto;max-height:260px}
.muted{color:#666;font-size:13px}.paper{background:#f7f7fb;border-left:3px solid #88a;padding:6px 10px}
.verdict{padding:6px 10px;border-left:4px solid}.holds{border-color:#2a2;background:#f2fbf2}.fails{border-color:#c22;background:#fdf2f2}.partly{border-color:#c90;background:#fdf9ee}
.banner{background:#fff4d6;border:1px solid #e0c060;padding:8px 12px}`

/** The whole report as one HTML string. */
export function renderReproduceReport(r: ReproduceResult, extraSections: string[] = []): string {
  const summary = r.experiments.map((e) => [e.title, e.paperSection, e.verdict.holds === true ? 'holds' : e.verdict.holds === false ? 'does not hold' : 'in part', e.verdict.text, e.seconds])
  return `<!doctype html>
<html lang="en"><head><meta charset="utf-8"><title>Driftclip: reproduction of arXiv 2505.24134</title>
<style>${STYLE}</style></head><body>
<h1>Reproduction of Baptista, Stuart &amp; Tran, “A Mathematical Perspective On Contrastive Learning” (arXiv 2505.24134v1)</h1>
<p class="muted">${esc(r.createdAt)} · ${r.quick ? '<b>quick mode</b>' : 'full mode'} · ${fmt(r.seconds, 0)} s · backend ${esc(r.machine.backend)} · ${r.machine.cores} cores, load average ${fmt(r.machine.loadBefore, 1)} before and ${fmt(r.machine.loadAfter, 1)} after</p>
${r.quick ? '<p class="banner"><b>Quick mode:</b> smaller samples, sweeps, data sets and fewer epochs than the paper, to show the same trends in minutes. The numbers are not the paper-scale ones; run <code>driftclip reproduce --out DIR</code> (full mode) for those.</p>' : ''}
<h2>Summary</h2>
${table(['experiment', 'paper', 'verdict', 'why', 'seconds'], summary)}
<h2>1. Gaussian illustrations (arXiv §5.4, Figs. 2–6)</h2>
<p>μ = N(0, [[1.5, 1], [1, 1.5]]), u, v ∈ ℝ, n<sub>e</sub> = 1, linear encoders g<sub>u</sub> = G u, g<sub>v</sub> = H v trained with Driftclip's own losses
(${r.gaussianSettings.samples} samples, batch ${r.gaussianSettings.batch}, ${r.gaussianSettings.epochs} epochs, Adam lr ${r.gaussianSettings.learningRate}, τ = 1), then
the model conditionals are read off the learned weights (eqs. 41, 48) and checked against the closed forms of Thms 5.1, 5.3 and 5.6.
Grey dashed: the true conditional; blue: the learned one. Window as in the paper: u ∈ [−2.5, 2.5], v ∈ [−4, 4].</p>
${gaussianSection(r.gaussian)}
${extraSections.join('\n')}
<h2>Settings</h2>
<pre>${esc(JSON.stringify(r.settings, null, 2))}</pre>
</body></html>
`
}
