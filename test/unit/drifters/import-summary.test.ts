/** The import summary states where the fixes are and which variables were kept or left out. */
import { join } from 'node:path'
import { expect, it } from 'vitest'
import { importDrifterFile } from '../../../src-main/engine/data/drifters/import'
import { silentContext } from '../../../src-main/engine/jobs/job'
import { bytes, withTempDir, writeCdf1 } from './fixtures'

it('a CSV import gives the extent of its fixes and keeps its extra columns by name', async () => {
  const csv = 'id,time,lat,lon,sst\nA,2020-01-01T00:00:00Z,54.3,10.2,8.1\nA,2020-01-01T01:00:00Z,54.9,10.4,8.2\nB,2020-01-01T00:00:00Z,54.5,12.2,8.0\nB,2020-01-01T01:00:00Z,54.6,12.1,7.9\n'
  const s = await withTempDir((dir) => importDrifterFile('kiel.csv', bytes(csv), join(dir, 'kiel.nc'), silentContext()))
  expect(s.extent).toEqual({ latMin: 54.3, latMax: 54.9, lonMin: 10.2, lonMax: 12.2 })
  expect(s.variables).toEqual({ kept: ['id', 'time', 'lat', 'lon', 'sst'], ignored: [] })
})

it('a NetCDF import names the variables it could not carry over (not per fix, not per drifter)', async () => {
  const file = writeCdf1(
    [['traj', 1], ['obs', 3], ['depth', 2]],
    [
      { name: 'id', dims: ['traj'], type: 'int', data: [7], attrs: { cf_role: 'trajectory_id' } },
      { name: 'rowsize', dims: ['traj'], type: 'int', data: [3], attrs: { sample_dimension: 'obs' } },
      { name: 'time', dims: ['obs'], type: 'double', data: [0, 1, 2], attrs: { units: 'hours since 2020-01-01' } },
      { name: 'lat', dims: ['obs'], type: 'double', data: [60, 60.1, 60.2], attrs: { units: 'degrees_north' } },
      { name: 'lon', dims: ['obs'], type: 'double', data: [-40, -40.1, -40.2], attrs: { units: 'degrees_east' } },
      { name: 'temp', dims: ['obs'], type: 'double', data: [3, 3.1, 3.2], attrs: { units: 'degC' } },
      { name: 'depth_levels', dims: ['depth'], type: 'double', data: [0, 15], attrs: { units: 'm' } }
    ]
  )
  const s = await withTempDir((dir) => importDrifterFile('one.nc', file, join(dir, 'one-out.nc'), silentContext()))
  expect(s.variables?.kept).toEqual(['id', 'time', 'lat', 'lon', 'temp'])
  expect(s.variables?.ignored).toEqual(['depth_levels'])
  expect(s.extent).toEqual({ latMin: 60, latMax: 60.2, lonMin: -40.2, lonMax: -40 })
})
