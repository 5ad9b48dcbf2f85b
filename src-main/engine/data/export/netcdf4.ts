/** Minimal NetCDF-4 writer over h5wasm: dimensions as HDF5 dimension scales, typed variables, CF attributes. */
import h5wasm, { type Dataset as H5Dataset, type File as H5File } from 'h5wasm/node'

/** An attribute: text (written as a NetCDF char attribute), a double, or typed numbers (their type is kept). */
export type AttrValue = string | number | number[] | Float64Array | Float32Array | Int32Array

export type VariableData = Float64Array | Float32Array | Int32Array | string[]

export interface VariableSpec {
  name: string
  /** Dimension names, outermost first. */
  dims: string[]
  data: VariableData
  attrs?: Record<string, AttrValue>
  /** Fill value, written as `_FillValue` in the variable's own type (NaN for floats is fine). */
  fill?: number
}

export interface NetcdfSpec {
  /** Dimensions in order; a dimension with a variable of the same name (1-D on it) is a coordinate variable. */
  dims: { name: string; size: number }[]
  variables: VariableSpec[]
  attrs: Record<string, AttrValue>
}

const HIDDEN_DIM = 'This is a netCDF dimension but not a netCDF variable.'

function dtypeOf(data: VariableData | Float64Array | Float32Array | Int32Array): string {
  if (data instanceof Float32Array) return '<f'
  if (data instanceof Int32Array) return '<i'
  return '<d'
}

type Target = { create_attribute(name: string, data: string | Float64Array | Float32Array | Int32Array, shape?: number[] | null, dtype?: string | null): void }

function writeAttr(target: Target, name: string, value: AttrValue): void {
  if (typeof value === 'string') {
    // Fixed-length strings are NetCDF char attributes (ncdump shows `x:units = "m/s"`), the CF-classic form.
    const bytes = new TextEncoder().encode(value).length
    target.create_attribute(name, value === '' ? ' ' : value, null, `S${Math.max(1, bytes)}`)
    return
  }
  const arr = typeof value === 'number' ? Float64Array.of(value) : Array.isArray(value) ? Float64Array.from(value) : value
  target.create_attribute(name, arr, [arr.length], dtypeOf(arr))
}

/** Write `spec` as a NetCDF-4 file at `path` (call it inside writeAtomically). */
export async function writeNetcdf4(path: string, spec: NetcdfSpec): Promise<void> {
  await h5wasm.ready
  const f = new h5wasm.File(path, 'w')
  try {
    for (const [k, v] of Object.entries(spec.attrs)) writeAttr(f, k, v)
    const byName = new Map(spec.variables.map((v) => [v.name, v]))
    const done = new Set<string>()
    for (const d of spec.dims) {
      const coord = byName.get(d.name)
      if (coord && coord.dims.length === 1 && coord.dims[0] === d.name) {
        writeVariable(f, coord, spec)
        done.add(coord.name)
        ;(f.get(d.name) as H5Dataset).make_scale(d.name)
      } else {
        // netCDF-C's own marker for a dimension without a coordinate variable; ncdump hides the dataset.
        const ds = f.create_dataset({ name: d.name, data: new Float32Array(d.size), shape: [d.size] })
        ds.make_scale(`${HIDDEN_DIM}${String(d.size).padStart(10)}`)
      }
    }
    for (const v of spec.variables) if (!done.has(v.name)) writeVariable(f, v, spec)
    for (const v of spec.variables) {
      const ds = f.get(v.name) as H5Dataset
      v.dims.forEach((d, i) => {
        if (d !== v.name) ds.attach_scale(i, d)
      })
    }
  } finally {
    f.close()
  }
}

function writeVariable(f: H5File, v: VariableSpec, spec: NetcdfSpec): void {
  const shape = v.dims.map((d) => {
    const dim = spec.dims.find((x) => x.name === d)
    if (!dim) throw new Error(`variable ${v.name}: unknown dimension ${d}`)
    return dim.size
  })
  const n = shape.reduce((a, b) => a * b, 1)
  if (v.data.length !== n) throw new Error(`variable ${v.name}: ${v.data.length} values for shape ${shape.join('×')}`)
  const isText = Array.isArray(v.data)
  const ds = f.create_dataset({ name: v.name, data: v.data, shape, dtype: isText ? null : dtypeOf(v.data) })
  if (v.fill !== undefined && !isText) {
    const fill = v.data instanceof Int32Array ? Int32Array.of(v.fill) : v.data instanceof Float32Array ? Float32Array.of(v.fill) : Float64Array.of(v.fill)
    ds.create_attribute('_FillValue', fill, [1], dtypeOf(fill))
  }
  for (const [k, a] of Object.entries(v.attrs ?? {})) writeAttr(ds, k, a)
}
