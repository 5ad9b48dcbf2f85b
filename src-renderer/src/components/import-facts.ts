/** The facts an import summary states in words: sampling interval, extent, gaps, variables kept and ignored. Pure. */
import type { ImportSummary } from '@shared/drifters'
import { boxSizeKm, formatLatitude, formatLongitude } from '@renderer/charts/geo-projection'
import { formatDuration } from '@renderer/charts/geo-readout'

export interface ImportFacts {
  sampling: string
  extent: string
  gaps: string
  kept: string
  ignored: string
}

function median(xs: number[]): number {
  const s = [...xs].sort((a, b) => a - b)
  const m = s.length >> 1
  return s.length % 2 ? s[m] : (s[m - 1] + s[m]) / 2
}

/** "every 1 min" when all drifters agree, else "median 1 h (10 min – 6 h across drifters)". */
export function samplingText(seconds: readonly number[]): string {
  const xs = seconds.filter((s) => Number.isFinite(s) && s > 0)
  if (!xs.length) return 'not known (fewer than 2 fixes per drifter)'
  const lo = Math.min(...xs)
  const hi = Math.max(...xs)
  const same = formatDuration(lo) === formatDuration(hi)
  return same ? `every ${formatDuration(lo)}` : `median ${formatDuration(median(xs))} (${formatDuration(lo)} – ${formatDuration(hi)} across drifters)`
}

/** "54.31°N – 54.87°N, 10.19°E – 12.16°E (128 × 62 km)". */
export function extentText(e: NonNullable<ImportSummary['extent']>): string {
  const { width, height } = boxSizeKm({ west: e.lonMin, east: e.lonMax, south: e.latMin, north: e.latMax })
  const km = (x: number) => (x >= 10 ? Math.round(x).toString() : x.toFixed(1))
  const lat = `${formatLatitude(e.latMin, 2)} – ${formatLatitude(e.latMax, 2)}`
  const lon = `${formatLongitude(e.lonMin, 2)} – ${formatLongitude(e.lonMax, 2)}`
  return `${lat}, ${lon} (${km(width)} × ${km(height)} km)`
}

/** "none" or "3 in 2 drifters; longest 5.2 h (D301 from 2023-04-25 10:00 UTC)". */
export function gapsText(summary: ImportSummary): string {
  const q = summary.quality
  if (!q) {
    const n = (summary.perDrifter ?? []).reduce((a, d) => a + (d.gaps ?? 0), 0)
    return summary.perDrifter?.some((d) => d.gaps !== undefined) ? (n ? `${n}` : 'none') : 'not checked'
  }
  const all = q.flatMap((d) => d.gaps.map((g) => ({ id: d.id, ...g })))
  if (!all.length) return 'none'
  const longest = all.reduce((a, b) => (b.hours > a.hours ? b : a))
  const drifters = new Set(all.map((g) => g.id)).size
  const when = longest.start.replace('T', ' ').replace(/:\d\d(\.\d+)?Z$/, ' UTC')
  return `${all.length} in ${drifters} drifter${drifters === 1 ? '' : 's'}; longest ${formatDuration(longest.hours * 3600)} (${longest.id} from ${when})`
}

export function importFacts(summary: ImportSummary): ImportFacts {
  const seconds = summary.quality?.map((q) => q.samplingSeconds) ?? summary.perDrifter?.map((d) => d.samplingSeconds ?? NaN) ?? []
  return {
    sampling: samplingText(seconds),
    extent: summary.extent ? extentText(summary.extent) : 'not reported',
    gaps: gapsText(summary),
    kept: summary.variables?.kept.join(', ') ?? 'not reported',
    ignored: summary.variables ? summary.variables.ignored.join(', ') || 'none' : 'not reported'
  }
}
