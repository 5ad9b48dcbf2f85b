import { mkdtempSync, readFileSync, writeFileSync, existsSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { describe, expect, it } from 'vitest'
import { reproduceCommand } from '../../../src-main/commands/reproduce'
import { silentContext } from '../../../src-main/engine/jobs/job'
import { mergeResults, sectionsOf } from '../../../src-main/engine/reproduce/merge'
import { renderReproduceReport } from '../../../src-main/engine/reproduce/report'
import { mergeReproduce } from '../../../src-main/engine/reproduce/run'
import { parseReproduceJson } from '../../../src-main/engine/reproduce/schema'
import type { ReproduceResult } from '../../../src-main/engine/reproduce/types'
import { gpSettings } from '../../../src-main/engine/learn/gp-experiment'

const verdict = { holds: true, text: 'ok' }
const gpRun = (n: number, e: number) => ({ dim: 5, batch: 512, n, steps: 10, uGivenV: e, vGivenU: e, optimum: { uGivenV: 0, vGivenU: 0 }, halfSteps: { uGivenV: e, vGivenU: e }, convergenceGap: 0, runs: [] })
const gp = (e: number) => ({
  result: { settings: gpSettings(false), errorDefinition: 'd', embeddingDim: [gpRun(10000, e)], batchSize: [gpRun(10000, e)], sampleSize: [gpRun(2000, 2 * e), gpRun(10000, e)] },
  verdicts: { embeddingDim: verdict, batchSize: verdict, sampleSize: verdict, convergence: verdict, overall: verdict }
})
/** A full report with the Gaussian and GP sections (old run) … */
const old: ReproduceResult = {
  createdAt: '2026-12-02T21:04:00.000Z', commit: '66a8758', quick: false, seconds: 100, cpuSeconds: 90,
  machine: { backend: 'wasm', cores: 2, loadBefore: 3, loadAfter: 3, loadMean: 3.5, nice: 0 },
  experiments: [
    { id: 'gaussian', title: 'Gaussian illustrations', paperSection: '§5.4', verdict, seconds: 40, cpuSeconds: 30 },
    { id: 'gp', title: 'Gaussian-process sweeps', paperSection: '§6.1', verdict: { holds: 'partly', text: 'old gp' }, seconds: 60, cpuSeconds: 60 }
  ],
  gaussianSettings: { samples: 1, batch: 1, epochs: 1, learningRate: 1, seed: 1 }, gaussian: [],
  gp: gp(0.5), settings: { gaussian: { samples: 1 }, gp: { old: true } }
}
/** … and a GP-only re-run. */
const gpOnly: ReproduceResult = {
  createdAt: '2026-12-02T22:00:00.000Z', commit: 'cdbb7e9', quick: false, seconds: 20, cpuSeconds: 35,
  machine: { backend: 'wasm', cores: 2, loadBefore: 2, loadAfter: 2, loadMean: 2.8, nice: 10 },
  experiments: [{ id: 'gp', title: 'Gaussian-process sweeps', paperSection: '§6.1', verdict: { holds: true, text: 'new gp' }, seconds: 20, cpuSeconds: 35, run: { createdAt: '2026-12-02T22:00:00.000Z', commit: 'cdbb7e9', quick: false, loadMean: 2.8, nice: 10 } }],
  gp: gp(0.1), settings: { gp: { new: true } }
}

describe('merging a re-run section into a report', () => {
  it('replaces the re-run section, keeps the others with the run that made them, and sums the times', () => {
    const m = mergeResults(old, gpOnly, '2026-12-02T22:30:00.000Z')
    expect(sectionsOf(m)).toEqual(['gaussian', 'gp'])
    expect(m.experiments.map((e) => [e.id, e.verdict.text, e.run?.commit])).toEqual([['gaussian', 'ok', '66a8758'], ['gp', 'new gp', 'cdbb7e9']])
    expect(m.gp?.result.embeddingDim[0].uGivenV).toBe(0.1)
    expect(m.gaussian).toBe(old.gaussian)
    expect(m.settings).toEqual({ gaussian: { samples: 1 }, gp: { new: true } })
    expect([m.seconds, m.cpuSeconds]).toEqual([60, 65])
    const html = renderReproduceReport(m)
    expect(html).toContain('Merged 2026-12-02 22:30 UTC from 2 runs')
    expect(html).toContain('<td>2026-12-02 21:04 UTC, commit 66a8758, mean load 3.5</td>')
    expect(html).toContain('<td>2026-12-02 22:00 UTC, commit cdbb7e9, mean load 2.8, nice 10</td>')
  })
  it('does not mix quick and full runs', () => {
    expect(() => mergeResults(old, { ...gpOnly, quick: true }, 'x')).toThrow('reproduce: cannot merge a quick-mode run into a full-mode report')
  })
  it('reads reproduce.json back through its schema, with one line for a file that does not match', () => {
    expect(parseReproduceJson(JSON.stringify(old), 'r.json').gp?.result.sampleSize.length).toBe(2)
    expect(() => parseReproduceJson('{"createdAt": 1}', 'r.json')).toThrow(/^reproduce: r\.json is not a reproduce\.json: createdAt: /)
    const broken = { ...old, gp: { ...old.gp, result: { ...old.gp!.result, sampleSize: [{ n: 1 }] } } }
    expect(() => parseReproduceJson(JSON.stringify(broken), 'r.json')).toThrow(/^reproduce: r\.json is not a reproduce\.json: gp\.result\.sampleSize\.0\.uGivenV: Invalid input: expected number, received undefined$/)
    expect(() => parseReproduceJson('{', 'r.json')).toThrow(/^reproduce: r\.json is not JSON/)
  })
  it('--merge writes the merged report and JSON; a bad file leaves the folder as it was', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'driftclip-merge-'))
    writeFileSync(join(dir, 'reproduce.json'), JSON.stringify(old))
    writeFileSync(join(dir, 'report.html'), 'old report')
    writeFileSync(join(dir, 'bad.json'), '{"quick": false}')
    const io = { context: silentContext(), print: () => {}, json: false }
    await expect(reproduceCommand.run({ out: dir, merge: join(dir, 'bad.json') }, [], io)).rejects.toThrow(/^reproduce: .*bad\.json is not a reproduce\.json: createdAt: /)
    expect(readFileSync(join(dir, 'report.html'), 'utf8')).toBe('old report')
    await expect(reproduceCommand.run({ out: dir, merge: join(dir, 'x.json'), only: 'gp' }, [], io)).rejects.toThrow('reproduce: --merge runs nothing, so --only does not apply')
    writeFileSync(join(dir, 'gp.json'), JSON.stringify(gpOnly))
    const m = await mergeReproduce(dir, join(dir, 'gp.json'))
    expect(m.experiments.map((e) => e.verdict.text)).toEqual(['ok', 'new gp'])
    expect(JSON.parse(readFileSync(join(dir, 'reproduce.json'), 'utf8')).mergedAt).toBe(m.mergedAt)
    expect(readFileSync(join(dir, 'report.html'), 'utf8')).toContain('from 2 runs')
    expect(existsSync(join(dir, 'gp.json'))).toBe(true)
    await expect(mergeReproduce(join(dir, 'nothing'), join(dir, 'gp.json'))).rejects.toThrow(/--merge needs a report to merge into: .*nothing\/reproduce\.json does not exist/)
  })
})
