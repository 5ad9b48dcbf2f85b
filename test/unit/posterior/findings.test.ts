/**
 * The paper's Gaussian findings (arXiv 2505.24134 §5) on this application, against the MCMC posterior: a small,
 * nearly linear Fourier twin, linear encoders at the closed-form optima of each loss for the empirical joint
 * covariance of (trajectory, flow) (learn/gaussian.ts), and their exact conditionals ν(v | u) (posterior/).
 */
import { Matrix } from 'ml-matrix'
import { describe, expect, it } from 'vitest'
import { gaussianConditional, diagonalGaussian, flowPrior, type GaussianPrior } from '../../../src-main/engine/assimilate/posterior'
import { mcmcReference } from '../../../src-main/engine/assimilate/twin/reference'
import { condOptimum, jointOptimum, l2OneSidedOptimum, symPow } from '../../../src-main/engine/learn/gaussian'
import { simulateDataset } from '../../../src-main/engine/flows/simulate'
import { SimulationConfig } from '../../../src-main/shared/simulation'

const cfg = SimulationConfig.parse({
  flow: 'fourier', pairs: 3000, seed: 5, tracers: 2, starts: [[0.25, 0.25], [0.75, 0.75]], steps: 150, dt: 2e-4, recordEvery: 10,
  noise: 0.005, testFraction: 0.01, fourier: { modesPerSide: 2, rmsSpeed: 2 }
})

/** Coverage of the central 90 % interval and spread/skill of a Gaussian per coordinate, for a truth. */
function calibration(g: GaussianPrior, truth: Float64Array) {
  let inside = 0, spread = 0, err = 0
  for (let i = 0; i < g.dim; i++) {
    const s = Math.sqrt(g.variance[i])
    if (Math.abs(truth[i] - g.mean[i]) <= 1.6449 * s) inside++
    spread += s * s
    err += (truth[i] - g.mean[i]) ** 2
  }
  return { coverage90: inside / g.dim, spread: Math.sqrt(spread / g.dim), rmse: Math.sqrt(err / g.dim) }
}

describe('Gaussian findings on a small Fourier twin, against MCMC', () => {
  it('two-sided dot matches the mean but keeps the prior spread; one-sided L2 on v|u matches mean and spread; joint shrinks the mean', () => {
    const ds = simulateDataset(cfg)
    const nu = ds.nTracers * ds.nTimes * 2, nv = ds.paramDim
    const train = Array.from({ length: ds.nPairs }, (_, i) => i).filter((i) => ds.split[i] === 0)
    // empirical joint covariance of (u, v), u centred by its mean
    const mu = new Float64Array(nu)
    for (const i of train) for (let k = 0; k < nu; k++) mu[k] += ds.trajectories[i * nu + k] / train.length
    const C = new Matrix(nu + nv, nu + nv)
    const row = new Float64Array(nu + nv)
    for (const i of train) {
      for (let k = 0; k < nu; k++) row[k] = ds.trajectories[i * nu + k] - mu[k]
      for (let k = 0; k < nv; k++) row[nu + k] = ds.params[i * nv + k]
      for (let a = 0; a < nu + nv; a++) for (let b = 0; b <= a; b++) C.set(a, b, C.get(a, b) + (row[a] * row[b]) / (train.length - 1))
    }
    for (let a = 0; a < nu + nv; a++) for (let b = 0; b < a; b++) C.set(b, a, C.get(a, b))
    // the same joint with v first, for the one-sided loss on the v | u side (Thm 5.3 with the roles swapped)
    const perm = [...Array(nv).keys()].map((k) => nu + k).concat([...Array(nu).keys()])
    const Cvu = new Matrix(nu + nv, nu + nv)
    perm.forEach((a, i) => perm.forEach((b, j) => Cvu.set(i, j, C.get(a, b))))
    const prior = flowPrior(cfg).latent
    const Aw = condOptimum(C, nu) // nu × nv: s = ⟨u, A v⟩
    const Aj = jointOptimum(C, nu)
    const { A: Al, B: Bl } = l2OneSidedOptimum(Cvu, nv) // nv × nu and nv × nv: matches v | u
    const Wl = symPow(Bl, 0.5)
    const WlInvT = symPow(Bl, -0.5)

    const test = Array.from({ length: ds.nPairs }, (_, i) => i).filter((i) => ds.split[i] === 2).slice(0, 3)
    const stats = { dot: [] as ReturnType<typeof calibration>[], l2: [] as ReturnType<typeof calibration>[], mcmc: [] as ReturnType<typeof calibration>[], shrink: [] as number[] }
    for (const pair of test) {
      const u = Matrix.columnVector(Array.from({ length: nu }, (_, k) => ds.trajectories[pair * nu + k] - mu[k]))
      const truth = ds.params.slice(pair * nv, (pair + 1) * nv)
      const dot = gaussianConditional(prior, { weight: Aw, bias: new Float64Array(nu) }, u.getColumn(0), 1, 'dot')
      const joint = gaussianConditional(prior, { weight: Aj, bias: new Float64Array(nu) }, u.getColumn(0), 1, 'dot')
      const l2 = gaussianConditional(prior, { weight: Wl, bias: new Float64Array(nv) }, WlInvT.mmul(Al).mmul(u).getColumn(0), 1, 'l2')
      const observed = ds.trajectories.slice(pair * nu, (pair + 1) * nu)
      const r = mcmcReference(cfg, observed, { chains: 4, steps: 3000, seed: pair, keep: 300 })
      expect(r.run.diagnostics.maxRhat).toBeLessThan(1.2)
      const n = r.params.length / nv
      const m = new Float64Array(nv), v = new Float64Array(nv)
      for (let k = 0; k < n; k++) for (let i = 0; i < nv; i++) m[i] += r.params[k * nv + i] / n
      for (let k = 0; k < n; k++) for (let i = 0; i < nv; i++) v[i] += (r.params[k * nv + i] - m[i]) ** 2 / (n - 1)
      const mcmc = diagonalGaussian(m, Array.from(v, Math.sqrt))
      stats.dot.push(calibration(dot, m))
      stats.l2.push(calibration(l2, m))
      stats.mcmc.push(calibration(mcmc, truth))
      let nd = 0, nj = 0
      for (let i = 0; i < nv; i++) {
        nd += (dot.mean[i] - prior.mean[i]) ** 2
        nj += (joint.mean[i] - prior.mean[i]) ** 2
      }
      stats.shrink.push(Math.sqrt(nj / nd))
    }
    const avg = (xs: number[]) => xs.reduce((a, b) => a + b, 0) / xs.length
    const mcmcSpread = avg(stats.mcmc.map((s) => s.spread))
    // both conditional means sit near the MCMC posterior mean (within a fraction of the prior spread) …
    const priorSpread = Math.sqrt(avg(Array.from(prior.variance)))
    expect(avg(stats.dot.map((s) => s.rmse))).toBeLessThan(0.35 * priorSpread)
    expect(avg(stats.l2.map((s) => s.rmse))).toBeLessThan(0.35 * priorSpread)
    // … the two-sided dot conditional keeps the prior's spread: here 1.9× the posterior's (over-dispersed) …
    expect(avg(stats.dot.map((s) => s.spread))).toBeGreaterThan(1.5 * mcmcSpread)
    // … the one-sided L2 (v | u) conditional has the posterior's spread to within a factor 1.5 …
    expect(avg(stats.l2.map((s) => s.spread)) / mcmcSpread).toBeGreaterThan(1 / 1.5)
    expect(avg(stats.l2.map((s) => s.spread)) / mcmcSpread).toBeLessThan(1.5)
    // … and the joint loss shrinks the mean towards the prior's
    for (const s of stats.shrink) expect(s).toBeLessThan(0.95)
  })
})
