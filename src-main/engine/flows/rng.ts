/** Seeded random streams for simulation: one independent stream per (seed, stream id, purpose), so results never depend on worker count. */

/** Purposes of random streams; each gets its own salt so draws never collide. */
export const STREAM = {
  /** Data-set-wide flow constants (e.g. Fourier frequencies). */
  constants: 0x51a7,
  /** One pair's flow parameters (the potential v). */
  params: 0x9a1e,
  /** One pair's observation noise on recorded positions. */
  observation: 0x0b5e,
  /** One pair's stochastic forcing of the vortices ("noisy truth"). */
  system: 0x5157
} as const

function mix32(h: number): number {
  // murmur3 finaliser: a cheap bijective avalanche on 32 bits
  h ^= h >>> 16
  h = Math.imul(h, 0x85ebca6b)
  h ^= h >>> 13
  h = Math.imul(h, 0xc2b2ae35)
  h ^= h >>> 16
  return h >>> 0
}

/**
 * xoshiro128** generator seeded from (seed, index, purpose). Deterministic, platform independent (32-bit integer
 * arithmetic only), fast enough for noise in the hot loop.
 */
export class Rng {
  private s0: number
  private s1: number
  private s2: number
  private s3: number
  private spare = NaN

  constructor(seed: number, index = 0, purpose = 0) {
    // split the seed into two 32-bit halves so seeds up to 2^53 stay distinct
    const lo = seed >>> 0
    const hi = Math.floor(seed / 4294967296) >>> 0
    let h = mix32(lo ^ mix32(hi + 0x9e3779b9))
    h = mix32(h ^ mix32(index + 0x7f4a7c15))
    h = mix32(h ^ mix32(purpose + 0x3c6ef372))
    this.s0 = mix32(h + 0x243f6a88)
    this.s1 = mix32(h + 0x85a308d3)
    this.s2 = mix32(h + 0x13198a2e)
    this.s3 = mix32(h + 0x03707344) | 1 // never all zero
    for (let i = 0; i < 8; i++) this.nextUint32()
  }

  /** Next 32-bit unsigned integer. */
  nextUint32(): number {
    const result = Math.imul(rotl(Math.imul(this.s1, 5), 7), 9) >>> 0
    const t = this.s1 << 9
    this.s2 ^= this.s0
    this.s3 ^= this.s1
    this.s1 ^= this.s2
    this.s0 ^= this.s3
    this.s2 ^= t
    this.s3 = rotl(this.s3, 11)
    return result
  }

  /** Uniform in [0, 1) with 53 random bits. */
  uniform(): number {
    const a = this.nextUint32() >>> 5
    const b = this.nextUint32() >>> 6
    return (a * 67108864 + b) / 9007199254740992
  }

  /** Uniform in [lo, hi). */
  between(lo: number, hi: number): number {
    return lo + (hi - lo) * this.uniform()
  }

  /** Standard normal (Box–Muller, both values used). */
  normal(): number {
    if (!Number.isNaN(this.spare)) {
      const s = this.spare
      this.spare = NaN
      return s
    }
    let u = 0
    while (u === 0) u = this.uniform()
    const v = this.uniform()
    const r = Math.sqrt(-2 * Math.log(u))
    this.spare = r * Math.sin(2 * Math.PI * v)
    return r * Math.cos(2 * Math.PI * v)
  }
}

function rotl(x: number, k: number): number {
  return (x << k) | (x >>> (32 - k))
}
