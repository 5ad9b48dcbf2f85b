import { execFileSync } from 'node:child_process'
import { readFile, writeFile } from 'node:fs/promises'
import { join } from 'node:path'
import { describe, expect, it } from 'vitest'
import { writeNetcdf4 } from '../../../src-main/engine/data/export/netcdf4'
import { importDrifterFile } from '../../../src-main/engine/data/drifters/import'
import { readDrifterFile } from '../../../src-main/engine/data/drifters/read'
import { readTracksNetcdf } from '../../../src-main/engine/data/tracks'
import { silentContext } from '../../../src-main/engine/jobs/job'
import { bytes, withTempDir, writeCdf1 } from './fixtures'

const hasTool = (tool: string) => {
  try {
    execFileSync(tool, [], { stdio: 'ignore' })
    return true
  } catch (err) {
    return (err as { code?: string }).code !== 'ENOENT'
  }
}
const ncdump = hasTool('ncdump')
const ncgen = hasTool('ncgen')
const T0 = Date.UTC(2020, 0, 1) / 1000

describe('NetCDF drifter files', () => {
  it('NetCDF-3 contiguous ragged array (dim "rows", char ids, fill values, days since 1950)', async () => {
    const day0 = (T0 - Date.UTC(1950, 0, 1) / 1000) / 86400
    const file = writeCdf1(
      [['rows', 2], ['obs', 5], ['strlen', 3]],
      [
        { name: 'id', dims: ['rows', 'strlen'], type: 'char', data: 'AB\0XYZ', attrs: { cf_role: 'trajectory_id' } },
        { name: 'rowsize', dims: ['rows'], type: 'int', data: [3, 2], attrs: { sample_dimension: 'obs' } },
        { name: 'time', dims: ['obs'], type: 'double', data: [day0, day0 + 0.25, day0 + 0.5, day0, day0 + 1], attrs: { units: 'days since 1950-01-01 00:00:00' } },
        { name: 'latitude', dims: ['obs'], type: 'double', data: [10, -9999, 10.2, 20, 20.5], attrs: { units: 'degrees_north', _FillValue: [-9999] } },
        { name: 'longitude', dims: ['obs'], type: 'double', data: [350, 351, 352, 5, 6], attrs: { units: 'degrees_east' } },
        { name: 've', dims: ['obs'], type: 'double', data: [10, 20, 30, 40, 50], attrs: { units: 'cm/s' } },
        { name: 'vn', dims: ['obs'], type: 'double', data: [1, 2, 3, 4, 5], attrs: { units: 'cm s-1' } }
      ],
      { featureType: 'trajectory' }
    )
    const t = await readDrifterFile('ragged3.nc', file)
    expect(t.format).toBe('netcdf3')
    expect(t.drifters.map((d) => d.id)).toEqual(['AB', 'XYZ'])
    expect(Array.from(t.drifters[0].time)).toEqual([T0, T0 + 43200])
    expect(Array.from(t.drifters[0].lon)).toEqual([-10, -8])
    expect(Array.from(t.drifters[0].ve ?? [])).toEqual([0.1, 0.3])
    expect(Array.from(t.drifters[1].vn ?? [])).toEqual([0.04, 0.05])
    expect(t.units.velocity).toBe('cm/s → m/s')
    expect(t.units.layout).toBe('contiguous ragged array (rows × obs, rowsize)')
  })

  it('NetCDF-3 2-D (drifter, time) grid padded with fill values', async () => {
    const file = writeCdf1(
      [['drifter', 2], ['time', 3]],
      [
        { name: 'time', dims: ['time'], type: 'double', data: [0, 3, 6], attrs: { units: 'hours since 2020-01-01' } },
        { name: 'lat', dims: ['drifter', 'time'], type: 'double', data: [1, 2, 3, 4, 5, 1e20], attrs: { _FillValue: [1e20] } },
        { name: 'lon', dims: ['drifter', 'time'], type: 'double', data: [1, 2, 3, 4, 5, 1e20], attrs: { _FillValue: [1e20] } }
      ]
    )
    const t = await readDrifterFile('grid.nc', file)
    expect(t.drifters.map((d) => [d.id, d.time.length])).toEqual([['0', 3], ['1', 2]])
    expect(Array.from(t.drifters[1].time)).toEqual([T0, T0 + 3 * 3600])
    expect(t.units.layout).toBe('2-D (drifter, time) grid')
  })

  it('NetCDF-4 ragged array with dim "traj" (GDP layout) and a 2-D grid', async () => {
    await withTempDir(async (dir) => {
      const path = join(dir, 'gdp.nc')
      await writeNetcdf4(path, {
        dims: [{ name: 'traj', size: 2 }, { name: 'obs', size: 4 }],
        variables: [
          { name: 'ID', dims: ['traj'], data: Float64Array.of(300234061234560, 7), attrs: { cf_role: 'trajectory_id' } },
          { name: 'rowsize', dims: ['traj'], data: Int32Array.of(2, 2), attrs: { sample_dimension: 'obs' } },
          { name: 'time', dims: ['obs'], data: Float64Array.of(0, 3600, 0, 7200), attrs: { units: 'seconds since 2020-01-01T00:00:00Z' } },
          { name: 'lat', dims: ['obs'], data: Float32Array.of(1.5, 2.5, 3.5, 4.5) },
          { name: 'lon', dims: ['obs'], data: Float32Array.of(-1.5, -2.5, 183.5, 184.5) },
          { name: 've', dims: ['obs'], data: Float64Array.of(0.1, NaN, 0.3, 0.4), fill: NaN, attrs: { units: 'm/s' } },
          { name: 'vn', dims: ['obs'], data: Float64Array.of(0.1, 0.2, 0.3, 0.4), fill: NaN, attrs: { units: 'm/s' } }
        ],
        attrs: { featureType: 'trajectory' }
      })
      const t = await readDrifterFile('gdp.nc', new Uint8Array(await readFile(path)))
      expect(t.format).toBe('netcdf4')
      expect(t.drifters.map((d) => d.id)).toEqual(['300234061234560', '7'])
      expect(Array.from(t.drifters[1].lon)).toEqual([-176.5, -175.5])
      expect(Array.from(t.drifters[1].time)).toEqual([T0, T0 + 7200])
      expect(t.drifters[0].ve?.[1]).toBeNaN()
    })
  })

  it.skipIf(!ncgen)('reads a NetCDF-4 file written by netCDF-C (ncgen): char ids, missing_value, Copernicus names and QC', async () => {
    await withTempDir(async (dir) => {
      const cdl = `netcdf cmems { dimensions: TIME = 4 ; DEPTH = 1 ; variables:
  double TIME(TIME) ; TIME:units = "days since 1950-01-01T00:00:00Z" ; TIME:standard_name = "time" ;
  float LATITUDE(TIME) ; LATITUDE:units = "degrees_north" ; LATITUDE:missing_value = -999.f ;
  float LONGITUDE(TIME) ; LONGITUDE:units = "degrees_east" ;
  byte POSITION_QC(TIME) ;
  float EWCT(TIME, DEPTH) ; EWCT:units = "m s-1" ;
  float NSCT(TIME, DEPTH) ; NSCT:units = "m s-1" ;
  :id = "GL_TS_DB_4102591" ; :featureType = "trajectory" ;
data:
  TIME = 25567, 25567.25, 25567.5, 25567.75 ;
  LATITUDE = 40, -999, 40.5, 40.75 ; LONGITUDE = 5, 5.25, 5.5, 5.75 ;
  POSITION_QC = 1, 1, 4, 1 ;
  EWCT = 0.5, 0.5, 0.5, 0.25 ; NSCT = 0, 0, 0, 0.125 ; }`
      const cdlPath = join(dir, 'c.cdl')
      const ncPath = join(dir, 'c.nc')
      await writeFile(cdlPath, cdl)
      execFileSync('ncgen', ['-k', 'nc4', '-o', ncPath, cdlPath])
      const t = await readDrifterFile('c.nc', new Uint8Array(await readFile(ncPath)))
      expect(t.drifters[0].id).toBe('GL_TS_DB_4102591')
      expect(Array.from(t.drifters[0].time)).toEqual([T0, T0 + 64800])
      expect(Array.from(t.drifters[0].lat)).toEqual([40, 40.75])
      expect(Array.from(t.drifters[0].ve ?? [])).toEqual([0.5, 0.25])
      expect(t.problems.map((p) => p.message)).toEqual(['1 fixes without a position or time (fill values) were skipped', '1 fixes with a QC flag outside {0,1,2,5,7,8} were skipped (4 bad ×1)'])
    })
  })

  it.skipIf(!ncgen)('reads an ERDDAP-style .ncCF (NetCDF-3, UNLIMITED obs, char trajectory ids, rowSize) written by ncgen', async () => {
    await withTempDir(async (dir) => {
      const cdl = `netcdf erddap { dimensions: trajectory = 2 ; obs = UNLIMITED ; trajectory_strlen = 6 ;
variables:
  char trajectory(trajectory, trajectory_strlen) ; trajectory:cf_role = "trajectory_id" ;
  int rowSize(trajectory) ; rowSize:sample_dimension = "obs" ;
  double time(obs) ; time:units = "seconds since 1970-01-01T00:00:00Z" ;
  float latitude(obs) ; float longitude(obs) ;
  float ve(obs) ; ve:units = "m s-1" ; ve:_FillValue = -999.f ;
  float vn(obs) ; vn:units = "m s-1" ; vn:_FillValue = -999.f ;
  :featureType = "Trajectory" ;
data:
  trajectory = "145813", "7" ; rowSize = 2, 3 ;
  time = 1577836800, 1577840400, 1577836800, 1577840400, 1577844000 ;
  latitude = 10, 10.5, 20, 20.25, 20.5 ; longitude = 300, 300.5, -20, -20.25, -20.5 ;
  ve = 0.5, -999, 0.25, 0.25, 0.25 ; vn = 0, 0, 0.125, 0.125, 0.125 ; }`
      await writeFile(join(dir, 'e.cdl'), cdl)
      execFileSync('ncgen', ['-k', 'classic', '-o', join(dir, 'e.nc'), join(dir, 'e.cdl')])
      const t = await readDrifterFile('e.nc', new Uint8Array(await readFile(join(dir, 'e.nc'))))
      expect(t.format).toBe('netcdf3')
      expect(t.drifters.map((d) => [d.id, d.time.length])).toEqual([['145813', 2], ['7', 3]])
      expect(Array.from(t.drifters[0].lon)).toEqual([-60, -59.5])
      expect(t.drifters[0].ve?.[1]).toBeNaN()
      expect(Array.from(t.drifters[1].vn ?? [])).toEqual([0.125, 0.125, 0.125])
    })
  })

  it('import writes CF trajectory NetCDF-4 that reads back identically (and ncdump shows the CF structure)', async () => {
    await withTempDir(async (dir) => {
      const csv = `ID,time,latitude,longitude,ve,vn
,UTC,degrees_north,degrees_east,m/s,m/s
145813,2019-06-04T05:00:00Z,30.82191,-63.00191,0.12,-0.05
145813,2019-06-04T06:00:00Z,30.82291,-63.00091,0.13,
145813,2019-06-04T07:00:00Z,30.82391,-62.99991,0.14,-0.03
99,2019-06-04T05:00:00Z,-31.1,179.9,0.2,0.1
99,2019-06-04T06:00:00Z,-31.2,180.1,0.21,0.11
`
      const out = join(dir, 'tracks.nc')
      const summary = await importDrifterFile('gdp.csv', bytes(csv), out, silentContext())
      expect(summary).toMatchObject({ file: 'gdp.csv', format: 'csv', drifters: 2, points: 5, timeStart: '2019-06-04T05:00:00Z', timeEnd: '2019-06-04T07:00:00Z', out })
      expect(summary.perDrifter?.map((d) => [d.id, d.points])).toEqual([['145813', 3], ['99', 2]])
      const original = await readDrifterFile('gdp.csv', bytes(csv))
      const back = await readTracksNetcdf(out)
      expect(back.drifters).toEqual(original.drifters)
      if (ncdump) {
        const header = execFileSync('ncdump', ['-h', out], { encoding: 'utf8' })
        for (const line of [
          'rows = 2 ;',
          'obs = 5 ;',
          'int id(rows) ;',
          'id:cf_role = "trajectory_id" ;',
          'int rowsize(rows) ;',
          'rowsize:sample_dimension = "obs" ;',
          'double time(obs) ;',
          'time:units = "seconds since 1970-01-01 00:00:00" ;',
          'lat:units = "degrees_north" ;',
          'lon:units = "degrees_east" ;',
          've:units = "m s-1" ;',
          ':featureType = "trajectory" ;',
          ':Conventions = "CF-1.10" ;'
        ])
          expect(header).toContain(line)
      }
    })
  })
})
