import { existsSync, mkdtempSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { describe, expect, test, vi } from 'vitest'
import { CHANNELS, isDoneOf, isJobStart, JOB_OF, type ComparisonResult, type EngineEvent } from '../../../src-main/shared/contract'
import { createEngine } from '../../../src-main/engine/engine'
import { writeDataset } from '../../../src-main/engine/data/dataset'
import { SPLIT } from '../../../src-main/engine/data/dataset-types'
import { tinyFourier } from '../assimilate/fixtures'

describe('engine requests', () => {
  test('previewTracks returns the split\'s tracer paths, every tracer of a pair, up to the limit', async () => {
    const root = mkdtempSync(join(tmpdir(), 'engine-'))
    const engine = await createEngine({ workspace: root, mode: 'browser', version: 'test' }, () => {})
    const ds = tinyFourier()
    await writeDataset(join(root, 'datasets', 'tiny.nc'), ds)
    const preview = await engine.handle('previewTracks', { source: 'datasets/tiny.nc', split: 'test', limit: 3 })
    expect(preview.tracks).toHaveLength(3)
    const first = Array.from(ds.split).indexOf(SPLIT.test)
    const len = ds.nTracers * ds.nTimes * 2
    // tracer 1 of the first test pair is the second path; its last point is the pair's last recorded position
    expect(preview.tracks[1].at(-1)).toEqual([ds.trajectories[first * len + len - 2], ds.trajectories[first * len + len - 1]])
    expect(preview.tracks[0]).toHaveLength(ds.nTimes)
    await expect(engine.handle('previewTracks', { source: 'exports/x.svg' })).rejects.toThrow('is neither a data set')
  })
})

describe('job kinds end to end', () => {
  test('a start request answers with its job kind, and the job:done event carries the same kind and that kind\'s result', async () => {
    const root = mkdtempSync(join(tmpdir(), 'engine-'))
    const events: EngineEvent[] = []
    const engine = await createEngine({ workspace: root, mode: 'browser', version: 'test' }, (e) => events.push(e))
    const started = await engine.handle('startSimulation', { name: 'tiny', config: { pairs: 8, steps: 50, recordEvery: 10 } })
    expect(started.kind).toBe(JOB_OF.startSimulation)
    await vi.waitFor(() => expect(events.some((e) => e.type === 'job:done' || e.type === 'job:error')).toBe(true), { timeout: 30_000 })
    const done = events.find((e) => e.type === 'job:done')
    if (!done || !isDoneOf(done, started.kind)) throw new Error(`no simulate job:done: ${JSON.stringify(events.at(-1))}`)
    expect(done.result.path).toBe('datasets/tiny.nc')
    expect(done.result.pairs).toBe(8)
  })

  test('every start request names one job kind, and only start requests do', () => {
    expect(Object.keys(JOB_OF).sort()).toEqual(CHANNELS.filter((c) => c.startsWith('start')).sort())
    expect(CHANNELS.filter(isJobStart).sort()).toEqual(Object.keys(JOB_OF).sort())
  })
})

describe('saveFigure', () => {
  /** A valid 1 × 1 PNG (signature, IHDR, IDAT, IEND). */
  const PNG_1x1 = 'iVBORw0KGgoAAAANSUhEUgAAAAEAAAABCAYAAAAfFcSJAAAADUlEQVR42mNk+M9QDwADhgGAWjR9awAAAABJRU5ErkJggg=='
  test('rejects what is not an image (the 3-byte PNG of a blank chart) and never overwrites an earlier figure', async () => {
    const root = mkdtempSync(join(tmpdir(), 'engine-'))
    const engine = await createEngine({ workspace: root, mode: 'browser', version: 'test' }, () => {})
    await expect(engine.handle('saveFigure', { name: 'field-map', format: 'png', contentBase64: Buffer.from('abc').toString('base64') }))
      .rejects.toThrow('saveFigure: field-map.png: not a PNG image (3 bytes)')
    await expect(engine.handle('saveFigure', { name: 'field-map', format: 'svg', contentBase64: Buffer.from('<html></html>').toString('base64') }))
      .rejects.toThrow('not an SVG document')
    const first = await engine.handle('saveFigure', { name: 'field-map', format: 'png', contentBase64: PNG_1x1 })
    const second = await engine.handle('saveFigure', { name: 'field-map', format: 'png', contentBase64: PNG_1x1 })
    const svg = await engine.handle('saveFigure', { name: 'field-map', format: 'svg', contentBase64: Buffer.from('<svg xmlns="http://www.w3.org/2000/svg"></svg>').toString('base64') })
    expect([first.path, second.path, svg.path]).toEqual(['exports/field-map.png', 'exports/field-map-2.png', 'exports/field-map.svg'])
    expect(first.bytes).toBeGreaterThan(60)
  })
})

describe('cancel and pause of a training run', () => {
  /** Start a long run, wait for its first checkpoint, stop it (cancel or pause), wait for the end event. */
  async function stopAfterCheckpoint(pause: boolean) {
    const root = mkdtempSync(join(tmpdir(), 'engine-'))
    const events: EngineEvent[] = []
    const engine = await createEngine({ workspace: root, mode: 'browser', version: 'test' }, (e) => events.push(e))
    await writeDataset(join(root, 'datasets', 'tiny.nc'), tinyFourier())
    const { jobId } = await engine.handle('startTraining', { name: 'm', dataset: 'datasets/tiny.nc', config: { epochs: 500, patience: 0, batch: 16, dim: 8, widths: [16], parallel: 'off' } })
    const checkpoint = join(root, 'models', 'm.checkpoint')
    await vi.waitFor(() => expect(existsSync(join(checkpoint, 'checkpoint.json'))).toBe(true), { timeout: 30_000, interval: 50 })
    await engine.handle('cancelJob', { jobId, pause })
    await vi.waitFor(() => expect(events.some((e) => e.type === 'job:cancelled' && e.jobId === jobId)).toBe(true), { timeout: 30_000, interval: 50 })
    return existsSync(checkpoint)
  }
  test('Cancel leaves no .checkpoint folder; Pause keeps it for Resume', async () => {
    expect(await stopAfterCheckpoint(false)).toBe(false)
    expect(await stopAfterCheckpoint(true)).toBe(true)
  })
})

describe('compare trained models', () => {
  test('evaluates models already trained, as they are (no retraining): their own folders, curves from their history', async () => {
    const root = mkdtempSync(join(tmpdir(), 'engine-'))
    const events: EngineEvent[] = []
    const engine = await createEngine({ workspace: root, mode: 'browser', version: 'test' }, (e) => events.push(e))
    await writeDataset(join(root, 'datasets', 'tiny.nc'), tinyFourier())
    const ended = (id: string) => vi.waitFor(() => {
      const end = events.find((e) => (e.type === 'job:done' || e.type === 'job:error') && e.jobId === id)
      expect(end).toBeDefined()
      return end!
    }, { timeout: 60_000, interval: 50 })
    const { jobId: train } = await engine.handle('startTraining', { name: 'm', dataset: 'datasets/tiny.nc', config: { epochs: 2, batch: 16, dim: 8, widths: [16], parallel: 'off' } })
    expect((await ended(train)).type).toBe('job:done')
    await expect(engine.handle('startComparison', { name: 'c', dataset: 'datasets/tiny.nc' })).rejects.toThrow('give at least one variant to train or one trained model')
    const { jobId } = await engine.handle('startComparison', { name: 'c', dataset: 'datasets/tiny.nc', models: ['models/m'] })
    const end = await ended(jobId)
    expect(end.type).toBe('job:done')
    const result = (end as Extract<EngineEvent, { type: 'job:done' }>).result as ComparisonResult
    expect(result.variants.map((v) => [v.label, v.model])).toEqual([['m (cond/cosine)', 'models/m']])
    expect(result.variants[0].curve).toHaveLength(2)
    expect(result.variants[0].trainSeconds).toBeUndefined()
    expect(result.rmse.some((r) => r.method === 'm (cond/cosine): conditional mean')).toBe(true)
    expect(events.some((e) => e.type === 'job:log' && e.message.includes('no retraining'))).toBe(true)
    expect(existsSync(join(root, 'exports', 'c', 'models'))).toBe(true)
  })
})
