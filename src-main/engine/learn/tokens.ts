/**
 * Lays trajectories out as time tokens for the sequence encoder (patch embedding, arXiv 2505.24134 §6.3
 * treats each recorded position as a token): consecutive recorded times are grouped into patches of
 * `patch` times (all tracers, x and y), and the tokens cover **every** recorded time, so a 1000-time
 * trajectory becomes e.g. 100 tokens of 10 times. When `patch` does not divide the record, the last
 * token is padded by repeating the final position.
 * Layouts of older models (tokens × patch < times) subsample evenly spaced times instead (kept so they load).
 */
export interface TokenLayout { tracers: number; times: number; tokens: number; patch: number }

/** Token feature size: patch × tracers × 2. */
export function tokenDim(l: TokenLayout): number {
  return l.patch * l.tracers * 2
}

/** The smallest patch that covers all `times` recorded times with at most `maxTokens` tokens. */
export function defaultTokenLayout(tracers: number, times: number, maxTokens = 100): TokenLayout {
  const patch = Math.max(1, Math.ceil(times / Math.max(1, maxTokens)))
  return { tracers, times, tokens: Math.ceil(times / patch), patch }
}

/** Whether the layout uses every recorded time (all layouts made by defaultTokenLayout do). */
export function coversAllTimes(l: TokenLayout): boolean {
  return l.tokens * l.patch >= l.times
}

/** The recorded time index held by token slot s (s < tokens × patch). */
export function slotTime(l: TokenLayout, s: number): number {
  const used = l.tokens * l.patch
  if (coversAllTimes(l)) return Math.min(s, l.times - 1)
  return used === 1 ? 0 : Math.round((s * (l.times - 1)) / (used - 1)) // legacy: evenly spaced subsample
}

/** count trajectories (tracers × times × 2 each) → count × tokens × tokenDim, as Float64. */
export function arrangeTokens(traj: Float64Array, count: number, l: TokenLayout): Float64Array {
  const used = l.tokens * l.patch
  const td = tokenDim(l)
  const out = new Float64Array(count * l.tokens * td)
  const perItem = l.tracers * l.times * 2
  for (let n = 0; n < count; n++)
    for (let s = 0; s < used; s++) {
      const t = slotTime(l, s)
      const tok = Math.floor(s / l.patch)
      const slot = s % l.patch
      for (let r = 0; r < l.tracers; r++)
        for (let c = 0; c < 2; c++)
          out[(n * l.tokens + tok) * td + (slot * l.tracers + r) * 2 + c] = traj[n * perItem + (r * l.times + t) * 2 + c]
    }
  return out
}
