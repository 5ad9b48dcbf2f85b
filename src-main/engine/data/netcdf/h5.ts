/**
 * The one owner of h5wasm: readiness, opening HDF5 for reading with clear errors, atomic NetCDF-4 creation, coordinate
 * variables made HDF5 dimension scales, dimensions without a variable, data variables with their scales attached,
 * attributes (text as strings or classic chars). Nothing here knows about data sets, tracks or fields.
 */
import { readFileSync, writeFileSync } from 'node:fs'
import { open } from 'node:fs/promises'
import { resolve } from 'node:path'
import h5wasm from 'h5wasm/node'
import { writeAtomically } from '../atomic'
import { fixedCreationSeconds } from '../created'
import { setObjectTimes } from './object-times'
import { UserError } from '../../jobs/job'

export type H5File = InstanceType<typeof h5wasm.File>
export type H5Dataset = InstanceType<typeof h5wasm.Dataset>
export type H5Group = InstanceType<typeof h5wasm.Group>
/** Attribute values we write: text, one number, or a numeric vector. */
export type AttrValue = string | number | number[] | Float64Array | Float32Array | Int32Array | Int8Array
export type NumericArray = Float64Array | Float32Array | Int32Array | Int8Array | Uint8Array | Int16Array
/** Variable values: numbers (their typed-array type is the NetCDF type) or text (NetCDF `string`). */
export type VariableValues = NumericArray | string[]
/** How text attributes are stored: HDF5 variable-length strings (`string` in ncdump) or fixed-length NetCDF chars. */
export type TextAttrs = 'string' | 'char'

/** netCDF-C's NAME marker for a dimension that has no coordinate variable (ncdump hides such a dataset). */
export const NETCDF_DIM_WITHOUT_VARIABLE = 'This is a netCDF dimension but not a netCDF variable.'
/** The first eight bytes of every HDF5 (NetCDF-4) file. */
const HDF5_SIGNATURE = [0x89, 0x48, 0x44, 0x46, 0x0d, 0x0a, 0x1a, 0x0a]

let ready: Promise<unknown> | undefined
/**
 * Wait for the WebAssembly module once per thread. HDF5's own diagnostics (dozens of "HDF5-DIAG" lines on stderr for
 * one damaged file) are turned into thrown errors instead, which callers word as one line (see `hdf5Reason`).
 */
async function h5Ready(): Promise<void> {
  ready ??= h5wasm.ready.then((module) => module.activate_throwing_error_handler())
  await ready
}

/** HDF5's own errors become one UserError naming the file; any other error passes through unchanged. */
export function damagedFileError(path: string, err: unknown): unknown {
  if (!isHdf5Error(err)) return err
  return new UserError(`${path}: is damaged (HDF5: ${hdf5Reason(err)}); download or write the file again`)
}

/** Whether `err` is HDF5's own error (its diagnostic stack, thrown instead of printed). */
export function isHdf5Error(err: unknown): boolean {
  return err instanceof Error && err.message.startsWith('HDF5-DIAG')
}

/** One line for an error h5wasm threw: the innermost HDF5 reason of a diagnostic stack, or the message itself. */
export function hdf5Reason(err: unknown): string {
  const text = err instanceof Error ? err.message : String(err)
  const reasons = [...text.matchAll(/#\d+: .* in [\w.]+\(\): (.+)$/gm)].map((m) => m[1]!.trim())
  return reasons.at(-1) ?? text.split('\n')[0]!.trim()
}

/** True when `bytes` start with the HDF5 signature. */
export function isHdf5(bytes: Uint8Array): boolean {
  return bytes.length >= 8 && HDF5_SIGNATURE.every((b, i) => bytes[i] === b)
}

/** Read the first bytes: tells HDF5 (NetCDF-4) from NetCDF-3 ("CDF") and from anything else, without HDF5's diagnostics. */
async function sniff(path: string): Promise<'hdf5' | 'netcdf3' | 'other'> {
  let fh
  try {
    fh = await open(path, 'r')
  } catch (err) {
    const code = (err as NodeJS.ErrnoException).code
    if (code === 'ENOENT') throw new UserError(`${path}: no such file`, 'not-found')
    if (code === 'EISDIR') throw new UserError(`${path}: is a folder, not a NetCDF file`)
    throw new UserError(`${path}: cannot be read (${code ?? (err as Error).message})`)
  }
  try {
    const head = Buffer.alloc(8)
    const { bytesRead } = await fh.read(head, 0, 8, 0)
    if (isHdf5(head.subarray(0, bytesRead))) return 'hdf5'
    if (bytesRead >= 4 && head.subarray(0, 3).toString('latin1') === 'CDF') return 'netcdf3'
    return 'other'
  } finally {
    await fh.close()
  }
}

/**
 * Open a NetCDF-4/HDF5 file for reading. Throws a UserError naming the file when it is missing, NetCDF-3,
 * not HDF5 at all, or damaged.
 */
export async function openNetcdfForRead(path: string): Promise<H5File> {
  await h5Ready()
  const kind = await sniff(path)
  if (kind === 'netcdf3') throw new UserError(`${path}: is a NetCDF-3 (classic) file; a NetCDF-4 (HDF5) file is needed`)
  if (kind === 'other') throw new UserError(`${path}: is not a NetCDF-4/HDF5 file (wrong format or corrupt: no HDF5 signature)`)
  try {
    return await openHdf5(resolve(path))
  } catch {
    throw new UserError(`${path}: is damaged (HDF5 could not open it; the file may be truncated)`)
  }
}

/** Open an HDF5 file read-only; throws a plain Error when HDF5 cannot open it (callers word the user's message). */
export async function openHdf5(path: string): Promise<H5File> {
  await h5Ready()
  const file = new h5wasm.File(path, 'r')
  if (!file.file_id || file.file_id < 0n) throw new Error('HDF5 open failed')
  return file
}

/**
 * Create `path` atomically: `build` fills a fresh file that is closed and renamed into place only if it succeeds.
 * @param opts.trackOrder list variables and dimensions in the order written (default); false lists them by name
 * @param opts.signal a cancel before the rename leaves no file
 */
export async function writeNetcdf(path: string, build: (file: H5File) => void, opts: { trackOrder?: boolean; signal?: AbortSignal } = {}): Promise<void> {
  await h5Ready()
  await writeAtomically(resolve(path), (tmp) => {
    const file = new h5wasm.File(tmp, 'w', { track_order: opts.trackOrder ?? true })
    try {
      build(file)
    } finally {
      file.close()
    }
    const seconds = fixedCreationSeconds()
    if (seconds !== undefined) {
      // HDF5 stamps each object with the writing time: fix the stamps so the same seed gives the same bytes
      const bytes = readFileSync(tmp)
      setObjectTimes(bytes, seconds)
      writeFileSync(tmp, bytes)
    }
  }, { signal: opts.signal })
}

/**
 * Write attributes; integers go as 32- or 64-bit integers, other numbers as doubles, typed arrays keep their type,
 * text as `text` says: variable-length strings, or fixed-length chars (the CF-classic form, ncdump `x:units = "m/s"`).
 */
export function setAttributes(target: H5Dataset | H5Group, attrs: Record<string, AttrValue | undefined>, text: TextAttrs = 'string'): void {
  for (const [name, value] of Object.entries(attrs)) {
    if (value === undefined) continue
    if (typeof value === 'string' && text === 'char')
      // HDF5 has no zero-length fixed string: an empty text is stored as one blank.
      target.create_attribute(name, value === '' ? ' ' : value, null, `S${Math.max(1, Buffer.byteLength(value))}`)
    else if (typeof value === 'number' && Number.isInteger(value))
      target.create_attribute(name, value, null, Math.abs(value) < 2 ** 31 ? '<i4' : '<i8')
    else if (Array.isArray(value)) target.create_attribute(name, Float64Array.from(value))
    else target.create_attribute(name, value)
  }
}

/**
 * A NetCDF dimension: a 1-D coordinate variable of the same name, made an HDF5 dimension scale so that
 * netCDF-4 readers (ncdump, xarray) see a dimension with coordinates.
 */
export function addDimension(
  file: H5File,
  name: string,
  values: VariableValues,
  attrs: Record<string, AttrValue | undefined> = {},
  text: TextAttrs = 'string'
): H5Dataset {
  const ds = file.create_dataset({ name, data: values, shape: [values.length] })
  setAttributes(ds, attrs, text)
  ds.make_scale(name)
  return ds
}

/** A dimension of `size` with no coordinate variable, marked the way netCDF-C marks it. */
export function addDimensionWithoutVariable(file: H5File, name: string, size: number): H5Dataset {
  const ds = file.create_dataset({ name, data: new Float32Array(size), shape: [size] })
  ds.make_scale(`${NETCDF_DIM_WITHOUT_VARIABLE}${String(size).padStart(10)}`)
  return ds
}

/** A data variable over existing dimensions (row-major `data`), with each dimension's scale attached. */
export function addVariable(
  file: H5File,
  name: string,
  data: VariableValues,
  dims: string[],
  attrs: Record<string, AttrValue | undefined> = {}
): H5Dataset {
  const ds = createVariable(file, name, data, dims, attrs)
  attachDimensions(ds, dims)
  return ds
}

/** A data variable whose dimension scales are not attached yet (`attachDimensions` does that). */
export function createVariable(
  file: H5File,
  name: string,
  data: VariableValues,
  dims: string[],
  attrs: Record<string, AttrValue | undefined> = {},
  text: TextAttrs = 'string'
): H5Dataset {
  const shape = dims.map((d) => dimensionLength(file, d))
  const expected = shape.reduce((a, b) => a * b, 1)
  if (expected !== data.length) throw new Error(`netcdf: ${name} has ${data.length} values, dimensions (${dims.join(', ')}) need ${expected}`)
  const ds = file.create_dataset({ name, data, shape })
  setAttributes(ds, attrs, text)
  return ds
}

/** Attach each named dimension's scale to axis i of `ds` (what makes ncdump show `var(dim0, dim1)`). */
export function attachDimensions(ds: H5Dataset, dims: string[]): void {
  dims.forEach((d, i) => ds.attach_scale(i, d))
}

/** Length of a dimension created with `addDimension`. */
export function dimensionLength(file: H5File | H5Group, name: string): number {
  const d = file.get(name)
  if (!(d instanceof h5wasm.Dataset) || !d.shape || d.shape.length !== 1) throw new Error(`netcdf: no dimension "${name}"`)
  return d.shape[0]
}

/** A variable of an open file, or undefined. */
export function getVariable(file: H5File | H5Group, name: string): H5Dataset | undefined {
  const d = file.get(name)
  return d instanceof h5wasm.Dataset ? d : undefined
}

/** An attribute's value as text or number (first element of a numeric vector), or undefined. */
export function readAttribute(target: H5Dataset | H5Group, name: string): string | number | undefined {
  const a = target.attrs[name]
  if (!a) return undefined
  const v = a.value
  if (typeof v === 'string' || typeof v === 'number') return v
  if (typeof v === 'bigint') return Number(v)
  if (ArrayBuffer.isView(v) && (v as Float64Array).length > 0) return Number((v as Float64Array)[0])
  if (Array.isArray(v) && v.length > 0 && (typeof v[0] === 'string' || typeof v[0] === 'number')) return v[0]
  return undefined
}
