/**
 * Real tracks → the model's frame: tangent-plane km, analysis window, resampling to the model's time grid,
 * velocity from positions (compared with the file's ve/vn) and scaling into the model domain, with the
 * scale factors kept for the way back.
 */
import type { ImportProblem, PreparedTracksSummary } from '../../../shared/drifters'
import { UserError } from '../../jobs/job'
import { fromTangentPlane, sphericalCentre, toTangentPlane, velocityFromPositions } from './sphere'
import { isoTime } from './time'
import type { DrifterTracks } from './types'
import { chooseWindow, type AnalysisWindow } from './window'

export const PROJECTION =
  'orthographic projection onto the plane tangent to the sphere (radius 6.3781e6 m) at the tracks’ centre; x east, y north, km'

export interface PrepareOptions {
  /** The model's record times (model time units, increasing); the window is mapped linearly onto them. */
  modelTimes: Float64Array
  /** Model domain; default the unit square of the Fourier flow. */
  domain?: { x0: number; x1: number; y0: number; y1: number }
  /** Analysis window, epoch seconds; default the longest span common to all drifters. */
  window?: { start: number; end: number }
  /** Fraction of the domain side kept free on each side (default 0.1). */
  margin?: number
  /** Fix the length scale (km per model unit) instead of fitting the tracks into the domain. */
  kmPerUnit?: number
}

/** Everything needed to go from model units back to the Earth. */
export interface TrackScales {
  projection: string
  /** Tangent point, degrees. */
  origin: { lat: number; lon: number }
  /** Model coordinates of the tangent point. */
  originModel: { x: number; y: number }
  kmPerUnit: number
  secondsPerUnit: number
  /** m/s per model velocity unit (model length per model time). */
  metresPerSecondPerUnit: number
  /** Epoch seconds at model time `modelTimeStart`. */
  epochAtModelStart: number
  modelTimeStart: number
}

export interface PreparedTracks {
  ids: string[]
  window: AnalysisWindow
  /** Sample times: epoch seconds and model units (length nTimes). */
  times: Float64Array
  modelTimes: Float64Array
  nTracers: number
  nTimes: number
  /** Tangent-plane positions, km, tracers × nTimes. */
  xKm: Float64Array
  yKm: Float64Array
  /** Velocity from positions (centred differences on the sphere, at the fixes, then resampled), m/s, tracers × nTimes. */
  u: Float64Array
  v: Float64Array
  /** The file's ve/vn resampled (NaN where missing), m/s, when the file had them. */
  fileU?: Float64Array
  fileV?: Float64Array
  /** RMS of |velocity from positions − file velocity| over the fixes in the window that have both, m/s. */
  velocityCheck?: { rmsDifference: number; rmsFileSpeed: number; fixes: number }
  /** Model-space trajectories, tracers × nTimes × 2 (x, y) — the layout of PairedDataset.trajectories for one pair. */
  trajectories: Float64Array
  scales: TrackScales
  problems: ImportProblem[]
}

const min = (a: number, b: number) => Math.min(a, b)
const max = (a: number, b: number) => Math.max(a, b)

/** Linear interpolation of y(t) at sample times (t increasing, samples inside [t0, tEnd]). */
export function interpolate(t: ArrayLike<number>, y: ArrayLike<number>, samples: ArrayLike<number>): Float64Array {
  const out = new Float64Array(samples.length)
  let j = 0
  for (let k = 0; k < samples.length; k++) {
    const s = samples[k]
    while (j < t.length - 2 && t[j + 1] < s) j++
    const w = t[j + 1] === t[j] ? 0 : (s - t[j]) / (t[j + 1] - t[j])
    out[k] = w === 0 ? y[j] : w === 1 ? y[j + 1] : y[j] + w * (y[j + 1] - y[j])
  }
  return out
}

function concat(parts: Float64Array[]): Float64Array {
  const out = new Float64Array(parts.reduce((n, p) => n + p.length, 0))
  let k = 0
  for (const p of parts) {
    out.set(p, k)
    k += p.length
  }
  return out
}

/** Prepare imported tracks for assimilation in the model's frame. Throws UserError when no drifter covers the window. */
export function prepareTracks(tracks: DrifterTracks, opts: PrepareOptions): PreparedTracks {
  const mt = opts.modelTimes
  if (mt.length < 2 || !(mt[mt.length - 1] > mt[0])) throw new UserError('model time grid: needs at least 2 increasing times')
  if (opts.window && !(opts.window.end > opts.window.start))
    throw new UserError(`window ${isoTime(opts.window.start)}/${isoTime(opts.window.end)}: the end must be after the start`)
  const window = chooseWindow(tracks.drifters, opts.window)
  const used = tracks.drifters.filter((d) => window.drifters.includes(d.id))
  if (used.length === 0) {
    const spans = tracks.drifters.map((d) => `${d.id} ${isoTime(d.time[0])}/${isoTime(d.time[d.time.length - 1])}`).join(', ')
    throw new UserError(`window ${isoTime(window.start)}/${isoTime(window.end)}: no drifter covers it (tracks: ${spans}); choose a window inside a drifter's span`)
  }
  const problems: ImportProblem[] = []
  const dropped = tracks.drifters.length - used.length
  if (dropped > 0) problems.push({ severity: 'warning', where: 'window', message: `${dropped} drifters do not cover the whole window and were left out` })

  const nT = mt.length
  const secondsPerUnit = (window.end - window.start) / (mt[nT - 1] - mt[0])
  const times = Float64Array.from(mt, (t) => window.start + (t - mt[0]) * secondsPerUnit)
  const origin = sphericalCentre(concat(used.map((d) => d.lat)), concat(used.map((d) => d.lon)))

  const n = used.length * nT
  const xKm = new Float64Array(n)
  const yKm = new Float64Array(n)
  const u = new Float64Array(n)
  const v = new Float64Array(n)
  const hasFile = used.some((d) => d.ve && d.vn)
  const fileU = hasFile ? new Float64Array(n).fill(NaN) : undefined
  const fileV = hasFile ? new Float64Array(n).fill(NaN) : undefined
  let sumSq = 0
  let sumSpeed = 0
  let count = 0
  const sampleStep = secondsPerUnit * ((mt[nT - 1] - mt[0]) / (nT - 1))
  used.forEach((d, r) => {
    const px = new Float64Array(d.time.length)
    const py = new Float64Array(d.time.length)
    d.lat.forEach((lat, i) => {
      const p = toTangentPlane(lat, d.lon[i], origin.lat, origin.lon)
      px[i] = p.x
      py[i] = p.y
    })
    const vel = velocityFromPositions(d.time, d.lat, d.lon)
    xKm.set(interpolate(d.time, px, times), r * nT)
    yKm.set(interpolate(d.time, py, times), r * nT)
    u.set(interpolate(d.time, vel.u, times), r * nT)
    v.set(interpolate(d.time, vel.v, times), r * nT)
    if (d.ve && d.vn && fileU && fileV) {
      fileU.set(interpolate(d.time, d.ve, times), r * nT)
      fileV.set(interpolate(d.time, d.vn, times), r * nT)
      for (let i = 0; i < d.time.length; i++) {
        if (d.time[i] < window.start || d.time[i] > window.end || !Number.isFinite(d.ve[i]) || !Number.isFinite(d.vn[i])) continue
        sumSq += (vel.u[i] - d.ve[i]) ** 2 + (vel.v[i] - d.vn[i]) ** 2
        sumSpeed += d.ve[i] ** 2 + d.vn[i] ** 2
        count++
      }
    }
    let gap = 0
    for (let i = 1; i < d.time.length; i++) if (d.time[i] > window.start && d.time[i - 1] < window.end) gap = Math.max(gap, d.time[i] - d.time[i - 1])
    if (gap > 3 * sampleStep)
      problems.push({ severity: 'warning', where: `drifter ${d.id}`, message: `a ${(gap / 3600).toFixed(1)} h gap between fixes is bridged by linear interpolation (model step ${(sampleStep / 3600).toFixed(2)} h)` })
  })

  const domain = opts.domain ?? { x0: 0, x1: 1, y0: 0, y1: 1 }
  const margin = opts.margin ?? 0.1
  const [xMin, xMax, yMin, yMax] = [xKm.reduce(min), xKm.reduce(max), yKm.reduce(min), yKm.reduce(max)]
  const side = Math.min(domain.x1 - domain.x0, domain.y1 - domain.y0) * (1 - 2 * margin)
  // Fit the larger extent into the domain (at least 1 km so a near-stationary drifter still scales).
  const kmPerUnit = opts.kmPerUnit ?? Math.max(xMax - xMin, yMax - yMin, 1) / side
  const originModel = {
    x: (domain.x0 + domain.x1) / 2 - (xMin + xMax) / 2 / kmPerUnit,
    y: (domain.y0 + domain.y1) / 2 - (yMin + yMax) / 2 / kmPerUnit
  }
  const trajectories = new Float64Array(n * 2)
  for (let i = 0; i < n; i++) {
    trajectories[2 * i] = originModel.x + xKm[i] / kmPerUnit
    trajectories[2 * i + 1] = originModel.y + yKm[i] / kmPerUnit
  }
  const scales: TrackScales = {
    projection: PROJECTION,
    origin,
    originModel,
    kmPerUnit,
    secondsPerUnit,
    metresPerSecondPerUnit: (kmPerUnit * 1000) / secondsPerUnit,
    epochAtModelStart: window.start,
    modelTimeStart: mt[0]
  }
  const velocityCheck = count > 0 ? { rmsDifference: Math.sqrt(sumSq / count), rmsFileSpeed: Math.sqrt(sumSpeed / count), fixes: count } : undefined
  return { ids: used.map((d) => d.id), window, times, modelTimes: Float64Array.from(mt), nTracers: used.length, nTimes: nT, xKm, yKm, u, v, fileU, fileV, velocityCheck, trajectories, scales, problems }
}

/** Model position → latitude/longitude (degrees). */
export function modelToLatLon(x: number, y: number, s: TrackScales): { lat: number; lon: number } {
  return fromTangentPlane((x - s.originModel.x) * s.kmPerUnit, (y - s.originModel.y) * s.kmPerUnit, s.origin.lat, s.origin.lon)
}

/** Model time → epoch seconds. */
export function modelTimeToEpoch(t: number, s: TrackScales): number {
  return s.epochAtModelStart + (t - s.modelTimeStart) * s.secondsPerUnit
}

/** Model velocity (model lengths per model time) → m/s. */
export function modelVelocityToMetresPerSecond(u: number, s: TrackScales): number {
  return u * s.metresPerSecondPerUnit
}

/** The JSON-safe description of a preparation (for printing and the UI). */
export function summarisePrepared(p: PreparedTracks): PreparedTracksSummary {
  return {
    drifters: p.ids,
    window: { start: isoTime(p.window.start), end: isoTime(p.window.end), reason: p.window.reason },
    samples: p.nTimes,
    projection: p.scales.projection,
    origin: p.scales.origin,
    kmPerUnit: p.scales.kmPerUnit,
    secondsPerUnit: p.scales.secondsPerUnit,
    metresPerSecondPerUnit: p.scales.metresPerSecondPerUnit,
    velocityCheck: p.velocityCheck,
    problems: p.problems
  }
}
