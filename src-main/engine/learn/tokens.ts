/**
 * Lays trajectories out as time tokens for the sequence encoder: the recorded times are subsampled
 * to `tokens × patch` evenly spaced times, and each token is a patch of `patch` consecutive ones
 * (all tracers, x and y), so a 1000-time trajectory becomes e.g. 25 tokens of 4 times.
 */
export interface TokenLayout { tracers: number; times: number; tokens: number; patch: number }

/** Token feature size: patch × tracers × 2. */
export function tokenDim(l: TokenLayout): number {
  return l.patch * l.tracers * 2
}

/** A default layout: at most `maxTokens` tokens, patches of up to 4 times. */
export function defaultTokenLayout(tracers: number, times: number, maxTokens = 25): TokenLayout {
  const tokens = Math.max(1, Math.min(maxTokens, times))
  const patch = Math.max(1, Math.min(4, Math.floor(times / tokens)))
  return { tracers, times, tokens, patch }
}

/** count trajectories (tracers × times × 2 each) → count × tokens × tokenDim, as Float64. */
export function arrangeTokens(traj: Float64Array, count: number, l: TokenLayout): Float64Array {
  const used = l.tokens * l.patch
  const td = tokenDim(l)
  const out = new Float64Array(count * l.tokens * td)
  const perItem = l.tracers * l.times * 2
  for (let n = 0; n < count; n++)
    for (let s = 0; s < used; s++) {
      // evenly spaced time index, covering the whole record
      const t = used === 1 ? 0 : Math.round((s * (l.times - 1)) / (used - 1))
      const tok = Math.floor(s / l.patch)
      const slot = s % l.patch
      for (let r = 0; r < l.tracers; r++)
        for (let c = 0; c < 2; c++)
          out[(n * l.tokens + tok) * td + (slot * l.tracers + r) * 2 + c] = traj[n * perItem + (r * l.times + t) * 2 + c]
    }
  return out
}
