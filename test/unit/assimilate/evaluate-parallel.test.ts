import { mkdtempSync, rmSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { SimulationConfig } from '../../../src-main/shared/simulation'
import { evaluationWorkers } from '../../../src-main/engine/assimilate/evaluate-parallel'
import { runEvaluation } from '../../../src-main/engine/assimilate/evaluate'
import { planEvaluation, DEFAULT_EVALUATION } from '../../../src-main/engine/assimilate/setup'
import { runSimulation, simulateDataset } from '../../../src-main/engine/flows/simulate'
import { silentContext } from '../../../src-main/engine/jobs/job'
import { runTraining } from '../../../src-main/engine/learn/train'

const dir = mkdtempSync(join(tmpdir(), 'driftclip-eval-par-'))
const data = join(dir, 'd.nc')
const model = join(dir, 'model')
const cfg = SimulationConfig.parse({ pairs: 160, steps: 200, recordEvery: 10, testFraction: 0.15, fourier: { modesPerSide: 3 } })

beforeAll(async () => {
  await runSimulation(cfg, data, silentContext(), 1)
  await runTraining({ datasetPath: data, outDir: model, config: { epochs: 2, dim: 8, widths: [16], batch: 32, parallel: 'off' } }, silentContext())
}, 120_000)
afterAll(() => rmSync(dir, { recursive: true, force: true }))

describe('evaluation in worker threads', () => {
  it('gives the same bits as one thread (queries split, pooled in query order)', async () => {
    const req = { modelDir: model, datasetPath: data, options: { grid: 6, frames: 3, samples: 8 } }
    const one = await runEvaluation({ ...req, workers: 1 }, silentContext())
    const two = await runEvaluation({ ...req, workers: 2 }, silentContext())
    // three workers: ranges of 8 queries, bank members split in three (not multiples of the search blocks)
    const three = await runEvaluation({ ...req, workers: 3 }, silentContext())
    expect(one.settings?.testQueries).toBe(24)
    expect(one.rmse.length).toBe(7)
    expect(two).toEqual(one)
    expect(three).toEqual(one)
  }, 120_000)
  it('uses all cores only when each gets enough queries', () => {
    const plan = (maxTest: number) => planEvaluation(simulateDataset(SimulationConfig.parse({ pairs: 400, steps: 10, recordEvery: 5, testFraction: 0.5 })), { ...DEFAULT_EVALUATION, maxTest })
    expect(evaluationWorkers(plan(200), 16)).toBe(12)
    expect(evaluationWorkers(plan(120), 16)).toBe(7)
    expect(evaluationWorkers(plan(20), 16)).toBe(1)
    expect(evaluationWorkers(plan(200), 2)).toBe(2)
  })
})
