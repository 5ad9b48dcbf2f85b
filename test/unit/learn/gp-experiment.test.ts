import { beforeAll, describe, expect, it } from 'vitest'
import { silentContext } from '../../../src-main/engine/jobs/job'
import { initBackend, tf } from '../../../src-main/engine/learn/backend'
import { blocks } from '../../../src-main/engine/learn/gaussian'
import { gpCovariance, gpRun, gpSettings } from '../../../src-main/engine/learn/gp-experiment'
import { condLossLinear, condWork, glorot, linearFitRate } from '../../../src-main/engine/learn/linear-cond'
import { condLoss } from '../../../src-main/engine/learn/losses'

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
  it('the float64 linear loss and gradient are losses.ts condLoss on S = (U G)(V H)ᵀ and its tf gradient', () => {
    const [B, nu, nv, l] = [9, 4, 3, 2]
    const [ub, vb, G, H] = [glorot(B, nu, 1).map((x) => 3 * x), glorot(B, nv, 2).map((x) => 3 * x), glorot(nu, l, 3), glorot(nv, l, 4)]
    const gG = new Float64Array(nu * l)
    const gH = new Float64Array(nv * l)
    const loss = condLossLinear(ub, vb, nu, nv, G, H, gG, gH, condWork(B, l))
    const f = (g: tf.Tensor, h: tf.Tensor) => condLoss(tf.matMul(tf.matMul(tf.tensor2d(Float32Array.from(ub), [B, nu]), g), tf.matMul(tf.tensor2d(Float32Array.from(vb), [B, nv]), h), false, true), 1, 1)
    const [gVar, hVar] = [tf.variable(tf.tensor2d(Float32Array.from(G), [nu, l])), tf.variable(tf.tensor2d(Float32Array.from(H), [nv, l]))]
    const out = tf.variableGrads(() => f(gVar, hVar), [gVar, hVar])
    expect(loss).toBeCloseTo(out.value.dataSync()[0], 4)
    const tg = out.grads[gVar.name].dataSync()
    const th = out.grads[hVar.name].dataSync()
    gG.forEach((x, i) => expect(x).toBeCloseTo(tg[i], 4))
    gH.forEach((x, i) => expect(x).toBeCloseTo(th[i], 4))
    // at S = 0 the two-sided loss is log B
    expect(condLossLinear(ub, vb, nu, nv, new Float64Array(nu * l), H, gG, gH, condWork(B, l))).toBeCloseTo(Math.log(B), 12)
  })
  it('the schedule warms up, decays by a cosine to the floor at decayEnd, then holds', () => {
    const f = { batch: 8, steps: 100, seed: 1, learningRate: 1, warmup: 0.1, decayEnd: 0.5, floor: 0.1, average: 0.5 }
    expect(linearFitRate(f, 0)).toBeCloseTo(0.1, 12)
    expect(linearFitRate(f, 10)).toBeCloseTo(1, 12)
    expect(linearFitRate(f, 30)).toBeCloseTo(0.55, 12)
    expect(linearFitRate(f, 50)).toBeCloseTo(0.1, 12)
    expect(linearFitRate(f, 99)).toBeCloseTo(0.1, 12)
  })
  it('the errors fall with the embedding dimension (Fig. 8) and sit near the closed-form optimum where it is not 0', async () => {
    const cfg = { ...s, steps: 600, maxSteps: 600 }
    const runs = []
    for (const dim of [1, 3, 5]) runs.push(await gpRun(C, cfg, dim, 32, 1000, silentContext()))
    expect(runs[1].uGivenV).toBeLessThan(runs[0].uGivenV)
    expect(runs[2].uGivenV).toBeLessThan(runs[1].uGivenV)
    expect(runs[1].vGivenU).toBeLessThan(runs[0].vGivenU)
    expect(runs[2].vGivenU).toBeLessThan(runs[1].vGivenU)
    // Thm 5.1: exact at ℓ = min(nu, nv) = 5; at ℓ = 1 the trained error is the rank-1 optimum's plus the finite-batch bias
    expect(runs[2].optimum.vGivenU).toBeLessThan(1e-9)
    expect(runs[0].vGivenU).toBeGreaterThanOrEqual(runs[0].optimum.vGivenU)
    expect(runs[0].vGivenU).toBeLessThan(runs[0].optimum.vGivenU * 1.2)
  })
  it('the finite-batch bias shows: the errors fall as the batch and as N grow (Figs. 9, 10)', async () => {
    const cfg = { ...s, steps: 800, maxSteps: 800 }
    const small = await gpRun(C, cfg, 5, 8, 2000, silentContext())
    const large = await gpRun(C, cfg, 5, 64, 2000, silentContext())
    expect(large.vGivenU).toBeLessThan(small.vGivenU)
    expect(large.uGivenV).toBeLessThan(small.uGivenV)
    const fewer = await gpRun(C, cfg, 5, 32, 300, silentContext())
    expect(fewer.vGivenU).toBeGreaterThan((await gpRun(C, cfg, 5, 32, 3000, silentContext())).vGivenU)
    // the half-step rerun is the convergence gap
    expect(large.convergenceGap).toBeCloseTo(Math.max(Math.abs(large.uGivenV - large.halfSteps.uGivenV) / large.uGivenV, Math.abs(large.vGivenU - large.halfSteps.vGivenU) / large.vGivenU), 12)
  })
  it('doubles the steps while the gap exceeds maxGap, up to maxSteps', async () => {
    const r = await gpRun(C, { ...s, steps: 100, maxSteps: 400, maxGap: 0 }, 3, 16, 500, silentContext())
    expect(r.runs.map((x) => x.steps)).toEqual([50, 100, 200, 400])
    expect(r.steps).toBe(400)
    expect(r.halfSteps.vGivenU).toBe(r.runs[2].vGivenU)
  })
})
