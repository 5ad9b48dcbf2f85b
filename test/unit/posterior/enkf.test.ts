import { describe, expect, it } from 'vitest'
import { flowPrior } from '../../../src-main/engine/assimilate/posterior'
import { priorDraws } from '../../../src-main/engine/assimilate/twin/benchmark'
import { enkf, enkfAnalysis, gaspariCohn } from '../../../src-main/engine/assimilate/twin/enkf'
import { forwardModel, segmentModel } from '../../../src-main/engine/assimilate/twin/forward'
import { Rng } from '../../../src-main/engine/flows/rng'
import { simulateDataset } from '../../../src-main/engine/flows/simulate'
import { SimulationConfig } from '../../../src-main/shared/simulation'

/** Mean and covariance of rows (Ne × n). */
function moments(X: Float64Array, Ne: number, n: number) {
  const m = new Float64Array(n), C = new Float64Array(n * n)
  for (let e = 0; e < Ne; e++) for (let i = 0; i < n; i++) m[i] += X[e * n + i] / Ne
  for (let e = 0; e < Ne; e++) for (let i = 0; i < n; i++) for (let j = 0; j < n; j++) C[i * n + j] += ((X[e * n + i] - m[i]) * (X[e * n + j] - m[j])) / (Ne - 1)
  return { m, C }
}

describe('ensemble Kalman filter', () => {
  it('on a linear-Gaussian toy, two analyses with a linear forecast between them reach the Kalman posterior (mean and covariance)', () => {
    // x ∈ R³ ~ N(m0, P0); observe entries 0 and 2 (σ = 0.5), forecast x ← M x, observe again
    const n = 3, Ne = 40_000, sigma = 0.5
    const m0 = [1, -1, 0.5]
    const P0 = [
      [1, 0.5, 0],
      [0.5, 2, 0.3],
      [0, 0.3, 0.5]
    ]
    const Lp = [
      [1, 0, 0],
      [0.5, Math.sqrt(1.75), 0],
      [0, 0.3 / Math.sqrt(1.75), Math.sqrt(0.5 - 0.09 / 1.75)]
    ]
    const M = [
      [0.9, 0.2, 0],
      [0, 1, 0.1],
      [0.3, 0, 0.8]
    ]
    const rng = new Rng(7, 0, 1)
    const X = new Float64Array(Ne * n)
    for (let e = 0; e < Ne; e++) {
      const z = [rng.normal(), rng.normal(), rng.normal()]
      for (let i = 0; i < n; i++) X[e * n + i] = m0[i] + Lp[i].reduce((s, l, k) => s + l * z[k], 0)
    }
    const H = [0, 2]
    const ys = [[1.4, 0.2], [0.8, 0.9]]
    // exact Kalman filter
    let m = m0.slice(), P = P0.map((r) => r.slice())
    const update = (y: number[]) => {
      const S = [[P[0][0] + sigma ** 2, P[0][2]], [P[2][0], P[2][2] + sigma ** 2]]
      const det = S[0][0] * S[1][1] - S[0][1] * S[1][0]
      const Si = [[S[1][1] / det, -S[0][1] / det], [-S[1][0] / det, S[0][0] / det]]
      const K = P.map((row) => [0, 1].map((j) => row[0] * Si[0][j] + row[2] * Si[1][j]))
      const innov = [y[0] - m[0], y[1] - m[2]]
      m = m.map((v, i) => v + K[i][0] * innov[0] + K[i][1] * innov[1])
      P = P.map((row, i) => row.map((v, j) => v - K[i][0] * P[0][j] - K[i][1] * P[2][j]))
    }
    update(ys[0])
    enkfAnalysis(X, Ne, n, H, ys[0], sigma, rng)
    m = M.map((row) => row.reduce((s, a, k) => s + a * m[k], 0))
    P = M.map((ri) => M.map((rj) => ri.reduce((s, a, k) => s + a * rj.reduce((t, b, l) => t + b * P[k][l], 0), 0)))
    for (let e = 0; e < Ne; e++) {
      const x = Array.from(X.subarray(e * n, (e + 1) * n))
      for (let i = 0; i < n; i++) X[e * n + i] = M[i].reduce((s, a, k) => s + a * x[k], 0)
    }
    update(ys[1])
    enkfAnalysis(X, Ne, n, H, ys[1], sigma, rng)
    const got = moments(X, Ne, n)
    for (let i = 0; i < n; i++) {
      expect(got.m[i]).toBeCloseTo(m[i], 1)
      for (let j = 0; j < n; j++) expect(Math.abs(got.C[i * n + j] - P[i][j])).toBeLessThan(0.03)
    }
    // the posterior variance of an observed entry is below both prior and noise variance
    expect(P[0][0]).toBeLessThan(sigma ** 2)
  })

  it('Gaspari–Cohn: 1 at zero, continuous at c, 0 beyond 2c', () => {
    expect(gaspariCohn(0, 1)).toBe(1)
    expect(gaspariCohn(1 - 1e-9, 1)).toBeCloseTo(gaspariCohn(1 + 1e-9, 1), 6)
    expect(gaspariCohn(2, 1)).toBe(0)
    expect(gaspariCohn(1, 1)).toBeCloseTo(0.2083, 3)
  })

  it('segment model: record interval by record interval it reproduces the full forward run (Fourier and point vortices)', () => {
    for (const cfg of [
      SimulationConfig.parse({ flow: 'fourier', pairs: 2, seed: 3, tracers: 2, starts: [[0.25, 0.25], [0.75, 0.75]], steps: 200, dt: 2e-4, recordEvery: 10, fourier: { modesPerSide: 2 } }),
      SimulationConfig.parse({ flow: 'vortex', pairs: 2, seed: 1, tracers: 2, steps: 100, dt: 2e-2, recordEvery: 5, vortex: { vortices: 3 } })
    ]) {
      const ds = simulateDataset(cfg)
      const full = forwardModel(cfg, 1), seg = segmentModel(cfg, 1)
      const v = ds.params.slice(0, ds.paramDim)
      const tracks = new Float64Array(full.nTracers * full.nTimes * 2)
      full.run(v, 1, tracks)
      const state = new Float64Array(seg.stateDim)
      seg.initial(v, state)
      const off = seg.stateDim - 2 * seg.nTracers
      for (let r = 0; r < seg.nTimes; r++) {
        seg.advance(v, state, r)
        for (let t = 0; t < seg.nTracers; t++) {
          expect(state[off + 2 * t]).toBeCloseTo(tracks[(t * seg.nTimes + r) * 2], 9)
          expect(state[off + 2 * t + 1]).toBeCloseTo(tracks[(t * seg.nTimes + r) * 2 + 1], 9)
        }
      }
    }
  })

  it('on a small vortex twin the augmented-state EnKF re-advects closer to the true tracks than the prior (its parameters learn only through lagged covariances)', () => {
    const cfg = SimulationConfig.parse({ flow: 'vortex', pairs: 3, seed: 5, tracers: 2, steps: 100, dt: 2e-2, recordEvery: 5, noise: 0.02, vortex: { vortices: 2 } })
    const ds = simulateDataset(cfg)
    const prior = flowPrior(cfg)
    const pair = 1, len = ds.nTracers * ds.nTimes * 2
    const observed = ds.trajectories.slice(pair * len, (pair + 1) * len)
    const truth = ds.params.slice(pair * 6, (pair + 1) * 6)
    const initial = priorDraws(prior, 200, 4)
    const post = enkf(prior, segmentModel(cfg, 1), initial, observed, cfg.noise, { members: 200, inflation: 1.02, localisation: Infinity, seed: 1 })
    // the tracks the posterior members re-advect sit closer to the truth's than the prior's do
    const model = forwardModel({ ...cfg, noise: 0 }, 1)
    const truthTracks = new Float64Array(len)
    model.run(truth, 1, truthTracks)
    const misfit = (draws: Float64Array) => {
      const t = new Float64Array(200 * len)
      model.run(draws, 200, t)
      let s = 0
      for (let e = 0; e < 200; e++) for (let i = 0; i < len; i++) s += (t[e * len + i] - truthTracks[i]) ** 2 / (200 * len)
      return Math.sqrt(s)
    }
    expect(misfit(post)).toBeLessThan(0.85 * misfit(initial))
  })
})
