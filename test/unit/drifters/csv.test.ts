import { describe, expect, it } from 'vitest'
import { readDrifterFile } from '../../../src-main/engine/data/drifters/read'
import { parseCfTimeUnits, parseDateTime } from '../../../src-main/engine/data/drifters/time'
import { bytes } from './fixtures'

const read = (name: string, text: string) => readDrifterFile(name, bytes(text))

describe('CSV drifter files', () => {
  it('reads an ERDDAP GDP CSV with its units row, ids above 2^31 and 0–360 longitudes', async () => {
    const t = await read(
      'gdp.csv',
      `ID,time,latitude,longitude,ve,vn,gap,drogue_lost_date,typebuoy
,UTC,degrees_north,degrees_east,m/s,m/s,seconds,UTC,
300234061234560,2019-06-04T05:00:00Z,30.5,297.5,0.12,-0.05,0,2019-08-01T00:00:00Z,SVP
300234061234560,2019-06-04T06:00:00Z,30.6,297.75,0.13,-0.04,0,2019-08-01T00:00:00Z,SVP
145813,2019-06-04T05:00:00Z,10,-63,NaN,,0,,SVP
145813,2019-06-04T06:00:00Z,10.5,-62.5,0.2,0.1,0,,SVP
`
    )
    expect(t.format).toBe('csv')
    expect(t.drifters.map((d) => d.id)).toEqual(['300234061234560', '145813'])
    const [a, b] = t.drifters
    expect(Array.from(a.time)).toEqual([Date.UTC(2019, 5, 4, 5) / 1000, Date.UTC(2019, 5, 4, 6) / 1000])
    expect(Array.from(a.lon)).toEqual([-62.5, -62.25])
    expect(Array.from(a.ve ?? [])).toEqual([0.12, 0.13])
    expect(b.ve?.[0]).toBeNaN()
    expect(b.vn?.[0]).toBeNaN()
    expect(t.units.longitude).toBe('0–360 → -180…180')
    expect(t.units.velocity).toBe('m/s')
    expect(t.units.unitsRow).toContain('line 2')
  })

  it('reads .csvp headers "name (units)" and converts cm/s to m/s', async () => {
    const t = await read('d.csvp', 'ID,time (UTC),latitude (degrees_north),longitude (degrees_east),ve (cm/s),vn (cm/s)\n7,2020-01-01T00:00:00Z,1,2,50,-25\n7,2020-01-01T06:00:00Z,1.1,2.1,10,0\n')
    expect(Array.from(t.drifters[0].ve ?? [])).toEqual([0.5, 0.1])
    expect(Array.from(t.drifters[0].vn ?? [])).toEqual([-0.25, 0])
    expect(t.units.velocity).toBe('cm/s → m/s')
  })

  it('accepts column-name variants, fill values, Fortran D exponents and guesses cm/s from magnitude', async () => {
    const t = await read(
      'plain.csv',
      `platform_code;datetime;LAT;LONG;u;v
A;2020-01-01 00:00;1.0;2.0;25;30
A;2020-01-01 01:00;999.99;2.0;20;10
A;2020-01-01 02:00;1.2;2.2;0.2D2;-999
B;2020-01-01 00:00;5;6;15;15
B;2020-01-01 03:00;5.1;6.1;-;
`.replace('-;\n', '12;12\n')
    )
    const a = t.drifters[0]
    expect(a.id).toBe('A')
    expect(Array.from(a.lat)).toEqual([1, 1.2])
    expect(Array.from(a.ve ?? [])).toEqual([0.25, 0.2])
    expect(a.vn?.[1]).toBeNaN()
    expect(t.units.velocity).toMatch(/^cm\/s → m\/s \(no units given/)
    expect(t.problems.some((p) => p.message.includes('1 fixes without a position'))).toBe(true)
  })

  it('keeps Copernicus-valid QC flags 0,1,2,5,7,8 (0 = no QC performed) and reports every class', async () => {
    const t = await read('qc.csv', 'id,time,lat,lon,POSITION_QC\n1,2020-01-01T00:00Z,0,0,1\n1,2020-01-01T01:00Z,0,0.1,4\n1,2020-01-01T02:00Z,0,0.2,8\n1,2020-01-01T03:00Z,0,0.3,\n1,2020-01-01T04:00Z,0,0.4,0\n1,2020-01-01T05:00Z,0,0.5,0\n')
    expect(Array.from(t.drifters[0].lon)).toEqual([0, 0.2, 0.3, 0.4, 0.5])
    expect(t.problems.map((p) => p.message)).toContain('1 fixes with a QC flag outside {0,1,2,5,7,8} were skipped (4 bad ×1)')
    expect(t.qc).toEqual([
      { flag: 0, meaning: 'no QC performed', fixes: 2, kept: true },
      { flag: 1, meaning: 'good', fixes: 1, kept: true },
      { flag: 4, meaning: 'bad', fixes: 1, kept: false },
      { flag: 8, meaning: 'interpolated', fixes: 1, kept: true }
    ])
  })

  it('reads a table without an id column as one drifter named after the file', async () => {
    const t = await read('/data/buoy42.csv', 'time,lat,lon\n2020-01-01T00:00:00Z,0,0\n2020-01-01T01:00:00Z,0,1\n')
    expect(t.drifters[0].id).toBe('buoy42')
  })

  it('parses ISO-8601, zones and CF time units', () => {
    expect(parseDateTime('2019-06-04T05:00:00Z')).toBe(1559624400)
    expect(parseDateTime('2019-06-04 07:00:00+02:00')).toBe(1559624400)
    expect(parseDateTime('2019/06/04 05:00')).toBe(1559624400)
    expect(parseDateTime('yesterday')).toBeNaN()
    expect(parseCfTimeUnits('days since 1950-01-01 00:00:00')).toEqual({ scale: 86400, epoch: -631152000 })
    expect(parseCfTimeUnits('hours since 1970-01-01T00:00:00Z')).toEqual({ scale: 3600, epoch: 0 })
    expect(parseCfTimeUnits('metres')).toBeUndefined()
  })
})
