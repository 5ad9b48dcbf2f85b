/**
 * The Assimilate view's map reads the georeferenced field file back: CF-1.10 NetCDF-4 with 2-D lat/lon, u/v
 * (eastward/northward_sea_water_velocity, time × y × x), their standard errors (ancillary variables) and a land mask.
 */
import type { DeploymentFieldView } from '../../shared/views'
import { getVariable, openNetcdfForRead, readAttribute, type H5Dataset, type H5File } from '../data/netcdf/h5'
import { UserError } from '../jobs/job'
import type { HandlerDeps, Handlers } from './types'

/** The variable with this standard_name, else the one with this name. */
function byStandardName(f: H5File, standard: string, name: string): H5Dataset | undefined {
  for (const key of f.keys()) {
    const v = getVariable(f, key)
    if (v && readAttribute(v, 'standard_name') === standard && (v.shape?.length ?? 0) === 3) return v
  }
  return getVariable(f, name)
}

const numbers = (v: H5Dataset): Float64Array => Float64Array.from(v.value as ArrayLike<number>)
const orNull = (x: number) => (Number.isFinite(x) ? x : null)

/** Indices of at most `max` of `n` frames, evenly spread, first and last included. */
export function pickFrames(n: number, max: number): number[] {
  if (n <= max) return Array.from({ length: n }, (_, i) => i)
  if (max === 1) return [0]
  return Array.from({ length: max }, (_, i) => Math.round((i * (n - 1)) / (max - 1)))
}

/**
 * Read a deployment field file for the map.
 * @param shown the name given in messages and in the result (workspace-relative)
 */
export async function readDeploymentField(path: string, shown: string, maxFrames: number): Promise<DeploymentFieldView> {
  const f = await openNetcdfForRead(path)
  try {
    const need = (v: H5Dataset | undefined, what: string): H5Dataset => {
      if (!v) throw new UserError(`${shown}: no ${what} variable; is this a field written by Driftclip assimilate?`)
      return v
    }
    const u = need(byStandardName(f, 'eastward_sea_water_velocity', 'u'), 'eastward velocity (u)')
    const v = need(byStandardName(f, 'northward_sea_water_velocity', 'v'), 'northward velocity (v)')
    const lat = numbers(need(getVariable(f, 'lat'), 'lat'))
    const lon = numbers(need(getVariable(f, 'lon'), 'lon'))
    const time = numbers(need(getVariable(f, 'time'), 'time'))
    const [nt, ny, nx] = u.shape ?? []
    if (u.shape?.length !== 3 || lat.length !== ny * nx || lon.length !== ny * nx || time.length !== nt)
      throw new UserError(`${shown}: u is ${u.shape?.join('×')}, lat/lon ${lat.length} cells, ${time.length} times; expected time × y × x with 2-D lat/lon`)
    const cells = nx * ny
    const uAll = numbers(u)
    const vAll = numbers(v)
    const frames = pickFrames(nt, maxFrames)
    const frame = (a: Float64Array, k: number) => Array.from(a.subarray(k * cells, (k + 1) * cells), orNull)
    const ancillary = String(readAttribute(u, 'ancillary_variables') ?? 'u_std').split(/\s+/)[0]
    const uStd = getVariable(f, ancillary)
    const vStd = getVariable(f, String(readAttribute(v, 'ancillary_variables') ?? 'v_std').split(/\s+/)[0])
    let std: (number | null)[] | undefined
    if (uStd && vStd && (uStd.shape?.reduce((a, b) => a * b, 1) ?? 0) >= cells) {
      const a = numbers(uStd)
      const b = numbers(vStd)
      std = Array.from({ length: cells }, (_, k) => orNull(Math.hypot(a[k], b[k])))
    }
    const mask = getVariable(f, 'land_mask')
    const land = mask ? Array.from(numbers(mask), (x) => (x === 1 ? 1 : 0)) : Array.from({ length: cells }, (_, k) => (Number.isFinite(uAll[k]) ? 0 : 1))
    return {
      file: shown,
      nx,
      ny,
      lonLat: Array.from({ length: cells }, (_, k) => [lon[k], lat[k]] as [number, number]),
      times: frames.map((k) => time[k]),
      u: frames.map((k) => frame(uAll, k)),
      v: frames.map((k) => frame(vAll, k)),
      ...(std ? { std } : {}),
      land
    }
  } finally {
    f.close()
  }
}

export function deploymentFieldHandlers({ workspace }: HandlerDeps): Pick<Handlers, 'getDeploymentField'> {
  return {
    getDeploymentField: async ({ file, frames }) => readDeploymentField(workspace.resolve(file), file, frames)
  }
}
