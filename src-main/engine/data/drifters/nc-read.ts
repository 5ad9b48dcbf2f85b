/** Open NetCDF-3 (netcdfjs) and NetCDF-4/HDF5 (h5wasm) bytes as an NcDataset. */
import { rm, writeFile } from 'node:fs/promises'
import { join } from 'node:path'
import { NetCDFReader } from 'netcdfjs'
import { NETCDF_DIM_WITHOUT_VARIABLE, getVariable, hdf5Reason, isHdf5Error, openHdf5, type H5Dataset, type H5File } from '../netcdf/h5'
import { declaredSizeProblem } from '../../../shared/limits'
import { scratchDir } from '../atomic'
import { importError } from './errors'
import type { NcAttribute, NcDataset, NcVariable } from './nc-dataset'

type Cell = string | number | number[] | bigint

function flatNumbers(values: unknown[]): Float64Array {
  const out: number[] = []
  const walk = (x: unknown) => {
    if (Array.isArray(x) || ArrayBuffer.isView(x)) for (const y of Array.from(x as ArrayLike<unknown>)) walk(y)
    else out.push(typeof x === 'bigint' ? Number(x) : Number(x))
  }
  walk(values)
  return Float64Array.from(out)
}

/** Join per-character cells along the last dimension into strings. */
function joinChars(chars: string[], shape: number[]): string[] {
  const len = shape.length > 1 ? shape[shape.length - 1] : chars.length
  const out: string[] = []
  for (let i = 0; i < chars.length; i += len) out.push(chars.slice(i, i + len).join('').replace(/\0+$/, '').trim())
  return out
}

/** Parse NetCDF-3 (classic or 64-bit offset) bytes. */
export function openNetcdf3(file: string, bytes: Uint8Array): NcDataset {
  let reader: NetCDFReader
  try {
    reader = new NetCDFReader(bytes)
  } catch (err) {
    throw importError(file, 'file', `not a readable NetCDF-3 file (${(err as Error).message}): it may be truncated`, 'download the file again')
  }
  const dimList = reader.dimensions
  const recordLength = reader.recordDimension.length
  const dims: Record<string, number> = {}
  dimList.forEach((d, i) => (dims[d.name] = i === reader.recordDimension.id ? recordLength : d.size))
  let end = 0
  // Record variables: the last record's slice ends one variable-size after its start.
  for (const v of reader.variables)
    end = Math.max(end, v.offset + (v.record ? (recordLength > 0 ? (reader.recordDimension.recordStep ?? 0) * (recordLength - 1) + v.size : 0) : v.size))
  // Up to 3 bytes of slack: a lone record variable of bytes/shorts is not padded to 4.
  if (end - 3 > bytes.length) throw importError(file, 'file', `the header describes ${end} bytes but the file has ${bytes.length}: it is truncated`, 'download the file again')
  const attrsOf = (list: { name: string; value: NcAttribute }[]) => Object.fromEntries(list.map((a) => [a.name, a.value]))
  const variables: NcVariable[] = reader.variables.map((v) => {
    const vdims = v.dimensions.map((i) => dimList[i].name)
    const shape = vdims.map((d) => dims[d])
    return {
      name: v.name,
      dims: vdims,
      shape,
      attrs: attrsOf(v.attributes as { name: string; value: NcAttribute }[]),
      read: () => {
        const data = reader.getDataVariable(v) as Cell[]
        if (v.type === 'char') return joinChars((data as unknown[]).flat(2).map(String), shape)
        return flatNumbers(data)
      }
    }
  })
  return { format: 'netcdf3', dims, variables, attrs: attrsOf(reader.globalAttributes as { name: string; value: NcAttribute }[]) }
}

const HDF5_INTERNAL_ATTRS = new Set(['DIMENSION_LIST', 'REFERENCE_LIST', 'CLASS', 'NAME', '_Netcdf4Dimid', '_Netcdf4Coordinates', '_NCProperties', '_nc3_strict', '_IsNetcdf4'])

function readAttrs(obj: H5Dataset | H5File): Record<string, NcAttribute> {
  const out: Record<string, NcAttribute> = {}
  for (const [name, attr] of Object.entries(obj.attrs)) {
    if (HDF5_INTERNAL_ATTRS.has(name)) continue
    try {
      const v = attr.json_value
      if (typeof v === 'string' || typeof v === 'number') out[name] = v
      else if (typeof v === 'boolean') out[name] = Number(v)
      else if (Array.isArray(v)) {
        const flat = (v as unknown[]).flat(3)
        out[name] = flat.every((x) => typeof x === 'number') ? (flat.length === 1 ? (flat[0] as number) : (flat as number[])) : flat.join('')
      }
    } catch {
      // Attributes h5wasm cannot decode (references, compounds) carry no drifter data.
    }
  }
  return out
}

/** The end-of-file address recorded in an HDF5 superblock (versions 0–3), or undefined if unreadable. */
export function hdf5StoredEof(bytes: Uint8Array): number | undefined {
  if (bytes.length < 64) return undefined
  const view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength)
  const version = bytes[8]
  const offsetSize = version <= 1 ? bytes[13] : bytes[9]
  if (offsetSize !== 8 && offsetSize !== 4) return undefined
  // v0: base, free-space, EOF after 24 bytes; v1 has 4 more; v2/3: base, extension, EOF after 12 bytes.
  const start = version === 0 ? 24 : version === 1 ? 28 : 12
  const at = start + 2 * offsetSize
  if (at + offsetSize > bytes.length) return undefined
  return offsetSize === 8 ? Number(view.getBigUint64(at, true)) : view.getUint32(at, true)
}

/**
 * Open NetCDF-4 / HDF5 bytes (root group only) through a temporary file and run `use` while it is open
 * (variables are read lazily, so only what `use` asks for is loaded); the file is removed afterwards.
 */
export async function withNetcdf4<T>(file: string, bytes: Uint8Array, use: (ds: NcDataset) => T): Promise<T> {
  const eof = hdf5StoredEof(bytes)
  if (eof !== undefined && eof > bytes.length) throw importError(file, 'file', `the HDF5 superblock describes ${eof} bytes but the file has ${bytes.length}: it is truncated`, 'download the file again')
  const dir = await scratchDir() // named for its process, so a killed run's copy is removed by the next run
  const path = join(dir, 'input.nc')
  try {
    await writeFile(path, bytes)
    let f: H5File
    try {
      f = await openHdf5(path)
    } catch (err) {
      throw importError(file, 'file', `not a readable NetCDF-4/HDF5 file (${hdf5Reason(err)}): it may be truncated`, 'download the file again')
    }
    try {
      return use(readHdf5(file, f, bytes.length))
    } catch (err) {
      if (isHdf5Error(err)) throw importError(file, 'file', `is damaged (HDF5: ${hdf5Reason(err)})`, 'download the file again')
      throw err
    } finally {
      f.close()
    }
  } finally {
    await rm(dir, { recursive: true, force: true })
  }
}

/** Open NetCDF-4 / HDF5 bytes with every variable read into memory (usable after the file is closed). */
export function openNetcdf4(file: string, bytes: Uint8Array): Promise<NcDataset> {
  return withNetcdf4(file, bytes, (ds) => ({ ...ds, variables: ds.variables.map((v) => ({ ...v, read: readNow(v.read) })) }))
}

/** Read now (h5wasm needs the file open) and replay the value, or the error, when asked. */
function readNow<T>(read: () => T): () => T {
  try {
    const value = read()
    return () => value
  } catch (err) {
    return () => {
      throw err
    }
  }
}

function readHdf5(file: string, f: H5File, fileBytes: number): NcDataset {
  const dims: Record<string, number> = {}
  const variables: NcVariable[] = []
  for (const name of f.keys()) {
    const entity = getVariable(f, name)
    if (!entity) continue
    const shape = entity.shape ?? []
    let dimNames: string[]
    try {
      dimNames = shape.map((_, i) => entity.get_attached_scales(i)[0]?.replace(/^\//, '') ?? `${name}_dim${i}`)
    } catch {
      dimNames = shape.map((_, i) => `${name}_dim${i}`)
    }
    dimNames.forEach((d, i) => (dims[d] = shape[i]))
    let scaleName: string | null
    try {
      scaleName = entity.get_scale_name()
    } catch {
      scaleName = null
    }
    if (scaleName?.startsWith(NETCDF_DIM_WITHOUT_VARIABLE)) {
      dims[name] = shape[0]
      continue
    }
    variables.push({
      name,
      dims: dimNames,
      shape,
      attrs: readAttrs(entity),
      read: () => {
        const tooBig = declaredSizeProblem(shape, fileBytes) // before anything is allocated
        if (tooBig) throw importError(file, `variable ${name}`, tooBig, 'check the file, or subset it first')
        let value: unknown
        try {
          value = entity.value
        } catch (err) {
          throw importError(file, `variable ${name}`, `could not be read (${hdf5Reason(err)}): the file may be truncated`, 'download the file again')
        }
        // NetCDF char arrays are HDF5 fixed strings of one byte: join them along the last dimension.
        const isChar = !entity.metadata.vlen && entity.metadata.size === 1
        if (typeof value === 'string') return [value.replace(/\0+$/, '').trim()]
        if (Array.isArray(value) && value.every((x) => typeof x === 'string'))
          return isChar ? joinChars(value as string[], shape) : (value as string[]).map((s) => s.replace(/\0+$/, '').trim())
        if (value instanceof BigInt64Array || value instanceof BigUint64Array) return Float64Array.from(value, Number)
        if (ArrayBuffer.isView(value)) return new Float64Array(value as unknown as ArrayLike<number>)
        if (typeof value === 'number' || typeof value === 'bigint') return Float64Array.of(Number(value))
        throw importError(file, `variable ${name}`, 'has a data type drifter import does not read', 'store it as numbers or text')
      }
    })
  }
  return { format: 'netcdf4', dims, variables, attrs: readAttrs(f) }
}
