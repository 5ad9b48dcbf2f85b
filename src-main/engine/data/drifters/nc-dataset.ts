/** A format-neutral view of a NetCDF file (NetCDF-3 via netcdfjs, NetCDF-4/HDF5 via h5wasm): dims, variables, attributes. */

export type NcAttribute = string | number | number[]

export interface NcVariable {
  name: string
  /** Dimension names, outermost first. */
  dims: string[]
  shape: number[]
  attrs: Record<string, NcAttribute>
  /** The values, flattened row-major: numbers as Float64Array (raw, no fill or scale handling), text as strings (char arrays joined along the last dim). */
  read(): Float64Array | string[]
}

export interface NcDataset {
  format: 'netcdf3' | 'netcdf4'
  dims: Record<string, number>
  variables: NcVariable[]
  attrs: Record<string, NcAttribute>
}

/** First variable whose name matches one of `names` (case-sensitive first, then case-insensitive). */
export function findVariable(ds: NcDataset, names: string[]): NcVariable | undefined {
  for (const n of names) {
    const v = ds.variables.find((x) => x.name === n)
    if (v) return v
  }
  for (const n of names) {
    const v = ds.variables.find((x) => x.name.toLowerCase() === n.toLowerCase())
    if (v) return v
  }
  return undefined
}

export function attrText(v: NcVariable | undefined, name: string): string | undefined {
  const a = v?.attrs[name]
  return typeof a === 'string' ? a : undefined
}

export function attrNumber(v: NcVariable, name: string): number | undefined {
  const a = v.attrs[name]
  if (typeof a === 'number') return a
  if (Array.isArray(a) && a.length > 0) return a[0]
  return undefined
}

/** Numeric values with `_FillValue`/`missing_value` → NaN and `scale_factor`/`add_offset` applied (CF packing). */
export function readNumbers(v: NcVariable): Float64Array {
  const raw = v.read()
  if (!(raw instanceof Float64Array)) return Float64Array.from(raw, (s) => Number(s.trim() === '' ? NaN : s))
  const fills = [attrNumber(v, '_FillValue'), attrNumber(v, 'missing_value')].filter((x): x is number => x !== undefined)
  const scale = attrNumber(v, 'scale_factor') ?? 1
  const offset = attrNumber(v, 'add_offset') ?? 0
  const isFill = (x: number) => fills.some((f) => x === f || (Math.abs(f) > 1e30 && Math.abs(x - f) <= Math.abs(f) * 1e-6))
  if (fills.length === 0 && scale === 1 && offset === 0) return raw
  const out = new Float64Array(raw.length)
  for (let i = 0; i < raw.length; i++) out[i] = fills.length > 0 && isFill(raw[i]) ? NaN : raw[i] * scale + offset
  return out
}
