/**
 * Reconstructed fields as CF-1.10 NetCDF-4 (via the shared h5wasm writer): u, v, ψ, vorticity and the
 * conditional uncertainty on (time, y, x), with coordinate variables, units and provenance attributes.
 */
import type { FieldFrames } from '../../shared/views'
import { writeAtomically } from '../data/atomic'
import { writeNetcdf4, type AttrValue, type VariableSpec } from '../data/export/netcdf4'

export interface FieldExport {
  /** Cell-centre coordinates and frame times in the units below. */
  x: number[]
  y: number[]
  times: number[]
  units: { length: string; time: string; velocity: string; streamFunction: string; vorticity: string }
  /** CF standard names apply only to physical (Earth) units; model units get long names only. */
  physical: boolean
  field: FieldFrames
  /** Conditional std of the velocity vector per frame (ny × nx), same unit as velocity. */
  uncertainty?: number[][]
  /** Multiply model values by these to get the units above (1 when already in them). */
  scale?: { velocity: number; streamFunction: number; vorticity: number }
  attrs: Record<string, AttrValue>
}

function stacked(frames: number[][], factor: number): Float64Array {
  const n = frames[0]?.length ?? 0
  const out = new Float64Array(frames.length * n)
  frames.forEach((f, k) => f.forEach((v, i) => (out[k * n + i] = v * factor)))
  return out
}

/** Write the field atomically to `path`. */
export async function writeFieldNetcdf(path: string, e: FieldExport): Promise<void> {
  const s = e.scale ?? { velocity: 1, streamFunction: 1, vorticity: 1 }
  const dims = ['time', 'y', 'x']
  const named = (standard: string | undefined, long: string, units: string) => ({
    ...(e.physical && standard ? { standard_name: standard } : {}),
    long_name: long,
    units
  })
  const variables: VariableSpec[] = [
    { name: 'time', dims: ['time'], data: Float64Array.from(e.times), attrs: { ...named('time', 'time', e.units.time), axis: 'T' } },
    { name: 'y', dims: ['y'], data: Float64Array.from(e.y), attrs: { ...named('projection_y_coordinate', 'y (north) coordinate of the cell centre', e.units.length), axis: 'Y' } },
    { name: 'x', dims: ['x'], data: Float64Array.from(e.x), attrs: { ...named('projection_x_coordinate', 'x (east) coordinate of the cell centre', e.units.length), axis: 'X' } },
    { name: 'u', dims, data: stacked(e.field.u, s.velocity), attrs: named('eastward_sea_water_velocity', 'reconstructed velocity, x component (conditional mean)', e.units.velocity) },
    { name: 'v', dims, data: stacked(e.field.v, s.velocity), attrs: named('northward_sea_water_velocity', 'reconstructed velocity, y component (conditional mean)', e.units.velocity) },
    { name: 'psi', dims, data: stacked(e.field.psi, s.streamFunction), attrs: { ...named(undefined, 'stream function, u = dpsi/dy, v = -dpsi/dx (defined up to a constant)', e.units.streamFunction) } },
    { name: 'vorticity', dims, data: stacked(e.field.vorticity, s.vorticity), attrs: named('ocean_relative_vorticity', 'relative vorticity dv/dx - du/dy', e.units.vorticity) }
  ]
  if (e.uncertainty)
    variables.push({
      name: 'velocity_std', dims, data: stacked(e.uncertainty, s.velocity),
      attrs: { long_name: 'uncertainty: weighted standard deviation of the velocity vector under the learned conditional', units: e.units.velocity, cell_methods: 'time: point' }
    })
  await writeAtomically(path, (tmp) =>
    writeNetcdf4(tmp, {
      dims: [{ name: 'time', size: e.times.length }, { name: 'y', size: e.y.length }, { name: 'x', size: e.x.length }],
      variables,
      attrs: { Conventions: 'CF-1.10', title: 'Driftclip reconstructed velocity field', source: 'driftclip (probabilistic contrastive learning, arXiv 2505.24134)', history: `${new Date().toISOString()} created by driftclip`, ...e.attrs }
    })
  )
}
