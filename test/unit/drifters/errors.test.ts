import { readdir } from 'node:fs/promises'
import { join } from 'node:path'
import { describe, expect, it } from 'vitest'
import { importDrifterFile } from '../../../src-main/engine/data/drifters/import'
import { readDrifterFile } from '../../../src-main/engine/data/drifters/read'
import { writeTracksNetcdf } from '../../../src-main/engine/data/tracks'
import { UserError, silentContext } from '../../../src-main/engine/jobs/job'
import { bytes, withTempDir, writeCdf1 } from './fixtures'
import { readFile } from 'node:fs/promises'

/** The one message a bad file produces (and that it is a UserError). */
async function message(name: string, content: Uint8Array | string): Promise<string> {
  try {
    await readDrifterFile(name, typeof content === 'string' ? bytes(content) : content)
  } catch (err) {
    expect(err).toBeInstanceOf(UserError)
    return (err as Error).message
  }
  throw new Error('expected a UserError')
}

describe('bad drifter input gives one clear UserError naming file, place and problem', () => {
  it('missing columns', async () => {
    expect(await message('a.csv', 'id,time,lat\n1,2020-01-01,3\n')).toBe(
      'a.csv: header (line 1): no longitude column (looked for lon, long, longitude, LON, LONGITUDE; found id, time, lat); name the columns id,time,lat,lon[,ve,vn]'
    )
    expect(await message('b.csv', 'id,lat,lon\n1,2,3\n')).toMatch(/^b\.csv: header \(line 1\): no time column \(looked for time, date, datetime, timestamp, date_UTC, Location date; found id, lat, lon\)/)
  })

  it('unparseable times name the line and the value', async () => {
    expect(await message('t.csv', 'id,time,lat,lon\n1,2020-01-01T00:00:00Z,0,0\n1,2020-13-45T00:00:00Z,0,1\n')).toBe(
      't.csv: line 3: time "2020-13-45T00:00:00Z" is not a date-time; write times as ISO-8601 UTC, e.g. 2019-06-04T05:00:00Z'
    )
  })

  it('a single point', async () => {
    expect(await message('one.csv', 'id,time,lat,lon\n1,2020-01-01T00:00:00Z,0,0\n')).toBe(
      'one.csv: file: no drifter has more than a single fix; a track needs at least 2 fixes with time, latitude and longitude'
    )
  })

  it('two different positions at one time of a drifter', async () => {
    expect(await message('order.csv', 'id,time,lat,lon\n9,2020-01-01T02:00:00Z,0,0\n9,2020-01-01T01:00:00Z,0,1\n9,2020-01-01T02:00:00Z,0,2\n')).toBe(
      'order.csv: line 4: time 2020-01-01T02:00:00Z of drifter 9 repeats the time of line 2 with a different position (0, 2 vs 0, 0); remove the wrong fix, or give the two fixes different drifter ids'
    )
  })

  it('mixed units: velocity components and a second units row', async () => {
    expect(await message('m.csvp', 'id,time,lat,lon,ve (m/s),vn (cm/s)\n1,2020-01-01T00:00Z,0,0,1,2\n1,2020-01-01T01:00Z,0,1,1,2\n')).toBe(
      'm.csvp: column ve and column vn: mixed units: column ve is in m/s but column vn is in cm/s; give both velocity components in the same unit (m/s)'
    )
    const twoDownloads = 'ID,time,latitude,longitude,ve,vn\n,UTC,degrees_north,degrees_east,m/s,m/s\n1,2020-01-01T00:00Z,0,0,1,1\nID,time,latitude,longitude,ve,vn\n,UTC,degrees_north,degrees_east,cm/s,cm/s\n1,2020-01-01T01:00Z,0,1,100,100\n'
    expect(await message('two.csv', twoDownloads)).toBe(
      'two.csv: line 5: mixed units: this units row (,UTC,degrees_north,degrees_east,cm/s,cm/s) differs from the first (,UTC,degrees_north,degrees_east,m/s,m/s); split the file or convert it to one set of units'
    )
  })

  it('truncated files: CSV, GeoJSON, NetCDF-3, NetCDF-4', async () => {
    expect(await message('cut.csv', 'id,time,lat,lon\n1,2020-01-01T00:00Z,0,0\n1,2020-01-01T01:00Z,0')).toBe('cut.csv: line 3: 3 of 4 fields: the file looks truncated; download or export the file again')
    expect(await message('cut.geojson', '{"type":"FeatureCollection","features":[{"type":"Feature","geometry":{"type":"LineString","coord')).toMatch(
      /^cut\.geojson: file: not valid JSON \(.*\): the file looks truncated; download or export the file again$/
    )
    const nc3 = writeCdf1([['obs', 3]], [{ name: 'lat', dims: ['obs'], type: 'double', data: [1, 2, 3] }])
    expect(await message('cut3.nc', nc3.subarray(0, nc3.length - 8))).toMatch(/^cut3\.nc: file: the header describes \d+ bytes but the file has \d+: it is truncated; download the file again$/)
    await withTempDir(async (dir) => {
      const path = join(dir, 'full.nc')
      const time = Float64Array.from({ length: 2000 }, (_, i) => i * 60)
      await writeTracksNetcdf(path, { source: 's', format: 'csv', units: {}, problems: [], drifters: [{ id: 'a', time, lat: time.map((t) => t / 1e5), lon: time.map((t) => t / 1e5) }] })
      const full = new Uint8Array(await readFile(path))
      expect(await message('cut4.nc', full.subarray(0, Math.floor(full.length / 2)))).toBe(`cut4.nc: file: the HDF5 superblock describes ${full.length} bytes but the file has ${Math.floor(full.length / 2)}: it is truncated; download the file again`)
    })
  })

  it('huge files are refused before parsing, stating the limit', async () => {
    const big = new Uint8Array(200 * 1024 * 1024 + 1)
    expect(await message('huge.csv', big)).toBe('huge.csv: file: 200 MB is more than the 200 MB import limit; subset it first (e.g. an ERDDAP query with a time and area constraint)')
  })

  it('unknown formats and empty files', async () => {
    expect(await message('x.bin', Uint8Array.of(0, 1, 2, 3, 0, 0))).toBe('x.bin: file: unknown format: not CSV, GeoJSON, NetCDF-3 or NetCDF-4/HDF5; export the tracks as CSV (id,time,lat,lon) or CF trajectory NetCDF')
    expect(await message('e.csv', new Uint8Array(0))).toBe('e.csv: file: the file is empty; choose a CSV, NetCDF or GeoJSON drifter file')
  })

  it('GeoJSON: times missing or not one per vertex', async () => {
    const line = (props: object) => JSON.stringify({ type: 'FeatureCollection', features: [{ type: 'Feature', properties: props, geometry: { type: 'LineString', coordinates: [[0, 0], [1, 1]] } }] })
    expect(await message('g.geojson', line({ id: 'd1' }))).toBe('g.geojson: feature 0 (id d1): a LineString without times; add properties.times: one ISO-8601 time per vertex')
    expect(await message('g.geojson', line({ id: 'd1', times: ['2020-01-01T00:00:00Z'] }))).toBe('g.geojson: feature 0 (id d1): 2 vertices but 1 times; give exactly one time per vertex')
  })

  it('NetCDF: time without CF units, rowsize inconsistent with obs', async () => {
    const noUnits = writeCdf1([['obs', 2]], [
      { name: 'time', dims: ['obs'], type: 'double', data: [0, 1] },
      { name: 'lat', dims: ['obs'], type: 'double', data: [0, 1] },
      { name: 'lon', dims: ['obs'], type: 'double', data: [0, 1] }
    ])
    expect(await message('u.nc', noUnits)).toBe('u.nc: variable time: has no units attribute; set units to e.g. "seconds since 1970-01-01 00:00:00"')
    const badRows = writeCdf1([['traj', 1], ['obs', 2]], [
      { name: 'rowsize', dims: ['traj'], type: 'int', data: [3], attrs: { sample_dimension: 'obs' } },
      { name: 'time', dims: ['obs'], type: 'double', data: [0, 1], attrs: { units: 'days since 2000-01-01' } },
      { name: 'lat', dims: ['obs'], type: 'double', data: [0, 1] },
      { name: 'lon', dims: ['obs'], type: 'double', data: [0, 1] }
    ])
    expect(await message('r.nc', badRows)).toBe('r.nc: variable rowsize: sums to 3 but dimension obs has 2 observations; the file is inconsistent or truncated; download it again')
  })

  it('nothing is half-imported: a failing import leaves no output and no temporary file', async () => {
    await withTempDir(async (dir) => {
      const out = join(dir, 'tracks.nc')
      await expect(importDrifterFile('bad.csv', bytes('id,time,lat,lon\n1,2020-01-01T00:00Z,0,0\n1,nope,0,1\n'), out, silentContext())).rejects.toThrow('bad.csv: line 3: time "nope"')
      expect(await readdir(dir)).toEqual([])
      const controller = new AbortController()
      controller.abort()
      await expect(importDrifterFile('ok.csv', bytes('id,time,lat,lon\n1,2020-01-01T00:00Z,0,0\n1,2020-01-01T01:00Z,0,1\n'), out, silentContext(controller.signal))).rejects.toThrow('cancelled')
      expect(await readdir(dir)).toEqual([])
    })
  })
})
