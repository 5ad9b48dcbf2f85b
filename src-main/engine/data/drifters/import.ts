/** The import job: read any supported drifter file, report what it holds, write it as CF trajectory NetCDF-4. */
import type { DrifterQuality, DrifterSpan, ImportSummary } from '../../../shared/drifters'
import { throwIfCancelled, type JobContext } from '../../jobs/job'
import { writeTracksNetcdf } from '../tracks'
import { importError } from './errors'
import { readDrifterFile, readDrifterPath } from './read'
import { isoTime } from './time'
import { qualityProblems, trackQuality, trimToWater } from './quality'
import { pickFixes, pointCount, type DrifterTracks } from './types'

export interface ImportOptions {
  /** Keep only fixes in [start, end] (epoch seconds). */
  window?: { start: number; end: number }
  /** Leave out the fixes before release and after pick-up that the quality check finds (default: keep, report). */
  trim?: boolean
}

/** Keep the fixes inside the window; drifters left with fewer than 2 fixes are dropped (reported). */
export function clipToWindow(tracks: DrifterTracks, window: { start: number; end: number }): DrifterTracks {
  const problems = [...tracks.problems]
  const drifters = tracks.drifters.flatMap((d) => {
    const keep: number[] = []
    d.time.forEach((t, i) => {
      if (t >= window.start && t <= window.end) keep.push(i)
    })
    if (keep.length < 2) {
      problems.push({ severity: 'warning', where: `drifter ${d.id}`, message: `${keep.length} fixes inside the window; left out` })
      return []
    }
    return [pickFixes(d, keep)]
  })
  if (drifters.length === 0) {
    const span = `${isoTime(Math.min(...tracks.drifters.map((d) => d.time[0])))}/${isoTime(Math.max(...tracks.drifters.map((d) => d.time[d.time.length - 1])))}`
    throw importError(tracks.source, 'window', `no drifter has 2 fixes inside ${isoTime(window.start)}/${isoTime(window.end)} (the file spans ${span})`, 'choose a window inside the file’s time span')
  }
  return { ...tracks, drifters, problems }
}

/** What an import found, as the CLI and UI show it (with the quality report when given). */
export function summarise(fileName: string, tracks: DrifterTracks, quality?: DrifterQuality[]): ImportSummary {
  const perDrifter: DrifterSpan[] = tracks.drifters.map((d, i) => {
    const span: DrifterSpan = {
      id: d.id,
      points: d.time.length,
      timeStart: isoTime(d.time[0]),
      timeEnd: isoTime(d.time[d.time.length - 1]),
      velocity: Boolean(d.ve && d.vn)
    }
    const q = quality?.[i]
    if (q) {
      span.samplingSeconds = q.samplingSeconds
      span.gaps = q.gaps.length
      span.longestGapHours = Math.max(0, ...q.gaps.map((g) => g.hours))
    }
    return span
  })
  return {
    file: fileName,
    format: tracks.format,
    drifters: tracks.drifters.length,
    points: pointCount(tracks),
    timeStart: isoTime(Math.min(...tracks.drifters.map((d) => d.time[0]))),
    timeEnd: isoTime(Math.max(...tracks.drifters.map((d) => d.time[d.time.length - 1]))),
    units: tracks.units,
    problems: tracks.problems,
    perDrifter,
    extent: extentOf(tracks),
    variables: { kept: keptVariables(tracks), ignored: tracks.ignored ?? [] },
    ...(quality ? { quality } : {}),
    ...(tracks.qc ? { qc: tracks.qc } : {})
  }
}

/** Latitude and longitude bounds of every fix. */
function extentOf(tracks: DrifterTracks): NonNullable<ImportSummary['extent']> {
  const e = { latMin: Infinity, latMax: -Infinity, lonMin: Infinity, lonMax: -Infinity }
  for (const d of tracks.drifters)
    for (let k = 0; k < d.time.length; k++) {
      e.latMin = Math.min(e.latMin, d.lat[k])
      e.latMax = Math.max(e.latMax, d.lat[k])
      e.lonMin = Math.min(e.lonMin, d.lon[k])
      e.lonMax = Math.max(e.lonMax, d.lon[k])
    }
  return e
}

/** The variables an import carries: the roles it read, then the source's further variables by their names. */
function keptVariables(tracks: DrifterTracks): string[] {
  const core = ['id', 'time', 'lat', 'lon']
  if (tracks.drifters.some((d) => d.ve && d.vn)) core.push('ve', 'vn')
  if (tracks.drifters.some((d) => d.qc)) core.push('qc')
  return [...core, ...Object.values(tracks.variables ?? {}).map((v) => v.sourceName)]
}

/**
 * The quality check of an import: per-drifter quality, its warnings added to the tracks' problems, and (with
 * `trim`) the fixes before release and after pick-up left out. Returns the tracks to write and their quality.
 */
export function checkQuality(tracks: DrifterTracks, trim = false): { tracks: DrifterTracks; quality: DrifterQuality[] } {
  const found = tracks.drifters.map(trackQuality)
  const problems = [...tracks.problems, ...qualityProblems(found, trim)]
  if (!trim || !found.some((q) => q.beforeRelease || q.afterRecovery)) return { tracks: { ...tracks, problems }, quality: found }
  const drifters = tracks.drifters.map((d, i) => trimToWater(d, found[i]))
  // Quality of what is kept (gaps and stationary periods of the in-water part), with what was trimmed.
  const quality = drifters.map((d, i) => ({ ...trackQuality(d), beforeRelease: found[i].beforeRelease, afterRecovery: found[i].afterRecovery }))
  return { tracks: { ...tracks, drifters, problems }, quality }
}

/**
 * Read a drifter file (CSV, GeoJSON, NetCDF-3, NetCDF-4), optionally clip it to a window, and write the
 * tracks to `outPath` as CF-1.10 trajectory NetCDF-4 (atomically: on any error nothing is written).
 * @param fileName the name shown in messages (the user's file name)
 * @param bytes the file content
 */
export async function importDrifterFile(fileName: string, bytes: Uint8Array, outPath: string, ctx: JobContext, opts: ImportOptions = {}): Promise<ImportSummary> {
  ctx.progress({ done: 0, total: 3, unit: 'steps', message: 'reading' })
  return importTracks(fileName, await readDrifterFile(fileName, bytes), outPath, ctx, opts)
}

/** `importDrifterFile` for a file on disk: CSV is streamed, so 1 M fixes stay well under 500 MB. */
export async function importDrifterPath(fileName: string, path: string, outPath: string, ctx: JobContext, opts: ImportOptions = {}): Promise<ImportSummary> {
  ctx.progress({ done: 0, total: 3, unit: 'steps', message: 'reading' })
  return importTracks(fileName, await readDrifterPath(fileName, path), outPath, ctx, opts)
}

/** The import job after reading: window, quality check (and trim), summary, and the tracks file written. */
export async function importTracks(fileName: string, read: DrifterTracks, outPath: string, ctx: JobContext, opts: ImportOptions = {}): Promise<ImportSummary> {
  let tracks = read
  throwIfCancelled(ctx.signal)
  if (opts.window) tracks = clipToWindow(tracks, opts.window)
  const checked = checkQuality(tracks, opts.trim)
  tracks = checked.tracks
  ctx.progress({ done: 1, total: 3, unit: 'steps', message: 'checked' })
  const summary = summarise(fileName, tracks, checked.quality)
  if (opts.window) summary.window = { start: isoTime(opts.window.start), end: isoTime(opts.window.end) }
  for (const p of tracks.problems) ctx.log(`${p.where}: ${p.message}`, 'warn')
  throwIfCancelled(ctx.signal)
  await writeTracksNetcdf(outPath, tracks, opts.window ? { time_coverage_start: summary.window?.start ?? '', time_coverage_end: summary.window?.end ?? '' } : {}, checked.quality)
  ctx.progress({ done: 3, total: 3, unit: 'steps', message: 'written' })
  return { ...summary, out: outPath }
}
