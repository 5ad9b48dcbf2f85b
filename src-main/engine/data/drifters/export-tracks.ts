/** The export-tracks job: an imported tracks file → CSV (ISO-8601 UTC, units in the header) or GeoJSON (WGS-84, split at the antimeridian). */
import type { TracksExport, TracksExportFormat } from '../../../shared/drifters'
import { throwIfCancelled, type JobContext } from '../../jobs/job'
import { writeTracksCsv, writeTracksGeojson } from '../export/tracks-text'
import { readTracksNetcdf } from '../tracks'
import { pointCount } from './types'

/**
 * Read `tracksPath` (a tracks NetCDF written by import, or any CF trajectory NetCDF) and write it as `format` to
 * `outPath`, atomically. Returns what was written.
 */
export async function exportTracks(tracksPath: string, format: TracksExportFormat, outPath: string, ctx: JobContext): Promise<TracksExport> {
  ctx.progress({ done: 0, total: 2, unit: 'steps', message: 'reading' })
  const tracks = await readTracksNetcdf(tracksPath)
  throwIfCancelled(ctx.signal)
  ctx.progress({ done: 1, total: 2, unit: 'steps', message: `writing ${format}` })
  await (format === 'csv' ? writeTracksCsv(outPath, tracks) : writeTracksGeojson(outPath, tracks))
  ctx.progress({ done: 2, total: 2, unit: 'steps', message: 'written' })
  return { tracks: tracksPath, format, out: outPath, drifters: tracks.drifters.length, points: pointCount(tracks) }
}
