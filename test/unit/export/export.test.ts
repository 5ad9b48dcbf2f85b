import { execFileSync } from 'node:child_process'
import { readFile, readdir, writeFile } from 'node:fs/promises'
import { join } from 'node:path'
import { describe, expect, it } from 'vitest'
import { writeAtomically } from '../../../src-main/engine/data/atomic'
import { openNetcdf4 } from '../../../src-main/engine/data/drifters/nc-read'
import { readDrifterFile } from '../../../src-main/engine/data/drifters/read'
import type { DrifterTracks } from '../../../src-main/engine/data/drifters/types'
import { metricsCsv, writeFieldNetcdf, writeMetricsCsv, writeMetricsJson, writeNetcdf4, writeTracksCsv, writeTracksGeojson, tracksCsv } from '../../../src-main/engine/data/export/index'
import { withTempDir } from '../drifters/fixtures'

let ncdump = true
try {
  execFileSync('ncdump', [], { stdio: 'ignore' })
} catch (err) {
  ncdump = (err as { code?: string }).code !== 'ENOENT'
}

const T0 = Date.UTC(2020, 0, 1) / 1000

function field(nt: number, ny: number, nx: number) {
  const x = Float64Array.from({ length: nx }, (_, i) => (i + 0.5) / nx)
  const y = Float64Array.from({ length: ny }, (_, j) => (j + 0.5) / ny)
  const time = Float64Array.from({ length: nt }, (_, k) => k * 0.05)
  const at = (f: (k: number, j: number, i: number) => number) => {
    const a = new Float64Array(nt * ny * nx)
    for (let k = 0; k < nt; k++) for (let j = 0; j < ny; j++) for (let i = 0; i < nx; i++) a[(k * ny + j) * nx + i] = f(k, j, i)
    return a
  }
  return {
    x, y, time,
    u: at((k, j, i) => k + j / 10 + i / 100),
    v: at((k, j, i) => -(k + j / 10 + i / 100)),
    psi: at(() => 1),
    vorticity: at(() => 0),
    uncertainty: at((k) => (k === 0 ? NaN : 0.5))
  }
}

describe('field export (CF NetCDF-4)', () => {
  it('writes time × y × x fields with coordinate variables, units and fill values; reads back exactly; ncdump agrees', async () => {
    await withTempDir(async (dir) => {
      const path = join(dir, 'field.nc')
      const f = field(2, 3, 4)
      await writeFieldNetcdf(path, { ...f, units: { length: 'km', time: 'seconds since 2020-01-01 00:00:00', velocity: 'm s-1' }, attrs: { flow: 'fourier', seed: 7 } })
      const ds = await openNetcdf4('field.nc', new Uint8Array(await readFile(path)))
      expect(ds.dims).toMatchObject({ time: 2, y: 3, x: 4 })
      const u = ds.variables.find((v) => v.name === 'u')
      expect(u?.dims).toEqual(['time', 'y', 'x'])
      expect(Array.from(u?.read() as Float64Array)).toEqual(Array.from(f.u))
      expect((ds.variables.find((v) => v.name === 'uncertainty')?.read() as Float64Array)[0]).toBeNaN()
      expect(u?.attrs.standard_name).toBe('sea_water_x_velocity')
      expect(ds.attrs).toMatchObject({ Conventions: 'CF-1.10', flow: 'fourier', seed: 7 })
      if (ncdump) {
        const header = execFileSync('ncdump', ['-h', path], { encoding: 'utf8' })
        for (const line of [
          'time = 2 ;', 'y = 3 ;', 'x = 4 ;',
          'double time(time) ;', 'time:units = "seconds since 2020-01-01 00:00:00" ;',
          'double x(x) ;', 'x:units = "km" ;',
          'double u(time, y, x) ;', 'u:_FillValue = NaN ;', 'u:standard_name = "sea_water_x_velocity" ;', 'u:units = "m s-1" ;',
          'v:standard_name = "sea_water_y_velocity" ;',
          'double psi(time, y, x) ;', 'psi:units = "m2 s-1" ;',
          'vorticity:units = "s-1" ;',
          'double uncertainty(time, y, x) ;',
          ':Conventions = "CF-1.10" ;'
        ])
          expect(header).toContain(line)
      }
    })
  })

  it('model units: no standard names (units would not be canonical), long_name and "1"', async () => {
    await withTempDir(async (dir) => {
      const path = join(dir, 'model.nc')
      await writeFieldNetcdf(path, { ...field(1, 2, 2), attrs: {} })
      const ds = await openNetcdf4('model.nc', new Uint8Array(await readFile(path)))
      const u = ds.variables.find((v) => v.name === 'u')
      expect(u?.attrs.standard_name).toBeUndefined()
      expect(u?.attrs.units).toBe('1')
    })
  })

  it('writes only the fields it is given (the Export view lets users choose)', async () => {
    await withTempDir(async (dir) => {
      const path = join(dir, 'uv.nc')
      const { psi: _psi, vorticity: _vorticity, uncertainty: _uncertainty, ...uv } = field(1, 2, 2)
      await writeFieldNetcdf(path, { ...uv, attrs: {} })
      const ds = await openNetcdf4('uv.nc', new Uint8Array(await readFile(path)))
      expect(ds.variables.map((v) => v.name).sort()).toEqual(['time', 'u', 'v', 'x', 'y'])
    })
  })

  it('a failure mid-write leaves no file (and no temporary) and keeps an older file intact', async () => {
    await withTempDir(async (dir) => {
      const path = join(dir, 'out.nc')
      await writeFile(path, 'old')
      const bad = writeAtomically(path, (tmp) =>
        writeNetcdf4(tmp, { dims: [{ name: 'x', size: 2 }], variables: [{ name: 'a', dims: ['x'], data: Float64Array.of(1, 2) }, { name: 'b', dims: ['nope'], data: Float64Array.of(1) }], attrs: {} })
      )
      await expect(bad).rejects.toThrow('variable b: unknown dimension nope')
      expect(await readdir(dir)).toEqual(['out.nc'])
      expect(await readFile(path, 'utf8')).toBe('old')
      const f = field(1, 2, 2)
      await expect(writeFieldNetcdf(join(dir, 'f.nc'), { ...f, u: new Float64Array(3), attrs: {} })).rejects.toThrow('u has 3 values, expected time×y×x = 1×2×2')
      expect(await readdir(dir)).toEqual(['out.nc'])
    })
  })
})

describe('tracks and metrics exports', () => {
  const drifters: DrifterTracks = {
    source: 's', format: 'csv', units: {}, problems: [],
    drifters: [
      { id: '300234061234560', time: Float64Array.of(T0, T0 + 3600), lat: Float64Array.of(1.25, 1.5), lon: Float64Array.of(-170.125, 179.5), ve: Float64Array.of(0.1, NaN), vn: Float64Array.of(0.2, 0.3) },
      { id: 'b,"quoted"', time: Float64Array.of(T0, T0 + 60, T0 + 120), lat: Float64Array.of(0, 0.1, 0.2), lon: Float64Array.of(0, 0.1, 0.2) }
    ]
  }

  it('CSV and GeoJSON round-trip through the importers', async () => {
    await withTempDir(async (dir) => {
      await writeTracksCsv(join(dir, 't.csv'), drifters)
      await writeTracksGeojson(join(dir, 't.geojson'), drifters)
      const csv = await readDrifterFile('t.csv', new Uint8Array(await readFile(join(dir, 't.csv'))))
      const gj = await readDrifterFile('t.geojson', new Uint8Array(await readFile(join(dir, 't.geojson'))))
      expect(csv.drifters[0]).toEqual(drifters.drifters[0])
      expect(csv.drifters[1].id).toBe('b,"quoted"')
      expect(Array.from(csv.drifters[1].lon)).toEqual([0, 0.1, 0.2])
      expect(gj.drifters.map((d) => [d.id, Array.from(d.time), Array.from(d.lat), Array.from(d.lon)])).toEqual(
        drifters.drifters.map((d) => [d.id, Array.from(d.time), Array.from(d.lat), Array.from(d.lon)])
      )
      expect((await readFile(join(dir, 't.csv'), 'utf8')).split('\n')[0]).toBe('id,time (UTC),lat (degrees_north),lon (degrees_east),ve (m/s),vn (m/s)')
    })
  })

  it('model-space tracks as id,time,x,y', () => {
    const text = tracksCsv({ times: Float64Array.of(0, 0.5), positions: Float64Array.of(0.1, 0.2, 0.3, 0.4, 0.5, 0.6, 0.7, 0.8), nTracers: 2 })
    expect(text).toBe('id,time,x,y\n0,0,0.1,0.2\n0,0.5,0.3,0.4\n1,0,0.5,0.6\n1,0.5,0.7,0.8\n')
  })

  it('metrics as JSON and CSV (union of columns, NaN → empty / null)', async () => {
    const rows = [{ method: 'cond', velocityRmse: 0.25, ess: 12.5 }, { method: 'climatology', velocityRmse: NaN, note: 'zero field' }]
    expect(metricsCsv(rows)).toBe('method,velocityRmse,ess,note\ncond,0.25,12.5,\nclimatology,,,zero field\n')
    await withTempDir(async (dir) => {
      await writeMetricsJson(join(dir, 'm.json'), rows, { dataset: 'd.nc' })
      await writeMetricsCsv(join(dir, 'm.csv'), rows)
      const json = JSON.parse(await readFile(join(dir, 'm.json'), 'utf8'))
      expect(json).toEqual({ dataset: 'd.nc', columns: ['method', 'velocityRmse', 'ess', 'note'], rows: [rows[0], { method: 'climatology', velocityRmse: null, note: 'zero field' }] })
      expect(await readFile(join(dir, 'm.csv'), 'utf8')).toBe(metricsCsv(rows))
    })
  })
})
