/**
 * NOAA GDP 6-hourly interpolated ASCII (`buoydata_*.dat`): whitespace separated, no header, 13 fields per line
 * `ID MM DD.dd YYYY LAT LON SST VE VN SPD VAR.LAT VAR.LON VAR.TEMP` (AOML's buoydata_header), VE/VN/SPD in cm/s,
 * SST in °C, longitudes 0–360, 999.99 / 999.999 for missing, Fortran `D` exponents in the variances.
 */
import type { ImportProblem } from '../../../shared/drifters'
import { assembleTracks } from './assemble'
import { parseNumber } from './csv'
import { importError } from './errors'
import type { DrifterTracks, SourceVariable } from './types'

/** The 13 fields, in file order. */
const FIELDS = ['ID', 'MM', 'DD', 'YYYY', 'LAT', 'LON', 'SST', 'VE', 'VN', 'SPD', 'VAR_LAT', 'VAR_LON', 'VAR_TEMP'] as const
/** Kept per fix besides position, time and velocity, with their CF description. */
const EXTRA: Record<string, { column: number; attrs: Record<string, string> }> = {
  sst: { column: 6, attrs: { long_name: 'sea surface temperature', standard_name: 'sea_surface_temperature', units: 'degree_Celsius' } },
  speed: { column: 9, attrs: { long_name: 'drifter speed', units: 'm s-1', comment: 'SPD, converted from cm/s' } },
  var_lat: { column: 10, attrs: { long_name: 'estimated variance of latitude', units: 'degree2' } },
  var_lon: { column: 11, attrs: { long_name: 'estimated variance of longitude', units: 'degree2' } },
  var_temp: { column: 12, attrs: { long_name: 'estimated variance of SST', units: 'K2' } }
}

/** True when the first data line has the 13 numeric whitespace-separated fields of a buoydata file. */
export function isGdpAscii(head: string): boolean {
  const first = head.split(/\r?\n/).find((l) => l.trim() !== '')
  if (!first || first.includes(',') || first.includes(';')) return false
  const tokens = first.trim().split(/\s+/)
  return tokens.length === FIELDS.length && tokens.every((t) => Number.isFinite(parseNumber(t)))
}

/** Seconds since 1970 for month, fractional day of month and year (DD.dd = 1.25 is the 1st at 06:00 UTC). */
function gdpTime(month: number, day: number, year: number): number {
  return Date.UTC(year, month - 1, 1) / 1000 + (day - 1) * 86400
}

/** Read a GDP 6-hourly ASCII file. One UserError naming the line on bad input. */
export function readGdpAscii(file: string, text: string): DrifterTracks {
  const ids: string[] = []
  const lines: number[] = []
  const cols = FIELDS.map((): number[] => [])
  text.split(/\r?\n/).forEach((raw, k) => {
    if (raw.trim() === '') return
    const tokens = raw.trim().split(/\s+/)
    if (tokens.length !== FIELDS.length)
      throw importError(file, `line ${k + 1}`, `${tokens.length} fields where a GDP buoydata line has ${FIELDS.length} (${FIELDS.join(' ')})`, 'download the file again, or give it as CSV')
    const values = tokens.map(parseNumber)
    const bad = values.findIndex((x) => !Number.isFinite(x))
    if (bad >= 0) throw importError(file, `line ${k + 1}`, `${FIELDS[bad]} "${tokens[bad]}" is not a number`, 'download the file again')
    ids.push(tokens[0])
    lines.push(k + 1)
    values.forEach((x, c) => cols[c].push(x))
  })
  if (ids.length === 0) throw importError(file, 'file', 'no data lines', 'choose a GDP buoydata_*.dat file')
  const n = ids.length
  const missing = (x: number) => Math.abs(x) >= 999 // 999.99 / 999.999
  const col = (c: number, scale = 1) => Float64Array.from(cols[c], (x) => (missing(x) ? NaN : x * scale))
  const time = Float64Array.from({ length: n }, (_, i) => gdpTime(cols[1][i], cols[2][i], cols[3][i]))
  const extra: Record<string, Float64Array> = {}
  const variables: Record<string, SourceVariable> = {}
  for (const [name, { column, attrs }] of Object.entries(EXTRA)) {
    extra[name] = col(column, name === 'speed' ? 0.01 : 1)
    variables[name] = { per: 'obs', sourceName: FIELDS[column], attrs }
  }
  const units: Record<string, string> = { time: 'MM DD.dd YYYY (fractional day, UTC)', velocity: 'cm/s → m/s (GDP ASCII)', layout: 'GDP 6-hourly ASCII (buoydata)' }
  const problems: ImportProblem[] = []
  const drifters = assembleTracks(
    file,
    { ids, time, lat: col(4), lon: col(5), ve: col(7, 0.01), vn: col(8, 0.01), extra, where: (i) => `line ${lines[i]}` },
    units,
    problems
  )
  return { source: file, format: 'gdp-ascii', drifters, units, problems, variables, numericIds: true }
}
