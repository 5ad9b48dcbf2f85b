import { mkdtempSync, readdirSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import h5wasm from 'h5wasm/node'
import { beforeAll, describe, expect, test } from 'vitest'
import { writeDataset } from '../../../src-main/engine/data/dataset'
import { runTraining } from '../../../src-main/engine/learn/index'
import { runDrifterRetrieval } from '../../../src-main/engine/assimilate/drifter-retrieve'
import { silentContext } from '../../../src-main/engine/jobs/job'
import { tinyFourier } from './fixtures'

/** Three drifters drifting due east at 0.2 m/s near the equator, hourly for two days (ISO times, m/s). */
function eastwardDrifters(): string {
  const rows = ['id,time,lat,lon']
  const degPerHour = ((0.2 * 3600) / 6.3781e6) * (180 / Math.PI)
  for (const [id, lat] of [['a', 0], ['b', 0.05], ['c', -0.05]] as const)
    for (let h = 0; h <= 48; h++) rows.push(`${id},${new Date(Date.UTC(2024, 0, 1, h)).toISOString()},${lat},${(-30 + h * degPerHour).toFixed(8)}`)
  return rows.join('\n')
}

describe('retrieval from real drifter tracks', () => {
  const dir = mkdtempSync(join(tmpdir(), 'drifter-retrieve-'))
  const datasetPath = join(dir, 'ds.nc')
  const modelDir = join(dir, 'model')
  const tracksPath = join(dir, 'drifters.csv')
  const outPath = join(dir, 'field.nc')

  beforeAll(async () => {
    await writeDataset(datasetPath, tinyFourier({ tracers: 1 }))
    await runTraining({ datasetPath, outDir: modelDir, config: { epochs: 1, batch: 16, dim: 8, parallel: 'off' } }, silentContext())
    writeFileSync(tracksPath, eastwardDrifters())
  }, 120_000)

  test('scores every drifter leave-one-out in m/s and writes the field in km, epoch seconds and m/s', async () => {
    const r = await runDrifterRetrieval({ modelDir, datasetPath, tracksPath, outPath, grid: 8, frames: 3 }, silentContext())
    expect(r.drifters).toEqual(['a', 'b', 'c'])
    // the model takes one tracer: the field is informed by drifter a, and each drifter is scored by a field made from another
    expect(r.queryDrifters).toEqual(['a'])
    expect(r.leaveOneOut.map((s) => s.id)).toEqual(['a', 'b', 'c'])
    // observed speed comes back in m/s from the positions (centred differences on the sphere)
    for (const s of [...r.inSample, ...r.leaveOneOut]) {
      expect(s.rmsObserved).toBeCloseTo(0.2, 3)
      expect(Number.isFinite(s.rmse)).toBe(true)
    }
    expect(r.ess).toBeGreaterThanOrEqual(1)
    expect(r.ess).toBeLessThanOrEqual(r.bankSize)
    await h5wasm.ready
    const f = new h5wasm.File(outPath, 'r')
    try {
      expect((f.get('x') as InstanceType<typeof h5wasm.Dataset>).attrs['units'].value).toBe('km')
      expect((f.get('u') as InstanceType<typeof h5wasm.Dataset>).attrs['units'].value).toBe('m s-1')
      const time = (f.get('time') as InstanceType<typeof h5wasm.Dataset>).value as Float64Array
      expect(time.length).toBe(3)
      expect(time[0]).toBeGreaterThanOrEqual(Date.UTC(2024, 0, 1) / 1000)
      expect(time[2]).toBeLessThanOrEqual(Date.UTC(2024, 0, 3) / 1000)
    } finally {
      f.close()
    }
    expect(readdirSync(dir).filter((n) => n.endsWith('.tmp'))).toEqual([])
  })

  test('a missing tracks file is one clear error', async () => {
    await expect(runDrifterRetrieval({ modelDir, datasetPath, tracksPath: join(dir, 'nope.csv'), outPath: join(dir, 'x.nc') }, silentContext())).rejects.toThrow(
      `${join(dir, 'nope.csv')}: file not found or unreadable`
    )
  })
})
