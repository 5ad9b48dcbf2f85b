/** `driftclip export-tracks`: CSV in ISO-8601 UTC with units in the header, GeoJSON in WGS-84 split at the antimeridian. */
import { readFile, writeFile } from 'node:fs/promises'
import { join } from 'node:path'
import { afterEach, describe, expect, it, vi } from 'vitest'
import { main } from '../../../src-main/cli'
import { readDrifterFile } from '../../../src-main/engine/data/drifters/read'
import { splitAtAntimeridian } from '../../../src-main/engine/data/export/tracks-text'
import { withTempDir } from './fixtures'

// Drifter 9 crosses the antimeridian eastward between its 2nd and 3rd fixes; drifter 12 stays near Kiel.
const CSV = `ID,time,latitude,longitude,ve,vn,sst
,UTC,degrees_north,degrees_east,m/s,m/s,degree_Celsius
9,2020-01-01T00:00:00Z,-10,179.8,0.5,0.1,28.5
9,2020-01-01T06:00:00Z,-10.1,179.9,0.5,0.1,28.6
9,2020-01-01T12:00:00Z,-10.3,-179.9,0.5,0.1,28.7
12,2020-01-01T00:00:00Z,54.5,10.2,0.1,0,8
12,2020-01-01T06:00:00Z,54.51,10.21,0.1,0,8.1
`

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

async function importAndExport(dir: string, format: string): Promise<{ code: number; err: string[]; text: string }> {
  await writeFile(join(dir, 'd.csv'), CSV)
  const io = capture()
  expect(await main(['import', join(dir, 'd.csv'), '--out', join(dir, 't.nc')])).toBe(0)
  const code = await main(['export-tracks', join(dir, 't.nc'), '--format', format, '--out', join(dir, `t.${format}`)])
  vi.restoreAllMocks()
  const text = code === 0 ? await readFile(join(dir, `t.${format}`), 'utf8') : ''
  return { code, err: io.err, text }
}

describe('driftclip export-tracks', () => {
  it('CSV: ISO-8601 UTC, units in the header, every variable, and it imports back to the same tracks', async () => {
    await withTempDir(async (dir) => {
      const { code, text } = await importAndExport(dir, 'csv')
      expect(code).toBe(0)
      const lines = text.split('\n')
      expect(lines[0]).toBe('id,time (UTC),lat (degrees_north),lon (degrees_east),ve (m/s),vn (m/s),sst (degree_Celsius)')
      expect(lines[1]).toBe('9,2020-01-01T00:00:00Z,-10,179.8,0.5,0.1,28.5')
      const original = await readDrifterFile('d.csv', new TextEncoder().encode(CSV))
      const back = await readDrifterFile('t.csv', new TextEncoder().encode(text))
      expect(back.drifters).toEqual(original.drifters)
    })
  })

  it('GeoJSON: WGS-84 [lon, lat], a MultiLineString cut at ±180° with the crossing interpolated, read back without it', async () => {
    await withTempDir(async (dir) => {
      const { code, text } = await importAndExport(dir, 'geojson')
      expect(code).toBe(0)
      const fc = JSON.parse(text)
      const [crossing, kiel] = fc.features
      expect(kiel.geometry).toEqual({ type: 'LineString', coordinates: [[10.2, 54.5], [10.21, 54.51]] })
      expect(crossing.geometry.type).toBe('MultiLineString')
      const [west, east] = crossing.geometry.coordinates
      // 0.1° to +180 and 0.1° beyond: the crossing is half-way, at lat −10.2, 09:00.
      expect(west.at(-1)[0]).toBe(180)
      expect(west.at(-1)[1]).toBeCloseTo(-10.2, 12)
      expect(east[0][0]).toBe(-180)
      expect(crossing.properties.times).toEqual([['2020-01-01T00:00:00Z', '2020-01-01T06:00:00Z', '2020-01-01T09:00:00Z'], ['2020-01-01T09:00:00Z', '2020-01-01T12:00:00Z']])
      expect(crossing.properties.sst).toEqual([[28.5, 28.6, 28.6], [28.7, 28.7]])
      const back = await readDrifterFile('t.geojson', new TextEncoder().encode(text))
      expect(back.drifters.map((d) => [d.id, Array.from(d.lon), Array.from(d.extra?.sst as Float64Array)])).toEqual([
        ['9', [179.8, 179.9, -179.9], [28.5, 28.6, 28.7]],
        ['12', [10.2, 10.21], [8, 8.1]]
      ])
      expect(back.problems).toEqual([])
    })
  })

  it('splits westward crossings too, and refuses an unknown format', async () => {
    const parts = splitAtAntimeridian([-179.5, 179.5], [0, 1], [0, 10])
    expect(parts.map((p) => p.coordinates)).toEqual([[[-179.5, 0], [-180, 0.5]], [[180, 0.5], [179.5, 1]]])
    await withTempDir(async (dir) => {
      const { code, err } = await importAndExport(dir, 'kml')
      expect(code).toBe(1)
      expect(err).toEqual(['driftclip: export-tracks: --format must be csv or geojson (got "kml")'])
    })
  })
})

describe('the startExportTracks job (GUI)', () => {
  it('writes exports/NAME.geojson from tracks/NAME.nc and reports it', async () => {
    const { mkdirSync, mkdtempSync, existsSync } = await import('node:fs')
    const { tmpdir } = await import('node:os')
    const { createEngine } = await import('../../../src-main/engine/engine')
    const { importDrifterFile } = await import('../../../src-main/engine/data/drifters/import')
    const { silentContext } = await import('../../../src-main/engine/jobs/job')
    const root = mkdtempSync(join(tmpdir(), 'engine-export-'))
    mkdirSync(join(root, 'tracks'), { recursive: true })
    await importDrifterFile('d.csv', new TextEncoder().encode(CSV), join(root, 'tracks', 'kiel.nc'), silentContext())
    const events: { type: string; result?: unknown }[] = []
    const engine = await createEngine({ workspace: root, mode: 'browser', version: 'test' }, (e) => events.push(e as { type: string; result?: unknown }))
    await engine.handle('startExportTracks', { tracks: 'tracks/kiel.nc', format: 'geojson' })
    await vi.waitFor(() => expect(events.some((e) => e.type === 'job:done')).toBe(true), { timeout: 20_000, interval: 50 })
    expect(events.find((e) => e.type === 'job:done')?.result).toEqual({ tracks: 'tracks/kiel.nc', format: 'geojson', out: 'exports/kiel.geojson', drifters: 2, points: 5 })
    expect(existsSync(join(root, 'exports', 'kiel.geojson'))).toBe(true)
  })
})
