/** Issue #13 "wrong or lost data": units per drifter, grid orientation, Parcels ids, duplicates, QC 0, every variable kept. */
import { execFileSync } from 'node:child_process'
import { readFile } from 'node:fs/promises'
import { join } from 'node:path'
import { describe, expect, it } from 'vitest'
import { writeNetcdf4 } from '../../../src-main/engine/data/export/netcdf4'
import { importDrifterFile } from '../../../src-main/engine/data/drifters/import'
import { readDrifterFile } from '../../../src-main/engine/data/drifters/read'
import { readTracksNetcdf } from '../../../src-main/engine/data/tracks'
import { silentContext } from '../../../src-main/engine/jobs/job'
import { bytes, withTempDir, writeCdf1 } from './fixtures'

const T0 = Date.UTC(2020, 0, 1) / 1000
const messages = (t: { problems: { message: string }[] }) => t.problems.map((p) => p.message)
/** Degrees of longitude per hour at the equator at 0.1 m/s (clouddrift's Earth radius). */
const STEP = ((0.1 * 3600) / 6.3781e6) * (180 / Math.PI)

describe('units per drifter', () => {
  it('reads a unit-less file mixing an m/s and a cm/s drifter without a 100× error, and says so', async () => {
    const rows = [0, 1, 2, 3].flatMap((k) => [
      `A,2020-01-01T0${k}:00:00Z,0,${(k * STEP).toFixed(6)},0.1,0`,
      `B,2020-01-01T0${k}:00:00Z,10,${(k * STEP).toFixed(6)},10,0`
    ])
    const t = await readDrifterFile('mixed.csv', bytes(`id,time,lat,lon,ve,vn\n${rows.join('\n')}\n`))
    const [a, b] = t.drifters
    expect(a.ve?.[0]).toBeCloseTo(0.1, 10)
    expect(b.ve?.[0]).toBeCloseTo(0.1, 10)
    expect(t.units.velocity).toBe('mixed (no units given; decided per drifter from velocity from positions): cm/s → m/s for 1 drifters, m/s for 1')
    expect(messages(t)).toContain('the file mixes units: drifters B read as cm/s (converted to m/s), drifters A as m/s; give a units row (ERDDAP) or "ve (m/s)" headers to be sure')
  })
})

describe('2-D grids are oriented by dimension names and coordinates', () => {
  const grid = (dims: [string, string], time: { dims: string[]; data: number[] }, extra: Parameters<typeof writeCdf1>[1] = []) =>
    writeCdf1(
      [[dims[0], 3], [dims[1], 3]],
      [
        { name: 'time', dims: time.dims, type: 'double', data: time.data, attrs: { units: 'hours since 2020-01-01' } },
        // Row-major (dims[0], dims[1]): entry [i][j] = 10·i + j.
        { name: 'lat', dims, type: 'double', data: [0, 1, 2, 10, 11, 12, 20, 21, 22] },
        { name: 'lon', dims, type: 'double', data: [0, 1, 2, 10, 11, 12, 20, 21, 22] },
        ...extra
      ]
    )

  it('a square (time, drifter) grid is read with drifters along the second dimension', async () => {
    const t = await readDrifterFile('tg.nc', grid(['time', 'drifter'], { dims: ['time'], data: [0, 1, 2] }))
    expect(t.drifters.map((d) => Array.from(d.lat))).toEqual([[0, 10, 20], [1, 11, 21], [2, 12, 22]])
    expect(t.units.layout).toBe('2-D (time, drifter) grid, drifters along drifter (time is on time)')
  })

  it('a square grid with neutral dimension names is oriented by its id coordinate or by 2-D time', async () => {
    const byId = await readDrifterFile('id.nc', grid(['a', 'b'], { dims: ['a', 'b'], data: [0, 0, 0, 1, 1, 1, 2, 2, 2] }, [{ name: 'buoy', dims: ['b'], type: 'int', data: [7, 8, 9], attrs: { cf_role: 'trajectory_id' } }]))
    expect(byId.drifters.map((d) => [d.id, Array.from(d.lat)])).toEqual([['7', [0, 10, 20]], ['8', [1, 11, 21]], ['9', [2, 12, 22]]])
    const byTime = await readDrifterFile('t2.nc', grid(['a', 'b'], { dims: ['a', 'b'], data: [0, 1, 2, 0, 1, 2, 0, 1, 2] }))
    expect(byTime.drifters.map((d) => Array.from(d.lat))).toEqual([[0, 1, 2], [10, 11, 12], [20, 21, 22]])
  })

  it('refuses only a truly ambiguous grid, saying how to resolve it', async () => {
    await expect(readDrifterFile('amb.nc', grid(['a', 'b'], { dims: ['a', 'b'], data: [0, 1, 2, 1, 2, 3, 2, 3, 4] }))).rejects.toThrow(
      'amb.nc: variable lat(a, b): cannot tell which dimension runs over drifters and which over time (3×3; neither the dimension names nor a time or id coordinate decide it); name the dimensions (trajectory, obs) or (time, trajectory), or give time as a 1-D coordinate variable on the time dimension'
    )
  })
})

describe('Parcels and Copernicus files', () => {
  it('Parcels output keeps its particles: trajectory(traj, obs) ids, padded rows, z kept', async () => {
    await withTempDir(async (dir) => {
      const path = join(dir, 'parcels.nc')
      await writeNetcdf4(path, {
        dims: [{ name: 'traj', size: 2 }, { name: 'obs', size: 3 }],
        variables: [
          { name: 'trajectory', dims: ['traj', 'obs'], data: Float64Array.of(0, 0, 0, 1, 1, NaN), fill: NaN, attrs: { cf_role: 'trajectory_id', long_name: 'Unique identifier for each particle' } },
          { name: 'time', dims: ['traj', 'obs'], data: Float64Array.of(0, 3600, 7200, 0, 3600, NaN), fill: NaN, attrs: { units: 'seconds since 2020-01-01T00:00:00', standard_name: 'time' } },
          { name: 'lat', dims: ['traj', 'obs'], data: Float32Array.of(1, 1.5, 2, 5, 5.5, NaN), fill: NaN, attrs: { standard_name: 'latitude' } },
          { name: 'lon', dims: ['traj', 'obs'], data: Float32Array.of(3, 3.5, 4, 6, 6.5, NaN), fill: NaN, attrs: { standard_name: 'longitude' } },
          { name: 'z', dims: ['traj', 'obs'], data: Float32Array.of(0.5, 0.5, 0.5, 1, 1, NaN), fill: NaN, attrs: { units: 'm', standard_name: 'depth' } }
        ],
        attrs: { feature_type: 'trajectory', parcels_version: '2.4.2' }
      })
      const t = await readDrifterFile('parcels.nc', new Uint8Array(await readFile(path)))
      expect(t.drifters.map((d) => [d.id, d.time.length])).toEqual([['0', 3], ['1', 2]])
      expect(Array.from(t.drifters[1].time)).toEqual([T0, T0 + 3600])
      expect(Array.from(t.drifters[0].extra?.z as Float64Array)).toEqual([0.5, 0.5, 0.5])
      expect(t.variables?.z).toEqual({ per: 'obs', sourceName: 'z', attrs: { units: 'm', standard_name: 'depth' } })
    })
  })

  // A Copernicus In-Situ TAC drifter file: upper-case names, QC 0 ("no QC performed"), a repeated fix, SST and metadata.
  const copernicus = () => {
    const day = (h: number) => 25567 + h / 24
    return writeCdf1(
      [['TIME', 5], ['DEPTH', 1]],
      [
        { name: 'TIME', dims: ['TIME'], type: 'double', data: [day(0), day(6), day(6), day(12), day(18)], attrs: { units: 'days since 1950-01-01T00:00:00Z', standard_name: 'time' } },
        { name: 'LATITUDE', dims: ['TIME'], type: 'double', data: [40, 40.1, 40.1, 40.2, 40.3], attrs: { units: 'degrees_north' } },
        { name: 'LONGITUDE', dims: ['TIME'], type: 'double', data: [5, 5.1, 5.1, 5.2, 5.3], attrs: { units: 'degrees_east' } },
        { name: 'POSITION_QC', dims: ['TIME'], type: 'int', data: [0, 1, 1, 4, 0], attrs: { long_name: 'Position quality flag' } },
        { name: 'TEMP', dims: ['TIME', 'DEPTH'], type: 'double', data: [14.5, 14.6, 14.6, 14.7, 99999], attrs: { units: 'degrees_C', standard_name: 'sea_water_temperature', _FillValue: [99999] } },
        { name: 'TEMP_QC', dims: ['TIME', 'DEPTH'], type: 'int', data: [1, 1, 1, 1, 9] }
      ],
      { platform_code: '6202610', institution: 'OGS', data_mode: 'R', history: '2020-01-02 created by CMEMS' }
    )
  }

  it('drops an exact duplicate fix with a counted warning, keeps QC 0 and reports QC per class', async () => {
    const t = await readDrifterFile('GL_TS_DB_6202610.nc', copernicus())
    const d = t.drifters[0]
    expect(Array.from(d.time)).toEqual([T0, T0 + 6 * 3600, T0 + 18 * 3600])
    expect(messages(t)).toEqual(['1 fixes with a QC flag outside {0,1,2,5,7,8} were skipped (4 bad ×1)', '1 exact duplicate fixes (same drifter, time and position) were dropped'])
    expect(t.qc).toEqual([
      { flag: 0, meaning: 'no QC performed', fixes: 2, kept: true },
      { flag: 1, meaning: 'good', fixes: 2, kept: true },
      { flag: 4, meaning: 'bad', fixes: 1, kept: false }
    ])
  })

  it('keeps every variable with its attributes, the global attributes under source_, and history', async () => {
    await withTempDir(async (dir) => {
      const out = join(dir, 'tracks.nc')
      await importDrifterFile('GL_TS_DB_6202610.nc', copernicus(), out, silentContext())
      const back = await readTracksNetcdf(out)
      const d = back.drifters[0]
      expect(Array.from(d.extra?.TEMP as Float64Array)).toEqual([14.5, 14.6, NaN])
      expect(Array.from(d.extra?.TEMP_QC as Float64Array)).toEqual([1, 1, 9])
      expect(back.variables?.TEMP.attrs).toMatchObject({ units: 'degrees_C', standard_name: 'sea_water_temperature' })
      expect(back.attributes).toMatchObject({ source_institution: 'OGS', source_platform_code: '6202610', source_data_mode: 'R', source: 'GL_TS_DB_6202610.nc' })
      expect(String(back.attributes?.history)).toMatch(/^2020-01-02 created by CMEMS\n\d{4}-\d\d-\d\dT\d\d:\d\d:\d\dZ driftclip import GL_TS_DB_6202610\.nc \(netcdf3\)$/)
    })
  })

  it('GDP ragged arrays keep per-trajectory metadata and numeric ids stay numbers', async () => {
    await withTempDir(async (dir) => {
      const src = join(dir, 'gdp.nc')
      await writeNetcdf4(src, {
        dims: [{ name: 'traj', size: 2 }, { name: 'obs', size: 4 }],
        variables: [
          { name: 'id', dims: ['traj'], data: Int32Array.of(3, 44), attrs: { cf_role: 'trajectory_id' } },
          { name: 'rowsize', dims: ['traj'], data: Int32Array.of(2, 2), attrs: { sample_dimension: 'obs' } },
          { name: 'typebuoy', dims: ['traj'], data: ['SVP', 'SVPB'], attrs: { long_name: 'Buoy type' } },
          { name: 'deploy_lat', dims: ['traj'], data: Float32Array.of(10, 20), attrs: { units: 'degrees_north' } },
          { name: 'time', dims: ['obs'], data: Float64Array.of(0, 3600, 0, 3600), attrs: { units: 'seconds since 2020-01-01' } },
          { name: 'lat', dims: ['obs'], data: Float64Array.of(10, 10.01, 20, 20.01) },
          { name: 'lon', dims: ['obs'], data: Float64Array.of(1, 1.01, 2, 2.01) },
          { name: 'drogue_status', dims: ['obs'], data: Int32Array.of(1, 1, 0, 0), attrs: { long_name: 'drogue status' } }
        ],
        attrs: { title: 'Global Drifter Program hourly drifting buoy collection', Conventions: 'CF-1.6' }
      })
      const out = join(dir, 'tracks.nc')
      await importDrifterFile('gdp.nc', new Uint8Array(await readFile(src)), out, silentContext())
      const back = await readTracksNetcdf(out)
      expect(back.drifters.map((d) => [d.id, d.meta])).toEqual([['3', { typebuoy: 'SVP', deploy_lat: 10 }], ['44', { typebuoy: 'SVPB', deploy_lat: 20 }]])
      expect(Array.from(back.drifters[1].extra?.drogue_status as Float64Array)).toEqual([0, 0])
      const header = execFileSync('ncdump', ['-h', out], { encoding: 'utf8' })
      for (const line of ['int id(rows) ;', 'string typebuoy(rows) ;', 'double drogue_status(obs) ;', 'drogue_status:coordinates = "time lat lon" ;', ':source_title = "Global Drifter Program hourly drifting buoy collection" ;', 'double max_gap(rows) ;'])
        expect(header).toContain(line)
    })
  })
})
