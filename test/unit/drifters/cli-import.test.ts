import { readdir, writeFile } from 'node:fs/promises'
import { join } from 'node:path'
import { afterEach, describe, expect, it, vi } from 'vitest'
import { main } from '../../../src-main/cli'
import { parseWindow } from '../../../src-main/commands/import'
import { readTracksNetcdf } from '../../../src-main/engine/data/tracks'
import { withTempDir } from './fixtures'

const CSV = 'id,time,lat,lon\n1,2020-01-01T00:00:00Z,0,0\n1,2020-01-01T01:00:00Z,0,1\n1,2020-01-02T00:00:00Z,0,2\n2,2020-01-01T00:00:00Z,5,5\n2,2020-01-01T02:00:00Z,5,6\n'

function capture() {
  const out: string[] = []
  const err: string[] = []
  vi.spyOn(console, 'log').mockImplementation((s: string) => void out.push(s))
  vi.spyOn(console, 'error').mockImplementation((s: string) => void err.push(s))
  vi.spyOn(process.stdout, 'write').mockImplementation(() => true)
  vi.spyOn(process.stderr, 'write').mockImplementation(() => true)
  return { out, err }
}

afterEach(() => vi.restoreAllMocks())

describe('driftclip import', () => {
  it('--json returns the ImportSummary and writes the tracks; --window clips', async () => {
    await withTempDir(async (dir) => {
      await writeFile(join(dir, 'd.csv'), CSV)
      const { out } = capture()
      const code = await main(['import', join(dir, 'd.csv'), '--out', join(dir, 't.nc'), '--window', '2020-01-01T00:00:00Z/2020-01-01T12:00:00Z', '--json'])
      vi.restoreAllMocks()
      expect(code).toBe(0)
      const summary = JSON.parse(out.join('\n'))
      expect(summary).toMatchObject({ file: 'd.csv', drifters: 2, points: 4, window: { start: '2020-01-01T00:00:00Z', end: '2020-01-01T12:00:00Z' }, out: join(dir, 't.nc') })
      const back = await readTracksNetcdf(join(dir, 't.nc'))
      expect(back.drifters.map((d) => d.time.length)).toEqual([2, 2])
    })
  })

  it('bad input: exit code 1, one line naming the file, nothing written', async () => {
    await withTempDir(async (dir) => {
      await writeFile(join(dir, 'bad.csv'), 'id,time,lat,lon\n1,2020-01-01T00:00:00Z,0,0\n')
      const { err } = capture()
      const code = await main(['import', join(dir, 'bad.csv'), '--out', join(dir, 't.nc')])
      vi.restoreAllMocks()
      expect(code).toBe(1)
      expect(err).toEqual(['driftclip: bad.csv: file: no drifter has more than a single fix; a track needs at least 2 fixes with time, latitude and longitude'])
      expect(await readdir(dir)).toEqual(['bad.csv'])
    })
  })

  it('parses --window and refuses malformed ones', () => {
    expect(parseWindow('2020-01-01/2020-01-02T00:00:00Z')).toEqual({ start: 1577836800, end: 1577923200 })
    expect(() => parseWindow('2020-01-02/2020-01-01')).toThrow('--window "2020-01-02/2020-01-01": the end must be after the start')
    expect(() => parseWindow('last week')).toThrow('--window "last week" is not START/END')
  })
})
