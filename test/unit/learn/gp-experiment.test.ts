import { beforeAll, describe, expect, it } from 'vitest'
import { silentContext } from '../../../src-main/engine/jobs/job'
import { initBackend } from '../../../src-main/engine/learn/backend'
import { blocks } from '../../../src-main/engine/learn/gaussian'
import { gpCovariance, gpRun, gpSettings } from '../../../src-main/engine/learn/gp-experiment'

beforeAll(async () => {
  await initBackend('wasm')
})

describe('Gaussian-process experiment (paper §6.1)', () => {
  const s = gpSettings(true)
  const C = gpCovariance(s)
  it('builds the exact covariance: v standard normal, Var u_i = Σ λ_j ψ_j(x_i)² + σ²', () => {
    const { Cvv, Cuu } = blocks(C, 12)
    expect(Cvv.get(2, 2)).toBe(1)
    expect(Cvv.get(0, 1)).toBe(0)
    let v = 0.05 ** 2
    for (let j = 1; j <= 1000; j++) v += 2 * Math.cos(j * Math.PI * (1 / 13)) ** 2 * Math.pow(j * j * Math.PI ** 2 + 9, -2)
    expect(Cuu.get(0, 0)).toBeCloseTo(v, 12)
  })
  it('the conditional-mean errors fall with the embedding dimension (both directions)', async () => {
    const quick = { ...s, steps: 200 }
    const runs = []
    for (const dim of [1, 3, 5]) runs.push(await gpRun(C, quick, dim, 100, 600, silentContext()))
    expect(runs[1].uGivenV).toBeLessThan(runs[0].uGivenV)
    expect(runs[2].uGivenV).toBeLessThan(runs[0].uGivenV)
    expect(runs[1].vGivenU).toBeLessThan(runs[0].vGivenU)
    expect(runs[2].vGivenU).toBeLessThan(runs[0].vGivenU)
    // the closed-form optimum is exact at ℓ = min(nu, nv) = 5 (Thm 5.1) and the trained one is near the rank-1 optimum's error at ℓ = 1
    expect(runs[2].optimum.vGivenU).toBeLessThan(1e-9)
    expect(runs[0].uGivenV).toBeGreaterThanOrEqual(runs[0].optimum.uGivenV * 0.99)
  })
  it('the finite-batch bias shows: the errors fall as the batch and as N grow (Figs. 9, 10)', async () => {
    const cfg = { ...s, steps: 400 }
    const small = await gpRun(C, cfg, 5, 16, 2000, silentContext())
    const large = await gpRun(C, cfg, 5, 128, 2000, silentContext())
    expect(large.vGivenU).toBeLessThan(small.vGivenU)
    expect(large.uGivenV).toBeLessThan(small.uGivenV)
    const fewer = await gpRun(C, cfg, 5, 32, 300, silentContext())
    expect(fewer.vGivenU).toBeGreaterThan(await gpRun(C, cfg, 5, 32, 3000, silentContext()).then((r) => r.vGivenU))
    // the half-step rerun is reported as the convergence gap
    expect(large.convergenceGap).toBeCloseTo(Math.max(Math.abs(large.uGivenV - large.halfSteps.uGivenV) / large.uGivenV, Math.abs(large.vGivenU - large.halfSteps.vGivenU) / large.vGivenU), 12)
  })
})
