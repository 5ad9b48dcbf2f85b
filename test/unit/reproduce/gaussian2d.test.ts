import { beforeAll, describe, expect, it } from 'vitest'
import { silentContext } from '../../../src-main/engine/jobs/job'
import { initBackend } from '../../../src-main/engine/learn/backend'
import { condOptimum, jointOptimum, l2OneSidedOptimum } from '../../../src-main/engine/learn/gaussian'
import { isoline } from '../../../src-main/engine/reproduce/contours'
import { C2, conditionalDensity, dotConditionals, l2Conditionals, runGaussian2d, signOptimum, trueConditionals } from '../../../src-main/engine/reproduce/gaussian2d'

beforeAll(async () => {
  await initBackend('wasm')
})

describe('closed forms of the §5.4 figures (arXiv 2505.24134)', () => {
  const truth = trueConditionals()
  it('true conditionals: slope 2/3, variance 1.5 − 1/1.5', () => {
    expect(truth.vGivenU.slope).toBeCloseTo(2 / 3, 12)
    expect(truth.uGivenV.variance).toBeCloseTo(1.5 - 1 / 1.5, 12)
  })
  it('Thm 5.1: the conditional loss matches the means, with the marginal variance 1.5', () => {
    const m = dotConditionals(condOptimum(C2, 1).get(0, 0))
    expect(m.vGivenU.slope).toBeCloseTo(2 / 3, 12)
    expect(m.vGivenU.variance).toBe(1.5)
  })
  it('Thm 5.3 / Cor 5.4: the one-sided L2 optimum gives the true u|v mean and variance', () => {
    const { A, B } = l2OneSidedOptimum(C2, 1)
    const m = l2Conditionals(A.get(0, 0), B.get(0, 0), 0.3)
    expect(m.uGivenV.slope).toBeCloseTo(truth.uGivenV.slope, 12)
    expect(m.uGivenV.variance).toBeCloseTo(truth.uGivenV.variance, 12)
  })
  it('Thm 5.6: the joint loss shrinks the slope to h(2/3) = 0.5', () => {
    expect(dotConditionals(jointOptimum(C2, 1).get(0, 0)).vGivenU.slope).toBeCloseTo(0.5, 12)
  })
  it('normalised encoders: tanh β* = (2/π) arcsin ρ and the model gets P(signs agree) right', () => {
    const s = signOptimum()
    expect(s.kappa).toBe(1)
    expect((1 + Math.tanh(s.beta)) / 2).toBeCloseTo(0.5 + Math.asin(2 / 3) / Math.PI, 12)
    // the sign model's conditional density integrates to one over v
    const vs = Array.from({ length: 4001 }, (_, i) => -10 + i * 0.005)
    const p = conditionalDensity(s, [0.7], vs, 'x')
    expect(p.reduce((a, b) => a + b, 0) * 0.005).toBeCloseTo(1, 3)
  })
  it('a Gaussian conditional density integrates to one', () => {
    const vs = Array.from({ length: 4001 }, (_, i) => -10 + i * 0.005)
    expect(conditionalDensity({ slope: 0.5, variance: 0.8 }, [1.3], vs, 'x').reduce((a, b) => a + b, 0) * 0.005).toBeCloseTo(1, 6)
  })
})

describe('isolines', () => {
  it('the level set x² + y² = 1 lies on the unit circle', () => {
    const xs = Array.from({ length: 41 }, (_, i) => -2 + i * 0.1)
    const f = xs.flatMap((y) => xs.map((x) => x * x + y * y))
    const segs = isoline(xs, xs, f, 1)
    expect(segs.length).toBeGreaterThan(20)
    for (const s of segs) for (const [x, y] of s) expect(Math.abs(Math.hypot(x, y) - 1)).toBeLessThan(0.01)
  })
})

describe('the four §5.4 cases trained with the repository losses', () => {
  it('every statement holds on a small sample, with the learned numbers near the closed forms', async () => {
    const cases = await runGaussian2d({ samples: 2048, batch: 256, epochs: 15, learningRate: 0.05, seed: 2 }, silentContext())
    expect(cases.map((c) => c.id)).toEqual(['cond-dot', 'l2-one-sided', 'joint-dot', 'normalised'])
    for (const c of cases) expect(c.checks.filter((k) => !k.pass).map((k) => `${c.id}: ${k.name} = ${k.measured}`)).toEqual([])
    const [cond, , joint] = cases
    if (!('vGivenU' in cond.learned) || !('vGivenU' in joint.learned)) throw new Error('Gaussian cases expected')
    expect(joint.learned.vGivenU.slope).toBeLessThan(cond.learned.vGivenU.slope - 0.1)
  })
})
