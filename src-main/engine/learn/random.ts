/** Seeded pseudo-random numbers for weights, shuffles and synthetic data: same seed → same bytes. */
import { mulberry32 } from '../../shared/mulberry32'

/** Uniforms in [0, 1) from mulberry32, the seed mixed with the golden-ratio constant. */
export function uniformRng(seed: number): () => number {
  return mulberry32((seed >>> 0) ^ 0x9e3779b9)
}

/** Standard normal draws (Box–Muller) from a seeded uniform generator. */
export function normalRng(seed: number): () => number {
  const next = uniformRng(seed)
  let spare: number | undefined
  return () => {
    if (spare !== undefined) {
      const s = spare
      spare = undefined
      return s
    }
    const u = Math.max(next(), 1e-300)
    const r = Math.sqrt(-2 * Math.log(u))
    const th = 2 * Math.PI * next()
    spare = r * Math.sin(th)
    return r * Math.cos(th)
  }
}

/** A seeded Fisher–Yates permutation of 0..n-1 applied to `items` (copied). */
export function shuffled(items: ArrayLike<number>, seed: number): Int32Array {
  const out = Int32Array.from(items)
  const rand = uniformRng(seed)
  for (let i = out.length - 1; i > 0; i--) {
    const j = Math.floor(rand() * (i + 1))
    const t = out[i]
    out[i] = out[j]
    out[j] = t
  }
  return out
}
