/** `driftclip benchmark-da`: the twin table — prior, ES-MDA, the MCMC information limit, bank and bank-free contrastive. */
import { resolve } from 'node:path'
import { FlowKind } from '../shared/simulation'
import { TwinBenchmarkOptions, type TwinBenchmarkResult, type TwinRow } from '../shared/twin'
import { UserError } from '../engine/jobs/job'
import { numberOption, parseWithSchema, stringOption } from './options'
import type { CliCommand } from './types'

/** One twin's rows as aligned text. */
export function twinTableLines(rows: TwinRow[]): string[] {
  const f = (x: number | undefined, w: number, d = 3) => (x === undefined || !Number.isFinite(x) ? '–' : x.toFixed(d)).padStart(w)
  return [
    `${'method'.padEnd(26)} ${'RMSE'.padStart(7)} ${'near'.padStart(7)} ${'rel.'.padStart(6)} ${'ψ'.padStart(6)} ${'tracer'.padStart(7)} ${'CRPS'.padStart(6)} ${'cov50'.padStart(5)} ${'cov90'.padStart(5)} ${'spr/sk'.padStart(6)} ${'×MCMC'.padStart(6)} ${'s/query'.padStart(8)} ${'CPU-s/q'.padStart(8)}`,
    ...rows.map((r) => `${r.method.padEnd(26)} ${f(r.rmse, 7)} ${f(r.rmseNearTracers, 7)} ${f(r.relativeRmse, 6)} ${f(r.psiRmse, 6)} ${f(r.tracerRmse, 7, 4)} ${f(r.crps, 6)} ${f(r.coverage50, 5, 2)} ${f(r.coverage90, 5, 2)} ${f(r.spreadSkill, 6, 2)} ${f(r.rmseVsMcmc, 6, 2)} ${f(r.secondsPerQuery, 8, 3)} ${f(r.cpuSecondsPerQuery, 8, 3)}`)
  ]
}

export const benchmarkDaCommand: CliCommand = {
  name: 'benchmark-da',
  summary: 'twin experiments: contrastive (bank, bank-free) vs the exact MCMC posterior vs the EnKF and ES-MDA, one table per twin',
  usage: `options:
  --flow fourier|vortex   the demo's Fourier twin (3×3 modes, 4 tracers, σ = 0.005), or KIJ's point-vortex twins (2, 1) from two launch points and (4, 2)
  --config demo|paper     Fourier twin: the demo's (default) or the paper's Lagrangian experiment (7×7 modes, one tracer from
                          (0.75, 0.75), RK4 dt 1e-5 to T 0.1, 1000 records; σ = 0.005, 2,048 pairs, 10 queries, 40,000 MCMC steps)
  --quick                 fewer pairs, queries, epochs and chain steps (a few minutes)
  --queries N             test queries per twin (default 3, quick 2)
  --mcmc-steps N          MCMC steps per chain, burn-in included (default 20000, quick 6000; vortex 8000, quick 4000)
  --no-learned            skip training the contrastive variants (prior, EnKF, ES-MDA and MCMC only)
  --seed N                random seed of the samplers (default 1)
  --out DIR               writes benchmark-da.json, benchmark-da.csv, report.html and benchmark-da.md (the README's tables)`,
  options: {
    flow: { type: 'string' }, config: { type: 'string' }, quick: { type: 'boolean' }, queries: { type: 'string' }, 'mcmc-steps': { type: 'string' },
    'no-learned': { type: 'boolean' }, seed: { type: 'string' }, out: { type: 'string' }
  },
  async run(values, _positionals, io) {
    const flow = FlowKind.safeParse(values.flow ?? 'fourier')
    if (!flow.success) throw new UserError(`benchmark-da: --flow must be fourier or vortex, got "${String(values.flow)}"`)
    const num = (name: string) => numberOption(values, name, 'int', 'benchmark-da')
    const config = values.config ?? 'demo'
    if (config !== 'demo' && config !== 'paper') throw new UserError(`benchmark-da: --config must be demo or paper, got "${String(config)}"`)
    const options = parseWithSchema(TwinBenchmarkOptions, {
      flow: flow.data, config, quick: values.quick === true, learned: values['no-learned'] !== true,
      queries: num('queries'), mcmcSteps: num('mcmc-steps'), seed: num('seed')
    }, 'benchmark-da', { mcmcSteps: 'mcmc-steps' })
    const outDir = resolve(stringOption(values, 'out', 'benchmark-da'))
    const { runTwinBenchmark } = await import('../engine/assimilate/twin/benchmark')
    const { learnedMethods, PAPER_TWIN_VARIANTS } = await import('../engine/assimilate/twin/learned-methods')
    const result: TwinBenchmarkResult = await runTwinBenchmark(
      {
        options,
        outDir,
        learned: options.config === 'paper' ? (twin, ctx) => learnedMethods(twin, ctx, PAPER_TWIN_VARIANTS) : learnedMethods
      },
      io.context
    )
    for (const t of result.tables) {
      io.print(`\n${t.twin}`)
      for (const line of twinTableLines(t.rows)) io.print(`  ${line}`)
      for (const f of t.findings) io.print(`  ${f}`)
    }
    io.print(`\nreport: ${result.outputs.html}\nREADME tables: ${result.outputs.markdown}`)
    return result
  }
}
