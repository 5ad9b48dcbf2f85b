import { Matrix, SingularValueDecomposition, inverse } from 'ml-matrix'
import { beforeAll, describe, expect, it } from 'vitest'
import { initBackend } from '../../../src-main/engine/learn/backend'
import { blocks, condOptimum, jointOptimum, l2ModelConditionalU, l2OneSidedOptimum, maxAbsDiff, shrink, trueConditionalU } from '../../../src-main/engine/learn/gaussian'
import { C, NU, trainLinear } from './gaussian-fit'

beforeAll(async () => {
  await initBackend('wasm')
})

describe('closed forms (the 2-D example of arXiv 2505.24134 §5.4, worked numbers)', () => {
  const C2 = new Matrix([[1.5, 1], [1, 1.5]])
  it('reproduces the 2-D example: cond A* = 4/9, joint A* = 1/3, L2 A* = 0.8, B* = 8/15', () => {
    expect(condOptimum(C2, 1).get(0, 0)).toBeCloseTo(4 / 9, 10)
    expect(jointOptimum(C2, 1).get(0, 0)).toBeCloseTo(1 / 3, 10)
    const { A, B } = l2OneSidedOptimum(C2, 1)
    expect(A.get(0, 0)).toBeCloseTo(0.8, 10)
    expect(B.get(0, 0)).toBeCloseTo(8 / 15, 10)
  })
  it('h(1) = (√5 − 1)/2 and h(σ)/σ → 1 as σ → 0', () => {
    expect(shrink(1)).toBeCloseTo((Math.sqrt(5) - 1) / 2, 12)
    expect(shrink(1e-4) / 1e-4).toBeCloseTo(1, 6)
  })
  it('B* has both forms of Thm 5.3 and the L2 model conditional equals the true u|v (Cor 5.4)', () => {
    const { Cuu, Cuv, Cvu, Cvv } = blocks(C, NU)
    const condV = Cvv.clone().sub(Cvu.mmul(inverse(Cuu)).mmul(Cuv))
    const Bform = inverse(Cuu).mmul(Cuv).mmul(inverse(condV)).mmul(Cvu).mmul(inverse(Cuu))
    const { A, B } = l2OneSidedOptimum(C, NU)
    expect(maxAbsDiff(B, Bform)).toBeLessThan(1e-12)
    const model = l2ModelConditionalU(C, NU, A, B)
    const truth = trueConditionalU(C, NU)
    expect(maxAbsDiff(model.mean, truth.mean)).toBeLessThan(1e-12)
    expect(maxAbsDiff(model.cov, truth.cov)).toBeLessThan(1e-12)
  })
  it('the rank-1 optimum has rank 1 and differs from the full-rank one', () => {
    const A1 = condOptimum(C, NU, 1)
    const s = new SingularValueDecomposition(A1).diagonal
    expect(s[1]).toBeLessThan(1e-12)
    expect(maxAbsDiff(A1, condOptimum(C, NU))).toBeGreaterThan(0.05)
  })
})

// Linear encoders trained full-batch (N = 300) on Gaussian samples reach the closed forms evaluated at the
// sample covariance Ĉ (paper Remark D.2) within TOL; the optima of different losses are further apart.
const TOL = 0.04
const N = 300
const STEPS = 150

describe('linear encoders reach the Gaussian closed forms', () => {
  it('cond + dot ⇒ A = GᵀH ≈ Cuu⁻¹ Cuv Cvv⁻¹', () => {
    const r = trainLinear({ loss: 'cond', metric: 'dot', dim: 2, n: N, steps: STEPS, lr: 0.1, seed: 7 })
    expect(maxAbsDiff(r.A, condOptimum(r.Chat, NU))).toBeLessThan(TOL)
    expect(maxAbsDiff(condOptimum(r.Chat, NU), jointOptimum(r.Chat, NU))).toBeGreaterThan(2 * TOL)
  })
  it('cond + dot with ℓ = 1 < min(nu, nv) ⇒ the whitened truncated-SVD optimum', () => {
    const r = trainLinear({ loss: 'cond', metric: 'dot', dim: 1, n: N, steps: STEPS, lr: 0.1, seed: 8 })
    expect(maxAbsDiff(r.A, condOptimum(r.Chat, NU, 1))).toBeLessThan(TOL)
    expect(maxAbsDiff(condOptimum(r.Chat, NU, 1), condOptimum(r.Chat, NU))).toBeGreaterThan(2 * TOL)
  })
  it('joint + dot ⇒ the h(σ)-shrunk optimum of Thm 5.6', () => {
    const r = trainLinear({ loss: 'joint', metric: 'dot', dim: 2, n: N, steps: STEPS, lr: 0.1, seed: 9 })
    expect(maxAbsDiff(r.A, jointOptimum(r.Chat, NU))).toBeLessThan(TOL)
  })
  it('cond-u + l2 ⇒ A*, B* of Thm 5.3, hence the u|v conditional mean and covariance', () => {
    const r = trainLinear({ loss: 'cond-u', metric: 'l2', dim: 3, n: N, steps: STEPS, lr: 0.1, seed: 10 })
    const opt = l2OneSidedOptimum(r.Chat, NU)
    expect(maxAbsDiff(r.A, opt.A)).toBeLessThan(TOL)
    expect(maxAbsDiff(r.B, opt.B)).toBeLessThan(TOL)
    const model = l2ModelConditionalU(r.Chat, NU, r.A, r.B)
    const truth = trueConditionalU(r.Chat, NU)
    expect(maxAbsDiff(model.mean, truth.mean)).toBeLessThan(TOL)
    expect(maxAbsDiff(model.cov, truth.cov)).toBeLessThan(TOL)
    // the inner-product model's u|v covariance would be the marginal Cuu: far from the truth
    expect(maxAbsDiff(blocks(r.Chat, NU).Cuu, truth.cov)).toBeGreaterThan(4 * TOL)
  })
})
