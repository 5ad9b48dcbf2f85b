/** Hover read-outs on geographic maps: UTC times, positions to GPS precision, drifter speeds in m/s. Pure. */
import { distanceKm, formatLatitude, formatLongitude } from './geo-projection'

/** "2023-04-24 08:00 UTC" (seconds since 1970-01-01T00:00:00Z; with seconds when they are not zero). */
export function formatUtc(seconds: number): string {
  if (!Number.isFinite(seconds)) return '—'
  const iso = new Date(Math.round(seconds) * 1000).toISOString()
  const s = iso.slice(17, 19)
  return `${iso.slice(0, 10)} ${iso.slice(11, 16)}${s === '00' ? '' : `:${s}`} UTC`
}

/** "54.5093°N, 10.1950°E": 4 decimals ≈ 10 m, the precision of a GPS fix. */
export function formatPosition(lon: number, lat: number, digits = 4): string {
  return `${formatLatitude(lat, digits)}, ${formatLongitude(lon, digits)}`
}

/** A duration in the largest unit that keeps it readable: "45 s", "12 min", "3.5 h", "2.3 days". */
export function formatDuration(seconds: number): string {
  const a = Math.abs(seconds)
  if (!Number.isFinite(a)) return '—'
  if (a < 60) return `${Math.round(a)} s`
  if (a < 3570) return `${Math.round(a / 60)} min`
  if (a < 48 * 3600) return `${Number((a / 3600).toPrecision(2))} h`
  return `${Number((a / 86400).toPrecision(2))} days`
}

/**
 * Speed (m/s) at each fix of a track from its neighbours: centred differences inside, one-sided at the
 * ends, NaN where the time step is not positive or there is a single fix.
 */
export function trackSpeeds(lon: readonly number[], lat: readonly number[], time: readonly number[]): number[] {
  const n = time.length
  return Array.from({ length: n }, (_, k) => {
    const a = Math.max(0, k - 1)
    const b = Math.min(n - 1, k + 1)
    const dt = time[b] - time[a]
    return b > a && dt > 0 ? (distanceKm(lon[a], lat[a], lon[b], lat[b]) * 1000) / dt : NaN
  })
}

/** Escape text from a file (drifter ids) before it goes into tooltip HTML. */
export function escapeHtml(text: string): string {
  return text.replace(/[&<>"']/g, (c) => ({ '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;', "'": '&#39;' })[c] as string)
}

/** The read-out of one drifter fix: id, UTC time, position, speed (m/s). HTML, with the id escaped. */
export function fixReadout(id: string, lon: number, lat: number, time: number, speed: number): string {
  const v = Number.isFinite(speed) ? `${speed.toFixed(2)} m/s` : '—'
  return `<b>${escapeHtml(id)}</b><br/>${formatUtc(time)}<br/>${formatPosition(lon, lat)}<br/>speed ${v}`
}
