/** The simulate data set's model time is dimensionless: CF forbids standard_name=time with units "1". */
import { execFileSync } from 'node:child_process'
import { mkdtempSync, rmSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { afterAll, describe, expect, it } from 'vitest'
import { writeDataset } from '../../../src-main/engine/data/dataset'
import { simulateDataset } from '../../../src-main/engine/flows/simulate'
import { SimulationConfig } from '../../../src-main/shared/simulation'

const dir = mkdtempSync(join(tmpdir(), 'driftclip-dstime-'))
afterAll(() => rmSync(dir, { recursive: true, force: true }))

describe('data set time attributes', () => {
  it('time has units "1" without standard_name=time or axis T, and xarray reads it as plain numbers', async () => {
    const path = join(dir, 'ds.nc')
    await writeDataset(path, simulateDataset(SimulationConfig.parse({ pairs: 2, steps: 40, recordEvery: 20, tracers: 2, seed: 1 })))
    const header = execFileSync('ncdump', ['-h', path], { encoding: 'utf8' })
    const timeAttrs = header.split('\n').filter((l) => /(^|\s)time:\w+ =/.test(l))
    expect(timeAttrs.some((l) => l.includes('time:units = "1"'))).toBe(true)
    expect(timeAttrs.filter((l) => /time:(standard_name|axis)/.test(l))).toEqual([])
    const py = `import xarray as xr, sys\nds = xr.open_dataset(sys.argv[1])\nprint(ds.time.dtype.kind, ds.time.attrs.get('standard_name'))`
    expect(execFileSync('/usr/bin/python3', ['-c', py, path], { encoding: 'utf8' }).trim()).toBe('f None')
  })
})
