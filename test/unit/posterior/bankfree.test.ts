import { Matrix, inverse } from 'ml-matrix'
import { describe, expect, it } from 'vitest'
import { denseGaussian, diagonalGaussian, drawGaussian, gaussianConditional, quadraticConditional } from '../../../src-main/engine/assimilate/posterior'
import { affineConditional, closedFormOptimum, fitGramHead, fitTemperature, gramConditional } from '../../../src-main/engine/assimilate/twin/learned-methods'
import { Rng } from '../../../src-main/engine/flows/rng'

/** n pairs of v ~ N(0, diag(1, 4, 0.25)) and f = M v + noise (4 features), row-major. */
function linearPairs(n: number, seed: number) {
  const nv = 3, nf = 4
  const M = [[1, 0.5, 0], [0, 1, -1], [0.3, 0, 2], [1, 1, 1]]
  const sd = [1, 2, 0.5]
  const rng = new Rng(seed, 0, 1)
  const v = new Float64Array(n * nv), f = new Float64Array(n * nf)
  for (let i = 0; i < n; i++) {
    for (let k = 0; k < nv; k++) v[i * nv + k] = sd[k] * rng.normal()
    for (let r = 0; r < nf; r++) {
      let s = 0.2 * rng.normal() + 0.7 // an offset the encoder must centre away
      for (let k = 0; k < nv; k++) s += M[r][k] * v[i * nv + k]
      f[i * nf + r] = s
    }
  }
  return { v, f, nv, nf, sd }
}

describe('bank-free conditional at the closed-form optimum of the one-sided L2 loss (Thm 5.3, v | u side)', () => {
  it('is the conditional of the fitted joint Gaussian: mean Cvf Cff⁻¹ (f − f̄) and covariance Cvv − Cvf Cff⁻¹ Cfv', () => {
    const { v, f, nv, nf } = linearPairs(4000, 3)
    const all = Int32Array.from({ length: 4000 }, (_, i) => i)
    const cf = closedFormOptimum('cond-v', f, nf, v, nv, all)
    // the empirical moments, written out independently (v's mean taken as 0, as the prior's)
    const fbar = new Float64Array(nf)
    for (let i = 0; i < 4000; i++) for (let r = 0; r < nf; r++) fbar[r] += f[i * nf + r] / 4000
    const Cvv = new Matrix(nv, nv), Cvf = new Matrix(nv, nf), Cff = new Matrix(nf, nf)
    for (let i = 0; i < 4000; i++) {
      const vi = Array.from(v.subarray(i * nv, (i + 1) * nv)), fi = Array.from(f.subarray(i * nf, (i + 1) * nf), (x, r) => x - fbar[r])
      for (let a = 0; a < nv; a++) {
        for (let b = 0; b < nv; b++) Cvv.set(a, b, Cvv.get(a, b) + (vi[a] * vi[b]) / 3999)
        for (let b = 0; b < nf; b++) Cvf.set(a, b, Cvf.get(a, b) + (vi[a] * fi[b]) / 3999)
      }
      for (let a = 0; a < nf; a++) for (let b = 0; b < nf; b++) Cff.set(a, b, Cff.get(a, b) + (fi[a] * fi[b]) / 3999)
    }
    const K = Cvf.mmul(inverse(Cff))
    const condCov = Cvv.clone().sub(K.mmul(Cvf.transpose()))
    const prior = denseGaussian([0, 0, 0], Cvv)
    const query = Float64Array.from([0.4, -1, 2, 0.1])
    const g = gaussianConditional(prior, cf.map, cf.encode(query), 1, 'l2')
    const want = K.mmul(Matrix.columnVector(Array.from(query, (x, r) => x - fbar[r]))).getColumn(0)
    for (let k = 0; k < nv; k++) expect(g.mean[k]).toBeCloseTo(want[k], 8)
    const cov = g.covariance()
    for (let a = 0; a < nv; a++) for (let b = 0; b < nv; b++) expect(cov.get(a, b)).toBeCloseTo(condCov.get(a, b), 8)
  })
})

describe('the affine-encoder conditional with its query-independent parts built once (affineConditional)', () => {
  // a correlated prior with a non-zero mean, an encoder with fewer outputs than inputs and a bias, τ ≠ 1
  const C = new Matrix([[1, 0.3, -0.2], [0.3, 0.5, 0.1], [-0.2, 0.1, 2]]), m = [0.2, -0.5, 1]
  const prior = denseGaussian(m, C)
  const map = { weight: new Matrix([[1, 0.5, -0.3], [0.2, -1, 0.4]]), bias: Float64Array.from([0.3, -0.7]) }
  const tau = 0.7
  const col = (x: ArrayLike<number>) => Matrix.columnVector(Array.from(x))
  /** Σ from the sampler's square root: Σ = L Lᵀ with L's columns applySqrt(e_k). */
  const sqrtCovariance = (g: { dim: number; applySqrt(z: Float64Array, out: Float64Array): void }) => {
    const L = new Matrix(g.dim, g.dim), e = new Float64Array(g.dim), out = new Float64Array(g.dim)
    for (let k = 0; k < g.dim; k++) {
      e.fill(0)
      e[k] = 1
      g.applySqrt(e, out)
      for (let i = 0; i < g.dim; i++) L.set(i, k, out[i])
    }
    return L.mmul(L.transpose())
  }
  const expectClose = (a: Matrix, b: Matrix) => {
    for (let i = 0; i < a.rows; i++) for (let j = 0; j < a.columns; j++) expect(a.get(i, j)).toBeCloseTo(b.get(i, j), 10)
  }

  it('l2: N(Σ(C⁻¹m + Wᵀ(z − b)/τ), Σ) with Σ = (C⁻¹ + WᵀW/τ)⁻¹, for every query from one build', () => {
    const cond = affineConditional(prior, map, tau, 'l2')
    const W = map.weight, Ci = inverse(C)
    const Sigma = inverse(Ci.clone().add(W.transpose().mmul(W).div(tau)))
    for (const z of [[0.4, -1], [-2, 0.5]]) {
      const g = cond(z)
      const want = Sigma.mmul(Ci.mmul(col(m)).add(W.transpose().mmul(col(z).sub(col(map.bias))).div(tau)))
      expectClose(col(g.mean), want)
      expectClose(g.covariance(), Sigma)
      expectClose(sqrtCovariance(g), Sigma)
    }
  })

  it('dot: N(m + CWᵀz/τ, C), the prior’s covariance', () => {
    const cond = affineConditional(prior, map, tau, 'dot')
    for (const z of [[0.4, -1], [-2, 0.5]]) {
      const g = cond(z)
      expectClose(col(g.mean), col(m).add(C.mmul(map.weight.transpose()).mmul(col(z)).div(tau)))
      expectClose(sqrtCovariance(g), C)
    }
  })

  it('refuses an embedding of the wrong length with one line', () => {
    expect(() => affineConditional(prior, map, tau, 'l2')([1, 2, 3])).toThrow('affineConditional: the encoder gives 2 outputs, the embedding has 3')
  })
})

describe('bank-free conditional with a per-query precision (dot metric, quadratic potential encoder)', () => {
  it('with η = Aᵀ(y − x₀)/σ² and Λ = AᵀA/σ² it is the exact posterior of the linear-Gaussian model y = A v + x₀ + N(0, σ²)', () => {
    const prior = diagonalGaussian([0.2, -0.5, 0], [1, 0.5, 2])
    const A = new Matrix([[1, 0.5, -0.3], [0.2, -1, 0.4]]), sigma = 0.3, x0 = [0.1, -0.2], y = [1, 0.4]
    const eta = A.transpose().mmul(Matrix.columnVector(y.map((v, i) => v - x0[i]))).div(sigma * sigma).getColumn(0)
    const q = quadraticConditional(prior, eta, A.transpose().mmul(A).div(sigma * sigma))
    const exact = gaussianConditional(prior, { weight: A.clone().div(sigma), bias: Float64Array.from(x0, (v) => v / sigma) }, y.map((v) => v / sigma), 1, 'l2')
    for (let i = 0; i < 3; i++) {
      expect(q.mean[i]).toBeCloseTo(exact.mean[i], 10)
      for (let j = 0; j < 3; j++) expect(q.covariance().get(i, j)).toBeCloseTo(exact.covariance().get(i, j), 10)
    }
  })

  it('the fitted head (a, α, γ) recovers the generating conditional (a = 1, α = ½, γ = 0) from pairs whose Gram matrices differ', () => {
    // b = G v + N(0, G) is the linearised likelihood of a linear model with Gram matrix G: v | b ~ N((C⁻¹ + G)⁻¹ b, (C⁻¹ + G)⁻¹);
    // with the pairs' likelihoods reported twice too confident (G and b doubled), the true conditional is a = 1, α = ½ of the reported ones
    const prior = diagonalGaussian([0, 0, 0], [1, 2, 0.5])
    const rng = new Rng(9, 0, 3)
    const pairs = Array.from({ length: 600 }, () => {
      const R = new Matrix(Array.from({ length: 4 }, () => Array.from({ length: 3 }, () => 2 * rng.normal())))
      const G = R.transpose().mmul(R)
      const truth = drawGaussian(prior, rng)
      const b = G.mmul(Matrix.columnVector(Array.from(truth))).add(R.transpose().mmul(Matrix.columnVector(Array.from({ length: 4 }, () => rng.normal())))).getColumn(0)
      return { G: Float64Array.from(G.to1DArray(), (x) => 2 * x), b: Float64Array.from(b, (x) => 2 * x), truth }
    })
    const { a, alpha, gamma } = fitGramHead(prior, pairs)
    expect(a).toBeCloseTo(1, 1)
    expect(alpha).toBeCloseTo(0.5, 1)
    expect(gamma).toBeLessThan(1e-3)
    // and its conditional at the generating head is the exact one of each pair: N((C⁻¹ + G/2)⁻¹ b/2, (C⁻¹ + G/2)⁻¹)
    const { G, b } = pairs[0]
    const g = gramConditional(prior, { a: 1, alpha: 0.5, gamma: 0 }, G, b)
    const q = quadraticConditional(prior, Array.from(b, (x) => x / 2), new Matrix([0, 1, 2].map((i) => [0, 1, 2].map((j) => G[i * 3 + j] / 2))))
    for (let i = 0; i < 3; i++) {
      expect(g.mean[i]).toBeCloseTo(q.mean[i], 8)
      for (let j = 0; j < 3; j++) expect(g.covariance().get(i, j)).toBeCloseTo(q.covariance().get(i, j), 8)
    }
  })

  it('with an error floor γ its closed form equals the dot-metric Gaussian of η = S⁻¹aα(I + γG̃)⁻¹Sb, Λ = S⁻¹αG̃(I + γG̃)⁻¹S⁻¹', () => {
    const prior = diagonalGaussian([0, 0, 0], [1, 2, 0.5])
    const R = new Matrix([[1, 0.5, -0.3], [0.2, -1, 0.4], [2, 0, 1]])
    const G = R.transpose().mmul(R).mul(40), b = [3, -1, 2]
    const h = { a: 0.9, alpha: 0.7, gamma: 0.05 }
    const S = Matrix.diag([1, 2, 0.5]), Si = Matrix.diag([1, 0.5, 2])
    const Gw = S.mmul(G).mmul(S)
    const floor = inverse(Matrix.eye(3).add(Gw.clone().mul(h.gamma)))
    const eta = Si.mmul(floor).mmul(S).mmul(Matrix.columnVector(b)).mul(h.a * h.alpha).getColumn(0)
    const Lambda = Si.mmul(Gw.mmul(floor).mul(h.alpha)).mmul(Si)
    const q = quadraticConditional(prior, eta, Lambda.add(Lambda.transpose()).div(2))
    const g = gramConditional(prior, h, Float64Array.from(G.to1DArray()), Float64Array.from(b))
    for (let i = 0; i < 3; i++) {
      expect(g.mean[i]).toBeCloseTo(q.mean[i], 8)
      expect(g.variance[i]).toBeCloseTo(q.variance[i], 8)
      for (let j = 0; j < 3; j++) expect(g.covariance().get(i, j)).toBeCloseTo(q.covariance().get(i, j), 8)
    }
    // its own sampler (one triangular solve plus the γ floor's independent part) draws that Gaussian: moments of 40,000 draws
    const n = 40_000, rng = new Rng(4, 0, 1), x = new Float64Array(3)
    const m = [0, 0, 0], c = [0, 1, 2].map(() => [0, 0, 0])
    for (let s = 0; s < n; s++) {
      g.draw(rng, x)
      for (let i = 0; i < 3; i++) {
        m[i] += x[i] / n
        for (let j = 0; j < 3; j++) c[i][j] += ((x[i] - q.mean[i]) * (x[j] - q.mean[j])) / n
      }
    }
    for (let i = 0; i < 3; i++) {
      const sdi = Math.sqrt(q.covariance().get(i, i))
      expect(Math.abs(m[i] - q.mean[i])).toBeLessThan(4 * sdi / Math.sqrt(n))
      for (let j = 0; j < 3; j++) expect(Math.abs(c[i][j] - q.covariance().get(i, j))).toBeLessThan(0.03 * sdi * Math.sqrt(q.covariance().get(j, j)))
    }
  })
})

describe('temperature refitted on validation pairs', () => {
  for (const metric of ['l2', 'dot'] as const)
    it(`${metric}: recovers the τ that generated the truths from the exact conditional`, () => {
      const prior = diagonalGaussian([0, 0, 0], [1, 2, 0.5])
      const map = { weight: new Matrix([[1, 0.2, 0], [0, 0.5, 0], [0.1, 0, 2]]), bias: Float64Array.from([0.1, 0, -0.2]) }
      const rng = new Rng(5, 0, 2)
      const tau = 0.3
      const zs: Float64Array[] = [], truths: Float64Array[] = []
      for (let i = 0; i < 1000; i++) {
        const z = Float64Array.from({ length: 3 }, () => rng.normal() * (metric === 'dot' ? 0.5 : 2))
        zs.push(z)
        truths.push(drawGaussian(gaussianConditional(prior, map, z, tau, metric), rng))
      }
      const fitted = fitTemperature(prior, map, zs, truths, metric, 0.07)
      expect(Math.abs(Math.log(fitted / tau))).toBeLessThan(0.1)
    })
})

describe('bank-free rows on a small Fourier twin', () => {
  it('the closed-form cond-v/l2 on the path regression and the Gram rows (plain and GLS-whitened) are near the MCMC posterior in RMSE and covers its 90 % interval about right', async () => {
    const { mkdtempSync, rmSync } = await import('node:fs')
    const { tmpdir } = await import('node:os')
    const { join } = await import('node:path')
    const { runTwinBenchmark } = await import('../../../src-main/engine/assimilate/twin/benchmark')
    const { learnedMethods, GRAM_VARIANT, GRAM_GLS_VARIANT } = await import('../../../src-main/engine/assimilate/twin/learned-methods')
    const { fourierTwins } = await import('../../../src-main/engine/assimilate/twin/twins')
    const { SimulationConfig } = await import('../../../src-main/shared/simulation')
    const { silentContext } = await import('../../../src-main/engine/jobs/job')
    const dir = mkdtempSync(join(tmpdir(), 'driftclip-bankfree-'))
    try {
      const [demo] = fourierTwins(400)
      const twin = { ...demo, grid: 8, frames: 3, config: SimulationConfig.parse({ ...demo.config, steps: 200, fourier: { modesPerSide: 2 } }) }
      const variant = { loss: 'cond-v', metric: 'l2', potentialEncoder: 'linear', encoder: 'linear', features: 'lagrangian', fit: 'closed-form' } as const
      const r = await runTwinBenchmark({ options: { flow: 'fourier', quick: true, queries: 4, mcmcSteps: 3000 }, outDir: dir, twins: [twin], learned: (t, ctx) => learnedMethods(t, ctx, [variant, GRAM_VARIANT, GRAM_GLS_VARIANT]) }, silentContext())
      const row = (m: string) => r.rows.find((x) => x.method === m)!
      for (const bf of [row('bankfree:cond-v/l2+lagrangian@optimum'), row('bankfree:cond-v/dot+gram@optimum'), row('bankfree:cond-v/dot+gram-gls@optimum')]) {
        expect(bf.rmse).toBeLessThan(0.3 * row('prior').rmse)
        expect(bf.rmse).toBeLessThan(1.5 * row('mcmc').rmse)
        expect(bf.coverage90).toBeGreaterThan(0.7)
        expect(bf.coverage90).toBeLessThan(0.99)
      }
    } finally {
      rmSync(dir, { recursive: true, force: true })
    }
  })
})
