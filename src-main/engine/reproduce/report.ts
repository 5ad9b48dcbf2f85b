/**
 * The reproduction report: ONE self-contained HTML file (SVG plots rendered server-side by ECharts, no scripts,
 * no network), a section per experiment of arXiv 2505.24134 with the paper's statement, our figure, our numbers
 * and a verdict.
 */
import { renderSvg } from '../assimilate/report'
import type { ChartOption } from '../assimilate/report-charts'
import { conditionalContoursOption, sweepOption } from './charts'
import type { GpResult, GpRun } from '../learn/gp-experiment'
import { nSweepSummary, type GpVerdicts, type MeanSe, type NSweepDirection } from './gp'
import { SERIES } from '../assimilate/colormaps'
import type { GaussianCase, GaussianSettings } from './gaussian2d'
import type { EncoderRun, EpochRecall, LagrangianResult } from './lagrangian'
import type { Recall } from './retrieval'
import { provenanceOf } from './merge'
import type { ReproduceResult, RunProvenance, Verdict } from './types'

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

function gpSweep(title: string, runs: GpRun[], key: 'dim' | 'batch' | 'n', xName: string, logX: boolean): string {
  const pts = (f: (r: GpRun) => number) => runs.map((r) => [r[key], f(r)] as [number, number])
  // log error axis (the errors span decades); the closed-form optimum is drawn only where it is not 0 (it is exact at ℓ ≥ 5)
  const chart = (dir: 'uGivenV' | 'vGivenU', label: string) => {
    const positive = runs.filter((r) => r.optimum[dir] > 1e-12)
    const series = [{ name: `${label} trained`, points: pts((r) => r[dir]) }, ...(positive.length ? [{ name: `${label} optimum (Thm 5.1)`, points: positive.map((r) => [r[key], r.optimum[dir]] as [number, number]), dashed: true }] : [])]
    const sub = positive.length === runs.length ? 'trained (solid), closed-form rank-ℓ optimum (dashed)' : positive.length ? 'trained (solid), closed-form rank-ℓ optimum (dashed; 0 at ℓ ≥ 5, not drawn)' : 'trained; the closed-form optimum is 0 here (ℓ = 5)'
    return figure(sweepOption(`${title}: ${label}`, sub, xName, 'squared error (log)', series, { logX, logY: true }), 520, 380)
  }
  const rows = runs.map((r) => [String(r[key]), r.uGivenV, r.optimum.uGivenV, r.uGivenV - r.optimum.uGivenV, r.vGivenU, r.optimum.vGivenU, r.vGivenU - r.optimum.vGivenU, String(r.steps), `${(100 * r.convergenceGap).toFixed(1)} %`])
  return `<div class="grid">${chart('uGivenV', 'u | v')}${chart('vGivenU', 'v | u')}</div>
${table([xName, 'u|v error', 'u|v optimum', 'u|v gap to optimum', 'v|u error', 'v|u optimum', 'v|u gap to optimum', 'steps', 'convergence gap'], rows)}`
}

const pmSe = (x: MeanSe) => `${fmt(x.mean)} ± ${fmt(x.se)}`

/**
 * The N sweep over its replicates: each draw's error (dots), their mean (line) with ±2 SE (dashed, same colour), and
 * the mean floor + c/N fit (dotted); a table of means, paired falls and their judgement. One replicate: as the others.
 */
function gpNSweep(runs: GpRun[]): string {
  const sum = nSweepSummary(runs)
  if (sum.replicates < 2) return gpSweep('sample size', runs, 'n', 'N (training pairs)', true)
  const chart = (k: 'uGivenV' | 'vGivenU', label: string) => {
    const d: NSweepDirection = sum[k]
    const at = (f: (m: MeanSe) => number) => sum.sizes.map((n, i) => [n, f(d.means[i])] as [number, number])
    const [lo, hi] = [sum.sizes[0], sum.sizes[sum.sizes.length - 1]]
    const fit = Array.from({ length: 41 }, (_, i) => lo * (hi / lo) ** (i / 40)).map((n) => [n, d.fit.floor.mean + d.fit.c.mean / n] as [number, number])
    const series = [
      { name: `mean of ${sum.replicates} draws`, points: at((m) => m.mean), color: SERIES[0] },
      { name: 'mean ± 2 SE', points: at((m) => m.mean + 2 * m.se), dashed: true, color: SERIES[0], noSymbol: true },
      { name: 'mean ± 2 SE', points: at((m) => Math.max(m.mean - 2 * m.se, m.mean / 10)), dashed: true, color: SERIES[0], noSymbol: true },
      { name: 'one data draw', points: runs.map((r) => [r.n, r[k]] as [number, number]), scatter: true, color: SERIES[1] },
      { name: 'fit floor + c/N', points: fit, dashed: true, color: SERIES[2], noSymbol: true }
    ]
    return figure(sweepOption(`sample size: ${label}`, `${sum.replicates} independent data draws per N; the closed-form optimum is 0 here (ℓ = 5)`, 'N (training pairs)', 'squared error (log)', series, { logX: true, logY: true }), 520, 400)
  }
  const stepOf = (d: NSweepDirection, i: number) => (i < d.steps.length ? `${fmt(d.steps[i].fall.mean)} ± ${fmt(d.steps[i].fall.se)}: ${d.steps[i].judged} (t = ${d.steps[i].t.toFixed(1)}; fit ${fmt(d.steps[i].expected)})` : '')
  const rows = sum.sizes.map((n, i) => {
    const atN = runs.filter((r) => r.n === n)
    return [String(n), pmSe(sum.uGivenV.means[i]), stepOf(sum.uGivenV, i), pmSe(sum.vGivenU.means[i]), stepOf(sum.vGivenU, i), [...new Set(atN.map((r) => r.steps))].join(', '), `${(100 * Math.max(...atN.map((r) => r.convergenceGap))).toFixed(1)} %`]
  })
  const fits = (['uGivenV', 'vGivenU'] as const).map((k) => [k === 'uGivenV' ? 'u|v' : 'v|u', pmSe(sum[k].fit.c), sum[k].fit.cT.toFixed(1), pmSe(sum[k].fit.floor), `${pmSe(sum[k].overall.fall)} (t = ${sum[k].overall.t.toFixed(1)})`])
  return `<div class="grid">${chart('uGivenV', 'u | v')}${chart('vGivenU', 'v | u')}</div>
${table(['N', 'u|v mean ± SE', 'u|v fall to the next N (paired) ± SE', 'v|u mean ± SE', 'v|u fall to the next N (paired) ± SE', 'steps', 'worst convergence gap'], rows)}
${table(['direction', 'c of floor + c/N (± SE)', 't of c', 'floor (N → ∞, this batch)', `fall N = ${sum.sizes[0]} → ${sum.sizes[sum.sizes.length - 1]}`], fits)}
<p class="muted">Each of the ${sum.replicates} replicates draws its own data stream (its N pairs are the first N of it, so the draws at different N share data and their
differences are paired), its own start and batch order, and trains every N with the same convergence rule. A step “falls” when its mean paired fall exceeds
t<sub>0.975</sub>(${sum.replicates - 1}) standard errors; “within SE” means these replicates cannot resolve it. “fit” is the step the mean floor + c/N fit predicts: at large N the finite-sample
term c/N is small next to the finite-batch floor, so single steps there are expected to be below the replicates' resolution. On the log axis the lower
dashed line stops at a tenth of the mean where mean − 2 SE is smaller.</p>`
}

/** §6.1: the three sweeps with their verdicts. */
export function gpSection(r: GpResult, v: GpVerdicts): string {
  const s = r.settings
  return `<h2>2. Gaussian-process experiment (arXiv §6.1, Figs. 8–10)</h2>
<p class="paper"><b>Paper:</b> u = ${s.nu} noisy point values (σ = ${s.noise}) of a GP w ~ N(0, (−Δ + τ²)<sup>−α</sup>) on (0, 1) (τ = ${s.tau}, α = ${s.alpha}, ${s.modes} KL modes), v = its first ${s.nv} standardised KL coefficients;
linear unnormalised encoders, inner product, two-sided conditional loss. The error falls as the embedding dimension grows to min(n<sub>u</sub>, n<sub>v</sub>) = 5 and not beyond (Fig. 8);
the errors of both conditionals converge to zero as the batch grows, because the finite-batch estimator (7) is biased relative to the population loss (11) (Fig. 9); and they fall as N grows (Fig. 10).</p>
<p>Error = ${esc(r.errorDefinition)}. Every point: Adam on whitened inputs (the same model class and loss, better conditioned for Adam) from a Glorot-normal start, peak lr ${s.learningRate}
with a 5 % warm-up, a cosine decay to a tenth of it at half the steps, then held while A = GHᵀ is averaged over the second half (Polyak averaging: the SGD noise of the estimate falls like 1/√steps).
Each point is trained with ${s.steps} steps and with half as many; the relative change of its errors is its convergence gap, and while it exceeds ${(100 * s.maxGap).toFixed(0)} % the steps are doubled (at most ${s.maxSteps}).
The paper's 500 epochs at lr 10<sup>−4</sup> leave the large batches unconverged: with fewer steps per epoch they measure the optimiser, not the loss.
The gap to the closed-form optimum (error − optimum) is the finite-batch and finite-N bias the paper's curves show: at ℓ ≥ 5 the optimum is exact (error 0). Held fixed: ℓ = ${s.baseDim}, batch ${s.baseBatch}, N = ${s.baseN}.</p>
${verdictHtml(v.convergence)}
<h3>Embedding dimension (Fig. 8; batch ${s.baseBatch}, N = ${s.baseN})</h3>
${gpSweep('embedding dimension', r.embeddingDim, 'dim', 'embedding dimension ℓ', false)}
${verdictHtml(v.embeddingDim)}
<h3>Batch size (Fig. 9; ℓ = ${s.baseDim}, N = ${s.baseN})</h3>
${gpSweep('batch size', r.batchSize, 'batch', 'batch size', true)}
${verdictHtml(v.batchSize)}
<h3>Sample size N (Fig. 10; ℓ = ${s.baseDim}, batch ${s.baseBatch})</h3>
${gpNSweep(r.sampleSize)}
${verdictHtml(v.sampleSize)}`
}

const STYLE = `body{font-family:Helvetica,Arial,sans-serif;margin:24px auto;max-width:1280px;color:#222;line-height:1.4}
h1{font-size:22px;margin-bottom:4px}h2{font-size:18px;margin-top:32px;border-bottom:1px solid #ddd;padding-bottom:4px}h3{font-size:15px;margin-top:22px}
table{border-collapse:collapse;font-size:13px;margin:8px 0}th,td{border:1px solid #ddd;padding:3px 8px;text-align:right}
th{background:#f4f6f8}td:first-child,th:first-child{text-align:left}
.grid{display:flex;flex-wrap:wrap;gap:8px}figure{margin:0}pre{background:#f7f7f7;padding:8px;font-size:11px;overflow:auto;max-height:260px}
.muted{color:#666;font-size:13px}.paper{background:#f7f7fb;border-left:3px solid #88a;padding:6px 10px}
.verdict{padding:6px 10px;border-left:4px solid}.holds{border-color:#2a2;background:#f2fbf2}.fails{border-color:#c22;background:#fdf2f2}.partly{border-color:#c90;background:#fdf9ee}
.banner{background:#fff4d6;border:1px solid #e0c060;padding:8px 12px}`

const gaussianIntro = (g: GaussianSettings): string => `<h2>1. Gaussian illustrations (arXiv §5.4, Figs. 2–6)</h2>
<p>μ = N(0, [[1.5, 1], [1, 1.5]]), u, v ∈ ℝ, n<sub>e</sub> = 1, linear encoders g<sub>u</sub> = G u, g<sub>v</sub> = H v trained with Driftclip's own losses
(${g.samples} samples, batch ${g.batch}, ${g.epochs} epochs, Adam lr ${g.learningRate}, τ = 1), then
the model conditionals are read off the learned weights (eqs. 41, 48) and checked against the closed forms of Thms 5.1, 5.3 and 5.6.
Grey dashed: the true conditional; blue: the learned one. Window as in the paper: u ∈ [−2.5, 2.5], v ∈ [−4, 4].</p>
`

const when = (iso: string): string => iso.replace('T', ' ').replace(/:\d\d(\.\d+)?Z$/, ' UTC')

/** "2026-12-02 21:40 UTC, commit abc, mean load 2.8, nice 10": the run that made a section. */
export function runText(p: RunProvenance): string {
  return [when(p.createdAt), p.commit ? `commit ${p.commit}` : 'commit unknown', p.loadMean === undefined ? undefined : `mean load ${fmt(p.loadMean, 1)}`, p.nice ? `nice ${p.nice}` : undefined].filter(Boolean).join(', ')
}

function header(r: ReproduceResult): string {
  const mode = r.quick ? '<b>quick mode</b>' : 'full mode'
  const time = `${fmt(r.seconds, 0)} s of wall time${r.cpuSeconds === undefined ? '' : `, ${fmt(r.cpuSeconds, 0)} CPU-s`}`
  if (r.mergedAt) {
    const runs = new Set(r.experiments.map((e) => runText(e.run ?? provenanceOf(r))))
    return `<p class="muted">Merged ${esc(when(r.mergedAt))} from ${runs.size} run${runs.size === 1 ? '' : 's'} (the summary’s “run” column says which run made each section) · ${mode} · ${time}, summed over the sections · backend ${esc(r.machine.backend)} · ${r.machine.cores} cores</p>`
  }
  return `<p class="muted">${esc(r.createdAt)}${r.commit ? ` · commit ${esc(r.commit)}` : ''} · ${mode} · ${time} · backend ${esc(r.machine.backend)} · ${r.machine.cores} cores, load average ${fmt(r.machine.loadBefore, 1)} before and ${fmt(r.machine.loadAfter, 1)} after${r.machine.loadMean === undefined ? '' : ` (mean ${fmt(r.machine.loadMean, 1)}, max ${fmt(r.machine.loadMax ?? r.machine.loadMean, 1)} during the run)`}${r.machine.nice === undefined || r.machine.nice === 0 ? '' : ` · run at nice ${r.machine.nice}`}</p>`
}

/** The whole report as one HTML string. */
export function renderReproduceReport(r: ReproduceResult, extraSections: string[] = []): string {
  const verdictWord = (v: Verdict) => (v.holds === true ? 'holds' : v.holds === false ? 'does not hold' : 'in part')
  const summary = r.mergedAt
    ? table(['experiment', 'paper', 'verdict', 'why', 'wall seconds', 'CPU seconds', 'run'], r.experiments.map((e) => [e.title, e.paperSection, verdictWord(e.verdict), e.verdict.text, e.seconds, e.cpuSeconds, runText(e.run ?? provenanceOf(r))]))
    : table(['experiment', 'paper', 'verdict', 'why', 'wall seconds', 'CPU seconds'], r.experiments.map((e) => [e.title, e.paperSection, verdictWord(e.verdict), e.verdict.text, e.seconds, e.cpuSeconds]))
  return `<!doctype html>
<html lang="en"><head><meta charset="utf-8"><title>Driftclip: reproduction of arXiv 2505.24134</title>
<style>${STYLE}</style></head><body>
<h1>Reproduction of Baptista, Stuart &amp; Tran, “A Mathematical Perspective On Contrastive Learning” (arXiv 2505.24134v1)</h1>
${header(r)}
${r.quick ? '<p class="banner"><b>Quick mode:</b> smaller samples, sweeps, data sets and fewer epochs than the paper, to show the same trends in minutes. Read its verdicts as <b>trends</b> (which way each curve goes, which loss or encoder wins), not as the paper-scale numbers; run <code>driftclip reproduce --out DIR</code> (full mode) for those.</p>' : ''}
<h2>Summary</h2>
${summary}
${r.gaussian && r.gaussianSettings ? gaussianIntro(r.gaussianSettings) + gaussianSection(r.gaussian) : ''}
${r.gp ? gpSection(r.gp.result, r.gp.verdicts) : ''}
${r.lagrangian ? lagrangianSection(r.lagrangian.result, r.lagrangian.verdict, r.quick) + collapseSection(r.lagrangian.result, r.lagrangian.collapseVerdict) : ''}
${extraSections.join('\n')}
<h2>Settings</h2>
<pre>${esc(JSON.stringify(r.settings, null, 2))}</pre>
</body></html>
`
}

function recallChart(run: EncoderRun, k: 'R1' | 'R5'): string {
  const line = (name: string, f: (e: EpochRecall) => number, dashed = false) => ({ name, points: run.history.map((e) => [e.epoch, f(e)] as [number, number]), dashed })
  const key = (dir: 'trajToPot' | 'potToTraj') => `${dir}${k}` as keyof Recall
  const series = [
    line('traj→pot test, batches of 128', (e) => e.testBatches[key('trajToPot')]),
    line('pot→traj test, batches of 128', (e) => e.testBatches[key('potToTraj')]),
    line('traj→pot train, batches of 128', (e) => e.trainBatches[key('trajToPot')], true),
    line('pot→traj train, batches of 128', (e) => e.trainBatches[key('potToTraj')], true),
    line('traj→pot whole test split', (e) => e.testWhole[key('trajToPot')]),
    line('pot→traj whole test split', (e) => e.testWhole[key('potToTraj')])
  ]
  return figure(sweepOption(`${run.label.split(' (')[0]}: ${k === 'R1' ? 'R@1' : 'R@5'} per epoch`, run.label, 'epoch', k === 'R1' ? 'R@1' : 'R@5', series), 620, 420)
}

/** §6.3: retrieval curves of the transformer and the MLP, final numbers and the verdict. */
export function lagrangianSection(r: LagrangianResult, v: Verdict, quick: boolean): string {
  const s = r.settings
  const rows = r.runs.flatMap((run) => {
    const f = run.final
    return [
      [`${run.label}: test, batches of ${s.batch}`, f.testBatches.trajToPotR1, f.testBatches.trajToPotR5, f.testBatches.potToTrajR1, f.testBatches.potToTrajR5],
      [`${run.label}: whole test split (${s.test})`, f.testWhole.trajToPotR1, f.testWhole.trajToPotR5, f.testWhole.potToTrajR1, f.testWhole.potToTrajR5],
      [`${run.label}: train, batches of ${s.batch}`, f.trainBatches.trajToPotR1, f.trainBatches.trajToPotR5, f.trainBatches.potToTrajR1, f.trainBatches.potToTrajR5],
      ...(f.raw ? [[`${run.label}, raw (not averaged) weights: test, batches of ${s.batch}`, f.raw.testBatches.trajToPotR1, f.raw.testBatches.trajToPotR5, f.raw.testBatches.potToTrajR1, f.raw.testBatches.potToTrajR5]] : [])
    ]
  })
  const cost = r.runs.map((run) => [run.label, run.parameters, run.msPerStep, run.final.seconds, run.final.temperature])
  return `<h2>3. Lagrangian data assimilation (arXiv §6.3, Fig. 14)</h2>
<p class="paper"><b>Paper:</b> 49-mode time-dependent Fourier stream function on the unit torus, one tracer from (0.75, 0.75), RK4 with Δt = 10<sup>−5</sup> to T = 0.1, 1000 recorded positions;
fixed identity embedding of the 98 potential coefficients, a transformer over per-time tokens with last-token pooling (M = 12 blocks) for the trajectory, two-sided loss with learned cosine similarity,
Adam lr 10<sup>−4</sup>, batch 128, 20 epochs, N = 32,268 (probably 32,768). Retrieval in both directions improves on train and test data, “approaching 100 % accuracy for R@5”, and is generally higher for recovering trajectories from potentials.</p>
<p>Here: ${s.train} training, ${s.validation} validation and ${s.test} test pairs, RK4 Δt = ${s.dt} × ${s.steps} steps, recorded every ${s.recordEvery} (${quick ? 'quick mode: the same T = 0.1 and 1000 records with a 10× larger step' : 'the paper’s integration'}), simulated in ${fmt(r.simulationSeconds, 0)} s.
Transformer: patch embedding of ${s.tokens} tokens of ${1000 / s.tokens} consecutive records each, together covering all 1000 recorded times; ${s.tokenFeatures === 'basis'
    ? 'each token holds, averaged over its records, the velocity w (central differences of the record) and the position, and w times the flow’s Fourier features cos θ<sub>k</sub>, sin θ<sub>k</sub> with θ<sub>k</sub> = ω<sub>k</sub>t + 2π k·x at its 49 wavenumbers and frequencies (the velocity is linear in the 98 coefficients through exactly these functions, so the linear estimate the identity potential encoder needs is a linear read-out of the tokens; a token of raw positions made that read-out hard: R@5 ≈ 0.2–0.3 after 4 pilot epochs against ≈ 0.8 with these features)'
    : 'each token holds its records’ positions'}; width ${s.modelWidth}, ${s.blocks} pre-norm block(s) (the paper’s 12 would cost ~${s.blocks > 1 ? '' : '6× '}more per step on this CPU), ${s.pooling}${s.pooling === 'last' ? '-token' : ''} pooling, fused attention.
Both encoders: identity potential encoder, two-sided conditional loss, cosine metric with learned temperature, batch ${s.batch}, ${s.epochs} epochs, Adam peak lr ${s.learningRate} (transformer) and ${s.mlpLearningRate} (MLP) with 5 % warm-up and cosine decay (the paper’s 10<sup>−4</sup> without a schedule trains the MLP to R@5 ≈ 0.9).
${s.linearReadout ? 'Beside the transformer, a linear read-out of the mean token is set before training to the least-squares map from the training pairs’ mean tokens to their coefficients (the linear estimate; at paper size it alone gives R@5 ≈ 0.89), and trained with it: the transformer learns the correction (not in the paper). ' : ''}${(s.averageSpan ?? 0) > 0 ? `The transformer is scored with an exponential moving average of its weights over about the last ${fmt(100 * s.averageSpan, 0)} % of its steps (Polyak averaging, a common evaluation practice not in the paper); its raw weights are scored too (row “raw”). ` : ''}R@k in batches of ${s.batch} = recall among the 128 pairs of each test batch (the reading of the paper’s Fig. 14 most likely meant), averaged over batches; whole split = among all ${s.test} test pairs.</p>
<div class="grid">${r.runs.flatMap((run) => [recallChart(run, 'R5'), recallChart(run, 'R1')]).join('')}</div>
${table(['encoder, evaluation', 'traj→pot R@1', 'traj→pot R@5', 'pot→traj R@1', 'pot→traj R@5'], rows)}
${table(['encoder', 'trainable parameters', 'ms per step', 'training seconds', 'final τ'], cost)}
${verdictHtml(v)}`
}

/** §6.2's mode collapse, on the ocean pairs. */
export function collapseSection(r: LagrangianResult, v: Verdict): string {
  const s = r.settings
  const rows = r.collapse.flatMap((c) => [
    [`${c.loss}: trajectories | potential (u|v)`, c.trajGivenPot.meanEss, c.trajGivenPot.medianEss, c.trajGivenPot.meanDistinct, c.trajGivenPot.meanSpread, c.trajGivenPot.uniformSpread],
    [`${c.loss}: potentials | trajectory (v|u)`, c.potGivenTraj.meanEss, c.potGivenTraj.medianEss, c.potGivenTraj.meanDistinct, c.potGivenTraj.meanSpread, c.potGivenTraj.uniformSpread]
  ])
  return `<h2>4. Mode collapse of the one-sided loss (arXiv §6.2, Fig. 12), on the ocean pairs</h2>
<p class="paper"><b>Paper:</b> on MNIST, sampling images given a label from the empirical conditional ν<sup>N</sup>(u | v) (16 draws with replacement over 10,000 test images) gives diverse styles for the two-sided and the image|label losses,
while the label|image one-sided loss (ordinary cross-entropy) “concentrat[es] on a single digit”: the mass sits on one image.</p>
<p>Here the trajectory plays the image and the potential the label: <code>cond-v</code> normalises over potentials for each trajectory (the analogue of label|image), <code>cond</code> is two-sided.
Both: MLP encoders (256-256, n<sub>e</sub> = 32), unnormalised inner product with τ = 1 (as the paper’s MNIST encoders), ${s.collapseEpochs} epochs, batch ${s.batch}, on the same training pairs. For ${s.collapseQueries} test queries the
conditional over the ${s.test} test items (eq. 28) gives its ESS = 1/Σw², and ${s.draws} draws with replacement: distinct items and their mean pairwise RMS distance (standardised features),
next to the same distance for ${s.draws} uniform draws from the bank.</p>
${table(['loss: conditional', 'mean ESS', 'median ESS', `distinct of ${s.draws} draws`, 'spread of the draws', 'spread of uniform draws'], rows)}
${verdictHtml(v)}`
}
