import { describe, expect, it } from 'vitest'
import { reproduceCommand } from '../../../src-main/commands/reproduce'
import { silentContext } from '../../../src-main/engine/jobs/job'
import { renderReproduceReport } from '../../../src-main/engine/reproduce/report'
import type { ReproduceResult } from '../../../src-main/engine/reproduce/types'

const result: ReproduceResult = {
  createdAt: '2026-12-01T00:00:00Z', quick: true, seconds: 12,
  machine: { backend: 'wasm', cores: 2, loadBefore: 1, loadAfter: 2 },
  experiments: [{ id: 'gaussian', title: 'Gaussian illustrations', paperSection: '§5.4', verdict: { holds: false, text: 'x <b> y' }, seconds: 3 }],
  gaussianSettings: { samples: 1, batch: 1, epochs: 1, learningRate: 1, seed: 1 },
  gaussian: [{
    id: 'cond-dot', title: 'case', statement: 'means match', loss: 'cond', metric: 'dot',
    truth: { uGivenV: { slope: 2 / 3, variance: 0.83 }, vGivenU: { slope: 2 / 3, variance: 0.83 } },
    closedForm: { uGivenV: { slope: 2 / 3, variance: 1.5 }, vGivenU: { slope: 2 / 3, variance: 1.5 } },
    learned: { uGivenV: { slope: 0.6, variance: 1.5 }, vGivenU: { slope: 0.6, variance: 1.5 } },
    parameters: { A: 0.4 }, checks: [{ name: 'slope', measured: 0.6, expected: '0.667 ± 0.05', pass: false }], holds: false, verdict: 'slope off'
  }],
  settings: {}
}

describe('reproduction report', () => {
  const html = renderReproduceReport(result)
  it('is one self-contained page: SVG figures, no scripts, no external resources', () => {
    expect(html).not.toMatch(/<script|https?:\/\/(?!www\.w3\.org)/)
    expect((html.match(/<svg/g) ?? []).length).toBe(2)
  })
  it('shows the quick-mode banner, the verdicts and escapes text', () => {
    expect(html).toContain('Quick mode:')
    expect(html).toContain('Verdict: does not hold.')
    expect(html).toContain('x &lt;b&gt; y')
    expect(html).toContain('<td>NO</td>')
  })
  it('gives the load sampled during the run and the priority it ran at', () => {
    expect(html).not.toContain('during the run')
    const loaded = renderReproduceReport({ ...result, machine: { ...result.machine, loadMean: 9.25, loadMax: 12, nice: -10 } })
    expect(loaded).toContain('(mean 9.3, max 12.0 during the run) · run at nice -10')
  })
  it('the command wants --out', async () => {
    await expect(reproduceCommand.run({}, [], { context: silentContext(), print: () => {}, json: false })).rejects.toThrow('reproduce: --out DIR is required')
  })
  it('--only names known experiments, and a report without the Gaussian section still renders', async () => {
    await expect(reproduceCommand.run({ out: '/tmp/x', only: 'gp,mnist' }, [], { context: silentContext(), print: () => {}, json: false })).rejects.toThrow('reproduce: --only takes gaussian, gp, lagrangian; got "mnist"')
    const { gaussian: _g, gaussianSettings: _s, ...rest } = result
    expect(renderReproduceReport(rest)).not.toContain('1. Gaussian illustrations')
  })
})

describe('GP sweep verdicts', () => {
  it('a trend falls monotonically, overall, or not at all', async () => {
    const { trendOf } = await import('../../../src-main/engine/reproduce/gp')
    expect(trendOf([3, 2, 2, 1])).toBe('falls')
    expect(trendOf([3, 4, 2])).toBe('falls, not monotonically')
    expect(trendOf([1, 0.5, 1.2])).toBe('does not fall')
  })
})
