/**
 * Colour limits of a heat map, as Panoply/ncview users expect: robust by default (2nd–98th percentile, so a few
 * extreme cells do not wash out the map), symmetric about 0 for signed fields and differences, logarithmic for
 * magnitudes spanning decades, or fixed by hand. Pure.
 */

export type LimitMode = 'robust' | 'full' | 'log' | 'manual'

export const LIMIT_LABELS: Record<LimitMode, string> = {
  robust: 'automatic (2–98 %)',
  full: 'full range',
  log: 'logarithmic',
  manual: 'manual'
}

/** The percentiles of the robust limits. */
export const ROBUST_PERCENTILES = [2, 98] as const

export interface ColorLimits {
  min: number
  max: number
  /** Colour by log10 of the value (min, max are values, not logarithms). */
  log: boolean
  /** Some values lie below min / above max (drawn in the end colours; the colour bar says so). */
  clippedLow: boolean
  clippedHigh: boolean
}

/** Linear-interpolated percentile p ∈ [0, 100] of ascending `sorted` (numpy's default). */
export function percentile(sorted: readonly number[], p: number): number {
  if (!sorted.length) return NaN
  const pos = (Math.min(100, Math.max(0, p)) / 100) * (sorted.length - 1)
  const lo = Math.floor(pos)
  const hi = Math.min(sorted.length - 1, lo + 1)
  return sorted[lo] + (sorted[hi] - sorted[lo]) * (pos - lo)
}

/**
 * @param symmetric signed data: limits ±m about 0 (differences, vorticity, stream function).
 * @param manual the user's [min, max] for mode 'manual' (ignored unless min < max).
 */
export function colorLimits(values: Iterable<number>, mode: LimitMode, symmetric: boolean, manual?: { min?: number; max?: number }): ColorLimits {
  const finite: number[] = []
  for (const v of values) if (Number.isFinite(v) && (mode !== 'log' || v > 0)) finite.push(v)
  finite.sort((a, b) => a - b)
  const log = mode === 'log' && !symmetric
  let [min, max] = [finite[0] ?? 0, finite[finite.length - 1] ?? 1]
  if (mode === 'robust' || log) [min, max] = [percentile(finite, ROBUST_PERCENTILES[0]), percentile(finite, ROBUST_PERCENTILES[1])]
  if (symmetric && mode !== 'manual') {
    const m = Math.max(Math.abs(min), Math.abs(max))
    ;[min, max] = [-m, m]
  }
  if (mode === 'manual' && manual?.min !== undefined && manual.max !== undefined && manual.min < manual.max) [min, max] = [manual.min, manual.max]
  if (!(min < max)) [min, max] = min > 0 && log ? [min / 10, min * 10] : [min - (Math.abs(min) || 1) * 0.5, max + (Math.abs(max) || 1) * 0.5]
  return { min, max, log, clippedLow: (finite[0] ?? min) < min, clippedHigh: (finite[finite.length - 1] ?? max) > max }
}

/** The number a cell is coloured by under these limits: clamped into [min, max], log10 when logarithmic (NaN stays NaN). */
export function visualValue(v: number, l: ColorLimits): number {
  if (!Number.isFinite(v)) return NaN
  if (l.log) return v > 0 ? Math.log10(Math.min(l.max, Math.max(l.min, v))) : Math.log10(l.min)
  return Math.min(l.max, Math.max(l.min, v))
}
