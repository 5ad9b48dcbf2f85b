/**
 * Identical point vortices are exchangeable: the prior, the likelihood and every field are unchanged when their
 * labels are permuted. Samplers and filters compare draws only after matching labels (positions, and Γ in units of
 * the mean circulation) to a reference configuration, or on label-free summaries (`vortexInvariants`).
 */
import { vortexHamiltonian, vortexImpulses, vortexVelocity } from '../../flows/vortex'

/** best(v, ref)[j] = the vortex of v that plays ref's vortex j (all permutations up to 6 vortices, else greedy). */
export function vortexMatcher(n: number, circulation: number): (v: Float64Array, ref: Float64Array) => number[] {
  const g = Math.abs(circulation) || 1
  const perms = n <= 6 ? permutations(n) : []
  return (v, ref) => {
    const cost = (i: number, j: number) => (v[2 * i] - ref[2 * j]) ** 2 + (v[2 * i + 1] - ref[2 * j + 1]) ** 2 + ((v[2 * n + i] - ref[2 * n + j]) / g) ** 2
    if (!perms.length) {
      const free = new Set(Array.from({ length: n }, (_, i) => i))
      return Array.from({ length: n }, (_, j) => {
        let arg = -1
        for (const i of free) if (arg < 0 || cost(i, j) < cost(arg, j)) arg = i
        free.delete(arg)
        return arg
      })
    }
    let best = perms[0], bestCost = Infinity
    for (const perm of perms) {
      let c = 0
      for (let j = 0; j < n; j++) c += cost(perm[j], j)
      if (c < bestCost) [bestCost, best] = [c, perm]
    }
    return best
  }
}

/** out = v with vortex j taken from vortex perm[j]: pairs (x, y) first, then `tail` blocks of one number per vortex. */
export function permuteVortices(v: Float64Array, perm: number[], n: number, tail: number, out: Float64Array): void {
  for (let j = 0; j < n; j++) {
    out[2 * j] = v[2 * perm[j]]
    out[2 * j + 1] = v[2 * perm[j] + 1]
    for (let t = 0; t < tail; t++) out[(2 + t) * n + j] = v[(2 + t) * n + perm[j]]
  }
}

function permutations(n: number): number[][] {
  if (n === 0) return [[]]
  return permutations(n - 1).flatMap((q) => Array.from({ length: n }, (_, i) => [...q.slice(0, i), n - 1, ...q.slice(i)]))
}

/**
 * Label-free summaries of a vortex configuration v = [x₁, y₁, …, Γ₁, …]: functions that no relabelling of the
 * vortices changes, so chains can be compared on them without choosing a labelling (a canonical order can flip
 * between draws where two vortices are close in the matching cost, which alone inflates a per-label R̂). In order:
 * the circulations sorted; the flow's invariants of motion — linear impulse Σ Γx, Σ Γy, angular impulse Σ Γ|x|²
 * and the Kirchhoff–Routh energy −Σ ΓᵢΓⱼ ln rᵢⱼ²/4π; and the initial velocity (u, v) at fixed probe points (what
 * the drifters sample). Heavy-tailed near a vortex, so compare them with rank-normalised R̂.
 */
export function vortexInvariants(v: Float64Array, n: number, probes: readonly (readonly [number, number])[]): Float64Array {
  const out = new Float64Array(n + 4 + 2 * probes.length)
  const pos = v.subarray(0, 2 * n), gamma = v.subarray(2 * n, 3 * n)
  out.set(Float64Array.from(gamma).sort())
  const { px, py, angular } = vortexImpulses(pos, gamma)
  out.set([px, py, angular, vortexHamiltonian(pos, gamma)], n)
  probes.forEach(([x, y], k) => vortexVelocity(x, y, pos, gamma, out.subarray(n + 4 + 2 * k, n + 6 + 2 * k)))
  return out
}

export function vortexInvariantNames(n: number, probes: readonly (readonly [number, number])[]): string[] {
  return [
    ...Array.from({ length: n }, (_, j) => `Γ(${j + 1})`), 'ΣΓx', 'ΣΓy', 'ΣΓ|x|²', 'energy',
    ...probes.flatMap(([x, y]) => [`u(${x}, ${y})`, `v(${x}, ${y})`])
  ]
}

/** Probe points of the invariant summaries: the disc's centre and 8 points on rings of radius ½ and 1 (the placement disc's edge). */
export const VORTEX_PROBES: readonly (readonly [number, number])[] = [
  [0, 0], [0.5, 0], [0, 0.5], [-0.5, 0], [0, -0.5], [0.71, 0.71], [-0.71, 0.71], [-0.71, -0.71], [0.71, -0.71]
]
