/** `driftclip export-tracks TRACKS.nc --format csv|geojson --out FILE`: imported tracks for GIS and spreadsheets. */
import { resolve } from 'node:path'
import { UserError } from '../engine/jobs/job'
import { TracksExportFormat } from '../shared/exports'
import { quote } from '../shared/text'
import type { CliCommand } from './types'


export const exportTracksCommand: CliCommand = {
  name: 'export-tracks',
  summary: 'write imported tracks as CSV (ISO-8601 UTC, units in the header) or GeoJSON (WGS-84, split at the antimeridian)',
  usage: `arguments and options (driftclip export-tracks TRACKS.nc --format csv|geojson --out FILE):
  TRACKS.nc            tracks written by driftclip import (or any CF trajectory NetCDF)
  --format csv|geojson csv: id,time (UTC),lat (degrees_north),lon (degrees_east)[,ve (m/s),vn (m/s)] and every
                       source variable; geojson: one LineString per drifter with properties.times
                       (MultiLineString where it crosses ±180°)
  --out FILE           where to write it`,
  options: { format: { type: 'string' }, out: { type: 'string' } },
  positionals: true,
  async run(values, positionals, io) {
    if (positionals.length !== 1) throw new UserError('export-tracks: give exactly one TRACKS.nc (see driftclip export-tracks --help)')
    const format = TracksExportFormat.safeParse(values.format).data
    if (!format)
      throw new UserError(`export-tracks: --format must be ${TracksExportFormat.options.join(' or ')}${typeof values.format === 'string' ? ` (got ${quote(values.format)})` : ''}`)
    const out = values.out
    if (typeof out !== 'string' || out === '') throw new UserError('export-tracks: --out FILE is required (see driftclip export-tracks --help)')
    const { exportTracks } = await import('../engine/data/drifters/export-tracks')
    const result = await exportTracks(resolve(positionals[0]), format, resolve(out), io.context)
    io.print(`wrote ${result.out}: ${result.drifters} drifter${result.drifters === 1 ? '' : 's'}, ${result.points} fixes (${format})`)
    return result
  }
}
