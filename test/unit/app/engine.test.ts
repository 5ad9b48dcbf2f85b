import { mkdtempSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { describe, expect, test } from 'vitest'
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
