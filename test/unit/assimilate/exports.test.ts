import { execFileSync } from 'node:child_process'
import { existsSync, mkdtempSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import h5wasm from 'h5wasm/node'
import { describe, expect, it } from 'vitest'
import { fieldExportOf, flatFrames } from '../../../src-main/engine/assimilate/case-export'
import { writeFieldNetcdf } from '../../../src-main/engine/data/export/index'
import type { FieldView } from '../../../src-main/shared/views'

describe('demo field export', () => {
  it('writes a field view as CF NetCDF-4 (time × y × x) through the shared writer', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'dc-field-'))
    const path = join(dir, 'field.nc')
    const frame = (a: number) => [a, a + 1, a + 2, a + 3, a + 4, a + 5]
    const frames = { u: [frame(0), frame(10)], v: [frame(1), frame(11)], psi: [frame(2), frame(12)], vorticity: [frame(3), frame(13)] }
    const view = { x: [0.5, 1.5, 2.5], y: [10, 20], times: [0, 0.1], truth: frames } as unknown as FieldView
    expect(Array.from(flatFrames(frames.u, 2).slice(5, 8))).toEqual([10, 20, 22])
    await writeFieldNetcdf(path, fieldExportOf(view, frames, [frame(0), frame(0)], { comment: 'test' }))
    await h5wasm.ready
    const f = new h5wasm.File(path, 'r')
    try {
      const u = f.get('u') as unknown as { shape: number[]; value: Float64Array }
      expect(u.shape).toEqual([2, 2, 3])
      expect(Array.from(u.value.slice(0, 3))).toEqual([0, 1, 2])
      expect(Array.from(u.value.slice(6, 9))).toEqual([10, 11, 12])
      expect((f.get('uncertainty') as unknown as { shape: number[] }).shape).toEqual([2, 2, 3])
    } finally {
      f.close()
    }
    if (existsSync('/usr/bin/ncdump')) expect(execFileSync('ncdump', ['-h', path], { encoding: 'utf8' })).toContain('u(time, y, x)')
  })
})

describe('one test case exported (GUI Export and demo)', () => {
  it('writes the chosen formats, both fields with only the chosen quantities, and the suffix on every name', async () => {
    const { tinyFourier, lookupModel } = await import('./fixtures')
    const { fieldViewOf } = await import('../../../src-main/engine/assimilate/field-view')
    const { writeCaseExports } = await import('../../../src-main/engine/assimilate/case-export')
    const { pairsOfSplit } = await import('../../../src-main/engine/assimilate/setup')
    const ds = tinyFourier()
    const view = fieldViewOf(ds, lookupModel(ds, 1e-3), { index: 0, grid: 8, frames: 3 })
    const dir = mkdtempSync(join(tmpdir(), 'dc-case-'))
    const seen: number[] = []
    const written = await writeCaseExports(ds, view, pairsOfSplit(ds, 'test')[0]!, dir, {
      formats: ['netcdf', 'csv', 'geojson', 'json'],
      fields: ['u', 'v', 'uncertainty'],
      attrs: { dataset: 'tiny' },
      comments: { truth: 't', reconstruction: 'r' },
      suffix: '-case0',
      onFormat: (done) => seen.push(done)
    })
    expect(written.map((p) => p.slice(dir.length + 1))).toEqual([
      'reconstruction-case0.nc', 'truth-case0.nc', 'tracks-case0.csv', 'tracks-case0.geojson', 'rmse-per-frame-case0.json'
    ])
    expect(seen).toEqual([1, 2, 3, 4])
    await h5wasm.ready
    for (const [file, expected] of [['reconstruction-case0.nc', ['time', 'u', 'uncertainty', 'v', 'x', 'y']], ['truth-case0.nc', ['time', 'u', 'v', 'x', 'y']]] as const) {
      const f = new h5wasm.File(join(dir, file), 'r')
      try {
        expect(f.keys().sort()).toEqual(expected)
      } finally {
        f.close()
      }
    }
  })
})
