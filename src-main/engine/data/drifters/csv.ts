/** CSV drifter tables → DrifterTracks: ERDDAP (units on line 2), .csvp ("name (units)") and plain id,time,lat,lon tables. */
import Papa from 'papaparse'
import type { ImportProblem } from '../../../shared/drifters'
import { assembleTracks } from './assemble'
import { COLUMN_EXAMPLES, findColumn, type Field } from './columns'
import { importError } from './errors'
import { parseCfTimeUnits, parseDateTime } from './time'
import type { DrifterTracks } from './types'
import { velocitiesToMetresPerSecond } from './velocity-units'

const UNIT_TOKEN = /^(utc|gmt|degrees?(_?(north|east|n|e))?|m\/s|cm\/s|m s-1|cm s-1|seconds|s|kelvin|k|degree_celsius|1|count|.+ since .+)$/i

interface Header {
  names: string[]
  units: string[]
}

/** Split ".csvp" headers "latitude (degrees_north)" into name and unit. */
function readHeader(row: string[]): Header {
  const names: string[] = []
  const units: string[] = []
  for (const cell of row) {
    const m = /^\s*(.*?)\s*\(([^()]*)\)\s*$/.exec(cell)
    names.push((m ? m[1] : cell).trim())
    units.push(m ? m[2].trim() : '')
  }
  return { names, units }
}

function isUnitsRow(row: string[], latCol: number, lonCol: number): boolean {
  if (Number.isFinite(parseNumber(row[latCol] ?? '')) || Number.isFinite(parseNumber(row[lonCol] ?? ''))) return false
  return row.some((c) => c.trim() !== '' && UNIT_TOKEN.test(c.trim())) && row.every((c) => c.trim() === '' || UNIT_TOKEN.test(c.trim()) || !/\d/.test(c))
}

/** A number as drifter files write it (Fortran "D" exponents accepted); NaN for empty or "NaN". */
export function parseNumber(text: string): number {
  const t = text.trim()
  if (t === '' || /^nan$/i.test(t)) return NaN
  const x = Number(t.replace(/^([-+]?[\d.]+)[dD]([-+]?\d+)$/, '$1e$2'))
  return x
}

/** Read a CSV drifter file. Throws one UserError naming the file, the line and the problem. */
export function readDrifterCsv(file: string, text: string): DrifterTracks {
  const parsed = Papa.parse<string[]>(text.replace(/^\uFEFF/, ''), { skipEmptyLines: false })
  const quoteError = parsed.errors.find((e) => e.type === 'Quotes')
  if (quoteError) throw importError(file, `line ${(quoteError.row ?? 0) + 1}`, 'a quoted field is never closed: the file looks truncated', 'download or export the file again')
  const rows = parsed.data
  const isBlank = (r: string[]) => r.length === 0 || (r.length === 1 && r[0].trim() === '') || r[0].trim().startsWith('#')
  let h = 0
  while (h < rows.length && isBlank(rows[h])) h++
  if (h >= rows.length) throw importError(file, 'file', 'the file is empty', 'choose a CSV file with a header line and one row per fix')
  const header = readHeader(rows[h])
  const col = (f: Field) => findColumn(header.names, f)
  const cols = { id: col('id'), time: col('time'), date: col('date'), lat: col('lat'), lon: col('lon'), ve: col('ve'), vn: col('vn'), qc: col('qc') }
  const headerWhere = `header (line ${h + 1})`
  for (const f of ['lat', 'lon'] as const)
    if (cols[f] < 0) throw importError(file, headerWhere, `no ${f === 'lat' ? 'latitude' : 'longitude'} column (looked for ${COLUMN_EXAMPLES[f]}; found ${header.names.join(', ')})`, 'name the columns id,time,lat,lon[,ve,vn]')
  if (cols.time < 0 && cols.date < 0) throw importError(file, headerWhere, `no time column (looked for ${COLUMN_EXAMPLES.time}; found ${header.names.join(', ')})`, 'name the columns id,time,lat,lon[,ve,vn]')

  const problems: ImportProblem[] = []
  const units: Record<string, string> = {}
  let first = h + 1
  let unitsRow = header.units
  if (first < rows.length && isUnitsRow(rows[first], cols.lat, cols.lon)) {
    unitsRow = rows[first].map((c) => c.trim())
    units.unitsRow = `line ${first + 1} read as units: ${unitsRow.join(',')}`
    first++
  }
  const width = header.names.length
  const data: { line: number; cells: string[] }[] = []
  for (let r = first; r < rows.length; r++) {
    const cells = rows[r]
    if (isBlank(cells)) continue
    if ((cells[cols.lat] ?? '').trim().toLowerCase() === header.names[cols.lat].toLowerCase()) {
      // A second download pasted below the first: its header is skipped, its units must agree.
      const next = rows[r + 1]
      if (next && isUnitsRow(next, cols.lat, cols.lon)) {
        if (next.map((c) => c.trim()).join(',') !== unitsRow.join(','))
          throw importError(file, `line ${r + 2}`, `mixed units: this units row (${next.join(',')}) differs from the first (${unitsRow.join(',')})`, 'split the file or convert it to one set of units')
        r++
      }
      problems.push({ severity: 'warning', where: `line ${r + 1}`, message: 'a repeated header was skipped' })
      continue
    }
    if (cells.length < width) {
      const last = rows.slice(r + 1).every(isBlank)
      throw importError(file, `line ${r + 1}`, `${cells.length} of ${width} fields${last ? ': the file looks truncated' : ''}`, last ? 'download or export the file again' : 'repair or remove this line')
    }
    data.push({ line: r + 1, cells })
  }

  const n = data.length
  const where = (i: number) => `line ${data[i].line}`
  const numbers = (c: number, name: string) =>
    Float64Array.from(data, (d, i) => {
      const x = parseNumber(d.cells[c])
      if (Number.isNaN(x) && d.cells[c].trim() !== '' && !/^nan$/i.test(d.cells[c].trim()))
        throw importError(file, where(i), `${name} "${d.cells[c]}" is not a number`, `give ${name} as a decimal number`)
      return x
    })
  const time = readTimes(file, data.map((d) => (cols.time >= 0 ? d.cells[cols.time] : '')), data.map((d) => (cols.date >= 0 ? d.cells[cols.date] : '')), cols, unitsRow, header.names, where, units, problems)
  const ids = cols.id >= 0 ? data.map((d) => d.cells[cols.id].trim()) : new Array<string>(n).fill(file.replace(/^.*[\\/]/, '').replace(/\.[^.]*$/, ''))
  if (cols.id < 0) problems.push({ severity: 'warning', where: 'header', message: 'no id column: all rows read as one drifter' })
  let ve: Float64Array | undefined
  let vn: Float64Array | undefined
  if (cols.ve >= 0 && cols.vn >= 0) {
    const v = velocitiesToMetresPerSecond(
      file,
      { ve: numbers(cols.ve, header.names[cols.ve]), vn: numbers(cols.vn, header.names[cols.vn]), veUnit: unitsRow[cols.ve], vnUnit: unitsRow[cols.vn], veName: `column ${header.names[cols.ve]}`, vnName: `column ${header.names[cols.vn]}` },
      units
    )
    ve = v.ve
    vn = v.vn
  } else if (cols.ve >= 0 || cols.vn >= 0) problems.push({ severity: 'warning', where: 'header', message: 'only one velocity component found; velocities ignored' })
  const drifters = assembleTracks(
    file,
    { ids, time, lat: numbers(cols.lat, 'latitude'), lon: numbers(cols.lon, 'longitude'), ve, vn, qc: cols.qc >= 0 ? numbers(cols.qc, 'QC flag') : undefined, where },
    units,
    problems
  )
  return { source: file, format: 'csv', drifters, units, problems }
}

function readTimes(
  file: string,
  timeCells: string[],
  dateCells: string[],
  cols: Record<Field, number>,
  unitsRow: string[],
  names: string[],
  where: (i: number) => string,
  units: Record<string, string>,
  problems: ImportProblem[]
): Float64Array {
  const tc = cols.time >= 0 ? cols.time : cols.date
  const unit = unitsRow[tc] ?? ''
  const cf = parseCfTimeUnits(unit)
  const juld = names[tc]?.toLowerCase() === 'juld' ? parseCfTimeUnits('days since 1950-01-01') : undefined
  const numeric = cf ?? juld
  if (numeric) units.time = `${cf ? unit : 'days since 1950-01-01 (JULD)'} → UTC`
  let numbersAsSeconds = false
  const out = new Float64Array(timeCells.length)
  for (let i = 0; i < out.length; i++) {
    // "date" + "time" columns (GLAD style) are joined; a lone date column is the time.
    const text = cols.time >= 0 && cols.date >= 0 ? `${dateCells[i].trim()} ${timeCells[i].trim()}` : cols.time >= 0 ? timeCells[i] : dateCells[i]
    if (text.trim() === '') {
      out[i] = NaN
      continue
    }
    const x = Number(text)
    if (numeric && Number.isFinite(x)) out[i] = numeric.epoch + x * numeric.scale
    else if (!numeric && Number.isFinite(x) && /^[-+]?[\d.]+(e[-+]?\d+)?$/i.test(text.trim())) {
      out[i] = x
      numbersAsSeconds = true
    } else {
      out[i] = parseDateTime(text)
      if (!Number.isFinite(out[i])) throw importError(file, where(i), `time "${text}" is not a date-time`, 'write times as ISO-8601 UTC, e.g. 2019-06-04T05:00:00Z')
    }
  }
  if (numbersAsSeconds) {
    units.time = 'numbers read as seconds since 1970-01-01 (no units given)'
    problems.push({ severity: 'warning', where: `column ${names[tc]}`, message: 'numeric times without units were read as seconds since 1970-01-01' })
  } else if (!numeric) units.time ??= 'ISO-8601 (UTC)'
  return out
}
