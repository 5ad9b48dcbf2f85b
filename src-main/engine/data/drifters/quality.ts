/**
 * The quality of imported tracks, as an oceanographer checks it first: the sampling interval, gaps, stationary
 * (grounded) periods, and the fixes a raw GPS log holds before release and after pick-up (on deck, in harbour,
 * at ship speed).
 */
import type { DrifterQuality, ImportProblem, StationaryPeriod, TrackGap } from '../../../shared/drifters'
import { greatCircleDistance } from './sphere'
import { isoTime } from './time'
import { pickFixes, type DrifterTrack } from './types'

/** The thresholds, in one place (they are stated in the report). */
export const QUALITY_LIMITS = {
  /** A gap is a time between fixes longer than this many sampling intervals ... */
  gapFactor: 3,
  /** ... and longer than this, seconds (so minute-sampled GPS logs do not report every missed fix). */
  gapMinSeconds: 3600,
  /** Stationary: all fixes within this radius of the period's first fix (GPS scatter, a drifter on a beach), m ... */
  stationaryRadiusMetres: 300,
  /** ... for at least this long, seconds (a drifting buoy moves more than 300 m in 12 h). */
  stationaryMinSeconds: 12 * 3600,
  /** Faster than any surface current over half an hour: on a ship, m/s. */
  shipSpeed: 3,
  /** Speeds are measured over at least this span, seconds (single GPS jumps are not ship transits). */
  speedSpanSeconds: 1800,
  /** Off-water fixes this close in time, across fixes that look in water, are one before-release / after-recovery stretch, seconds. */
  linkSeconds: 3 * 3600
} as const

const hours = (s: number) => Math.round((s / 3600) * 100) / 100

function median(values: number[]): number {
  if (values.length === 0) return NaN
  const v = [...values].sort((a, b) => a - b)
  return v[Math.floor(v.length / 2)]
}

/** Fix index ranges [first, last] where the drifter stayed within the stationary radius for the minimum time. */
function stationaryRanges(d: DrifterTrack): [number, number][] {
  const { stationaryRadiusMetres: r, stationaryMinSeconds: minS } = QUALITY_LIMITS
  const out: [number, number][] = []
  const n = d.time.length
  let i = 0
  while (i < n) {
    let j = i
    while (j + 1 < n && greatCircleDistance(d.lat[i], d.lon[i], d.lat[j + 1], d.lon[j + 1]) <= r) j++
    if (d.time[j] - d.time[i] >= minS) {
      out.push([i, j])
      i = j + 1
    } else i++
  }
  return out
}

/** Per fix: moving at ship speed over the next half hour (or the last half hour, at the end). */
function fastFixes(d: DrifterTrack): Uint8Array {
  const { shipSpeed, speedSpanSeconds } = QUALITY_LIMITS
  const n = d.time.length
  const fast = new Uint8Array(n)
  let j = 0
  for (let i = 0; i < n; i++) {
    j = Math.max(j, i)
    while (j < n - 1 && d.time[j] - d.time[i] < speedSpanSeconds) j++
    let a = i
    let b = j
    if (d.time[b] - d.time[a] < speedSpanSeconds) {
      // Near the end: look back instead.
      a = i
      while (a > 0 && d.time[i] - d.time[a] < speedSpanSeconds) a--
      b = i
    }
    const dt = d.time[b] - d.time[a]
    if (dt > 0 && greatCircleDistance(d.lat[a], d.lon[a], d.lat[b], d.lon[b]) / dt > shipSpeed) fast[i] = 1
  }
  return fast
}

/**
 * The last index of the off-water stretch that starts at `from` and walks by `step` (−1 when there is none):
 * consecutive off-water fixes join whatever the time between them (a logger in harbour may stay silent for days);
 * across in-water-looking fixes, off-water fixes join when they are at most `linkSeconds` apart.
 */
function offWaterEnd(d: DrifterTrack, off: Uint8Array, from: number, step: 1 | -1): number {
  // The stretch may begin a little after the first (before the last) fix: a few unremarkable fixes at the very end.
  let e = from
  while (!off[e] && e + step >= 0 && e + step < d.time.length && Math.abs(d.time[e + step] - d.time[from]) <= QUALITY_LIMITS.linkSeconds) e += step
  if (!off[e]) return -1
  for (let k = e + step; k >= 0 && k < d.time.length; k += step) {
    const apart = Math.abs(d.time[k] - d.time[e])
    if (off[k] && (k === e + step || apart <= QUALITY_LIMITS.linkSeconds)) e = k
    else if (apart > QUALITY_LIMITS.linkSeconds) break
  }
  return e
}

/** Quality of one drifter's track. */
export function trackQuality(d: DrifterTrack): DrifterQuality {
  const n = d.time.length
  const steps: number[] = []
  for (let i = 1; i < n; i++) steps.push(d.time[i] - d.time[i - 1])
  const sampling = median(steps)
  const gapOver = Math.max(QUALITY_LIMITS.gapFactor * sampling, QUALITY_LIMITS.gapMinSeconds)
  const gaps: TrackGap[] = []
  for (let i = 1; i < n; i++)
    if (d.time[i] - d.time[i - 1] > gapOver) gaps.push({ start: isoTime(d.time[i - 1]), end: isoTime(d.time[i]), hours: hours(d.time[i] - d.time[i - 1]) })
  const ranges = stationaryRanges(d)
  const stationary: StationaryPeriod[] = ranges.map(([a, b]) => ({
    start: isoTime(d.time[a]),
    end: isoTime(d.time[b]),
    hours: hours(d.time[b] - d.time[a]),
    fixes: b - a + 1,
    lat: d.lat[a],
    lon: d.lon[a]
  }))
  const quality: DrifterQuality = { id: d.id, samplingSeconds: sampling, gaps, stationary }
  if (n < 3) return quality
  const off = fastFixes(d)
  for (const [a, b] of ranges) off.fill(1, a, b + 1)
  const released = offWaterEnd(d, off, 0, 1) + 1
  const trailing = offWaterEnd(d, off, n - 1, -1)
  const recovered = trailing === -1 ? n : trailing
  // Only a real in-water part between them makes "before release" and "after recovery" meaningful.
  if (recovered - released >= 2) {
    if (released > 0) quality.beforeRelease = { fixes: released, start: isoTime(d.time[0]), end: isoTime(d.time[released - 1]) }
    if (recovered < n) quality.afterRecovery = { fixes: n - recovered, start: isoTime(d.time[recovered]), end: isoTime(d.time[n - 1]) }
  }
  return quality
}

/** Warnings an import reports for the quality found (gaps, stationary periods, off-water fixes). */
export function qualityProblems(quality: DrifterQuality[], trimmed: boolean): ImportProblem[] {
  const problems: ImportProblem[] = []
  for (const q of quality) {
    const where = `drifter ${q.id}`
    if (q.gaps.length > 0) {
      const longest = q.gaps.reduce((a, b) => (b.hours > a.hours ? b : a))
      problems.push({ severity: 'warning', where, message: `${q.gaps.length} gap${q.gaps.length === 1 ? '' : 's'} in the track (longest ${longest.hours} h, ${longest.start} → ${longest.end}; sampling every ${hours(q.samplingSeconds)} h)` })
    }
    for (const s of q.stationary)
      problems.push({ severity: 'warning', where, message: `stationary for ${s.hours} h (${s.start} → ${s.end}, ${s.fixes} fixes within ${QUALITY_LIMITS.stationaryRadiusMetres} m of ${s.lat.toFixed(4)}, ${s.lon.toFixed(4)}): grounded, on deck or in harbour` })
    const action = trimmed ? 'left out' : 'kept (import with --trim to leave them out)'
    if (q.beforeRelease)
      problems.push({ severity: 'warning', where, message: `${q.beforeRelease.fixes} fixes before release (${q.beforeRelease.start} → ${q.beforeRelease.end}: stationary or at ship speed) ${action}` })
    if (q.afterRecovery)
      problems.push({ severity: 'warning', where, message: `${q.afterRecovery.fixes} fixes after pick-up or grounding (${q.afterRecovery.start} → ${q.afterRecovery.end}: stationary or at ship speed) ${action}` })
  }
  return problems
}

/** The track without the fixes before release and after recovery that `trackQuality` found. */
export function trimToWater(d: DrifterTrack, q: DrifterQuality): DrifterTrack {
  const a = q.beforeRelease?.fixes ?? 0
  const b = d.time.length - (q.afterRecovery?.fixes ?? 0)
  if (a === 0 && b === d.time.length) return d
  return pickFixes(d, Array.from({ length: b - a }, (_, k) => a + k))
}
