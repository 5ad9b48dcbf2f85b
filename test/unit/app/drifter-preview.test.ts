import { mkdirSync, mkdtempSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { expect, test } from 'vitest'
import { createEngine } from '../../../src-main/engine/engine'
import { writeTracksNetcdf } from '../../../src-main/engine/data/tracks'

test('previewTracks of imported drifters gives ids, UTC fix times and at most ~2000 fixes a drifter (first and last kept)', async () => {
  const root = mkdtempSync(join(tmpdir(), 'engine-'))
  mkdirSync(join(root, 'tracks'))
  const n = 5000
  const t0 = Date.UTC(2023, 3, 24, 8) / 1000
  const long = { id: 'D298', time: Float64Array.from({ length: n }, (_, k) => t0 + 60 * k), lat: Float64Array.from({ length: n }, (_, k) => 54.5 + k * 1e-5), lon: Float64Array.from({ length: n }, (_, k) => 10.2 + k * 2e-5) }
  const short = { id: 'D299', time: Float64Array.of(t0, t0 + 60), lat: Float64Array.of(54.6, 54.61), lon: Float64Array.of(10.5, 10.51) }
  await writeTracksNetcdf(join(root, 'tracks', 'kiel.nc'), { source: 'kiel.csv', format: 'csv', drifters: [long, short], units: {}, problems: [] })
  const engine = await createEngine({ workspace: root, mode: 'browser', version: 'test' }, () => {})
  const preview = await engine.handle('previewTracks', { source: 'tracks/kiel.nc', limit: 10 })
  expect(preview.ids).toEqual(['D298', 'D299'])
  expect(preview.units.length).toMatch(/degree/)
  const [a, b] = preview.tracks
  expect(a.length).toBeLessThanOrEqual(2001)
  expect(a.length).toBeGreaterThan(1000)
  expect(preview.times![0]).toHaveLength(a.length)
  expect(preview.times![0][0]).toBe(t0)
  expect(preview.times![0].at(-1)).toBe(t0 + 60 * (n - 1))
  expect(a.at(-1)![0]).toBeCloseTo(10.2 + (n - 1) * 2e-5, 9)
  expect(b).toEqual([[10.5, 54.6], [10.51, 54.61]])
  expect(preview.times![1]).toEqual([t0, t0 + 60])
})
