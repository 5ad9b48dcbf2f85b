import { describe, expect, it } from 'vitest'
import { SimulationConfig } from '../../../src-main/shared/simulation'
import { flowPrior } from '../../../src-main/engine/assimilate/posterior'
import { forwardModel } from '../../../src-main/engine/assimilate/twin/forward'
import { gramConditional, robustGramConditional } from '../../../src-main/engine/assimilate/twin/learned-methods'
import { diagonalGaussian } from '../../../src-main/engine/assimilate/posterior'
import { Rng } from '../../../src-main/engine/flows/rng'
import { nearestPaths, vortexPathGram, vortexResiduals } from '../../../src-main/engine/assimilate/twin/vortex-gram'
import { simulateDataset } from '../../../src-main/engine/flows/simulate'

/** A small point-vortex twin, its prior and one pair's noisy observed tracks. */
function tinyTwin(vortices: number, noise: number, pair = 0) {
  const cfg = SimulationConfig.parse({ flow: 'vortex', pairs: 8, seed: 5, steps: 400, dt: 5e-3, recordEvery: 10, noise, tracers: 1, starts: [[0.6, 0.1]], vortex: { vortices } })
  const ds = simulateDataset(cfg)
  const len = ds.nTracers * ds.nTimes * 2
  return { cfg, ds, prior: flowPrior(cfg), observed: ds.trajectories.slice(pair * len, (pair + 1) * len), truth: ds.params.slice(pair * ds.paramDim, (pair + 1) * ds.paramDim), len }
}

describe('the vortex path linearised about its point estimate (twin/vortex-gram.ts)', () => {
  it('its residual Jacobian in the latent coordinates is the central difference of the residuals (through the prior map)', () => {
    const { cfg, prior, observed, truth } = tinyTwin(2, 0.02)
    const res = vortexResiduals(cfg, prior, observed, 2)
    const d = res.dim, N = res.length
    const xi = new Float64Array(d)
    prior.toLatent(truth, xi)
    const r = new Float64Array(N), J = new Float64Array(N * d), rp = new Float64Array(N), rm = new Float64Array(N)
    expect(res.evaluate(xi, r, J)).toBe(true)
    // the plain residuals are the same numbers
    expect(res.residuals(xi, rp)).toBe(true)
    expect(rp).toEqual(r)
    let worst = 0, scale = 0
    for (let c = 0; c < d; c++) {
      const h = 1e-5, up = xi.slice(), down = xi.slice()
      up[c] += h
      down[c] -= h
      res.residuals(up, rp)
      res.residuals(down, rm)
      for (let q = 0; q < N; q++) {
        const fd = (rp[q] - rm[q]) / (2 * h)
        worst = Math.max(worst, Math.abs(fd - J[q * d + c]))
        scale = Math.max(scale, Math.abs(fd))
      }
    }
    expect(scale).toBeGreaterThan(1)
    expect(worst / scale).toBeLessThan(1e-5)
  })

  it('its residuals are those of the twin forward model at the same coarsening; outside the separation rule it refuses', () => {
    const { cfg, prior, observed, truth, len } = tinyTwin(2, 0.02)
    const res = vortexResiduals(cfg, prior, observed, 5)
    const xi = new Float64Array(res.dim), r = new Float64Array(len)
    prior.toLatent(truth, xi)
    res.residuals(xi, r)
    const tracks = new Float64Array(len)
    forwardModel(cfg, 5).run(truth, 1, tracks)
    for (let q = 0; q < len; q++) expect(r[q]).toBeCloseTo((observed[q] - tracks[q]) / cfg.noise, 6)
    const clash = truth.slice()
    clash[2] = clash[0] + 0.01 // vortex 2 on top of vortex 1
    clash[3] = clash[1]
    prior.toLatent(clash, xi)
    expect(res.residuals(xi, r)).toBe(false)
    // a leading window: the same residuals and Jacobian rows for its records, zeros after
    prior.toLatent(truth, xi)
    const full = new Float64Array(len), Jfull = new Float64Array(len * res.dim), win = new Float64Array(len), Jwin = new Float64Array(len * res.dim)
    res.evaluate(xi, full, Jfull)
    res.evaluate(xi, win, Jwin, 10)
    for (let q = 0; q < len; q++) {
      const inside = Math.floor(q / 2) < 10
      expect(win[q]).toBe(inside ? full[q] : 0)
      for (let c = 0; c < res.dim; c++) expect(Jwin[q * res.dim + c]).toBe(inside ? Jfull[q * res.dim + c] : 0)
    }
    res.residuals(xi, win, 10)
    for (let q = 0; q < len; q++) expect(win[q]).toBe(Math.floor(q / 2) < 10 ? full[q] : 0)
    expect(() => vortexResiduals(cfg, prior, observed, 3)).toThrow('vortexResiduals: coarsening 3 does not divide the record interval 10')
  })

  it('one vortex: Gauss–Newton reaches the posterior maximum, and the conditional with the identity head matches the exact posterior by quadrature (mean and covariance)', () => {
    const { cfg, prior, observed, truth, len } = tinyTwin(1, 0.01)
    const res = vortexResiduals(cfg, prior, observed, 1)
    const d = res.dim // (ξx, ξy, ξΓ)
    const start = new Float64Array(d)
    prior.toLatent(truth, start)
    start[0] += 0.2
    start[2] -= 0.3
    const g = vortexPathGram(res, start)
    expect(g.misfit).toBeLessThan(len / 2 + 4 * Math.sqrt(len / 2))
    const lap = gramConditional(prior.latent, { a: 1, alpha: 1, gamma: 0 }, g.G, g.b)
    const C = lap.covariance()
    // stationarity of ½|r|² + ½|ξ|²: the conditional's mean ξ₀ − H⁻¹(Jᵀr + ξ₀) is the point, to 1e-2 of its spread
    for (let a = 0; a < d; a++) expect(Math.abs(lap.mean[a] - g.point[a]) / Math.sqrt(C.get(a, a))).toBeLessThan(1e-2)
    const sd = Array.from({ length: d }, (_, a) => Math.sqrt(C.get(a, a)))
    // the exact posterior exp(−½|r|² − ½|ξ|²) on a 31³ grid over ±6 Laplace sds (the density is negligible beyond)
    const m = 31, mean = new Float64Array(d), second = new Float64Array(d * d), x = new Float64Array(d), rr = new Float64Array(len)
    let Z = 0
    const logs: number[] = [], pts: Float64Array[] = []
    for (let i = 0; i < m ** 3; i++) {
      const idx = [i % m, Math.floor(i / m) % m, Math.floor(i / m / m)]
      for (let a = 0; a < d; a++) x[a] = lap.mean[a] + sd[a] * (-6 + (12 * idx[a]) / (m - 1))
      if (!res.residuals(x, rr)) continue
      let f = 0
      for (let q = 0; q < len; q++) f += rr[q] * rr[q]
      for (let a = 0; a < d; a++) f += x[a] * x[a]
      logs.push(-f / 2)
      pts.push(x.slice())
    }
    const top = Math.max(...logs)
    for (const [k, p] of pts.entries()) {
      const w = Math.exp(logs[k] - top)
      Z += w
      for (let a = 0; a < d; a++) {
        mean[a] += w * p[a]
        for (let b = 0; b < d; b++) second[a * d + b] += w * p[a] * p[b]
      }
    }
    for (let a = 0; a < d; a++) mean[a] /= Z
    for (let a = 0; a < d; a++) {
      // posterior mean within 0.05 posterior sd of the Gaussian's, variances within 3 % (measured: 0.02 sd, 0.1 %)
      expect(Math.abs(mean[a] - lap.mean[a]) / sd[a]).toBeLessThan(0.05)
      const va = second[a * d + a] / Z - mean[a] ** 2
      expect(va / C.get(a, a)).toBeGreaterThan(0.97)
      expect(va / C.get(a, a)).toBeLessThan(1.03)
      for (let b = 0; b < a; b++) {
        const cab = second[a * d + b] / Z - mean[a] * mean[b]
        expect(Math.abs(cab - C.get(a, b)) / (sd[a] * sd[b])).toBeLessThan(0.05)
      }
    }
  })

  it('a Gram matrix that rounding has left indefinite (entries ~1e12, next to a close vortex encounter) still gives a Gaussian: its eigenvalues floored', () => {
    const prior = diagonalGaussian([0, 0, 0], [1, 1, 1])
    const G = Float64Array.from([1e12, 1e12 + 2, 0, 1e12 + 2, 1e12, 0, 0, 0, 4]) // eigenvalue −2 of 2e12: rounding, not information
    const b = Float64Array.from([1e12, 1e12, 2])
    const h = { a: 1, alpha: 1, gamma: 0 }
    expect(() => gramConditional(prior, h, G, b)).toThrow('not positive definite')
    const g = robustGramConditional(prior, h, G, b)
    expect(Array.from(g.mean).every(Number.isFinite)).toBe(true)
    expect(g.mean[2]).toBeCloseTo(2 / 5, 6) // the well-conditioned coordinate is untouched: b/(1 + G)
    const x = new Float64Array(3)
    g.draw(new Rng(1, 0, 1), x)
    expect(Array.from(x).every(Number.isFinite)).toBe(true)
  })

  it('nearest bank paths: by squared distance, the excluded row left out', () => {
    const bank = Float64Array.from([0, 0, 1, 1, 0.1, 0, 5, 5, 0.05, 0.05])
    expect(nearestPaths(bank, Float64Array.from([0, 0]), 3)).toEqual([0, 4, 2])
    expect(nearestPaths(bank, Float64Array.from([0, 0]), 2, 0)).toEqual([4, 2])
    expect(nearestPaths(bank, Float64Array.from([0, 0]), 9)).toEqual([0, 4, 2, 1, 3])
  })
})

describe('bank-free rows on a small point-vortex twin', () => {
  it('cond-v/dot+gram-gn (identity head) is near the MCMC posterior and far better than the prior; the fitted spread gets its own row', async () => {
    const { mkdtempSync, rmSync, readFileSync } = await import('node:fs')
    const { tmpdir } = await import('node:os')
    const { join } = await import('node:path')
    const { runTwinBenchmark } = await import('../../../src-main/engine/assimilate/twin/benchmark')
    const { learnedMethods, VORTEX_GRAM_VARIANT, variantName } = await import('../../../src-main/engine/assimilate/twin/learned-methods')
    const { vortexTwins } = await import('../../../src-main/engine/assimilate/twin/twins')
    const { silentContext } = await import('../../../src-main/engine/jobs/job')
    const dir = mkdtempSync(join(tmpdir(), 'driftclip-vortexgram-'))
    try {
      const [a] = vortexTwins(300)
      const twin = { ...a, grid: 8, frames: 3 }
      expect(variantName(VORTEX_GRAM_VARIANT)).toBe('cond-v/dot+gram-gn@optimum')
      const r = await runTwinBenchmark({ options: { flow: 'vortex', quick: true, queries: 2, mcmcSteps: 2000, learned: true }, outDir: dir, twins: [twin], learned: (t, ctx) => learnedMethods(t, ctx, [VORTEX_GRAM_VARIANT]) }, silentContext())
      const row = (m: string) => r.rows.find((x) => x.method === m)!
      const identity = row('bankfree:cond-v/dot+gram-gn'), fitted = row('bankfree:cond-v/dot+gram-gn@spread')
      expect(fitted.label).toMatch(/scaled by s = [\d.]+ \(fitted on 20 validation pairs/)
      expect(r.rows.some((x) => x.method.endsWith('@optimum'))).toBe(false)
      expect(identity.rmseNearTracers).toBeLessThan(0.5 * row('prior').rmseNearTracers)
      expect(identity.rmseNearTracers).toBeLessThan(1.5 * row('mcmc').rmseNearTracers)
      expect(identity.tracerRmse).toBeLessThan(0.2 * row('prior').tracerRmse)
      const json = JSON.parse(readFileSync(join(dir, 'benchmark-da.json'), 'utf8')) as { rows: { method: string }[] }
      expect(json.rows.map((x) => x.method)).toContain('bankfree:cond-v/dot+gram-gn')
    } finally {
      rmSync(dir, { recursive: true, force: true })
    }
  }, 120_000)
})
