/** Declarative NetCDF-4 files (dimensions, typed variables, CF attributes) written atomically through netcdf/h5. */
import {
  addDimension, addDimensionWithoutVariable, attachDimensions, createVariable, setAttributes, writeNetcdf
} from '../netcdf/h5'

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

/** Throw, before anything is written, if a variable names an unknown dimension or has the wrong number of values. */
function checkSpec(spec: NetcdfSpec): void {
  for (const v of spec.variables) {
    const shape = v.dims.map((d) => {
      const dim = spec.dims.find((x) => x.name === d)
      if (!dim) throw new Error(`variable ${v.name}: unknown dimension ${d}`)
      return dim.size
    })
    const n = shape.reduce((a, b) => a * b, 1)
    if (v.data.length !== n) throw new Error(`variable ${v.name}: ${v.data.length} values for shape ${shape.join('×')}`)
  }
}

/** Numbers become doubles (this format's contract; data sets keep integers). Text is written as chars by the caller. */
function asDoubles(attrs: Record<string, AttrValue>): Record<string, Exclude<AttrValue, number>> {
  return Object.fromEntries(Object.entries(attrs).map(([k, v]) => [k, typeof v === 'number' ? Float64Array.of(v) : v]))
}

/** `_FillValue` in the variable's own type, first, then the variable's attributes. */
function variableAttrs(v: VariableSpec): Record<string, AttrValue> {
  const attrs = asDoubles(v.attrs ?? {})
  if (v.fill === undefined || Array.isArray(v.data)) return attrs
  const fill = v.data instanceof Int32Array ? Int32Array.of(v.fill) : v.data instanceof Float32Array ? Float32Array.of(v.fill) : Float64Array.of(v.fill)
  return { _FillValue: fill, ...attrs }
}

/** Write `spec` as a NetCDF-4 file at `path`, atomically (on any error no file is left). */
export async function writeNetcdf4(path: string, spec: NetcdfSpec): Promise<void> {
  checkSpec(spec)
  const isCoordinate = (v: VariableSpec) => v.dims.length === 1 && v.dims[0] === v.name && spec.dims.some((d) => d.name === v.name)
  await writeNetcdf(
    path,
    (f) => {
      setAttributes(f, asDoubles(spec.attrs), 'char')
      for (const d of spec.dims) {
        const coord = spec.variables.find((v) => v.name === d.name && isCoordinate(v))
        if (coord) addDimension(f, d.name, coord.data, variableAttrs(coord), 'char')
        else addDimensionWithoutVariable(f, d.name, d.size)
      }
      const data = spec.variables.filter((v) => !isCoordinate(v))
      const created = data.map((v) => createVariable(f, v.name, v.data, v.dims, variableAttrs(v), 'char'))
      // Scales are attached once every variable exists, the order these files have always been written in.
      created.forEach((ds, i) => attachDimensions(ds, data[i].dims))
    },
    // Files of this format have always listed variables by name (no HDF5 creation-order tracking).
    { trackOrder: false }
  )
}
