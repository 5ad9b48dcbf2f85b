/** The import job: read any supported drifter file, report what it holds, write it as CF trajectory NetCDF-4. */
import type { DrifterSpan, ImportSummary } from '../../../shared/drifters'
import { throwIfCancelled, type JobContext } from '../../jobs/job'
import { writeTracksNetcdf } from '../tracks'
import { importError } from './errors'
import { readDrifterFile } from './read'
import { isoTime } from './time'
import { pointCount, type DrifterTracks } from './types'

export interface ImportOptions {
  /** Keep only fixes in [start, end] (epoch seconds). */
  window?: { start: number; end: number }
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
    const take = (a: Float64Array) => Float64Array.from(keep, (i) => a[i])
    return [{ id: d.id, time: take(d.time), lat: take(d.lat), lon: take(d.lon), ve: d.ve && take(d.ve), vn: d.vn && take(d.vn), qc: d.qc && take(d.qc) }]
  })
  if (drifters.length === 0) {
    const span = `${isoTime(Math.min(...tracks.drifters.map((d) => d.time[0])))}/${isoTime(Math.max(...tracks.drifters.map((d) => d.time[d.time.length - 1])))}`
    throw importError(tracks.source, 'window', `no drifter has 2 fixes inside ${isoTime(window.start)}/${isoTime(window.end)} (the file spans ${span})`, 'choose a window inside the file’s time span')
  }
  return { ...tracks, drifters, problems }
}

/** What an import found, as the CLI and UI show it. */
export function summarise(fileName: string, tracks: DrifterTracks): ImportSummary {
  const perDrifter: DrifterSpan[] = tracks.drifters.map((d) => ({
    id: d.id,
    points: d.time.length,
    timeStart: isoTime(d.time[0]),
    timeEnd: isoTime(d.time[d.time.length - 1]),
    velocity: Boolean(d.ve && d.vn)
  }))
  return {
    file: fileName,
    format: tracks.format,
    drifters: tracks.drifters.length,
    points: pointCount(tracks),
    timeStart: isoTime(Math.min(...tracks.drifters.map((d) => d.time[0]))),
    timeEnd: isoTime(Math.max(...tracks.drifters.map((d) => d.time[d.time.length - 1]))),
    units: tracks.units,
    problems: tracks.problems,
    perDrifter
  }
}

/**
 * Read a drifter file (CSV, GeoJSON, NetCDF-3, NetCDF-4), optionally clip it to a window, and write the
 * tracks to `outPath` as CF-1.10 trajectory NetCDF-4 (atomically: on any error nothing is written).
 * @param fileName the name shown in messages (the user's file name)
 * @param bytes the file content
 */
export async function importDrifterFile(fileName: string, bytes: Uint8Array, outPath: string, ctx: JobContext, opts: ImportOptions = {}): Promise<ImportSummary> {
  ctx.progress({ done: 0, total: 3, unit: 'steps', message: 'reading' })
  let tracks = await readDrifterFile(fileName, bytes)
  throwIfCancelled(ctx.signal)
  if (opts.window) tracks = clipToWindow(tracks, opts.window)
  ctx.progress({ done: 1, total: 3, unit: 'steps', message: 'checked' })
  const summary = summarise(fileName, tracks)
  if (opts.window) summary.window = { start: isoTime(opts.window.start), end: isoTime(opts.window.end) }
  for (const p of tracks.problems) ctx.log(`${p.where}: ${p.message}`, 'warn')
  throwIfCancelled(ctx.signal)
  await writeTracksNetcdf(outPath, tracks, opts.window ? { time_coverage_start: summary.window?.start ?? '', time_coverage_end: summary.window?.end ?? '' } : {})
  ctx.progress({ done: 3, total: 3, unit: 'steps', message: 'written' })
  return { ...summary, out: outPath }
}
