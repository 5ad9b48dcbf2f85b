/** CSV drifter tables → DrifterTracks: ERDDAP (units on line 2), .csvp ("name (units)") and plain id,time,lat,lon tables. */
import Papa from 'papaparse'
import type { ImportProblem, QcClass } from '../../../shared/drifters'
import type { UserError } from '../../jobs/job'
import { assembleTracks } from './assemble'
import { COLUMN_EXAMPLES, findColumn, type Field } from './columns'
import { importError } from './errors'
import { parseCfTimeUnits, parseDateTime, type CfTimeUnits } from './time'
import type { DrifterTracks, SourceVariable } from './types'
import { decideVelocityUnits, velocitiesToMetresPerSecond } from './velocity-units'

const UNIT_TOKEN = /^(utc|gmt|degrees?(_?(north|east|n|e))?|m\/s|cm\/s|m s-1|cm s-1|seconds|s|kelvin|k|degree_celsius|1|count|.+ since .+)$/i

/** Split ".csvp" headers "latitude (degrees_north)" into name and unit. */
function readHeader(row: string[]): { names: string[]; units: string[] } {
  const names: string[] = []
  const units: string[] = []
  for (const cell of row) {
    const m = /^\s*(.*?)\s*\(([^()]*)\)\s*$/.exec(cell)
    names.push((m ? m[1] : cell).trim())
    units.push(m ? m[2].trim() : '')
  }
  return { names, units }
}

/** A number as drifter files write it (Fortran "D" exponents accepted); NaN for empty or "NaN". */
export function parseNumber(text: string): number {
  const t = text.trim()
  if (t === '') return NaN
  const x = Number(t)
  if (!Number.isNaN(x)) return x
  return Number(t.replace(/^([-+]?[\d.]+)[dD]([-+]?\d+)$/, '$1e$2'))
}

const isBlank = (r: string[]) => r.length === 0 || (r.length === 1 && r[0].trim() === '') || r[0].trim().startsWith('#')

function isUnitsRow(row: string[], latCol: number, lonCol: number): boolean {
  if (Number.isFinite(parseNumber(row[latCol] ?? '')) || Number.isFinite(parseNumber(row[lonCol] ?? ''))) return false
  return row.some((c) => c.trim() !== '' && UNIT_TOKEN.test(c.trim())) && row.every((c) => c.trim() === '' || UNIT_TOKEN.test(c.trim()) || !/\d/.test(c))
}

type Columns = Record<Field, number>

/** A growing column of numbers in a typed array (a million fixes cost 8 MB, not a boxed JS array and a copy). */
class NumberColumn {
  private a = new Float64Array(1024)
  length = 0
  push(x: number): void {
    if (this.length === this.a.length) {
      const b = new Float64Array(this.a.length * 2)
      b.set(this.a)
      this.a = b
    }
    this.a[this.length++] = x
  }
  values(): Float64Array {
    return this.a.subarray(0, this.length)
  }
}

/** Row-by-row state of a CSV read (rows are parsed as they stream, so big files are not held twice). */
class CsvState {
  names: string[] = []
  unitsRow: string[] = []
  cols: Columns = { id: -1, time: -1, date: -1, lat: -1, lon: -1, ve: -1, vn: -1, qc: -1 }
  phase: 'header' | 'units' | 'data' = 'header'
  repeatedHeader = false
  short: { line: number; count: number } | undefined
  numericTime: CfTimeUnits | undefined
  numbersAsSeconds = false
  /** One string per fix, but each distinct id stored once (interned). */
  readonly ids: string[] = []
  private readonly idOf = new Map<string, string>()
  readonly lines = new NumberColumn()
  readonly time = new NumberColumn()
  readonly lat = new NumberColumn()
  readonly lon = new NumberColumn()
  readonly ve = new NumberColumn()
  readonly vn = new NumberColumn()
  readonly qc = new NumberColumn()
  /** Every other column, as text (numbers are recognised once the whole column is read). */
  extraColumns: number[] = []
  readonly extra: string[][] = []
  readonly units: Record<string, string> = {}
  readonly problems: ImportProblem[] = []

  constructor(readonly file: string) {}

  row(cells: string[], line: number): void {
    if (isBlank(cells)) return
    if (this.phase === 'header') return this.header(cells, line)
    if (this.phase === 'units') {
      this.phase = 'data'
      if (isUnitsRow(cells, this.cols.lat, this.cols.lon)) {
        this.unitsRow = cells.map((c) => c.trim())
        this.units.unitsRow = `line ${line} read as units: ${this.unitsRow.join(',')}`
        this.setTimeUnits()
        return
      }
      this.setTimeUnits()
    }
    if (this.repeatedHeader) {
      this.repeatedHeader = false
      // A second download pasted below the first: its units must agree with the first.
      if (isUnitsRow(cells, this.cols.lat, this.cols.lon)) {
        if (cells.map((c) => c.trim()).join(',') !== this.unitsRow.join(','))
          throw importError(this.file, `line ${line}`, `mixed units: this units row (${cells.join(',')}) differs from the first (${this.unitsRow.join(',')})`, 'split the file or convert it to one set of units')
        return
      }
    }
    if ((cells[this.cols.lat] ?? '').trim().toLowerCase() === this.names[this.cols.lat].toLowerCase()) {
      this.repeatedHeader = true
      this.problems.push({ severity: 'warning', where: `line ${line}`, message: 'a repeated header was skipped' })
      return
    }
    if (this.short) throw importError(this.file, `line ${this.short.line}`, `${this.short.count} of ${this.names.length} fields`, 'repair or remove this line')
    if (cells.length < this.names.length) {
      this.short = { line, count: cells.length }
      return
    }
    this.data(cells, line)
  }

  private header(cells: string[], line: number): void {
    if (cells.length > 0) cells[0] = cells[0].replace(/^\uFEFF/, '')
    if (this.headerless(cells, line)) return
    const header = readHeader(cells)
    this.names = header.names
    this.unitsRow = header.units
    for (const f of Object.keys(this.cols) as Field[]) this.cols[f] = findColumn(this.names, f)
    const where = `header (line ${line})`
    const found = this.names.join(', ')
    for (const f of ['lat', 'lon'] as const)
      if (this.cols[f] < 0) throw importError(this.file, where, `no ${f === 'lat' ? 'latitude' : 'longitude'} column (looked for ${COLUMN_EXAMPLES[f]}; found ${found})`, 'name the columns id,time,lat,lon[,ve,vn]')
    if (this.cols.time < 0 && this.cols.date < 0) throw importError(this.file, where, `no time column (looked for ${COLUMN_EXAMPLES.time}; found ${found})`, 'name the columns id,time,lat,lon[,ve,vn]')
    const used = new Set(Object.values(this.cols))
    this.extraColumns = this.names.map((_, c) => c).filter((c) => !used.has(c) && this.names[c] !== '')
    this.extra.push(...this.extraColumns.map((): string[] => []))
    this.phase = 'units'
  }

  /**
   * ERDDAP `.csv0` has no header: a first line that is already a fix (a date-time and numbers) is read in the
   * order ERDDAP's drifter queries use, [id,] time, latitude, longitude, and any further columns kept by position.
   */
  private headerless(cells: string[], line: number): boolean {
    const t = cells.findIndex((c) => !/^\s*[-+]?[\d.]+([eEdD][-+]?\d+)?\s*$/.test(c) && Number.isFinite(parseDateTime(c)))
    if (t < 0 || t > 1) return false
    const numeric = (c: number) => c < cells.length && Number.isFinite(parseNumber(cells[c]))
    if (!numeric(t + 1) || !numeric(t + 2)) return false
    this.names = cells.map((_, c) => (c === t ? 'time' : c === t + 1 ? 'latitude' : c === t + 2 ? 'longitude' : c === 0 && t === 1 ? 'ID' : `column_${c + 1}`))
    this.unitsRow = []
    for (const f of Object.keys(this.cols) as Field[]) this.cols[f] = -1
    Object.assign(this.cols, { id: t === 1 ? 0 : -1, time: t, lat: t + 1, lon: t + 2 })
    const used = new Set(Object.values(this.cols))
    this.extraColumns = this.names.map((_, c) => c).filter((c) => !used.has(c))
    this.extra.push(...this.extraColumns.map((): string[] => []))
    this.units.layout = `no header (ERDDAP .csv0): columns read as ${this.names.join(',')}`
    this.problems.push({ severity: 'warning', where: `line ${line}`, message: `no header line: columns read by position as ${this.names.join(',')}; add a header (or download .csv) to name them` })
    this.phase = 'data'
    this.setTimeUnits()
    this.data(cells, line)
    return true
  }

  private setTimeUnits(): void {
    const tc = this.cols.time >= 0 ? this.cols.time : this.cols.date
    const unit = this.unitsRow[tc] ?? ''
    const cf = parseCfTimeUnits(unit)
    this.numericTime = cf ?? (this.names[tc].toLowerCase() === 'juld' ? parseCfTimeUnits('days since 1950-01-01') : undefined)
    if (this.numericTime) this.units.time = `${cf ? unit : 'days since 1950-01-01 (JULD)'} → UTC`
  }

  private number(cells: string[], c: number, name: string, line: number): number {
    const x = parseNumber(cells[c])
    if (Number.isNaN(x) && cells[c].trim() !== '' && !/^nan$/i.test(cells[c].trim()))
      throw importError(this.file, `line ${line}`, `${name} "${cells[c]}" is not a number`, `give ${name} as a decimal number`)
    return x
  }

  private data(cells: string[], line: number): void {
    const { cols } = this
    this.lines.push(line)
    const id = cols.id >= 0 ? cells[cols.id].trim() : ''
    let interned = this.idOf.get(id)
    if (interned === undefined) this.idOf.set(id, (interned = id))
    this.ids.push(interned)
    this.time.push(this.parseTime(cols.time >= 0 && cols.date >= 0 ? `${cells[cols.date].trim()} ${cells[cols.time].trim()}` : cells[cols.time >= 0 ? cols.time : cols.date], line))
    this.lat.push(this.number(cells, cols.lat, 'latitude', line))
    this.lon.push(this.number(cells, cols.lon, 'longitude', line))
    if (cols.ve >= 0) this.ve.push(this.number(cells, cols.ve, this.names[cols.ve], line))
    if (cols.vn >= 0) this.vn.push(this.number(cells, cols.vn, this.names[cols.vn], line))
    if (cols.qc >= 0) this.qc.push(this.number(cells, cols.qc, 'QC flag', line))
    this.extraColumns.forEach((c, k) => this.extra[k].push((cells[c] ?? '').trim()))
  }

  private parseTime(text: string, line: number): number {
    if (text.trim() === '') return NaN
    const x = Number(text)
    if (this.numericTime && Number.isFinite(x)) return this.numericTime.epoch + x * this.numericTime.scale
    if (!this.numericTime && Number.isFinite(x) && /^\s*[-+]?[\d.]+(e[-+]?\d+)?\s*$/i.test(text)) {
      this.numbersAsSeconds = true
      return x
    }
    const t = parseDateTime(text)
    if (!Number.isFinite(t)) throw importError(this.file, `line ${line}`, `time "${text}" is not a date-time`, 'write times as ISO-8601 UTC, e.g. 2019-06-04T05:00:00Z')
    return t
  }
}

/** Papa's options for a drifter CSV: each row goes to the state as it is parsed; the first error stops the parse. */
function rowByRow(state: CsvState, onDone: (failure?: UserError) => void): Papa.ParseConfig<string[]> {
  let line = 0
  let failure: UserError | undefined
  return {
    skipEmptyLines: false,
    step: (result, parser) => {
      line++
      const quote = result.errors.find((e) => e.type === 'Quotes')
      try {
        if (quote) throw importError(state.file, `line ${line}`, 'a quoted field is never closed: the file looks truncated', 'download or export the file again')
        state.row(result.data, line)
      } catch (err) {
        failure = err as UserError
        parser.abort()
      }
    },
    complete: () => onDone(failure)
  }
}

function finished(file: string, state: CsvState, failure: UserError | undefined): DrifterTracks {
  if (failure) throw failure
  if (state.phase === 'header') throw importError(file, 'file', 'the file is empty', 'choose a CSV file with a header line and one row per fix')
  if (state.short) throw importError(file, `line ${state.short.line}`, `${state.short.count} of ${state.names.length} fields: the file looks truncated`, 'download or export the file again')
  return finish(file, state)
}

/** Read a CSV drifter file. Throws one UserError naming the file, the line and the problem. */
export function readDrifterCsv(file: string, text: string): DrifterTracks {
  const state = new CsvState(file)
  let failure: UserError | undefined
  Papa.parse<string[]>(text.replace(/^\uFEFF/, ''), rowByRow(state, (f) => (failure = f)))
  return finished(file, state, failure)
}

/**
 * Read a CSV drifter file from a stream of text, row by row: the file is never held in memory, only the fixes
 * (1 M fixes: about 50 MB). Same result and errors as `readDrifterCsv`.
 */
export function readDrifterCsvStream(file: string, stream: NodeJS.ReadableStream): Promise<DrifterTracks> {
  const state = new CsvState(file)
  return new Promise((resolve, reject) => {
    stream.on('error', (err) => reject(importError(file, 'file', `cannot be read (${err.message})`, 'check the path and permissions')))
    const config = rowByRow(state, (failure) => {
      try {
        resolve(finished(file, state, failure))
      } catch (err) {
        reject(err)
      }
    })
    // Papa reads a Node stream chunk by chunk (its types only name browser Files).
    Papa.parse<string[]>(stream as unknown as File, config as unknown as Papa.ParseLocalConfig<string[], File>)
  })
}

function finish(file: string, s: CsvState): DrifterTracks {
  const { cols, names, units, problems } = s
  if (s.numbersAsSeconds) {
    units.time = 'numbers read as seconds since 1970-01-01 (no units given)'
    problems.push({ severity: 'warning', where: `column ${names[cols.time >= 0 ? cols.time : cols.date]}`, message: 'numeric times without units were read as seconds since 1970-01-01' })
  } else units.time ??= 'ISO-8601 (UTC)'
  let ids = s.ids
  if (cols.id < 0) {
    const name = file.replace(/^.*[\\/]/, '').replace(/\.[^.]*$/, '')
    ids = ids.map(() => name)
    problems.push({ severity: 'warning', where: 'header', message: 'no id column: all rows read as one drifter' })
  }
  let ve: Float64Array | undefined
  let vn: Float64Array | undefined
  let undeclared = false
  if (cols.ve >= 0 && cols.vn >= 0) {
    const v = velocitiesToMetresPerSecond(
      file,
      { ve: s.ve.values(), vn: s.vn.values(), veUnit: s.unitsRow[cols.ve], vnUnit: s.unitsRow[cols.vn], veName: `column ${names[cols.ve]}`, vnName: `column ${names[cols.vn]}` },
      units
    )
    ve = v.ve
    vn = v.vn
    undeclared = !v.unit
  } else if (cols.ve >= 0 || cols.vn >= 0) problems.push({ severity: 'warning', where: 'header', message: 'only one velocity component found; velocities ignored' })
  const lines = s.lines.values()
  const { extra, variables } = extraColumns(s)
  const report: { qc?: QcClass[] } = {}
  const drifters = assembleTracks(
    file,
    { ids, time: s.time.values(), lat: s.lat.values(), lon: s.lon.values(), ve, vn, qc: cols.qc >= 0 ? s.qc.values() : undefined, extra, where: (i) => `line ${lines[i]}` },
    units,
    problems,
    report
  )
  if (undeclared) decideVelocityUnits(drifters, units, problems)
  return { source: file, format: 'csv', drifters, units, problems, variables, qc: report.qc }
}

/** A column header as a NetCDF variable name (letters, digits, underscores; not starting with a digit). */
export function variableName(header: string): string {
  const name = header.trim().replace(/[^A-Za-z0-9_]+/g, '_').replace(/^_+|_+$/g, '')
  return /^[A-Za-z]/.test(name) ? name : `v_${name}`
}

/** The columns besides id/time/position/velocity/QC: numeric when every non-empty cell is a number, else text. */
function extraColumns(s: CsvState): { extra?: Record<string, Float64Array | string[]>; variables: Record<string, SourceVariable> } {
  const extra: Record<string, Float64Array | string[]> = {}
  const variables: Record<string, SourceVariable> = {}
  s.extraColumns.forEach((c, k) => {
    const cells = s.extra[k]
    let name = variableName(s.names[c])
    while (name in extra) name = `${name}_`
    const numbers = cells.map(parseNumber)
    const numeric = cells.every((text, i) => text === '' || /^nan$/i.test(text) || Number.isFinite(numbers[i]))
    extra[name] = numeric ? Float64Array.from(numbers) : cells
    const attrs: Record<string, string> = { long_name: s.names[c] }
    if (s.unitsRow[c]) attrs.units = s.unitsRow[c]
    variables[name] = { per: 'obs', sourceName: s.names[c], attrs }
  })
  return { extra: s.extraColumns.length > 0 ? extra : undefined, variables }
}
