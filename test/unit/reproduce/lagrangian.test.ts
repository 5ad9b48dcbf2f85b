import { mkdtempSync, rmSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { silentContext } from '../../../src-main/engine/jobs/job'
import { initBackend } from '../../../src-main/engine/learn/backend'
import { collapseVerdict, lagrangianSettings, lagrangianSimulation, lagrangianVerdict, runLagrangian } from '../../../src-main/engine/reproduce/lagrangian'
import { distinctDraws, effectiveSampleSize, recallFromScores, softmaxWeights } from '../../../src-main/engine/reproduce/retrieval'
import { uniformRng } from '../../../src-main/engine/learn/random'

const dir = mkdtempSync(join(tmpdir(), 'driftclip-lagrangian-'))
beforeAll(async () => {
  await initBackend('wasm')
})
afterAll(() => rmSync(dir, { recursive: true, force: true }))

describe('retrieval and generation diagnostics', () => {
  it('R@1/R@5 count strictly better candidates, per row (traj→pot) and per column (pot→traj)', () => {
    const n = 6
    const s = new Float32Array(n * n)
    for (let i = 0; i < n; i++) s[i * n + i] = 1
    expect(recallFromScores(s, n)).toEqual({ trajToPotR1: 1, trajToPotR5: 1, potToTrajR1: 1, potToTrajR5: 1 })
    // row 0: five candidates beat the partner → out of R@5; column 0 stays fine
    for (let j = 1; j < n; j++) s[0 * n + j] = 2 + j
    const r = recallFromScores(s, n)
    expect(r.trajToPotR1).toBeCloseTo(5 / 6, 12)
    expect(r.trajToPotR5).toBeCloseTo(5 / 6, 12)
    expect(r.potToTrajR1).toBeCloseTo(1 / 6, 12) // columns 1..5 now have row 0 above their partner
    expect(r.potToTrajR5).toBe(1)
  })
  it('ESS is n for equal weights and 1 for a point mass; draws from a point mass are one item', () => {
    expect(effectiveSampleSize(softmaxWeights([0, 0, 0, 0]))).toBeCloseTo(4, 12)
    const w = softmaxWeights([0, 80, 0])
    expect(effectiveSampleSize(w)).toBeCloseTo(1, 9)
    expect(new Set(distinctDraws(w, 16, uniformRng(1)))).toEqual(new Set([1]))
  })
})

describe('the Lagrangian experiment at a tiny size', () => {
  it('keeps the paper’s flow, tracer and record count in full mode', () => {
    const c = lagrangianSimulation(lagrangianSettings(false))
    expect([c.pairs, c.dt, c.steps, c.recordEvery, c.fourier.modesPerSide]).toEqual([32768 + 2048 + 4096, 1e-5, 10000, 10, 7])
    expect(c.starts).toEqual([[0.75, 0.75]])
  })
  it('pools the transformer to at least the 98 coefficients of the identity potential encoder (no rank bottleneck)', () => {
    const c = lagrangianSimulation(lagrangianSettings(false))
    for (const quick of [false, true]) expect(lagrangianSettings(quick).modelWidth).toBeGreaterThanOrEqual(2 * c.fourier.modesPerSide ** 2)
  })
  it('trains the transformer and the MLP, scores every epoch and measures both conditionals', async () => {
    const s = { ...lagrangianSettings(true), train: 96, validation: 16, test: 32, dt: 2e-3, steps: 50, recordEvery: 1, epochs: 2, batch: 16, tokens: 5, trainEval: 32, collapseEpochs: 1, collapseQueries: 8 }
    const r = await runLagrangian(s, dir, silentContext(), () => {})
    expect(r.runs.map((x) => [x.encoder, x.history.length])).toEqual([['sequence', 2], ['mlp', 2]])
    for (const run of r.runs) for (const v of Object.values(run.final.testWhole)) expect(v).toBeGreaterThanOrEqual(0)
    // the transformer is scored with averaged weights and, beside them, its raw weights; the MLP with its raw weights only
    expect(r.runs.map((x) => x.final.raw !== undefined)).toEqual([true, false])
    expect(r.collapse.map((c) => c.loss)).toEqual(['cond', 'cond-v'])
    for (const c of r.collapse) expect(c.trajGivenPot.meanEss).toBeGreaterThanOrEqual(1)
    expect(lagrangianVerdict(r).text).toContain('transformer R@5 on test batches of 16')
    expect([true, false, 'partly']).toContain(collapseVerdict(r).holds)
  })
})
