/** CF trajectory NetCDF (contiguous ragged `rowsize`, 2-D (drifter, time) grids, single trajectories) → DrifterTracks. */
import type { ImportProblem } from '../../../shared/drifters'
import { assembleTracks, type FlatFixes } from './assemble'
import { importError } from './errors'
import { attrText, findVariable, readNumbers, type NcDataset, type NcVariable } from './nc-dataset'
import { parseCfTimeUnits } from './time'
import type { DrifterTracks } from './types'
import { velocitiesToMetresPerSecond } from './velocity-units'

const byStandardName = (ds: NcDataset, name: string) => ds.variables.find((v) => attrText(v, 'standard_name') === name)

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

/** Values of a per-observation variable; a (obs, depth) variable (Copernicus EWCT) gives its first column. */
function perObs(v: NcVariable, count: number): Float64Array {
  const a = readNumbers(v)
  if (a.length === count) return a
  const stride = a.length / count
  return Float64Array.from({ length: count }, (_, i) => a[i * stride])
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
  const rowsize = findVariable(ds, ['rowsize', 'row_size']) ?? ds.variables.find((v) => attrText(v, 'sample_dimension') !== undefined)
  const latValues = readNumbers(lat)
  const lonValues = readNumbers(lon)
  let ids: string[]
  let time: Float64Array
  let where: (i: number) => string
  if (lat.dims.length === 2) {
    // Multidimensional (drifter, time) grid, padded with fill values (OpenDrift, EGC-DrIFT).
    const [nd, nt] = lat.shape
    const tRaw = readTimes(file, timeVar)
    if (tRaw.length !== count && tRaw.length !== nt) throw importError(file, `variable ${timeVar.name}`, `has ${tRaw.length} values but positions are ${nd}×${nt}`, 'give time on (drifter, time) or (time)')
    time = tRaw.length === count ? tRaw : Float64Array.from({ length: count }, (_, i) => tRaw[i % nt])
    const names = idNames(idVar, nd)
    ids = Array.from({ length: count }, (_, i) => names[Math.floor(i / nt)])
    where = (i) => `variable ${lat.name}[${Math.floor(i / nt)}, ${i % nt}]`
    units.layout = `2-D (${lat.dims.join(', ')}) grid`
  } else if (rowsize) {
    const sizes = readNumbers(rowsize)
    const total = sizes.reduce((a, b) => a + b, 0)
    if (total !== count) throw importError(file, `variable ${rowsize.name}`, `sums to ${total} but dimension ${lat.dims[0]} has ${count} observations`, 'the file is inconsistent or truncated; download it again')
    const names = idNames(idVar, sizes.length)
    ids = []
    sizes.forEach((s, r) => {
      for (let k = 0; k < s; k++) ids.push(names[r])
    })
    time = readTimes(file, timeVar)
    where = (i) => `variable ${lat.name}[${i}] (drifter ${ids[i]})`
    units.layout = `contiguous ragged array (${rowsize.dims[0]} × ${lat.dims[0]}, ${rowsize.name})`
  } else {
    const id = idVar ? idNames(idVar, 1)[0] : typeof ds.attrs.id === 'string' || typeof ds.attrs.id === 'number' ? String(ds.attrs.id) : file.replace(/^.*[\\/]/, '').replace(/\.[^.]*$/, '')
    ids = new Array<string>(count).fill(id)
    time = readTimes(file, timeVar)
    where = (i) => `variable ${lat.name}[${i}]`
    units.layout = 'single trajectory'
  }
  if (time.length !== count) throw importError(file, `variable ${timeVar.name}`, `has ${time.length} values but there are ${count} positions`, 'give one time per position')
  const fixes: FlatFixes = { ids, time, lat: latValues, lon: lonValues, where }
  const ve = findVariable(ds, ['ve', 'EWCT', 'u', 'x_sea_water_velocity']) ?? byStandardName(ds, 'eastward_sea_water_velocity')
  const vn = findVariable(ds, ['vn', 'NSCT', 'v', 'y_sea_water_velocity']) ?? byStandardName(ds, 'northward_sea_water_velocity')
  if (ve && vn) {
    const v = velocitiesToMetresPerSecond(
      file,
      { ve: perObs(ve, count), vn: perObs(vn, count), veUnit: attrText(ve, 'units'), vnUnit: attrText(vn, 'units'), veName: `variable ${ve.name}`, vnName: `variable ${vn.name}` },
      units
    )
    fixes.ve = v.ve
    fixes.vn = v.vn
  }
  const qc = findVariable(ds, ['POSITION_QC', 'position_qc', 'QC_POSITION', 'QC_LAT', 'LATITUDE_QC', 'lat_qc'])
  if (qc) {
    fixes.qc = perObs(qc, count)
    units.qc = `${qc.name} (valid 1,2,5,7,8)`
  }
  return { source: file, format: ds.format, drifters: assembleTracks(file, fixes, units, problems), units, problems }
}

/** Trajectory names from the id variable (numbers or text), or 0…n-1 without one. */
function idNames(v: NcVariable | undefined, n: number): string[] {
  if (!v) return Array.from({ length: n }, (_, i) => String(i))
  const raw = v.read()
  const names = raw instanceof Float64Array ? Array.from(raw, (x) => String(x)) : raw
  return Array.from({ length: n }, (_, i) => names[i] ?? String(i))
}
