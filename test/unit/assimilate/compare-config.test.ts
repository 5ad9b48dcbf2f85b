import { describe, expect, it } from 'vitest'
import { variantsFrom } from '../../../src-main/commands/compare'
import { intOption } from '../../../src-main/commands/options'
import { variantLabels } from '../../../src-main/engine/assimilate/compare'
import { markdownTable, metricRows } from '../../../src-main/engine/assimilate/comparison-files'
import { demoSettings, loadDemoConfig } from '../../../src-main/engine/assimilate/demo'
import { TrainConfig } from '../../../src-main/shared/training'
import type { ComparisonVariant } from '../../../src-main/shared/views'
import type { RmseRow } from '../../../src-main/shared/assimilation'

describe('comparison configuration', () => {
  it('crosses losses and metrics with shared options', () => {
    const v = variantsFrom({ losses: 'cond,joint', metrics: 'cosine,l2', epochs: '4', seed: '9' })
    expect(v.map((c) => `${c.loss}/${c.metric}`)).toEqual(['cond/cosine', 'cond/l2', 'joint/cosine', 'joint/l2'])
    expect(v.every((c) => c.epochs === 4 && c.seed === 9)).toBe(true)
    expect(variantsFrom({}).map((c) => c.loss)).toEqual(['cond', 'cond-u', 'joint'])
  })
  it('takes the same values and defaults as train: --seed 0 is a seed, defaults come from TrainConfig', () => {
    expect(variantsFrom({ seed: '0' })[0].seed).toBe(0)
    const defaults = TrainConfig.parse({})
    expect(variantsFrom({ losses: 'cond' })[0]).toEqual(defaults)
    expect(() => variantsFrom({ epochs: '0' })).toThrow('compare: --epochs: Too small: expected number to be >=1')
    expect(() => variantsFrom({ seed: '1.5' })).toThrow('compare: --seed must be an integer, got "1.5"')
  })
  it('rejects unknown names and bad numbers with the option named', () => {
    expect(() => variantsFrom({ losses: 'cond,clip' })).toThrow('--losses: unknown value "clip"; use a comma-separated list of cond, cond-u, cond-v, joint, mmd')
    expect(() => variantsFrom({ metrics: '' })).toThrow('--metrics is empty')
    expect(() => intOption({ epochs: '2.5' }, 'epochs', 1)).toThrow('--epochs must be a positive integer, got "2.5"')
  })
  it('labels variants uniquely', () => {
    const c = TrainConfig.parse({})
    expect(variantLabels([c, { ...c, metric: 'l2' }, c])).toEqual(['cond/cosine', 'cond/l2', 'cond/cosine#2'])
  })
  it('tables carry each variant’s retrieval on its own rows only', () => {
    const recall = { r1: 0.5, r5: 0.75, r10: 1, meanRank: 2, medianRank: 1.5 }
    const variant = { label: 'cond/cosine', retrieval: { trajectoryToPotential: recall, potentialToTrajectory: { ...recall, r1: 0.25 } } } as ComparisonVariant
    const rows: RmseRow[] = [
      { kind: 'mean', variant: 'cond/cosine', method: 'cond/cosine: conditional mean', velocityRmse: 0.5, relativeVelocityRmse: 0.25, tracerRmse: 0.01, streamFunctionRmse: 0.02, ess: 3 },
      { kind: 'zero', method: 'baseline: zero field', velocityRmse: 2, relativeVelocityRmse: 1, tracerRmse: 0.1, streamFunctionRmse: 0.2 }
    ]
    const m = metricRows(rows, [variant])
    expect(m[0]).toMatchObject({ method: 'cond/cosine: conditional mean', r1_traj_to_pot: 0.5, r1_pot_to_traj: 0.25, ess: 3 })
    expect(m[1]!.r1_traj_to_pot).toBeUndefined()
    const md = markdownTable(rows, [variant]).split('\n')
    expect(md[2]).toBe('| cond/cosine: conditional mean | 0.500 | 0.250 | 0.0100 | 0.0200 | 3.0 | 0.50 | 0.25 |')
    expect(md[3]).toBe('| baseline: zero field | 2.000 | 1.000 | 0.1000 | 0.2000 | – | – | – |')
  })
})

describe('demo configuration', () => {
  it('the embedded default parses, and --quick only shrinks it', async () => {
    const cfg = await loadDemoConfig()
    const full = demoSettings(cfg, false)
    const quick = demoSettings(cfg, true)
    expect(full.variants.map((v) => v.loss)).toEqual(['cond', 'cond-u', 'joint'])
    expect(quick.simulation.pairs).toBeLessThan(full.simulation.pairs)
    expect(quick.variants[0]!.epochs).toBeLessThan(full.variants[0]!.epochs)
    expect(quick.simulation.seed).toBe(full.simulation.seed)
  })
  it('a broken configuration names the file and the field', async () => {
    const { writeFileSync, mkdtempSync } = await import('node:fs')
    const { join } = await import('node:path')
    const { tmpdir } = await import('node:os')
    const path = join(mkdtempSync(join(tmpdir(), 'dc-demo-')), 'demo.json')
    writeFileSync(path, JSON.stringify({ simulation: {}, variants: [] }))
    await expect(loadDemoConfig(path)).rejects.toThrow(`${path}: variants: `)
    writeFileSync(path, '{ nope')
    await expect(loadDemoConfig(path)).rejects.toThrow(`${path}: cannot read the demo configuration`)
  })
})
