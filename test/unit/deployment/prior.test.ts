/** Kernels, the prior's basis, the Bayesian-aggregation set encoder and the skill scoring: known answers and invariants. */
import { describe, expect, it } from 'vitest'
import { makeKernel, nelderMead, predict, inertialAdd, coriolisPerHour } from '../../../src-main/engine/assimilate/deployment/gp'
import { flowBasis, velocityRows } from '../../../src-main/engine/assimilate/deployment/prior'
import { addObservation, aggregate, emptyEvidence } from '../../../src-main/engine/learn/set-encoder'
import { scoreMethod, verdict } from '../../../src-main/engine/assimilate/deployment/skill'
import type { Deployment } from '../../../src-main/engine/assimilate/deployment/geometry'
import type { SkillRow } from '../../../src-main/shared/deployment'

const PRIOR = { coriolis: coriolisPerHour(54.4), meanVariance: 0.01, meanTime: 48, inertialVariance: 0.004, inertialTime: 24, psiVariance: 0.01, psiLength: 8, phiVariance: 0.002, phiLength: 12, eddyTime: 6, noise: 1e-4 }

describe('velocity kernels', () => {
  it('a stream-function kernel gives divergence-free velocities: ∂x cov(u, ·) + ∂y cov(v, ·) = 0', () => {
    const k = makeKernel('helmholtz', { psiVariance: 0.02, psiLength: 5, phiVariance: 0, phiLength: 5, time: 10, noise: 0 })
    const c = new Float64Array(4), cx = new Float64Array(4), cy = new Float64Array(4)
    const h = 1e-5
    for (const [dx, dy] of [[1, 2], [-3, 0.5], [4, -4]]) {
      k.cov(dx, dy, 0, c)
      k.cov(dx + h, dy, 0, cx)
      k.cov(dx, dy + h, 0, cy)
      // row u of the block (first index = point a): d/dx_a of cov(u_a, w_b) + d/dy_a of cov(v_a, w_b), for w_b = u_b and v_b
      expect((cx[0] - c[0]) / h + (cy[2] - c[2]) / h).toBeCloseTo(0, 4)
      expect((cx[1] - c[1]) / h + (cy[3] - c[3]) / h).toBeCloseTo(0, 4)
    }
  })

  it('the inertial term rotates clockwise in the north at period 2π/f, and its covariance is symmetric', () => {
    const f = coriolisPerHour(54.4)
    expect((2 * Math.PI) / f).toBeCloseTo(14.74, 1) // hours at 54.4°N
    const a = new Float64Array(4), b = new Float64Array(4)
    inertialAdd(3, 1, 1e9, f, a)
    inertialAdd(-3, 1, 1e9, f, b)
    // K(t, t')_{uv} = K(t', t)_{vu}
    expect(a[1]).toBeCloseTo(b[2], 12)
    expect(a[0]).toBeCloseTo(Math.cos(3 * f), 12)
  })

  it('GP prediction reproduces a noise-free observation and reverts to the mean far away', () => {
    const k = makeKernel('gp', { variance: 0.04, length: 5, time: 10, noise: 1e-8 })
    const pts = { x: Float64Array.of(0), y: Float64Array.of(0), t: Float64Array.of(0), u: Float64Array.of(0.3), v: Float64Array.of(-0.1) }
    const p = predict(k, pts, [0], [0.1, 0], { x: Float64Array.of(0, 500), y: Float64Array.of(0, 0), t: Float64Array.of(0, 0) }, true)
    expect(p.u[0]).toBeCloseTo(0.3, 5)
    expect(p.v[0]).toBeCloseTo(-0.1, 5)
    expect(p.u[1]).toBeCloseTo(0.1, 10)
    expect(p.std![0]).toBeLessThan(1e-3)
    expect(p.std![1]).toBeCloseTo(Math.sqrt(0.08), 6)
  })

  it('Nelder–Mead finds the minimum of a quadratic', () => {
    const r = nelderMead(([a, b]) => (a - 1) ** 2 + 3 * (b + 2) ** 2, [0, 0])
    expect(r.x[0]).toBeCloseTo(1, 3)
    expect(r.x[1]).toBeCloseTo(-2, 3)
  })
})

describe('the prior basis', () => {
  it('ψ features are divergence free and φ features curl free (finite differences of H)', () => {
    const b = flowBasis(makeKernel('prior', PRIOR), [0.1, 0], 8, 3)
    const P = b.P
    const r0 = new Float64Array(2 * P), rx = new Float64Array(2 * P), ry = new Float64Array(2 * P)
    const h = 1e-6
    velocityRows(b, 3, -2, r0)
    velocityRows(b, 3 + h, -2, rx)
    velocityRows(b, 3, -2 + h, ry)
    for (let c = 2; c < 2 + 2 * b.M; c++) expect((rx[c] - r0[c]) / h + (ry[P + c] - r0[P + c]) / h).toBeCloseTo(0, 4)
    for (let c = 2 + 2 * b.M; c < P; c++) expect((rx[P + c] - r0[P + c]) / h - (ry[c] - r0[c]) / h).toBeCloseTo(0, 4)
    expect(r0[0]).toBe(1)
    expect(r0[P + 1]).toBe(1)
  })
})

describe('Bayesian-aggregation set encoder', () => {
  it('pools evidence onto N(0, I) and leaves a member out by its mask', () => {
    const P = 2
    const a = emptyEvidence(P), b = emptyEvidence(P)
    addObservation(a, Float64Array.of(1, 0), [2], [1]) // y = θ₀ + noise(1): evidence on θ₀
    addObservation(b, Float64Array.of(0, 1), [3], [4]) // y = θ₁, precision 4
    const both = aggregate([a, b], () => true, P)
    expect(both[0]).toBeCloseTo(2 / 2, 12) // (1 + 1)⁻¹ · 2
    expect(both[1]).toBeCloseTo(12 / 5, 12) // (1 + 4)⁻¹ · 12
    const withoutB = aggregate([a, b], (d) => d !== 1, P)
    expect(withoutB[1]).toBe(0)
    expect(withoutB[0]).toBeCloseTo(1, 12)
  })
})

describe('skill', () => {
  /** Two drifters, four samples: a east at 0.2 m/s, b east at 0.1 m/s. */
  const dep = {
    ids: ['a', 'b'], nD: 2, nT: 4,
    x: Float64Array.of(0, 1, 2, 3, 0, 1, 2, 3), y: new Float64Array(8).fill(1),
    u: Float64Array.of(0.2, 0.2, 0.2, 0.2, 0.1, 0.1, 0.1, 0.1), v: new Float64Array(8),
    mask: Uint8Array.of(1, 1, 1, 1, 1, 1, 1, 0)
  } as unknown as Deployment
  it('scores pooled RMSE, speed ratio and direction on the shared samples only', () => {
    const zero = scoreMethod(dep, 'zero', 'zero', (_d, ks) => ({ u: new Float64Array(ks.length), v: new Float64Array(ks.length) }))
    // a: 3 samples (b is missing at k = 3), b: 3 samples
    expect(zero.perDrifter).toEqual([{ id: 'a', rmse: 0.2, n: 3 }, { id: 'b', rmse: 0.1, n: 3 }])
    expect(zero.rmse).toBeCloseTo(Math.sqrt((3 * 0.04 + 3 * 0.01) / 6), 12)
    expect(zero.speedRatio).toBe(0)
    const swap = scoreMethod(dep, 'mean-of-others', 'm', (d, ks) => ({ u: new Float64Array(ks.length).fill(d === 0 ? 0.1 : 0.2), v: new Float64Array(ks.length) }))
    expect(swap.rmse).toBeCloseTo(0.1, 12)
    expect(swap.directionCosine).toBeCloseTo(1, 12)
    expect(swap.ci[0]).toBeCloseTo(0.1, 12)
  })
  it('says plainly when Driftclip loses', () => {
    const row = (method: SkillRow['method'], rmse: number): SkillRow => ({ method, label: '', rmse, ci: [rmse * 0.9, rmse * 1.1], speedRatio: 1, directionCosine: 0.9, perDrifter: [] })
    const v = verdict([row('zero', 0.3), row('gp', 0.1), row('driftclip', 0.12)])
    expect(v.best).toBe('gp')
    expect(v.text).toContain('gp wins')
    expect(v.text).toContain('Driftclip LOSES: 0.120 m/s is not below gp; it beats zero')
  })
})
