/** The readers issue #13 adds: GDP 6-hourly ASCII, ERDDAP .csv0, Argos Web CSV, GeoJSON variants, and the real Kiel files. */
import { readFile, writeFile } from 'node:fs/promises'
import { join } from 'node:path'
import { describe, expect, it } from 'vitest'
import { importDrifterFile } from '../../../src-main/engine/data/drifters/import'
import { trackQuality } from '../../../src-main/engine/data/drifters/quality'
import { readDrifterFile, readDrifterPath } from '../../../src-main/engine/data/drifters/read'
import { silentContext } from '../../../src-main/engine/jobs/job'
import { bytes, withTempDir } from './fixtures'

const T0 = Date.UTC(2020, 0, 1) / 1000
const H = 3600

describe('GDP 6-hourly ASCII buoydata_*.dat', () => {
  it('reads whitespace fields without a header: cm/s, 0–360 longitudes, 999.99 fills, D exponents, fractional days', async () => {
    const dat = [
      '    7702  1  1.000 2020  -3.135  295.044  28.152   -21.341     8.521    22.979  0.13433D-02  0.24413D-02  0.10220D-02',
      '    7702  1  1.250 2020  -3.145  295.004  999.999   -20.000     8.000    21.541  0.13433D-02  0.24413D-02  0.10220D-02',
      '    7702  1  1.500 2020  -3.155  294.964  28.101   999.999   999.999   999.999  0.13433D-02  0.24413D-02  0.10220D-02',
      '   11111 12 31.750 2019  10.000  359.990  25.000    10.000     0.000    10.000  0.10000D-02  0.10000D-02  0.10000D-02',
      '   11111  1  1.000 2020  10.010    0.010  25.100    10.000     0.000    10.000  0.10000D-02  0.10000D-02  0.10000D-02'
    ].join('\n')
    const t = await readDrifterFile('buoydata_5001_10000.dat', bytes(`${dat}\n`))
    expect(t.format).toBe('gdp-ascii')
    const [a, b] = t.drifters
    expect(a.id).toBe('7702')
    expect(Array.from(a.time)).toEqual([T0, T0 + 6 * H, T0 + 12 * H])
    expect(Array.from(a.lon)).toEqual([295.044 - 360, 295.004 - 360, 294.964 - 360])
    expect(a.ve?.[0]).toBeCloseTo(-0.21341, 12)
    expect(a.ve?.[2]).toBeNaN()
    expect(Array.from(a.extra?.sst as Float64Array)).toEqual([28.152, NaN, 28.101])
    expect((a.extra?.var_lat as Float64Array)[0]).toBeCloseTo(0.0013433, 12)
    expect(Array.from(b.time)).toEqual([T0 - 6 * H, T0])
    expect(t.units.velocity).toBe('cm/s → m/s (GDP ASCII)')
  })
})

describe('ERDDAP .csv0 and Argos Web CSV', () => {
  it('.csv0 (no header) is read by position as ID,time,latitude,longitude with the rest kept', async () => {
    const t = await readDrifterFile('drifter_6hour_qc.csv0', bytes('145813,2020-01-01T00:00:00Z,30.5,-63.25,0.12\n145813,2020-01-01T06:00:00Z,30.6,-63.2,0.13\n'))
    expect(t.drifters[0].id).toBe('145813')
    expect(Array.from(t.drifters[0].lat)).toEqual([30.5, 30.6])
    expect(Array.from(t.drifters[0].extra?.column_5 as Float64Array)).toEqual([0.12, 0.13])
    expect(t.problems.map((p) => p.message)).toContain('no header line: columns read by position as ID,time,latitude,longitude,column_5; add a header (or download .csv) to name them')
  })

  it('Argos Web CSV: "Location date" (not "Msg Date"), day-first dates, repeated fixes out of order', async () => {
    const csv = `Platform ID;Msg Date;Location date;Latitude;Longitude;Location class
12345;02/01/2020 00:10:00;01/01/2020 12:00:00;40.1;5.1;2
12345;01/01/2020 06:05:00;01/01/2020 06:00:00;40.0;5.0;3
12345;01/01/2020 12:20:00;01/01/2020 12:00:00;40.1;5.1;2
12345;01/01/2020 18:01:00;01/01/2020 18:00:00;40.2;5.2;B
`
    const t = await readDrifterFile('argos.csv', bytes(csv))
    const d = t.drifters[0]
    expect(Array.from(d.time)).toEqual([T0 + 6 * H, T0 + 12 * H, T0 + 18 * H])
    expect(d.extra?.Location_class).toEqual(['3', '2', 'B'])
    expect(t.problems.map((p) => p.message)).toEqual([
      '1 fixes were out of time order within their drifter and were sorted',
      '1 exact duplicate fixes (same drifter, time and position) were dropped'
    ])
  })
})

describe('streamed CSV', () => {
  it('reads a file row by row to the same tracks, units and problems as the whole text', async () => {
    const csv = '\uFEFFID,time,latitude,longitude,ve,vn\n,UTC,degrees_north,degrees_east,cm/s,cm/s\n7,2020-01-01T06:00:00Z,1,2,10,0\n7,2020-01-01T00:00:00Z,1,1.9,10,0\n8,2020-01-01T00:00:00Z,3,4,999.99,1\n8,2020-01-01T01:00:00Z,3,4.1,5,1\n'
    await withTempDir(async (dir) => {
      await writeFile(join(dir, 's.csv'), csv)
      const streamed = await readDrifterPath('s.csv', join(dir, 's.csv'))
      const whole = await readDrifterFile('s.csv', bytes(csv))
      expect(streamed).toEqual(whole)
      expect(whole.drifters.map((d) => d.id)).toEqual(['7', '8'])
      await writeFile(join(dir, 'bad.csv'), 'id,time,lat,lon\n1,2020-01-01T00:00Z,0,0\n1,nope,0,1\n')
      await expect(readDrifterPath('bad.csv', join(dir, 'bad.csv'))).rejects.toThrow('bad.csv: line 3: time "nope" is not a date-time')
    })
  })
})

describe('GeoJSON variants', () => {
  it('Points with buoy_id and epoch-millisecond timestamp; LineStrings with [lon, lat, t] coordinates', async () => {
    const points = {
      type: 'FeatureCollection',
      features: [0, 1, 2].map((k) => ({ type: 'Feature', properties: { buoy_id: 'SPOT-1', timestamp: (T0 + k * H) * 1000, sst: 20 + k }, geometry: { type: 'Point', coordinates: [10 + k / 10, 50] } }))
    }
    const p = await readDrifterFile('spot.geojson', bytes(JSON.stringify(points)))
    expect(p.drifters.map((d) => [d.id, Array.from(d.time)])).toEqual([['SPOT-1', [T0, T0 + H, T0 + 2 * H]]])
    expect(Array.from(p.drifters[0].extra?.sst as Float64Array)).toEqual([20, 21, 22])
    const line = { type: 'Feature', properties: { id: 4, drogue: 'on' }, geometry: { type: 'LineString', coordinates: [[1, 2, T0], [1.1, 2.1, T0 + H]] } }
    const l = await readDrifterFile('line.geojson', bytes(JSON.stringify(line)))
    expect(l.drifters.map((d) => [d.id, Array.from(d.time), d.meta])).toEqual([['4', [T0, T0 + H], { drogue: 'on' }]])
  })
})

describe('the real Kiel Bight 2023 files import without editing', () => {
  const kiel = (name: string) => readFile(join('..', 'shared', 'data', 'kiel-bight-2023', name))

  it('raw GPS log: DD-Mon-YYYY times, battery column kept, duplicates dropped, harbour before release found and trimmed', async () => {
    const bytesRaw = new Uint8Array(await kiel('drifters_raw.csv'))
    await withTempDir(async (dir) => {
      const s = await importDrifterFile('drifters_raw.csv', bytesRaw, join(dir, 'raw.nc'), silentContext())
      expect(s.drifters).toBe(7)
      expect(s.timeStart).toBe('2023-04-20T10:04:49Z')
      const messages = s.problems.map((p) => p.message)
      expect(messages).toContain('7001 exact duplicate fixes (same drifter, time and position) were dropped')
      const released = (s.quality ?? []).filter((q) => q.beforeRelease).map((q) => [q.id, q.beforeRelease?.end.slice(0, 10)]).sort()
      expect(released).toEqual(['298', '299', '300', '301', '302', '303'].map((id) => [id, '2023-04-24']))
      const trimmed = await importDrifterFile('drifters_raw.csv', bytesRaw, join(dir, 'trim.nc'), silentContext(), { trim: true })
      for (const d of trimmed.perDrifter ?? []) if (d.id !== '297') expect(d.timeStart.slice(0, 10)).toBe('2023-04-24')
      const back = await readDrifterFile('raw.nc', new Uint8Array(await readFile(join(dir, 'raw.nc'))))
      expect(back.drifters[0].extra?.batteryState?.slice(0, 2)).toEqual(['GOOD', 'GOOD'])
      expect(back.variables?.U_speed_mps.per).toBe('obs')
    })
  })

  it('science file: string ids D298…, 80 940 fixes, no off-water fixes reported', async () => {
    const t = await readDrifterFile('drifters_science.csv', new Uint8Array(await kiel('drifters_science.csv')))
    expect(t.drifters.map((d) => d.id)).toEqual(['D298', 'D299', 'D300', 'D301', 'D302', 'D303'])
    expect(t.drifters.reduce((n, d) => n + d.time.length, 0)).toBe(80940)
    expect(t.problems).toEqual([])
    expect(t.drifters.map(trackQuality).filter((q) => q.beforeRelease || q.afterRecovery || q.stationary.length > 0)).toEqual([])
  })
})
