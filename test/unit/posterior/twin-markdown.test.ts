import { describe, expect, it } from 'vitest'
import { commandLine, pairRanges, ratio, seconds, twinMarkdown } from '../../../src-main/engine/assimilate/twin/markdown'
import { TwinBenchmarkOptions, type RunStamp, type TwinRow, type TwinTable } from '../../../src-main/shared/twin'

const row = (method: string, rmse: number, near: number, cpu: number | undefined, extra: Partial<TwinRow> = {}): TwinRow => ({
  method, label: method, rmse, rmseNearTracers: near, relativeRmse: rmse / 4, psiRmse: rmse / 10, tracerRmse: 0.00123, crps: rmse / 3,
  coverage50: 0.5, coverage90: 0.894, spreadSkill: 1.004, secondsPerQuery: 2 * (cpu ?? 0.5), cpuSecondsPerQuery: cpu, ...extra
})

const table = (rows: TwinRow[]): TwinTable => ({
  twin: 'fourier 7×7 modes, 1 tracer', flow: 'fourier', noise: 0.005, nearRadius: 0.1, queries: [1843, 1844, 1845, 1850],
  config: { pairs: 2048, seed: 7, drawsPerMethod: 200, mcmcChains: 4, mcmcSteps: 40000, likelihoodCoarsening: 500, cpuClock: 'thread' },
  rows, mcmc: [], findings: []
})

const stamp: RunStamp = { started: '2026-12-04T17:55:41.000Z', finished: '2026-12-04T18:21:11.500Z', loadStart: 1.466, loadEnd: 3.2, command: 'driftclip benchmark-da --flow fourier --config paper' }

describe('the README markdown table (benchmark-da.md)', () => {
  it('prints the known rows with their ratios against the same table’s MCMC row', () => {
    // MCMC listed after the prior: the ratios must not depend on row order
    const rows = [row('prior', 4, 4.2, 0.0012), row('mcmc', 3.44, 3.0, 34.7), row('bankfree:cond-v/dot+gram-gls@optimum', 3.4, 3.06, 0.0082)]
    expect(twinMarkdown({ tables: [table(rows)], run: stamp })).toBe(
      '**fourier 7×7 modes, 1 tracer** — `driftclip benchmark-da --flow fourier --config paper`: test pairs 1843–1845, 1850 (4 queries), 2,048 pairs, seed 7, σ = 0.005, ' +
        'near = within 0.1 of the observed paths, 200 draws per method and query; MCMC 4 chains × 40,000 steps, likelihood RK4 500× coarser than the simulator\'s; ' +
        'run 2026-12-04 17:55–18:21 UTC (1,531 s wall), 1-min load average 1.47 at start, 3.20 at end; CPU-s: thread.\n' +
        '\n' +
        '| method | velocity RMSE | near tracers | relative | ψ RMSE | tracer RMSE | CRPS | cov 50 % | cov 90 % | spread/skill | ×MCMC (near) | s / query | CPU-s / query | MCMC CPU ÷ |\n' +
        '|---|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|\n' +
        '| `prior` | 4.000 | 4.200 | 1.000 | 0.400 | 0.0012 | 1.333 | 0.50 | 0.89 | 1.00 | 1.16 (1.40) | 0.0024 | 0.0012 | 28,917 |\n' +
        '| `mcmc` | 3.440 | 3.000 | 0.860 | 0.344 | 0.0012 | 1.147 | 0.50 | 0.89 | 1.00 | 1.00 (1.00) | 69.4 | 34.7 | 1.0 |\n' +
        '| `bankfree:cond-v/dot+gram-gls@optimum` | 3.400 | 3.060 | 0.850 | 0.340 | 0.0012 | 1.133 | 0.50 | 0.89 | 1.00 | 0.99 (1.02) | 0.016 | 0.0082 | 4,232 |\n'
    )
  })

  it('leaves the ratio columns empty and says why when the run has no MCMC row', () => {
    const md = twinMarkdown({ tables: [table([row('prior', 4, 4.2, 0.0012), row('enkf', 1, 1, undefined)])], run: undefined })
    const lines = md.split('\n')
    expect(lines[0]).toContain('no MCMC row in this run: the ×MCMC and MCMC CPU ÷ columns are empty; run time and load not recorded; CPU-s: thread.')
    expect(lines[0]).not.toContain('chains ×')
    expect(lines[4]).toBe('| `prior` | 4.000 | 4.200 | 1.000 | 0.400 | 0.0012 | 1.333 | 0.50 | 0.89 | 1.00 | – | 0.0024 | 0.0012 | – |')
    // no CPU figure: "–", not NaN
    expect(lines[5]).toBe('| `enkf` | 1.000 | 1.000 | 0.250 | 0.100 | 0.0012 | 0.333 | 0.50 | 0.89 | 1.00 | – | 1.0 | – | – |')
  })

  it('formats times, ratios and pair ranges as the README does', () => {
    expect([0.00085, 0.0012345, 0.136, 2.345, 9.96, 41.23, 101.2, 1625.4, 0].map(seconds)).toEqual(['0.00085', '0.0012', '0.14', '2.3', '10.0', '41.2', '101.2', '1,625', '0'])
    expect([1, 2.46, 9.99, 984.4, 4213.2, Infinity].map(ratio)).toEqual(['1.0', '2.5', '10.0', '984', '4,213', '–'])
    expect(pairRanges([461, 462, 470])).toBe('461–462, 470')
    expect(pairRanges([1843])).toBe('1843')
  })

  it('gives the command line of a run with only the options that differ from the defaults', () => {
    expect(commandLine(TwinBenchmarkOptions.parse({ flow: 'fourier' }))).toBe('driftclip benchmark-da --flow fourier')
    expect(commandLine(TwinBenchmarkOptions.parse({ flow: 'fourier', config: 'paper', quick: true, queries: 10, mcmcSteps: 400, learned: false, seed: 3 })))
      .toBe('driftclip benchmark-da --flow fourier --config paper --quick --queries 10 --mcmc-steps 400 --no-learned --seed 3')
  })
})
