/** `driftclip import FILE --out TRACKS.nc`: check a drifter file, show what it holds, write CF trajectory NetCDF-4. */
import { stat } from 'node:fs/promises'
import { basename, resolve } from 'node:path'
import { MAX_IMPORT_BYTES, importError } from '../engine/data/drifters/errors'
import { parseDateTime } from '../engine/data/drifters/time'
import { UserError } from '../engine/jobs/job'
import type { ImportSummary } from '../shared/drifters'
import type { CliCommand } from './types'
import { oneLine } from '../shared/text'

/** "START/END" (ISO-8601) → epoch seconds, or a UserError naming the option. */
export function parseWindow(text: string): { start: number; end: number } {
  const parts = text.split('/')
  const [start, end] = parts.map(parseDateTime)
  if (parts.length !== 2 || !Number.isFinite(start) || !Number.isFinite(end))
    throw new UserError(`--window "${text}" is not START/END; write e.g. 2019-06-04T00:00:00Z/2019-06-10T00:00:00Z`)
  if (!(end > start)) throw new UserError(`--window "${text}": the end must be after the start`)
  return { start, end }
}

/** The human-readable report of an import. */
export function describeImport(s: ImportSummary): string[] {
  const lines = [
    `${s.file}: ${s.format}, ${s.drifters} drifter${s.drifters === 1 ? '' : 's'}, ${s.points} fixes, ${s.timeStart} → ${s.timeEnd}`,
    ...Object.entries(s.units).map(([k, v]) => `  ${k}: ${v}`)
  ]
  const shown = (s.perDrifter ?? []).slice(0, 20)
  const every = (sec: number | undefined) => (sec === undefined || !Number.isFinite(sec) ? '' : sec < 3600 ? `, every ${Math.round(sec)} s` : `, every ${(sec / 3600).toFixed(1)} h`)
  const gaps = (d: (typeof shown)[number]) => (d.gaps ? `, ${d.gaps} gap${d.gaps === 1 ? '' : 's'} (longest ${d.longestGapHours} h)` : '')
  for (const d of shown) lines.push(`  drifter ${d.id}: ${d.points} fixes, ${d.timeStart} → ${d.timeEnd}${every(d.samplingSeconds)}${gaps(d)}${d.velocity ? ', ve/vn' : ''}`)
  if ((s.perDrifter?.length ?? 0) > shown.length) lines.push(`  … and ${(s.perDrifter?.length ?? 0) - shown.length} more drifters`)
  if (s.window) lines.push(`  window: ${s.window.start} → ${s.window.end}`)
  if (s.qc) lines.push(`  position QC: ${s.qc.map((c) => `${c.flag} ${c.meaning} ×${c.fixes}${c.kept ? '' : ' (skipped)'}`).join(', ')}`)
  lines.push(s.problems.length === 0 ? '  problems: none' : `  problems: ${s.problems.length}`)
  for (const p of s.problems) lines.push(`    ${p.severity}: ${p.where}: ${p.message}`)
  if (s.out) lines.push(`wrote ${s.out} (clouddrift ragged array, CF-1.10 trajectory NetCDF-4)`)
  return lines
}

export const importCommand: CliCommand = {
  name: 'import',
  summary: 'check a drifter file (CSV, GeoJSON, NetCDF) and write it as CF trajectory NetCDF-4',
  usage: `arguments and options (driftclip import FILE --out TRACKS.nc [--window START/END] [--trim]):
  FILE                 NOAA GDP / ERDDAP CSV (with its units row), .csvp, .csv0, GDP 6-hourly ASCII
                       buoydata_*.dat, Argos Web CSV, raw GPS logs, id,time,lat,lon tables,
                       CF trajectory NetCDF-3/-4 (ragged rowsize, 2-D trajectory×obs or time×drifter:
                       GDP, clouddrift, Copernicus, OpenDrift, Parcels), GeoJSON
                       (at most ${MAX_IMPORT_BYTES / 1048576} MB)
  --out TRACKS.nc      where to write the tracks (clouddrift ragged array, CF-1.10 trajectory, dims rows/obs)
  --window START/END   keep only fixes in this ISO-8601 time window
  --trim               leave out fixes before release and after pick-up (stationary or at ship speed)`,
  options: { out: { type: 'string' }, window: { type: 'string' }, trim: { type: 'boolean' } },
  positionals: true,
  async run(values, positionals, io) {
    if (positionals.length !== 1) throw new UserError('import: give exactly one FILE (see driftclip import --help)')
    const out = values.out
    if (typeof out !== 'string' || out === '') throw new UserError('import: --out TRACKS.nc is required (see driftclip import --help)')
    const window = typeof values.window === 'string' ? parseWindow(values.window) : undefined
    const file = positionals[0]
    const name = basename(file)
    const info = await stat(file).catch(() => undefined)
    if (!info?.isFile()) throw importError(name, 'file', `not found at ${resolve(file)}`, 'check the path')
    if (info.size > MAX_IMPORT_BYTES)
      throw importError(name, 'file', `${(info.size / 1048576).toFixed(0)} MB is more than the ${MAX_IMPORT_BYTES / 1048576} MB import limit`, 'subset it first (e.g. an ERDDAP query with a time and area constraint)')
    const { importDrifterPath } = await import('../engine/data/drifters/import')
    const summary = await importDrifterPath(name, file, resolve(out), io.context, { window, trim: values.trim === true })
    for (const line of describeImport(summary)) io.print(oneLine(line)) // ids and messages come from the file
    return summary
  }
}
