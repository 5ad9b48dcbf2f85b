/** The analysis window: by default the longest span all drifters share; else the span with most drifter-time. */
import type { DrifterTrack } from './types'

export interface AnalysisWindow {
  /** Epoch seconds. */
  start: number
  end: number
  /** How it was chosen, for display. */
  reason: string
  /** Ids of the drifters that cover the whole window. */
  drifters: string[]
}

const covers = (d: DrifterTrack, start: number, end: number) => d.time[0] <= start && d.time[d.time.length - 1] >= end

/**
 * Default window: the intersection of all drifters' time spans (the longest common span). When some
 * drifters never overlap, the window [s, e] (s a drifter start, e a drifter end) maximising
 * (drifters covering it) × (e − s), so as much drifter-time as possible is kept.
 */
export function chooseWindow(drifters: DrifterTrack[], given?: { start: number; end: number }): AnalysisWindow {
  if (given) {
    return { ...given, reason: 'given', drifters: drifters.filter((d) => covers(d, given.start, given.end)).map((d) => d.id) }
  }
  const starts = drifters.map((d) => d.time[0])
  const ends = drifters.map((d) => d.time[d.time.length - 1])
  const start = Math.max(...starts)
  const end = Math.min(...ends)
  if (end > start) return { start, end, reason: `longest span common to all ${drifters.length} drifters`, drifters: drifters.map((d) => d.id) }
  let best = { start: 0, end: 0, score: -1, count: 0 }
  for (const s of starts)
    for (const e of ends) {
      if (e <= s) continue
      const count = drifters.filter((d) => covers(d, s, e)).length
      const score = count * (e - s)
      if (score > best.score) best = { start: s, end: e, score, count }
    }
  return {
    start: best.start,
    end: best.end,
    reason: `the drifters do not all overlap: span with the most drifter-time (${best.count} of ${drifters.length} drifters)`,
    drifters: drifters.filter((d) => covers(d, best.start, best.end)).map((d) => d.id)
  }
}
