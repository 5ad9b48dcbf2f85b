import { describe, expect, it } from 'vitest'
import { rankNormalizedEss, rankNormalizedRhat, splitRhat } from '../../../src-main/engine/assimilate/posterior/diagnostics'
import { invariantDiagnostics } from '../../../src-main/engine/assimilate/twin/reference'
import { permuteVortices, VORTEX_PROBES, vortexInvariants } from '../../../src-main/engine/assimilate/twin/vortex-labels'
import { Rng } from '../../../src-main/engine/flows/rng'

const chainsOf = (chains: number, n: number, draw: (c: number, rng: Rng) => number, seed = 1) => {
  const rng = new Rng(seed, 0, 0x11)
  return Float64Array.from({ length: chains * n }, (_, k) => draw(Math.floor(k / n), rng))
}

function permutations(n: number): number[][] {
  if (n === 0) return [[]]
  return permutations(n - 1).flatMap((q) => Array.from({ length: n }, (_, i) => [...q.slice(0, i), n - 1, ...q.slice(i)]))
}

describe('rank-normalised split-R̂ (Vehtari et al. 2021)', () => {
  it('≈ 1 for mixed chains, also heavy-tailed ones (Cauchy), where plain split-R̂ is erratic', () => {
    expect(rankNormalizedRhat(chainsOf(4, 500, (_, r) => r.normal()), 4)).toBeLessThan(1.02)
    const cauchy = chainsOf(4, 500, (_, r) => r.normal() / r.normal(), 2)
    expect(rankNormalizedRhat(cauchy, 4)).toBeLessThan(1.02)
    expect(rankNormalizedEss(cauchy, 4)).toBeGreaterThan(1500)
  })

  it('depends on ranks only: an increasing transform leaves it unchanged', () => {
    const x = chainsOf(4, 200, (c, r) => r.normal() + 0.3 * c, 3)
    expect(rankNormalizedRhat(x.map(Math.exp), 4)).toBeCloseTo(rankNormalizedRhat(x, 4), 12)
    expect(rankNormalizedRhat(x.map((v) => 2 * v ** 3 + 1), 4)).toBeCloseTo(rankNormalizedRhat(x, 4), 12)
  })

  it('sees chains that agree in location but not in spread (the folded draws), which plain split-R̂ misses', () => {
    const x = chainsOf(4, 1000, (c, r) => (c < 2 ? 1 : 4) * r.normal(), 4)
    expect(splitRhat(x, 4)).toBeLessThan(1.05)
    expect(rankNormalizedRhat(x, 4)).toBeGreaterThan(1.1)
  })

  it('is large for chains stuck apart', () => {
    expect(rankNormalizedRhat(chainsOf(4, 300, (c, r) => 3 * c + r.normal(), 5), 4)).toBeGreaterThan(2)
  })
})

describe('label-free summaries of exchangeable vortices', () => {
  const v = Float64Array.from([0.1, -0.2, 0.5, 0.4, -0.6, 0.3, 0.2, 0.7, 4, 7, 5.5, 9])

  it('are the same for every relabelling of 4 vortices', () => {
    const ref = vortexInvariants(v, 4, VORTEX_PROBES)
    const out = new Float64Array(12)
    for (const perm of permutations(4)) {
      permuteVortices(v, perm, 4, 1, out)
      const s = vortexInvariants(out, 4, VORTEX_PROBES)
      for (let i = 0; i < ref.length; i++) expect(s[i]).toBeCloseTo(ref[i], 12)
    }
  })

  it('know their answers: sorted Γ, impulses and the velocity of one vortex at a probe', () => {
    const s = vortexInvariants(Float64Array.from([0.5, 0, 2 * Math.PI]), 1, [[0, 0]])
    // Γ; ΣΓx = π, ΣΓy = 0, ΣΓ|x|² = π/2, no pair energy; at (0, 0): u = −Γ dy / 2πr² = 0, v = Γ dx / 2πr² = −2
    expect(Array.from(s, (x) => Number(x.toFixed(12)))).toEqual([Number((2 * Math.PI).toFixed(12)), Number(Math.PI.toFixed(12)), 0, Number((Math.PI / 2).toFixed(12)), 0, 0, -2])
  })

  it('give the same R̂ whatever labels each draw carries, while R̂ on the raw labels sees a difference that is not there', () => {
    // 4 chains of draws around one configuration; then the same draws, each with its vortices shuffled
    const chains = 4, keep = 100, rng = new Rng(9, 0, 0x22)
    const draws = new Float64Array(chains * keep * 12), shuffled = new Float64Array(draws.length)
    const perms = permutations(4)
    for (let k = 0; k < chains * keep; k++) {
      const d = draws.subarray(k * 12, (k + 1) * 12)
      for (let i = 0; i < 12; i++) d[i] = v[i] + (i < 8 ? 0.02 : 0.2) * rng.normal()
      // chain c carries labels permuted by a chain-specific relabelling
      permuteVortices(d, perms[(Math.floor(k / keep) * 7) % perms.length], 4, 1, shuffled.subarray(k * 12, (k + 1) * 12))
    }
    const phi = Float64Array.from({ length: chains * keep }, () => 40 + rng.normal())
    const a = invariantDiagnostics(draws, phi, 4, chains, keep), b = invariantDiagnostics(shuffled, phi, 4, chains, keep)
    // equal up to the last bit of sums taken in another order (which can split the folded draws' tie at the median)
    a.rhat.forEach((r, i) => expect(Math.abs(b.rhat[i] - r)).toBeLessThan(1e-4))
    expect(a.maxRhat).toBeLessThan(1.1)
    const column = Float64Array.from({ length: chains * keep }, (_, k) => shuffled[k * 12])
    expect(splitRhat(column, chains)).toBeGreaterThan(2)
  })
})
