import { existsSync, mkdtempSync, readFileSync, rmSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { afterAll, describe, expect, it } from 'vitest'
import { benchmarkDaCommand } from '../../../src-main/commands/benchmark-da'
import { runTwinBenchmark } from '../../../src-main/engine/assimilate/twin/benchmark'
import { twinMarkdown } from '../../../src-main/engine/assimilate/twin/markdown'
import { fourierTwins } from '../../../src-main/engine/assimilate/twin/twins'
import { SimulationConfig } from '../../../src-main/shared/simulation'
import { silentContext, UserError } from '../../../src-main/engine/jobs/job'
import type { TwinBenchmarkResult } from '../../../src-main/shared/twin'

const dir = mkdtempSync(join(tmpdir(), 'driftclip-benchmark-da-'))
afterAll(() => rmSync(dir, { recursive: true, force: true }))
const io = { context: silentContext(), print: () => {}, json: true }

describe('driftclip benchmark-da', () => {
  it('prints {rows: [{method, rmse, rmseNearTracers, coverage50, coverage90, secondsPerQuery, …}]} and writes JSON, CSV, HTML and the markdown table', async () => {
    const out = join(dir, 'fourier')
    const [demo] = fourierTwins(128)
    const twin = { ...demo, grid: 8, frames: 3, config: SimulationConfig.parse({ ...demo.config, steps: 200, fourier: { modesPerSide: 2 } }) }
    const r = await runTwinBenchmark({ options: { flow: 'fourier', quick: true, queries: 1, mcmcSteps: 400, learned: false }, outDir: out, twins: [twin] }, silentContext())
    expect(r.rows.map((x) => x.method)).toEqual(['prior', 'enkf', 'esmda', 'mcmc'])
    for (const row of r.rows) {
      for (const key of ['rmse', 'rmseNearTracers', 'coverage50', 'coverage90', 'secondsPerQuery', 'crps', 'spreadSkill', 'psiRmse', 'tracerRmse'] as const) expect(Number.isFinite(row[key])).toBe(true)
      expect(row.coverage90).toBeGreaterThanOrEqual(row.coverage50)
    }
    const [prior, enkf, esmda, mcmc] = r.rows
    // the observations carry information: every data method beats the prior mean
    expect(mcmc.rmse).toBeLessThan(prior.rmse)
    expect(enkf.rmse).toBeLessThan(prior.rmse)
    expect(esmda.rmse).toBeLessThan(prior.rmse)
    expect(mcmc.rmseVsMcmc).toBe(1)
    expect(r.tables[0].mcmc).toHaveLength(1)
    expect(r.tables[0].config.likelihoodCoarsening).toBeGreaterThan(1)
    const json = JSON.parse(readFileSync(r.outputs.json, 'utf8')) as TwinBenchmarkResult
    expect(json.rows).toHaveLength(4)
    const csv = readFileSync(r.outputs.csv, 'utf8').split('\n')
    expect(csv[0]).toContain('method')
    expect(csv[0]).toContain('coverage90')
    expect(csv.filter(Boolean)).toHaveLength(5)
    const html = readFileSync(r.outputs.html, 'utf8')
    expect(html).toContain('<svg')
    expect(html).toContain('MCMC convergence')
    expect(existsSync(join(out, 'report.html'))).toBe(true)
    // the README table is written from the same rows as the JSON, with the run's stamp in its header
    const md = readFileSync(r.outputs.markdown, 'utf8')
    expect(md).toBe(twinMarkdown(json))
    expect(md).toContain('`driftclip benchmark-da --flow fourier --quick --queries 1 --mcmc-steps 400 --no-learned`')
    expect(md).toContain('MCMC 4 chains × 400 steps')
    expect(md.split('\n').find((l) => l.startsWith('| `mcmc` |'))).toContain('| 1.00 (1.00) |')
  })

  it('refuses an unknown flow with one clear line', async () => {
    await expect(benchmarkDaCommand.run({ flow: 'wind', out: dir }, [], io)).rejects.toThrow(new UserError('benchmark-da: --flow must be fourier or vortex, got "wind"'))
  })
})
