/**
 * CF trajectory NetCDF → DrifterTracks: contiguous ragged arrays (`rowsize`: GDP, clouddrift, ERDDAP .ncCF),
 * 2-D grids oriented by their dimension names and coordinates ((trajectory, obs): OpenDrift, Parcels, EGC-DrIFT;
 * or (time, drifter)), and single trajectories (Copernicus, SOCIB). Every other per-observation and
 * per-trajectory variable is kept with its attributes, and the global attributes too.
 */
import type { ImportProblem, QcClass } from '../../../shared/drifters'
import { assembleTracks, type FlatFixes } from './assemble'
import { importError } from './errors'
import { attrText, findVariable, readNumbers, type NcAttribute, type NcDataset, type NcVariable } from './nc-dataset'
import { parseCfTimeUnits } from './time'
import type { DrifterTracks, SourceVariable } from './types'
import { decideVelocityUnits, velocitiesToMetresPerSecond } from './velocity-units'

const byStandardName = (ds: NcDataset, name: string) => ds.variables.find((v) => attrText(v, 'standard_name') === name)

/** Dimension names that say "one row per trajectory" and "one entry per observation time". */
const TRAJECTORY_DIM = /^(traj|trajector(y|ies)|drifters?|particles?|buoys?|platforms?|floats?|ids?|rows?|stations?|n_?traj\w*|n_?drifters?|n_?particles?)$/i
const TIME_DIM = /^(time|times|obs|observations?|records?|t|steps?|n_?obs\w*|n_?times?|n_?measurements?)$/i
/** Attributes that describe packing or layout of the source, not the quantity (values are unpacked, NaN-filled). */
const LAYOUT_ATTRS = new Set(['_FillValue', 'missing_value', 'scale_factor', 'add_offset', 'coordinates', 'sample_dimension', '_ChunkSizes', '_Unsigned', 'valid_min', 'valid_max', 'valid_range'])

function required(file: string, ds: NcDataset, what: string, names: string[], standardName: string): NcVariable {
  const v = findVariable(ds, names) ?? byStandardName(ds, standardName)
  if (!v) throw importError(file, 'variables', `no ${what} variable (looked for ${names.join(', ')} or standard_name=${standardName}; found ${ds.variables.map((x) => x.name).join(', ')})`, 'give the file CF trajectory variables lat, lon, time')
  return v
}

/** Times → epoch seconds from the variable's CF units ("seconds since 1970-01-01 ..."). */
function readTimes(file: string, v: NcVariable): Float64Array {
  const units = attrText(v, 'units') ?? (v.name.toUpperCase() === 'JULD' ? 'days since 1950-01-01' : '')
  const cf = parseCfTimeUnits(units)
  if (!cf) throw importError(file, `variable ${v.name}`, units ? `units "${units}" are not CF time units` : 'has no units attribute', 'set units to e.g. "seconds since 1970-01-01 00:00:00"')
  return readNumbers(v).map((x) => cf.epoch + x * cf.scale)
}

type Values = Float64Array | string[]

/** Numbers (fill → NaN, unpacked) or text of a variable. */
function valuesOf(v: NcVariable): Values {
  const raw = v.read()
  return raw instanceof Float64Array ? readNumbers(v) : raw
}

/** The first `count` leading cells of each of `count` groups (a (obs, depth) variable gives its first level). */
function firstLevel(a: Values, count: number): Values {
  if (a.length === count) return a
  const stride = a.length / count
  return Array.isArray(a) ? Array.from({ length: count }, (_, i) => a[i * stride]) : Float64Array.from({ length: count }, (_, i) => a[i * stride])
}

/** Row-major n0×n1 values → trajectory-major (transposed when the trajectory axis is the second). */
function trajectoryMajor(a: Values, n0: number, n1: number, trajAxis: 0 | 1): Values {
  if (trajAxis === 0) return a
  const out: Values = Array.isArray(a) ? new Array<string>(a.length) : new Float64Array(a.length)
  for (let i = 0; i < n0; i++) for (let j = 0; j < n1; j++) out[j * n0 + i] = a[i * n1 + j]
  return out
}

/** True when x increases along the axis through the first row/column that has two finite values. */
function increasesAlong(t: Float64Array, n0: number, n1: number, axis: 0 | 1): boolean {
  const lines = axis === 1 ? n0 : n1
  const len = axis === 1 ? n1 : n0
  for (let l = 0; l < lines; l++) {
    const at = (k: number) => (axis === 1 ? t[l * n1 + k] : t[k * n1 + l])
    const finite = Array.from({ length: len }, (_, k) => at(k)).filter(Number.isFinite)
    if (finite.length >= 2) return finite.every((x, k) => k === 0 || x > finite[k - 1])
  }
  return false
}

/**
 * Which axis of a 2-D (a, b) position grid runs over trajectories: from the time coordinate's dimension, the id
 * variable's dimension, the dimension names, or (for 2-D time) the axis along which time increases. A grid none
 * of these decides is refused, saying how to resolve it.
 */
function trajectoryAxis(file: string, lat: NcVariable, time: NcVariable, id: NcVariable | undefined, times: Float64Array): { axis: 0 | 1; how: string } {
  const [d0, d1] = lat.dims
  const [n0, n1] = lat.shape
  if (time.dims.length === 1) {
    if (time.dims[0] === d1) return { axis: 0, how: `time is on ${d1}` }
    if (time.dims[0] === d0) return { axis: 1, how: `time is on ${d0}` }
    if (n0 !== n1 && times.length === n1) return { axis: 0, how: `time has the length of ${d1}` }
    if (n0 !== n1 && times.length === n0) return { axis: 1, how: `time has the length of ${d0}` }
  }
  if (id && id.dims.length >= 1 && id.shape.reduce((a, b) => a * b, 1) < n0 * n1) {
    if (id.dims[0] === d0) return { axis: 0, how: `${id.name} is on ${d0}` }
    if (id.dims[0] === d1) return { axis: 1, how: `${id.name} is on ${d1}` }
  }
  const named = (d: string) => (TRAJECTORY_DIM.test(d) ? 'traj' : TIME_DIM.test(d) ? 'time' : undefined)
  if (named(d0) === 'traj' || named(d1) === 'time') if (named(d0) !== 'time' && named(d1) !== 'traj') return { axis: 0, how: 'dimension names' }
  if (named(d1) === 'traj' || named(d0) === 'time') if (named(d1) !== 'time' && named(d0) !== 'traj') return { axis: 1, how: 'dimension names' }
  if (time.dims.length === 2 && time.dims.join() === lat.dims.join()) {
    const along1 = increasesAlong(times, n0, n1, 1)
    const along0 = increasesAlong(times, n0, n1, 0)
    if (along1 !== along0) return { axis: along1 ? 0 : 1, how: `time increases along ${along1 ? d1 : d0}` }
  }
  throw importError(
    file,
    `variable ${lat.name}(${d0}, ${d1})`,
    `cannot tell which dimension runs over drifters and which over time (${n0}×${n1}; neither the dimension names nor a time or id coordinate decide it)`,
    `name the dimensions (trajectory, obs) or (time, trajectory), or give time as a 1-D coordinate variable on the time dimension`
  )
}

/** Read a CF trajectory NetCDF data set into tracks (one UserError naming the variable on bad input). */
export function readDrifterNetcdf(file: string, ds: NcDataset): DrifterTracks {
  const lat = required(file, ds, 'latitude', ['lat', 'latitude', 'LAT', 'LATITUDE'], 'latitude')
  const lon = required(file, ds, 'longitude', ['lon', 'longitude', 'LON', 'LONGITUDE'], 'longitude')
  const timeVar = required(file, ds, 'time', ['time', 'TIME', 'JULD', 't'], 'time')
  if (lat.shape.join('x') !== lon.shape.join('x'))
    throw importError(file, 'variables lat and lon', `have different shapes (${lat.shape.join('×')} and ${lon.shape.join('×')})`, 'give positions on the same dimensions')
  const count = lat.shape.reduce((a, b) => a * b, 1)
  const problems: ImportProblem[] = []
  const units: Record<string, string> = { time: attrText(timeVar, 'units') ?? '' }
  const idVar = ds.variables.find((v) => attrText(v, 'cf_role') === 'trajectory_id') ?? findVariable(ds, ['id', 'ID', 'trajectory', 'PLATFORM_NUMBER', 'platform_code'])
  const rowsize = findVariable(ds, ['rowsize', 'row_size', 'rowSize']) ?? ds.variables.find((v) => attrText(v, 'sample_dimension') !== undefined)
  const ve = findVariable(ds, ['ve', 'EWCT', 'u', 'x_sea_water_velocity']) ?? byStandardName(ds, 'eastward_sea_water_velocity')
  const vn = findVariable(ds, ['vn', 'NSCT', 'v', 'y_sea_water_velocity']) ?? byStandardName(ds, 'northward_sea_water_velocity')
  const qc = findVariable(ds, ['POSITION_QC', 'position_qc', 'QC_POSITION', 'QC_LAT', 'LATITUDE_QC', 'lat_qc'])
  const consumed = new Set([lat, lon, timeVar, idVar, rowsize, ve, vn, qc].filter((v) => v !== undefined).map((v) => v.name))

  // Per-observation values in trajectory-major order, and the trajectory index of each observation.
  let obsOrder: (v: NcVariable) => Values | undefined
  let trajDim: string | undefined
  let nTraj: number
  let trajOf: (i: number) => number
  let time: Float64Array
  let where: (i: number) => string
  let names: string[]
  if (lat.dims.length === 2) {
    // Multidimensional grid padded with fill values: (trajectory, obs) (OpenDrift, Parcels) or (time, drifter).
    const [n0, n1] = lat.shape
    const tRaw = readTimes(file, timeVar)
    const { axis, how } = trajectoryAxis(file, lat, timeVar, idVar, tRaw)
    const [nd, nt] = axis === 0 ? [n0, n1] : [n1, n0]
    trajDim = lat.dims[axis]
    const major = (a: Values) => trajectoryMajor(a, n0, n1, axis)
    obsOrder = (v) => {
      if (v.dims.length < 2 || v.dims[0] !== lat.dims[0] || v.dims[1] !== lat.dims[1]) return undefined
      return major(firstLevel(valuesOf(v), count))
    }
    if (tRaw.length === count) time = major(tRaw) as Float64Array
    else if (tRaw.length === nt) time = Float64Array.from({ length: count }, (_, i) => tRaw[i % nt])
    else throw importError(file, `variable ${timeVar.name}`, `has ${tRaw.length} values but positions are ${n0}×${n1}`, 'give time on the positions’ dimensions or on the time dimension')
    nTraj = nd
    trajOf = (i) => Math.floor(i / nt)
    names = idNames(idVar, nd, idVar && idVar.shape.reduce((a, b) => a * b, 1) === count ? (a) => major(a) : undefined, nt)
    where = (i) => {
      const [r, k] = [Math.floor(i / nt), i % nt]
      return `variable ${lat.name}[${axis === 0 ? `${r}, ${k}` : `${k}, ${r}`}]`
    }
    units.layout = `2-D (${lat.dims.join(', ')}) grid`
    if (axis === 1) units.layout += `, drifters along ${trajDim} (${how})`
  } else if (rowsize) {
    const sizes = readNumbers(rowsize)
    const total = sizes.reduce((a, b) => a + b, 0)
    if (total !== count) throw importError(file, `variable ${rowsize.name}`, `sums to ${total} but dimension ${lat.dims[0]} has ${count} observations`, 'the file is inconsistent or truncated; download it again')
    names = idNames(idVar, sizes.length)
    const traj = new Int32Array(count)
    let k = 0
    sizes.forEach((s, r) => traj.fill(r, k, (k += s)))
    nTraj = sizes.length
    trajDim = rowsize.dims[0]
    trajOf = (i) => traj[i]
    time = readTimes(file, timeVar)
    obsOrder = (v) => (v.dims[0] === lat.dims[0] ? firstLevel(valuesOf(v), count) : undefined)
    where = (i) => `variable ${lat.name}[${i}] (drifter ${names[traj[i]]})`
    units.layout = `contiguous ragged array (${rowsize.dims[0]} × ${lat.dims[0]}, ${rowsize.name})`
  } else {
    const id = idVar ? idNames(idVar, 1)[0] : typeof ds.attrs.id === 'string' || typeof ds.attrs.id === 'number' ? String(ds.attrs.id) : file.replace(/^.*[\\/]/, '').replace(/\.[^.]*$/, '')
    names = [id]
    nTraj = 1
    trajDim = idVar && idVar.dims.length === 1 && idVar.shape[0] === 1 ? idVar.dims[0] : undefined
    trajOf = () => 0
    time = readTimes(file, timeVar)
    obsOrder = (v) => (v.dims[0] === lat.dims[0] ? firstLevel(valuesOf(v), count) : undefined)
    where = (i) => `variable ${lat.name}[${i}]`
    units.layout = 'single trajectory'
  }
  if (time.length !== count) throw importError(file, `variable ${timeVar.name}`, `has ${time.length} values but there are ${count} positions`, 'give one time per position')
  const ids = Array.from({ length: count }, (_, i) => names[trajOf(i)])
  const num = (v: NcVariable) => obsOrder(v) as Float64Array
  const fixes: FlatFixes = { ids, time, lat: num(lat), lon: num(lon), where }
  let undeclared = false
  if (ve && vn && obsOrder(ve) && obsOrder(vn)) {
    const v = velocitiesToMetresPerSecond(
      file,
      { ve: num(ve), vn: num(vn), veUnit: attrText(ve, 'units'), vnUnit: attrText(vn, 'units'), veName: `variable ${ve.name}`, vnName: `variable ${vn.name}` },
      units
    )
    fixes.ve = v.ve
    fixes.vn = v.vn
    undeclared = !v.unit
  }
  if (qc && obsOrder(qc)) {
    fixes.qc = num(qc)
    units.qc = `${qc.name}`
  }
  // Everything else the file holds: per observation (kept with the fixes) and per trajectory (kept per drifter).
  const variables: Record<string, SourceVariable> = {}
  const extra: Record<string, Values> = {}
  const perTraj: Record<string, Values> = {}
  const ignored: string[] = []
  for (const v of ds.variables) {
    if (consumed.has(v.name)) continue
    const obs = obsOrder(v)
    if (obs) {
      extra[v.name] = obs
      variables[v.name] = { per: 'obs', sourceName: v.name, attrs: keptAttrs(v.attrs) }
      if (v.shape.slice(lat.dims.length).reduce((a, b) => a * b, 1) > 1) problems.push({ severity: 'warning', where: `variable ${v.name}`, message: `has ${v.shape.slice(lat.dims.length).join('×')} levels per fix; the first level is kept` })
    } else if (trajDim && v.dims.length === 1 && v.dims[0] === trajDim && v.shape[0] === nTraj) {
      perTraj[v.name] = valuesOf(v)
      variables[v.name] = { per: 'traj', sourceName: v.name, attrs: keptAttrs(v.attrs) }
    } else ignored.push(v.name)
  }
  if (Object.keys(extra).length > 0) fixes.extra = extra
  const report: { qc?: QcClass[] } = {}
  const drifters = assembleTracks(file, fixes, units, problems, report)
  if (undeclared) decideVelocityUnits(drifters, units, problems)
  const rowOf = new Map(names.map((n, r) => [n, r]))
  for (const d of drifters) {
    const r = rowOf.get(d.id)
    if (r === undefined || Object.keys(perTraj).length === 0) continue
    d.meta = Object.fromEntries(Object.entries(perTraj).map(([name, a]) => [name, a[r]]))
  }
  const numericIds = idVar === undefined || idVar.read() instanceof Float64Array
  return { source: file, format: ds.format, drifters, units, problems, variables, ignored, attributes: { ...ds.attrs }, numericIds, qc: report.qc }
}

function keptAttrs(attrs: Record<string, NcAttribute>): Record<string, NcAttribute> {
  return Object.fromEntries(Object.entries(attrs).filter(([k]) => !LAYOUT_ATTRS.has(k)))
}

/**
 * Trajectory names from the id variable (numbers or text), or 0…n-1 without one. A 2-D id (Parcels writes
 * `trajectory(traj, obs)`, padded) gives, per row, its first value that is not a fill.
 */
function idNames(v: NcVariable | undefined, n: number, toMajor?: (a: Values) => Values, perRow = 1): string[] {
  if (!v) return Array.from({ length: n }, (_, i) => String(i))
  const raw = toMajor ? toMajor(valuesOf(v)) : v.read()
  const names = raw instanceof Float64Array ? Array.from(raw, (x) => (Number.isFinite(x) ? String(x) : '')) : raw
  if (!toMajor) return Array.from({ length: n }, (_, i) => names[i] ?? String(i))
  return Array.from({ length: n }, (_, r) => names.slice(r * perRow, (r + 1) * perRow).find((s) => s !== '') ?? String(r))
}
