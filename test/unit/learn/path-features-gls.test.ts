/**
 * The GLS-whitened path normal equations (learn/path-features.ts `whitenedNormalEquations`) against the exact
 * Gaussian likelihood of the linear model written out densely: rows d = R v + (I − M) ε, ε ~ N(0, σ²I), with the
 * full covariance σ²(I − M)(I − M)ᵀ inverted by ml-matrix.
 */
import { Matrix, inverse } from 'ml-matrix'
import { describe, expect, it } from 'vitest'
import { diagonalGaussian } from '../../../src-main/engine/assimilate/posterior'
import { gramConditional } from '../../../src-main/engine/assimilate/twin/learned-methods'
import { Rng } from '../../../src-main/engine/flows/rng'
import { simulateDataset } from '../../../src-main/engine/flows/simulate'
import { fourierBasis, fourierVelocityGradient, pathFeatureSpec, pathNormalEquations, ridgeEstimate, whitenedNormalEquations, type PathFeatureSpec } from '../../../src-main/engine/learn/path-features'
import { SimulationConfig } from '../../../src-main/shared/simulation'

const small = { flow: 'fourier', pairs: 3, seed: 5, tracers: 2, starts: [[0.25, 0.3], [0.7, 0.6]], steps: 120, dt: 5e-4, recordEvery: 10, noise: 0.005, fourier: { modesPerSide: 2 } } as const

/** R (rows: tracer, record, component) and d = y − x₀ from `fourierBasis`, record by record (the trapezoid rule along the observed path). */
function denseRows(spec: PathFeatureSpec, traj: Float64Array) {
  const basis = fourierBasis(spec)
  const P = basis.paramDim, nTr = spec.starts.length / 2, T = spec.times.length
  const R = new Matrix(2 * nTr * T, P), d = new Matrix(2 * nTr * T, 1)
  const a0 = new Float64Array(2 * P), a1 = new Float64Array(2 * P)
  for (let tr = 0; tr < nTr; tr++) {
    const x0 = spec.starts[2 * tr], y0 = spec.starts[2 * tr + 1]
    const acc = new Float64Array(2 * P)
    let t0 = 0
    basis.at(x0, y0, 0, a0)
    for (let j = 0; j < T; j++) {
      const x = traj[(tr * T + j) * 2], y = traj[(tr * T + j) * 2 + 1]
      basis.at(x, y, spec.times[j], a1)
      for (let i = 0; i < 2 * P; i++) acc[i] += 0.5 * (spec.times[j] - t0) * (a0[i] + a1[i])
      a0.set(a1)
      t0 = spec.times[j]
      const r = 2 * (tr * T + j)
      for (let p = 0; p < P; p++) {
        R.set(r, p, acc[p])
        R.set(r + 1, p, acc[P + p])
      }
      d.set(r, 0, x - x0)
      d.set(r + 1, 0, y - y0)
    }
  }
  return { R, d }
}

/** I − M from its definition: record i's noise enters row j ≥ i through ∇w(y_i) with the trapezoid weight c_ij (h_j/2 at i = j, (h_i + h_{i+1})/2 before). */
function denseNoiseMap(spec: PathFeatureSpec, traj: Float64Array, v: Float64Array) {
  const nTr = spec.starts.length / 2, T = spec.times.length
  const A = Matrix.eye(2 * nTr * T)
  const J = new Float64Array(4)
  const h = (j: number) => (j < T ? spec.times[j] - (j === 0 ? 0 : spec.times[j - 1]) : 0)
  for (let tr = 0; tr < nTr; tr++)
    for (let i = 0; i < T; i++) {
      fourierVelocityGradient(spec, v, traj[(tr * T + i) * 2], traj[(tr * T + i) * 2 + 1], spec.times[i], J)
      for (let j = i; j < T; j++) {
        const c = j === i ? 0.5 * h(i) : 0.5 * (h(i) + h(i + 1))
        for (let a = 0; a < 2; a++) for (let b = 0; b < 2; b++) A.set(2 * (tr * T + j) + a, 2 * (tr * T + i) + b, A.get(2 * (tr * T + j) + a, 2 * (tr * T + i) + b) - c * J[2 * a + b])
      }
    }
  return A
}

const maxAbs = (x: ArrayLike<number>) => Math.max(...Array.from(x, Math.abs))
const maxDiff = (x: ArrayLike<number>, y: ArrayLike<number>) => Math.max(...Array.from(x, (a, i) => Math.abs(a - y[i])))

describe('GLS-whitened path normal equations', () => {
  it('∇w of the basis is the finite-difference gradient of the velocity A(x, t) v', () => {
    const ds = simulateDataset(SimulationConfig.parse({ ...small, fourier: { modesPerSide: 3 } }))
    const spec = pathFeatureSpec(ds)
    const basis = fourierBasis(spec), P = basis.paramDim
    const v = ds.params.slice(0, P)
    const vel = (x: number, y: number, t: number) => {
      const a = new Float64Array(2 * P)
      basis.at(x, y, t, a)
      let u = 0, w = 0
      for (let p = 0; p < P; p++) {
        u += a[p] * v[p]
        w += a[P + p] * v[p]
      }
      return [u, w]
    }
    const J = new Float64Array(4), e = 1e-6
    for (const [x, y, t] of [[0.3, 0.7, 0.01], [0.9, 0.1, 0.05]]) {
      fourierVelocityGradient(spec, v, x, y, t, J)
      const dx = [vel(x + e, y, t), vel(x - e, y, t)], dy = [vel(x, y + e, t), vel(x, y - e, t)]
      const want = [(dx[0][0] - dx[1][0]) / (2 * e), (dy[0][0] - dy[1][0]) / (2 * e), (dx[0][1] - dx[1][1]) / (2 * e), (dy[0][1] - dy[1][1]) / (2 * e)]
      for (let k = 0; k < 4; k++) expect(Math.abs(J[k] - want[k])).toBeLessThan(1e-6 * maxAbs(want))
    }
  })

  it('equal the exact Gaussian likelihood of the linear model with the full covariance σ²(I − M)(I − M)ᵀ (ml-matrix inverse): G, b, the GLS estimate and its precision to 1e-10 (2×2 modes and the paper’s 7×7)', () => {
    for (const modesPerSide of [2, 7]) {
      const ds = simulateDataset(SimulationConfig.parse({ ...small, fourier: { modesPerSide } }))
      const spec = pathFeatureSpec(ds)
      const P = ds.paramDim, len = ds.nTracers * ds.nTimes * 2
      const traj = ds.trajectories.slice(len, 2 * len)
      const at = ds.params.slice(P, 2 * P).map((x, i) => x * (1 + 0.1 * Math.sin(i))) // any linearisation point
      const { R, d } = denseRows(spec, traj)
      const L = denseNoiseMap(spec, traj, at)
      const SigmaInv = inverse(L.mmul(L.transpose()).mul(spec.noise ** 2))
      const Gref = R.transpose().mmul(SigmaInv).mmul(R), bref = R.transpose().mmul(SigmaInv).mmul(d).getColumn(0)
      const fast = whitenedNormalEquations(spec, traj, 0, { at })
      // one expect per array (the 7×7 case has 98² entries): the largest error relative to the largest entry
      expect(maxDiff(fast.b, bref) / maxAbs(bref)).toBeLessThan(1e-10)
      expect(maxDiff(fast.G, Gref.to1DArray()) / maxAbs(Gref.to1DArray())).toBeLessThan(1e-10)
      // the GLS (ridge) estimate and its posterior precision: (RᵀΣ⁻¹R + C⁻¹)⁻¹ RᵀΣ⁻¹d
      const precision = Gref.clone().add(Matrix.diag(spec.priorVariance.map((s) => 1 / s)))
      const want = inverse(precision).mmul(Matrix.columnVector(bref)).getColumn(0)
      const got = ridgeEstimate(spec, fast)
      expect(maxDiff(got, want) / maxAbs(want)).toBeLessThan(1e-10)
      // with ∇w ≡ 0 (no noise in the regressors) the whitening is the identity: the plain normal equations
      const plain = pathNormalEquations(spec, traj), none = whitenedNormalEquations(spec, traj, 0, { at: new Float64Array(P) })
      expect(maxDiff(none.G, plain.G) / maxAbs(plain.G)).toBeLessThan(1e-10)
      expect(maxDiff(none.b, plain.b) / maxAbs(plain.b)).toBeLessThan(1e-10)
    }
  })

  it('with blocks of records: the exact normal equations of the whitened rows’ block sums u_B = Σ_{j∈B} z_j/√|B| (blocks of 5, 5 and 2 records)', () => {
    const ds = simulateDataset(SimulationConfig.parse(small))
    const spec = pathFeatureSpec(ds)
    const P = ds.paramDim, T = ds.nTimes, nTr = ds.nTracers
    const at = ds.params.slice(0, P)
    const { R, d } = denseRows(spec, ds.trajectories)
    const W = inverse(denseNoiseMap(spec, ds.trajectories, at)) // z = (I − M)⁻¹ r: iid N(0, σ²)
    const blocks = Math.ceil(T / 5)
    const Phi = new Matrix(2 * nTr * blocks, 2 * nTr * T)
    for (let tr = 0; tr < nTr; tr++)
      for (let j = 0; j < T; j++) {
        const k = Math.floor(j / 5), size = Math.min(5, T - 5 * k)
        for (let c = 0; c < 2; c++) Phi.set(2 * (tr * blocks + k) + c, 2 * (tr * T + j) + c, 1 / Math.sqrt(size))
      }
    const X = Phi.mmul(W).mmul(R), u = Phi.mmul(W).mmul(d)
    const Gref = X.transpose().mmul(X).div(spec.noise ** 2), bref = X.transpose().mmul(u).div(spec.noise ** 2).getColumn(0)
    const fast = whitenedNormalEquations(spec, ds.trajectories, 0, { at, block: 5 })
    const gScale = maxAbs(Gref.to1DArray()), bScale = maxAbs(bref)
    for (let p = 0; p < P; p++) {
      expect(Math.abs(fast.b[p] - bref[p])).toBeLessThan(1e-10 * bScale)
      for (let q = 0; q < P; q++) expect(Math.abs(fast.G[p * P + q] - Gref.get(p, q))).toBeLessThan(1e-10 * gScale)
    }
    expect(() => whitenedNormalEquations(spec, ds.trajectories, 0, { block: 0 })).toThrow('whitenedNormalEquations: block 0 is not a positive integer')
  })

  it('linearise by default at the first stage’s ridge estimate (the plain normal equations)', () => {
    const ds = simulateDataset(SimulationConfig.parse(small))
    const spec = pathFeatureSpec(ds)
    const { at } = whitenedNormalEquations(spec, ds.trajectories)
    const want = ridgeEstimate(spec, pathNormalEquations(spec, ds.trajectories))
    for (let p = 0; p < at.length; p++) expect(at[p]).toBe(want[p])
  })

  it('the whitened conditional (a = α = 1, γ = 0) is N((C⁻¹ + G)⁻¹b, (C⁻¹ + G)⁻¹) and its sampler draws it', () => {
    const ds = simulateDataset(SimulationConfig.parse(small))
    const spec = pathFeatureSpec(ds)
    const { G, b } = whitenedNormalEquations(spec, ds.trajectories)
    const P = b.length
    const prior = diagonalGaussian(new Float64Array(P), spec.priorVariance.map(Math.sqrt))
    const g = gramConditional(prior, { a: 1, alpha: 1, gamma: 0 }, G, b)
    const Gm = new Matrix(P, P)
    for (let i = 0; i < P; i++) for (let j = 0; j < P; j++) Gm.set(i, j, G[i * P + j] + (i === j ? 1 / spec.priorVariance[i] : 0))
    const cov = inverse(Gm), mean = cov.mmul(Matrix.columnVector(Array.from(b))).getColumn(0)
    const c = g.covariance()
    for (let i = 0; i < P; i++) {
      expect(Math.abs(g.mean[i] - mean[i])).toBeLessThan(1e-10 * maxAbs(mean))
      for (let j = 0; j < P; j++) expect(Math.abs(c.get(i, j) - cov.get(i, j))).toBeLessThan(1e-10 * cov.get(i, i) + 1e-10 * cov.get(j, j))
    }
    // drawing n rows at once is n single draws, bit for bit (with and without the γ floor's independent part)
    for (const h of [{ a: 1, alpha: 1, gamma: 0 }, { a: 0.9, alpha: 0.8, gamma: 1e-3 }]) {
      const gh = gramConditional(prior, h, G, b)
      const rows = new Float64Array(7 * P), one = new Float64Array(7 * P)
      gh.drawRows!(new Rng(3, 0, 2), 7, rows)
      const r1 = new Rng(3, 0, 2)
      for (let s = 0; s < 7; s++) gh.draw(r1, one.subarray(s * P, (s + 1) * P))
      expect(Array.from(rows)).toEqual(Array.from(one))
    }
    // and for dimensions that are not a multiple of the back substitution's four-row blocks (1, 2 and 3 rows left over)
    for (const dim of [9, 10, 11, 98]) {
      const A = Float64Array.from({ length: dim * dim }, (_, i) => Math.sin(0.37 * i + 1))
      const Gd = new Float64Array(dim * dim) // AᵀA + I: positive definite
      for (let i = 0; i < dim; i++) for (let j = 0; j < dim; j++) for (let k = 0; k < dim; k++) Gd[i * dim + j] += A[k * dim + i] * A[k * dim + j] + (i === j && k === 0 ? 1 : 0)
      const pd = diagonalGaussian(new Float64Array(dim), Array.from({ length: dim }, (_, i) => 1 / (1 + i)))
      const gh = gramConditional(pd, { a: 0.9, alpha: 0.8, gamma: 1e-3 }, Gd, Float64Array.from({ length: dim }, (_, i) => Math.cos(i)))
      const rows = new Float64Array(5 * dim), one = new Float64Array(5 * dim)
      gh.drawRows!(new Rng(4, 0, 2), 5, rows)
      const r1 = new Rng(4, 0, 2)
      for (let s = 0; s < 5; s++) gh.draw(r1, one.subarray(s * dim, (s + 1) * dim))
      expect(Array.from(rows)).toEqual(Array.from(one))
    }
    // 20,000 draws: every standardised mean error and variance ratio within Monte Carlo error
    const n = 20_000, rng = new Rng(8, 0, 1), x = new Float64Array(P)
    const m = new Float64Array(P), s2 = new Float64Array(P)
    for (let k = 0; k < n; k++) {
      g.draw(rng, x)
      for (let i = 0; i < P; i++) {
        m[i] += x[i] / n
        s2[i] += (x[i] - mean[i]) ** 2 / n
      }
    }
    for (let i = 0; i < P; i++) {
      const sd = Math.sqrt(cov.get(i, i))
      expect(Math.abs(m[i] - mean[i]) / (sd / Math.sqrt(n))).toBeLessThan(4.5)
      expect(Math.abs(s2[i] / cov.get(i, i) - 1)).toBeLessThan(0.06)
    }
  })

  it('are calibrated where the plain normal equations are over-confident: the truth’s Mahalanobis distance per coefficient under the linearised posterior, demo-like twin', () => {
    // 3×3 modes, 4 tracers, 50 records of 2e-3, σ = 0.005 (the demo twin's observations)
    const ds = simulateDataset(SimulationConfig.parse({ flow: 'fourier', pairs: 60, seed: 7, tracers: 4, starts: [[0.25, 0.25], [0.75, 0.25], [0.25, 0.75], [0.75, 0.75]], steps: 500, dt: 2e-4, recordEvery: 10, noise: 0.005, fourier: { modesPerSide: 3 } }))
    const spec = pathFeatureSpec(ds)
    const P = ds.paramDim, len = ds.nTracers * ds.nTimes * 2
    const mahalanobis = (ne: { G: Float64Array; b: Float64Array }, i: number) => {
      const m = ridgeEstimate(spec, ne)
      let q = 0
      for (let p = 0; p < P; p++)
        for (let r = 0; r < P; r++) {
          const A = ne.G[p * P + r] + (p === r ? 1 / spec.priorVariance[p] : 0)
          q += (m[p] - ds.params[i * P + p]) * A * (m[r] - ds.params[i * P + r])
        }
      return q / P
    }
    let plain = 0, gls = 0
    for (let i = 0; i < ds.nPairs; i++) {
      plain += mahalanobis(pathNormalEquations(spec, ds.trajectories, i * len), i) / ds.nPairs
      gls += mahalanobis(whitenedNormalEquations(spec, ds.trajectories, i * len), i) / ds.nPairs
    }
    expect(plain).toBeGreaterThan(2.5)
    expect(gls).toBeGreaterThan(0.75)
    expect(gls).toBeLessThan(1.5)
  })

  it('refuse a linearisation point of the wrong length with one line', () => {
    const ds = simulateDataset(SimulationConfig.parse(small))
    expect(() => whitenedNormalEquations(pathFeatureSpec(ds), ds.trajectories, 0, { at: [1, 2] })).toThrow('whitenedNormalEquations: linearisation point has 2 coefficients, the flow 8')
  })
})
