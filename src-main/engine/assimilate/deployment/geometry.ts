/**
 * A real deployment in physical units: the analysis window (longest span in which ≥ 3 drifters report), the
 * sampling step (from the fixes), positions on that time grid in a local azimuthal-equidistant projection (proj4,
 * km), velocities from positions (m/s) and the real gaps as masks. Every choice the user did not make is recorded
 * in `choices`; each bad input is one UserError naming the file and what to change.
 */
import proj4 from 'proj4'
import { UserError } from '../../jobs/job'
import { isoTime } from '../../data/drifters/time'
import { sphericalCentre } from '../../data/drifters/sphere'
import type { DrifterTrack, DrifterTracks } from '../../data/drifters/types'

/** Drifters that must report at once for the default window (fewer if the file has fewer). */
export const MIN_REPORTING = 3
/** Fewest drifters an assimilation can use (leave-one-drifter-out needs one to predict from). */
export const MIN_DRIFTERS = 2
/** Fewest samples in the window (a centred velocity needs three). */
export const MIN_SAMPLES = 3
/** Most samples per drifter: the default step is coarsened to stay under it. */
export const MAX_SAMPLES = 300
/** Largest distance of any fix from the projection centre, km: beyond it one local projection distorts too much. */
export const MAX_RADIUS_KM = 1500
/** A drifter whose fixes stay within this radius of their mean over the whole window is grounded, km. */
export const GROUNDED_KM = 0.05
/** Domain margin around the tracks: this fraction of the larger extent, but at least MIN_MARGIN_KM. */
export const MARGIN_FRACTION = 0.15
export const MIN_MARGIN_KM = 5
/** Steps the default step is rounded up to, hours. */
const NICE_STEPS_H = [1 / 60, 2 / 60, 5 / 60, 10 / 60, 0.25, 0.5, 1, 2, 3, 6, 12, 24]

export interface Projection {
  /** proj4 definition (metres). */
  def: string
  centre: { lat: number; lon: number }
  /** lon/lat (degrees) → x/y (km). */
  toKm(lon: number, lat: number): [number, number]
  /** x/y (km) → lon/lat (degrees). */
  toLonLat(x: number, y: number): [number, number]
}

export interface Box { x0: number; x1: number; y0: number; y1: number }

export interface Deployment {
  source: string
  ids: string[]
  nD: number
  nT: number
  /** Sample times, epoch seconds; step in seconds. */
  times: Float64Array
  step: number
  window: { start: number; end: number; reason: string }
  stepReason: string
  /** Positions (km) and velocities (m/s) on drifters × times, NaN in gaps; `mask` 1 where the velocity is valid. */
  x: Float64Array
  y: Float64Array
  u: Float64Array
  v: Float64Array
  mask: Uint8Array
  projection: Projection
  /** Tracks' extent plus the margin, km. */
  box: Box
  choices: string[]
  notes: string[]
}

export interface GeometryOptions {
  window?: { start: number; end: number }
  drifters?: string[]
  stepHours?: number
}

/** The local azimuthal-equidistant projection centred on (lat, lon), in km. */
export function localProjection(lat: number, lon: number): Projection {
  const def = `+proj=aeqd +lat_0=${lat.toFixed(6)} +lon_0=${lon.toFixed(6)} +x_0=0 +y_0=0 +ellps=WGS84 +units=m +no_defs`
  const p = proj4('EPSG:4326', def)
  return {
    def,
    centre: { lat, lon },
    toKm: (lo, la) => {
      const [x, y] = p.forward([lo, la])
      return [x / 1000, y / 1000]
    },
    toLonLat: (x, y) => p.inverse([x * 1000, y * 1000]) as [number, number]
  }
}

/**
 * The longest span in which at least `need` drifters report (between their first and last fix).
 * Returns undefined when never that many report at once.
 */
export function longestReportingSpan(drifters: DrifterTrack[], need: number): { start: number; end: number } | undefined {
  const events = drifters.flatMap((d) => [
    { t: d.time[0], k: 1 },
    { t: d.time[d.time.length - 1], k: -1 }
  ])
  events.sort((a, b) => a.t - b.t || b.k - a.k)
  let count = 0
  let from = NaN
  let best: { start: number; end: number } | undefined
  for (const e of events) {
    const before = count
    count += e.k
    if (before < need && count >= need) from = e.t
    if (before >= need && count < need && (!best || e.t - from > best.end - best.start)) best = { start: from, end: e.t }
  }
  return best
}

/** Median interval between consecutive fixes over all drifters, seconds. */
export function medianInterval(drifters: DrifterTrack[]): number {
  const dts: number[] = []
  for (const d of drifters) for (let i = 1; i < d.time.length; i++) dts.push(d.time[i] - d.time[i - 1])
  dts.sort((a, b) => a - b)
  return dts.length ? dts[Math.floor(dts.length / 2)] : NaN
}

/** The default step: the median fix interval, rounded up to a whole step so the window has ≤ MAX_SAMPLES samples. */
export function defaultStep(median: number, span: number): { seconds: number; reason: string } {
  const wanted = Math.max(median, span / (MAX_SAMPLES - 1))
  const hours = NICE_STEPS_H.find((h) => h * 3600 >= wanted * 0.999) ?? Math.ceil(wanted / 3600)
  const why = wanted > median * 1.001 ? `coarsened so the window has at most ${MAX_SAMPLES} samples` : 'the median interval between fixes'
  return { seconds: hours * 3600, reason: `${formatHours(hours)} step: median fix interval ${formatHours(median / 3600)}, ${why}` }
}

export function formatHours(h: number): string {
  return h >= 1 ? `${+h.toFixed(2)} h` : `${+(h * 60).toFixed(1)} min`
}

/**
 * Position of one drifter at each sample time by linear interpolation between the bracketing fixes, NaN where the
 * bracketing fixes are more than `maxGap` seconds apart or the sample is outside its span.
 */
export function sampleTrack(d: DrifterTrack, times: Float64Array, maxGap: number): { lat: Float64Array; lon: Float64Array } {
  const lat = new Float64Array(times.length).fill(NaN)
  const lon = new Float64Array(times.length).fill(NaN)
  let j = 0
  for (let k = 0; k < times.length; k++) {
    const t = times[k]
    if (t < d.time[0] || t > d.time[d.time.length - 1]) continue
    while (j < d.time.length - 2 && d.time[j + 1] < t) j++
    const t0 = d.time[j]
    const t1 = d.time[Math.min(j + 1, d.time.length - 1)]
    if (t1 - t0 > maxGap) continue
    const w = t1 > t0 ? (t - t0) / (t1 - t0) : 0
    lat[k] = d.lat[j] + w * (d.lat[Math.min(j + 1, d.time.length - 1)] - d.lat[j])
    // Longitudes are unwrapped across the antimeridian before interpolating.
    let l1 = d.lon[Math.min(j + 1, d.time.length - 1)]
    if (l1 - d.lon[j] > 180) l1 -= 360
    if (l1 - d.lon[j] < -180) l1 += 360
    lon[k] = d.lon[j] + w * (l1 - d.lon[j])
  }
  return { lat, lon }
}

/** Build the deployment of `tracks` (a file already read by the importer). Throws one UserError per bad input. */
export function buildDeployment(tracks: DrifterTracks, opts: GeometryOptions = {}): Deployment {
  const file = tracks.source
  const choices: string[] = []
  const notes: string[] = tracks.problems.map((p) => `${p.where}: ${p.message}`)
  let drifters = tracks.drifters
  if (opts.drifters) {
    const missing = opts.drifters.filter((id) => !drifters.some((d) => d.id === id))
    if (missing.length) throw new UserError(`${file}: no drifter ${missing.join(', ')} in the file (it has ${drifters.map((d) => d.id).join(', ')}); fix --drifters`)
    drifters = drifters.filter((d) => opts.drifters!.includes(d.id))
  } else choices.push(`drifters: all ${drifters.length} in the file (choose with --drifters ID,ID,…)`)
  drifters = drifters.filter((d) => d.time.length > 0)

  let window: Deployment['window']
  if (opts.window) window = { ...opts.window, reason: 'given' }
  else {
    const need = Math.min(MIN_REPORTING, Math.max(drifters.length, MIN_DRIFTERS))
    const span = longestReportingSpan(drifters, need)
    if (!span) throw new UserError(`${file}: never do ${need} drifters report at the same time; assimilation needs at least ${MIN_DRIFTERS} drifters in one window — choose --window inside their common span or a file with more drifters`)
    window = { ...span, reason: `longest span in which at least ${need} drifters report` }
    choices.push(`window: ${isoTime(span.start)}/${isoTime(span.end)}, the ${window.reason} (set with --window START/END)`)
  }
  const inWindow = drifters.filter((d) => d.time[d.time.length - 1] > window.start && d.time[0] < window.end)
  if (inWindow.length < MIN_DRIFTERS)
    throw new UserError(`${file}: only ${inWindow.length} drifter(s) report in the window ${isoTime(window.start)}/${isoTime(window.end)}; assimilation needs at least ${MIN_DRIFTERS} — choose a wider --window or a file with more drifters`)

  const median = medianInterval(inWindow)
  const step = opts.stepHours ? { seconds: opts.stepHours * 3600, reason: `${formatHours(opts.stepHours)} step (given)` } : defaultStep(median, window.end - window.start)
  if (!opts.stepHours) choices.push(`${step.reason} (set with --step HOURS)`)
  const nT = Math.floor((window.end - window.start) / step.seconds + 1e-9) + 1
  if (nT < MIN_SAMPLES)
    throw new UserError(`${file}: the window ${isoTime(window.start)}/${isoTime(window.end)} holds only ${nT} sample(s) at a ${formatHours(step.seconds / 3600)} step; at least ${MIN_SAMPLES} are needed — choose a longer --window or a smaller --step`)
  const times = Float64Array.from({ length: nT }, (_, k) => window.start + k * step.seconds)
  // A sample is a gap when the fixes around it are further apart than two steps (and two native intervals).
  const maxGap = Math.max(2 * step.seconds, 2 * median)
  choices.push(`gaps: a sample is masked when the fixes around it are more than ${formatHours(maxGap / 3600)} apart`)

  const sampled = inWindow.map((d) => sampleTrack(d, times, maxGap))
  const allLat: number[] = []
  const allLon: number[] = []
  for (const s of sampled)
    s.lat.forEach((la, k) => {
      if (!Number.isFinite(la)) return
      allLat.push(la)
      allLon.push(s.lon[k])
    })
  const c = sphericalCentre(allLat, allLon)
  const projection = localProjection(c.lat, c.lon)
  choices.push(`projection: azimuthal equidistant centred on the fixes (${c.lat.toFixed(3)}°N, ${c.lon.toFixed(3)}°E), km`)

  const nD = inWindow.length
  const x = new Float64Array(nD * nT).fill(NaN)
  const y = new Float64Array(nD * nT).fill(NaN)
  let radius = 0
  sampled.forEach((s, d) => {
    for (let k = 0; k < nT; k++) {
      if (!Number.isFinite(s.lat[k])) continue
      const [px, py] = projection.toKm(s.lon[k], s.lat[k])
      x[d * nT + k] = px
      y[d * nT + k] = py
      radius = Math.max(radius, Math.hypot(px, py))
    }
  })
  if (radius > MAX_RADIUS_KM)
    throw new UserError(`${file}: the drifters are too far apart for one local projection (a fix lies ${radius.toFixed(0)} km from their centre; at most ${MAX_RADIUS_KM} km) — split the file by region or choose nearby drifters with --drifters`)

  const ids = inWindow.map((d) => d.id)
  for (let d = 0; d < nD; d++) {
    const xs: number[] = []
    const ys: number[] = []
    for (let k = 0; k < nT; k++)
      if (Number.isFinite(x[d * nT + k])) {
        xs.push(x[d * nT + k])
        ys.push(y[d * nT + k])
      }
    const mx = xs.reduce((a, b) => a + b, 0) / xs.length
    const my = ys.reduce((a, b) => a + b, 0) / ys.length
    const spread = Math.max(0, ...xs.map((v, i) => Math.hypot(v - mx, ys[i] - my)))
    if (xs.length >= MIN_SAMPLES && spread < GROUNDED_KM)
      throw new UserError(`${file}: drifter ${ids[d]} never moves in the window (all its fixes lie within ${(spread * 1000).toFixed(0)} m): it is grounded or out of the water — leave it out with --drifters or choose a --window when it drifted`)
  }

  const { u, v, mask } = velocities(x, y, nD, nT, step.seconds)
  const valid = ids.map((_, d) => mask.subarray(d * nT, (d + 1) * nT).reduce((a, b) => a + b, 0))
  if (valid.filter((n) => n > 0).length < MIN_DRIFTERS)
    throw new UserError(`${file}: only ${valid.filter((n) => n > 0).length} drifter(s) have a velocity sample in the window ${isoTime(window.start)}/${isoTime(window.end)}; at least ${MIN_DRIFTERS} are needed — choose a wider --window or a smaller --step`)

  const finite = (a: Float64Array) => Array.from(a).filter(Number.isFinite)
  const xs = finite(x)
  const ys = finite(y)
  const [xMin, xMax, yMin, yMax] = [Math.min(...xs), Math.max(...xs), Math.min(...ys), Math.max(...ys)]
  const margin = Math.max(MIN_MARGIN_KM, MARGIN_FRACTION * Math.max(xMax - xMin, yMax - yMin))
  const box = { x0: xMin - margin, x1: xMax + margin, y0: yMin - margin, y1: yMax + margin }
  choices.push(`domain: the tracks' extent plus a ${margin.toFixed(1)} km margin (${(box.x1 - box.x0).toFixed(0)} × ${(box.y1 - box.y0).toFixed(0)} km)`)
  return { source: file, ids, nD, nT, times, step: step.seconds, window, stepReason: step.reason, x, y, u, v, mask, projection, box, choices, notes }
}

/** Centred-difference velocities (m/s) from positions (km) at step `dt` (s); one-sided where a neighbour is missing. */
export function velocities(x: Float64Array, y: Float64Array, nD: number, nT: number, dt: number): { u: Float64Array; v: Float64Array; mask: Uint8Array } {
  const u = new Float64Array(nD * nT).fill(NaN)
  const v = new Float64Array(nD * nT).fill(NaN)
  const mask = new Uint8Array(nD * nT)
  const ok = (i: number) => Number.isFinite(x[i])
  for (let d = 0; d < nD; d++)
    for (let k = 0; k < nT; k++) {
      const i = d * nT + k
      if (!ok(i)) continue
      const a = k > 0 && ok(i - 1) ? i - 1 : i
      const b = k < nT - 1 && ok(i + 1) ? i + 1 : i
      if (a === b) continue
      const span = (b - a) * dt
      u[i] = ((x[b] - x[a]) * 1000) / span
      v[i] = ((y[b] - y[a]) * 1000) / span
      mask[i] = 1
    }
  return { u, v, mask }
}
