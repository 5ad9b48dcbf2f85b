import { mkdirSync, mkdtempSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { expect, test } from 'vitest'
import { writeNetcdf4 } from '../../../src-main/engine/data/export/netcdf4'
import { createEngine } from '../../../src-main/engine/engine'
import { pickFrames } from '../../../src-main/engine/handlers/deployment-field'

test('pickFrames spreads at most max frames evenly, first and last kept', () => {
  expect(pickFrames(3, 10)).toEqual([0, 1, 2])
  expect(pickFrames(10, 4)).toEqual([0, 3, 6, 9])
  expect(pickFrames(10, 1)).toEqual([0])
})

test('getDeploymentField reads a CF field file: lon/lat per cell, u/v per frame (land as null), std and land mask', async () => {
  const root = mkdtempSync(join(tmpdir(), 'engine-'))
  mkdirSync(join(root, 'exports'))
  const nt = 5, ny = 2, nx = 3, cells = nx * ny
  const t0 = Date.UTC(2023, 3, 24, 8) / 1000
  const land = Int32Array.of(0, 0, 1, 0, 0, 0)
  const u = Float32Array.from({ length: nt * cells }, (_, i) => (land[i % cells] ? NaN : 0.1 * (i % cells) + Math.floor(i / cells)))
  const v = Float32Array.from({ length: nt * cells }, (_, i) => (land[i % cells] ? NaN : -0.05))
  const onGrid = { grid_mapping: 'crs', coordinates: 'lat lon' }
  await writeNetcdf4(join(root, 'exports', 'kiel.nc'), {
    dims: [{ name: 'time', size: nt }, { name: 'y', size: ny }, { name: 'x', size: nx }],
    variables: [
      { name: 'time', dims: ['time'], data: Float64Array.from({ length: nt }, (_, k) => t0 + 3600 * k), attrs: { standard_name: 'time', units: 'seconds since 1970-01-01 00:00:00' } },
      { name: 'y', dims: ['y'], data: Float64Array.of(-1000, 1000), attrs: { standard_name: 'projection_y_coordinate', units: 'm' } },
      { name: 'x', dims: ['x'], data: Float64Array.of(-1000, 0, 1000), attrs: { standard_name: 'projection_x_coordinate', units: 'm' } },
      { name: 'lat', dims: ['y', 'x'], data: Float64Array.of(54.49, 54.49, 54.49, 54.51, 54.51, 54.51), attrs: { standard_name: 'latitude', units: 'degrees_north' } },
      { name: 'lon', dims: ['y', 'x'], data: Float64Array.of(10.48, 10.5, 10.52, 10.48, 10.5, 10.52), attrs: { standard_name: 'longitude', units: 'degrees_east' } },
      { name: 'land_mask', dims: ['y', 'x'], data: land, attrs: { flag_values: Int32Array.of(0, 1), flag_meanings: 'water land', ...onGrid } },
      { name: 'u', dims: ['time', 'y', 'x'], data: u, fill: NaN, attrs: { standard_name: 'eastward_sea_water_velocity', units: 'm s-1', ancillary_variables: 'u_std', ...onGrid } },
      { name: 'v', dims: ['time', 'y', 'x'], data: v, fill: NaN, attrs: { standard_name: 'northward_sea_water_velocity', units: 'm s-1', ancillary_variables: 'v_std', ...onGrid } },
      { name: 'u_std', dims: ['y', 'x'], data: Float32Array.of(0.03, 0.03, NaN, 0.03, 0.03, 0.03), fill: NaN, attrs: { units: 'm s-1', ...onGrid } },
      { name: 'v_std', dims: ['y', 'x'], data: Float32Array.of(0.04, 0.04, NaN, 0.04, 0.04, 0.04), fill: NaN, attrs: { units: 'm s-1', ...onGrid } }
    ],
    attrs: { Conventions: 'CF-1.10' }
  })
  const engine = await createEngine({ workspace: root, mode: 'browser', version: 'test' }, () => {})
  const f = await engine.handle('getDeploymentField', { file: 'exports/kiel.nc', frames: 3 })
  expect([f.nx, f.ny]).toEqual([3, 2])
  expect(f.lonLat[5]).toEqual([10.52, 54.51])
  expect(f.times).toEqual([t0, t0 + 2 * 3600, t0 + 4 * 3600])
  expect(f.u).toHaveLength(3)
  expect(f.u[1][1]).toBeCloseTo(2.1, 6)
  expect(f.u[0][2]).toBeNull()
  expect(f.v[2][0]).toBeCloseTo(-0.05, 6)
  expect(f.std![0]).toBeCloseTo(0.05, 6)
  expect(f.std![2]).toBeNull()
  expect(f.land).toEqual([0, 0, 1, 0, 0, 0])
  await expect(engine.handle('getDeploymentField', { file: 'exports/none.nc' })).rejects.toThrow()
})
