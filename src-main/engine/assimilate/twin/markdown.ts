/**
 * The twin benchmark's tables as README markdown (`benchmark-da.md`), from the same rows as the JSON, CSV and HTML:
 * the one place where the README's tables are made, so a table in the README is a file a run wrote. Pure.
 *
 * Ratios are taken against the MCMC row of the same table (the information limit, issue #16): ×MCMC is this row's
 * velocity RMSE ÷ MCMC's (near the tracers in brackets), "MCMC CPU ÷" is MCMC's CPU-s per query ÷ this row's.
 * Without an MCMC row both columns are "–" and the header says so.
 */
import type { RunStamp, TwinBenchmarkOptions, TwinBenchmarkResult, TwinRow, TwinTable } from '../../../shared/twin'

export const MARKDOWN_COLUMNS = [
  'method', 'velocity RMSE', 'near tracers', 'relative', 'ψ RMSE', 'tracer RMSE', 'CRPS', 'cov 50 %', 'cov 90 %',
  'spread/skill', '×MCMC (near)', 's / query', 'CPU-s / query', 'MCMC CPU ÷'
] as const

const DASH = '–'

/** Fixed decimals; "–" for a missing or non-finite number. */
export function fixed(x: number | undefined, digits: number): string {
  return x === undefined || !Number.isFinite(x) ? DASH : x.toFixed(digits)
}

/** An integer with thousands separators: 4213 → "4,213". */
export function grouped(x: number): string {
  return Math.round(x).toLocaleString('en-US')
}

/**
 * A time per query: two significant figures below 10 s (timings of a few ms on a shared machine carry no more),
 * one decimal below 1000 s, a grouped integer above. 0.0012345 → "0.0012", 2.345 → "2.3", 41.23 → "41.2".
 */
export function seconds(x: number | undefined): string {
  if (x === undefined || !Number.isFinite(x)) return DASH
  if (x >= 1000) return grouped(x)
  if (x >= 10) return x.toFixed(1)
  if (x === 0) return '0'
  // two significant figures without an exponent
  const digits = Math.max(1, 1 - Math.floor(Math.log10(Math.abs(x))))
  return x.toFixed(digits)
}

/** A cost ratio: a grouped integer from 10 up ("4,213"), one decimal below ("1.0", "2.5"). */
export function ratio(x: number | undefined): string {
  if (x === undefined || !Number.isFinite(x)) return DASH
  return x >= 10 ? grouped(x) : x.toFixed(1)
}

/** Test pairs as ranges: [1843, …, 1852] → "1843–1852"; [461, 462, 470] → "461–462, 470". */
export function pairRanges(pairs: number[]): string {
  const out: string[] = []
  for (let i = 0; i < pairs.length; ) {
    let j = i
    while (j + 1 < pairs.length && pairs[j + 1] === pairs[j] + 1) j++
    out.push(j === i ? String(pairs[i]) : `${pairs[i]}–${pairs[j]}`)
    i = j + 1
  }
  return out.join(', ')
}

/** The CLI line that reproduces a run: only the options that differ from the defaults. */
export function commandLine(o: TwinBenchmarkOptions): string {
  const parts = ['driftclip benchmark-da', `--flow ${o.flow}`]
  if (o.config !== 'demo') parts.push(`--config ${o.config}`)
  if (o.quick) parts.push('--quick')
  if (o.queries !== undefined) parts.push(`--queries ${o.queries}`)
  if (o.mcmcSteps !== undefined) parts.push(`--mcmc-steps ${o.mcmcSteps}`)
  if (!o.learned) parts.push('--no-learned')
  if (o.seed !== 1) parts.push(`--seed ${o.seed}`)
  return parts.join(' ')
}

/** One method's cells, its ratios against `mcmc` (the same table's MCMC row) when there is one. */
export function markdownRow(r: TwinRow, mcmc: TwinRow | undefined): string {
  const vs = mcmc ? `${fixed(r.rmse / mcmc.rmse, 2)} (${fixed(r.rmseNearTracers / mcmc.rmseNearTracers, 2)})` : DASH
  const cheaper = mcmc?.cpuSecondsPerQuery !== undefined && r.cpuSecondsPerQuery !== undefined ? ratio(mcmc.cpuSecondsPerQuery / r.cpuSecondsPerQuery) : DASH
  const cells = [
    `\`${r.method}\``, fixed(r.rmse, 3), fixed(r.rmseNearTracers, 3), fixed(r.relativeRmse, 3), fixed(r.psiRmse, 3), fixed(r.tracerRmse, 4),
    fixed(r.crps, 3), fixed(r.coverage50, 2), fixed(r.coverage90, 2), fixed(r.spreadSkill, 2), vs, seconds(r.secondsPerQuery), seconds(r.cpuSecondsPerQuery), cheaper
  ]
  return `| ${cells.join(' | ')} |`
}

const minutes = (iso: string) => iso.slice(11, 16)

/** The header line: what was run, on which queries and settings, when, under what load, by which CPU clock. */
export function markdownHeader(t: TwinTable, stamp: RunStamp | undefined): string {
  const c = t.config
  const n = (k: string) => (typeof c[k] === 'number' ? grouped(c[k] as number) : String(c[k] ?? DASH))
  const mcmc = t.rows.some((r) => r.method === 'mcmc')
  const when = stamp
    ? `run ${stamp.started.slice(0, 10)} ${minutes(stamp.started)}–${minutes(stamp.finished)} UTC ` +
      `(${grouped((Date.parse(stamp.finished) - Date.parse(stamp.started)) / 1000)} s wall), 1-min load average ${stamp.loadStart.toFixed(2)} at start, ${stamp.loadEnd.toFixed(2)} at end`
    : 'run time and load not recorded'
  return [
    `**${t.twin}**${stamp ? ` — \`${stamp.command}\`` : ''}: test pairs ${pairRanges(t.queries)} (${t.queries.length} ${t.queries.length === 1 ? 'query' : 'queries'}), ` +
      `${n('pairs')} pairs, seed ${n('seed')}, σ = ${t.noise}, near = within ${t.nearRadius} of the observed paths, ${n('drawsPerMethod')} draws per method and query; ` +
      (mcmc ? `MCMC ${n('mcmcChains')} chains × ${n('mcmcSteps')} steps, likelihood RK4 ${n('likelihoodCoarsening')}× coarser than the simulator's; ` : 'no MCMC row in this run: the ×MCMC and MCMC CPU ÷ columns are empty; ') +
      `${when}; CPU-s: ${String(c.cpuClock ?? 'clock not recorded')}.`
  ].join('')
}

/** One twin's header line and table. */
export function markdownTable(t: TwinTable, stamp: RunStamp | undefined): string {
  const mcmc = t.rows.find((r) => r.method === 'mcmc')
  return [
    markdownHeader(t, stamp),
    '',
    `| ${MARKDOWN_COLUMNS.join(' | ')} |`,
    `|---|${MARKDOWN_COLUMNS.slice(1).map(() => '---:').join('|')}|`,
    ...t.rows.map((r) => markdownRow(r, mcmc))
  ].join('\n')
}

/** Every twin of a run, as `benchmark-da.md`. */
export function twinMarkdown(r: Pick<TwinBenchmarkResult, 'tables' | 'run'>): string {
  return r.tables.map((t) => markdownTable(t, r.run)).join('\n\n') + '\n'
}
