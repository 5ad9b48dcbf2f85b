/** Reconstructed fields (u, v, ψ, vorticity, uncertainty on time × y × x) as a CF-1.10 NetCDF-4 file. */
import { writeNetcdf4, type VariableSpec } from './netcdf4'

export interface FieldExport {
  /** Cell-centre coordinates along x and y, and frame times. */
  x: Float64Array
  y: Float64Array
  time: Float64Array
  /** Fields, time × y × x row-major; a field left out is not written. */
  u?: Float64Array
  v?: Float64Array
  psi?: Float64Array
  vorticity?: Float64Array
  /** Weighted std of the velocity vector under the learned conditional (units of u), time × y × x. */
  uncertainty?: Float64Array
  /**
   * Units of the axes and fields; default "1" (dimensionless model units). Physical velocity units
   * ("m s-1") switch on the CF standard names sea_water_x_velocity / sea_water_y_velocity.
   * `time` may be CF time units ("seconds since 1970-01-01 00:00:00").
   */
  units?: { length?: string; time?: string; velocity?: string }
  /** Global attributes: title, flow, seed, model, config JSON ... */
  attrs: Record<string, string | number>
}

const PHYSICAL_VELOCITY = /^(m s-1|m\/s|m s\^-1)$/

/** Write a field export atomically (on any error no file is left). */
export async function writeFieldNetcdf(path: string, field: FieldExport): Promise<void> {
  const [nt, ny, nx] = [field.time.length, field.y.length, field.x.length]
  const cells = nt * ny * nx
  for (const name of ['u', 'v', 'psi', 'vorticity', 'uncertainty'] as const) {
    const a = field[name]
    if (a && a.length !== cells) throw new Error(`writeFieldNetcdf: ${name} has ${a.length} values, expected time×y×x = ${nt}×${ny}×${nx}`)
  }
  const length = field.units?.length ?? '1'
  const time = field.units?.time ?? '1'
  const velocity = field.units?.velocity ?? '1'
  const physical = PHYSICAL_VELOCITY.test(velocity)
  const perTime = time.includes(' since ') ? 's-1' : `${time}-1`
  const dims = ['time', 'y', 'x']
  const data = (name: string, values: Float64Array | undefined, attrs: Record<string, string>): VariableSpec[] =>
    values ? [{ name, dims, data: values, fill: NaN, attrs }] : []
  const variables: VariableSpec[] = [
    { name: 'time', dims: ['time'], data: field.time, attrs: { standard_name: 'time', long_name: 'time', units: time, axis: 'T', ...(time.includes(' since ') ? { calendar: 'standard' } : {}) } },
    { name: 'y', dims: ['y'], data: field.y, attrs: { long_name: 'y coordinate of cell centre (northward)', units: length, axis: 'Y' } },
    { name: 'x', dims: ['x'], data: field.x, attrs: { long_name: 'x coordinate of cell centre (eastward)', units: length, axis: 'X' } },
    ...data('u', field.u, { ...(physical ? { standard_name: 'sea_water_x_velocity' } : {}), long_name: 'velocity along x', units: velocity }),
    ...data('v', field.v, { ...(physical ? { standard_name: 'sea_water_y_velocity' } : {}), long_name: 'velocity along y', units: velocity }),
    ...data('psi', field.psi, { long_name: 'stream function (u = dpsi/dy, v = -dpsi/dx)', units: physical ? 'm2 s-1' : length === '1' && time === '1' ? '1' : `${length}2 ${perTime}` }),
    ...data('vorticity', field.vorticity, { long_name: 'relative vorticity (dv/dx - du/dy)', units: physical ? 's-1' : time === '1' ? '1' : perTime }),
    ...data('uncertainty', field.uncertainty, { long_name: 'weighted standard deviation of the velocity vector under the learned conditional', units: velocity })
  ]
  await writeNetcdf4(path, {
    dims: [
      { name: 'time', size: nt },
      { name: 'y', size: ny },
      { name: 'x', size: nx }
    ],
    variables,
    attrs: { Conventions: 'CF-1.10', title: 'Velocity field reconstructed by driftclip', source: 'driftclip', ...field.attrs }
  })
}
