import { describe, expect, it } from 'vitest'
import { SimulationConfig } from '../../../src-main/shared/simulation'
import { flowPrior } from '../../../src-main/engine/assimilate/posterior'
import { Rng } from '../../../src-main/engine/flows/rng'
import { simulateDataset } from '../../../src-main/engine/flows/simulate'
import { vortexPathGram, vortexResiduals, type LinearisedResiduals } from '../../../src-main/engine/assimilate/twin/vortex-gram'
import { fitSpread, laplaceLogEvidence, misfitBound, mixtureLogDensity, mixtureSampler, PATH_MAXIMA, spreadAbout, vortexPathMaxima, vortexPathMaximaRetried, vortexSameFlow, type PathMaximum, type SameFlow } from '../../../src-main/engine/assimilate/twin/vortex-maxima'

/** Residuals of a model given by r(ξ) and its Jacobian (N × d); every state admissible. */
function residualsOf(d: number, T: number, model: (xi: Float64Array, records: number, r: Float64Array, J?: Float64Array) => void): LinearisedResiduals {
  return {
    dim: d, length: 2 * T, records: T,
    evaluate: (xi, r, J, records = T) => (model(xi, records, r, J), true),
    residuals: (xi, r, records = T) => (model(xi, records, r), true)
  }
}

const euclidean: SameFlow = (a, b, H) => {
  const d = a.length
  let q = 0
  for (let i = 0; i < d; i++) for (let j = 0; j < d; j++) q += (a[i] - b[i]) * H[i * d + j] * (a[j] - b[j])
  return q < 1
}

describe('the path maxima and their Laplace mixture (twin/vortex-maxima.ts)', () => {
  it('linear-Gaussian residuals: one maximum, and its Laplace evidence is the closed-form marginal likelihood', () => {
    // r = y − Aξ: ∫ exp(−½|y − Aξ|²) N(ξ; 0, I) dξ = det(I + AAᵀ)^{-1/2} exp(−½ yᵀ(I + AAᵀ)⁻¹ y)
    const d = 2, T = 3, N = 2 * T
    const A = [0.9, -0.3, 0.2, 1.4, -0.7, 0.5, 0.3, 0.8, 1.1, -0.2, 0.4, 0.6], y = [0.5, -1.2, 0.8, 0.3, -0.4, 1.0]
    const res = residualsOf(d, T, (xi, records, r, J) => {
      for (let q = 0; q < N; q++) {
        const inside = Math.floor(q / 2) < records
        r[q] = inside ? y[q] - A[q * d] * xi[0] - A[q * d + 1] * xi[1] : 0
        if (J) for (let c = 0; c < d; c++) J[q * d + c] = inside ? -A[q * d + c] : 0
      }
    })
    const m = vortexPathMaxima(res, Float64Array.from([3, -3, -2, 1]), euclidean)
    expect(m.maxima).toHaveLength(1)
    expect(m.weights).toEqual([1])
    // closed form: C = I + AAᵀ (N × N), by Gaussian elimination for det and C⁻¹y
    const C = Array.from({ length: N }, (_, i) => Array.from({ length: N }, (_, j) => (i === j ? 1 : 0) + A[i * d] * A[j * d] + A[i * d + 1] * A[j * d + 1]))
    const M = C.map((row, i) => [...row, y[i]])
    let logDet = 0
    for (let k = 0; k < N; k++) {
      logDet += Math.log(M[k][k])
      for (let i = k + 1; i < N; i++) {
        const f = M[i][k] / M[k][k]
        for (let j = k; j <= N; j++) M[i][j] -= f * M[k][j]
      }
    }
    const z = new Array<number>(N)
    for (let i = N - 1; i >= 0; i--) z[i] = (M[i][N] - M[i].slice(i + 1, N).reduce((s, v, j) => s + v * z[i + 1 + j], 0)) / M[i][i]
    const quad = y.reduce((s, v, i) => s + v * z[i], 0)
    // exact up to the stopping rule (Newton decrement < 1e-4: f within ½·1e-4 of its minimum; measured 8e-8)
    expect(m.maxima[0].logEvidence).toBeCloseTo(-logDet / 2 - quad / 2, 4)
    // and laplaceLogEvidence itself on a diagonal H
    expect(laplaceLogEvidence(1.5, Float64Array.from([4, 0, 0, 9]), 2)).toBeCloseTo(-1.5 - Math.log(6), 12)
  })

  it('window continuation finds the truth’s basin of a tracer circling at unknown rate, where a direct fit from the same start stops in a side lobe', () => {
    // x_t = (cos ωt, sin ωt), ω = 2π(1 + ½ξ), truth ξ = 0, 64 records to t = 4: the full window's misfit has side-lobe
    // maxima Δξ ≈ 0.6 apart; the first eighth's (t ≤ ½) main lobe is 8× wider
    const T = 64, sigma = 0.05, omega = (xi: number) => 2 * Math.PI * (1 + 0.5 * xi)
    const res = residualsOf(1, T, (xi, records, r, J) => {
      const w = omega(xi[0])
      for (let k = 0; k < T; k++) {
        const t = (4 * (k + 1)) / T, inside = k < records
        r[2 * k] = inside ? (Math.cos(2 * Math.PI * t) - Math.cos(w * t)) / sigma : 0
        r[2 * k + 1] = inside ? (Math.sin(2 * Math.PI * t) - Math.sin(w * t)) / sigma : 0
        if (J) {
          J[2 * k] = inside ? (Math.sin(w * t) * t * Math.PI) / sigma : 0
          J[2 * k + 1] = inside ? (-Math.cos(w * t) * t * Math.PI) / sigma : 0
        }
      }
    })
    const start = Float64Array.from([0.6])
    const direct = vortexPathGram(res, start)
    expect(Math.abs(direct.point[0])).toBeGreaterThan(0.3)
    const m = vortexPathMaxima(res, start, euclidean)
    expect(Math.abs(m.maxima[0].point[0])).toBeLessThan(0.01)
    expect(m.maxima[0].f).toBeLessThan(direct.misfit)
    expect(m.weights[0]).toBeGreaterThan(0.99)
  })

  it('two vortices: a maximum and its relabelling are one component; a different flow is not', () => {
    const cfg = SimulationConfig.parse({ flow: 'vortex', pairs: 4, seed: 5, steps: 200, dt: 5e-3, recordEvery: 10, noise: 0.02, tracers: 1, starts: [[0.6, 0.1]], vortex: { vortices: 2 } })
    const ds = simulateDataset(cfg)
    const prior = flowPrior(cfg), d = prior.latent.dim, len = ds.nTracers * ds.nTimes * 2
    const same = vortexSameFlow(prior, 2, cfg.vortex.circulation)
    const truth = new Float64Array(d)
    prior.toLatent(ds.params.subarray(0, ds.paramDim), truth)
    // latent layout [x₁, y₁, x₂, y₂, Γ₁, Γ₂]: the swap exchanges the vortices' blocks
    const swapped = Float64Array.from([truth[2], truth[3], truth[0], truth[1], truth[5], truth[4]])
    const H = new Float64Array(d * d)
    for (let a = 0; a < d; a++) H[a * d + a] = 100
    expect(same(truth, swapped, H)).toBe(true)
    const moved = truth.slice()
    moved[0] += 0.2
    expect(same(truth, moved, H)).toBe(false)
    // the maxima from the truth and from its relabelling: one distinct maximum, weight 1
    const res = vortexResiduals(cfg, prior, ds.trajectories.slice(0, len), 1)
    const m = vortexPathMaxima(res, Float64Array.from([...truth, ...swapped]), same, { ...PATH_MAXIMA, windows: [0.5], beam: 2, branches: 1 })
    expect(m.maxima).toHaveLength(1)
    expect(m.weights).toEqual([1])
  })

  it('the mixture’s draws have the components’ mixed moments', () => {
    const comps = [
      { mean: [0, 1], sd: [1, 0.5] },
      { mean: [3, -1], sd: [0.5, 2] }
    ].map((c) => ({ ...c, draw: (rng: Rng, out: Float64Array) => c.mean.forEach((m, i) => (out[i] = m + c.sd[i] * rng.normal())) }))
    const w = [0.3, 0.7]
    const mix = mixtureSampler(w, comps)
    const rng = new Rng(3, 0, 1), x = new Float64Array(2), S = 40_000
    const sum = [0, 0], sq = [0, 0]
    for (let s = 0; s < S; s++) {
      mix.draw(rng, x)
      for (let i = 0; i < 2; i++) {
        sum[i] += x[i]
        sq[i] += x[i] * x[i]
      }
    }
    for (let i = 0; i < 2; i++) {
      const mean = w[0] * comps[0].mean[i] + w[1] * comps[1].mean[i]
      const second = w.reduce((s, wk, k) => s + wk * (comps[k].sd[i] ** 2 + comps[k].mean[i] ** 2), 0)
      const sdMean = Math.sqrt((second - mean * mean) / S)
      expect(Math.abs(sum[i] / S - mean)).toBeLessThan(4 * sdMean)
      expect(sq[i] / S - (sum[i] / S) ** 2).toBeCloseTo(second - mean * mean, 1)
    }
  })

  it('a search whose best maximum fails the misfit bound is run again from the next starts, the lower f kept', () => {
    // every record observes h(ξ) = (ξ² − 1)² + 0.1(ξ − 1)²: h = 0 at ξ = 1, a local minimum h ≈ 0.39 at ξ ≈ −0.95
    // (h' = (ξ − 1)(4ξ² + 4ξ + 0.2)); with 5/σ per record the side minimum's misfit ≈ 240 > N/2 + 4√(N/2) = 96
    const T = 64, a = 5
    const res = residualsOf(1, T, (xi, records, r, J) => {
      const x = xi[0], h = (x * x - 1) ** 2 + 0.1 * (x - 1) ** 2, dh = 4 * x * (x * x - 1) + 0.2 * (x - 1)
      for (let q = 0; q < 2 * T; q++) {
        const inside = Math.floor(q / 2) < records
        r[q] = inside ? a * h : 0
        if (J) J[q] = inside ? a * dh : 0
      }
    })
    expect(misfitBound(2 * T)).toBe(96)
    const starts = [-1.5, 1.5]
    const startsOf = (from: number, to: number) => Float64Array.from(starts.slice(from, to))
    const o = { ...PATH_MAXIMA, windows: [], branches: 1, starts: 1, retry: 2 } // no continuation: a plain local fit per start
    const once = vortexPathMaximaRetried(res, startsOf, euclidean, { ...o, retry: 0 })
    expect(once.maxima[0].point[0]).toBeLessThan(-0.8)
    expect(once.maxima[0].misfit).toBeGreaterThan(misfitBound(2 * T))
    const retried = vortexPathMaximaRetried(res, startsOf, euclidean, o)
    expect(retried.maxima[0].point[0]).toBeGreaterThan(0.9)
    expect(retried.maxima[0].misfit).toBeLessThan(1)
    expect(retried.evaluations).toBeGreaterThan(once.evaluations)
    // a first search that passes the bound is kept as it is
    const good = vortexPathMaximaRetried(res, (from, to) => Float64Array.from([1.5, -1.5].slice(from, to)), euclidean, o)
    expect(good.maxima[0].point[0]).toBeGreaterThan(0.9)
    expect(good.evaluations).toBe(vortexPathMaxima(res, Float64Array.from([1.5]), euclidean, o).evaluations)
  })

  it('the spread-s mixture density: a Gaussian N(ξ, s²H⁻¹) per component, weights summed', () => {
    const comp = (point: number[], G: number[]): PathMaximum => ({ point: Float64Array.from(point), f: 0, misfit: 0, G: Float64Array.from(G), b: new Float64Array(2), logEvidence: 0 })
    // H = I + G = diag(4, 9): log N(x; ξ, s²H⁻¹) = −log(2πs²) + ½ log 36 − ½(4Δ₁² + 9Δ₂²)/s²
    const m = { maxima: [comp([1, 2], [3, 0, 0, 8]), comp([-1, 0], [0, 0, 0, 0])], weights: [0.25, 0.75] }
    const x = [Float64Array.from([1.5, 1.8]), Float64Array.from([0, 0.5])]
    for (const s of [1, 2]) {
      const one = Math.log(0.25) - Math.log(2 * Math.PI * s * s) + Math.log(36) / 2 - (4 * 0.25 + 9 * 0.04) / (2 * s * s)
      const two = Math.log(0.75) - Math.log(2 * Math.PI * s * s) - (1 + 0.25) / (2 * s * s)
      expect(mixtureLogDensity(m, x, s)).toBeCloseTo(Math.log(Math.exp(one) + Math.exp(two)), 12)
    }
  })

  it('fitSpread recovers the spread of truths drawn at s = 2 even with a tenth far outside every component; the plain likelihood does not', () => {
    const d = 3, rng = new Rng(9, 0, 2)
    const m = { maxima: [{ point: new Float64Array(d), f: 0, misfit: 0, G: Float64Array.from([3, 0, 0, 0, 0, 0, 0, 0, 99]), b: new Float64Array(d), logEvidence: 0 }], weights: [1] }
    const sd = [0.5, 1, 0.1] // H = diag(4, 1, 100)
    const cases = Array.from({ length: 400 }, (_, k) => {
      const far = k % 10 === 0 // a missed basin: 30 prior sds out along the stiff direction
      const t = Float64Array.from(sd, (v, i) => (far && i === 2 ? 3 : 2 * v * rng.normal()))
      return { m, truths: [t], logPrior: -(d / 2) * Math.log(2 * Math.PI) - t.reduce((a, v) => a + v * v, 0) / 2 }
    })
    const fit = fitSpread(cases)
    expect(fit.spread).toBe(2)
    expect(fit.contamination).toBeGreaterThanOrEqual(0.1)
    expect(fitSpread(cases, undefined, [0]).spread).toBe(4) // ε = 0: the plain likelihood, set by the far tenth
  })

  it('spreadAbout scales a draw’s distance from the centre by s', () => {
    const inner = { draw: (rng: Rng, out: Float64Array) => ((out[0] = 1 + rng.normal()), (out[1] = -2 + 3 * rng.normal())) }
    const centre = Float64Array.from([1, -2]), a = new Float64Array(2), b = new Float64Array(2)
    inner.draw(new Rng(4, 0, 1), a)
    spreadAbout(inner, centre, 1.5).draw(new Rng(4, 0, 1), b)
    expect(b[0] - 1).toBeCloseTo(1.5 * (a[0] - 1), 12)
    expect(b[1] + 2).toBeCloseTo(1.5 * (a[1] + 2), 12)
  })
})
