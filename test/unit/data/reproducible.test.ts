import { execFileSync } from 'node:child_process'
import { readdirSync, readFileSync } from 'node:fs'
import { mkdtemp, rm } from 'node:fs/promises'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { afterEach, describe, expect, it, vi } from 'vitest'
import { runSimulation } from '../../../src-main/engine/flows/simulate'
import { runTraining } from '../../../src-main/engine/learn/train'
import { readDataset } from '../../../src-main/engine/data/dataset'
import { creationDate } from '../../../src-main/engine/data/created'
import { SimulationConfig } from '../../../src-main/shared/simulation'
import { lookup3 } from '../../../src-main/engine/data/netcdf/object-times'
import { silentContext, UserError } from '../../../src-main/engine/jobs/job'

afterEach(() => vi.unstubAllEnvs())

const bytesOf = (dir: string) => Object.fromEntries(readdirSync(dir).sort().map((n) => [n, readFileSync(join(dir, n)).toString('base64')]))

describe('same seed, same bytes', () => {
  it('lookup3 gives the published answers (Jenkins, lookup3.c driver)', () => {
    const text = new TextEncoder().encode('Four score and seven years ago')
    expect(lookup3(new Uint8Array(0))).toBe(0xdeadbeef)
    expect(lookup3(text, 0)).toBe(0x17770551)
    expect(lookup3(text, 1)).toBe(0xcd628161)
  })

  it('SOURCE_DATE_EPOCH fixes the creation date; a malformed one is refused', () => {
    vi.stubEnv('SOURCE_DATE_EPOCH', '1700000000')
    expect(creationDate()).toBe('2023-11-14T22:13:20.000Z')
    vi.stubEnv('SOURCE_DATE_EPOCH', 'yesterday')
    expect(() => creationDate()).toThrow(new UserError('SOURCE_DATE_EPOCH must be whole seconds since 1970, got "yesterday"'))
  })

  it('a data set and a model written twice from the same seed are byte for byte the same, and still read', async () => {
    vi.stubEnv('SOURCE_DATE_EPOCH', '1700000000')
    const dir = await mkdtemp(join(tmpdir(), 'repro-'))
    try {
      const cfg = SimulationConfig.parse({ flow: 'fourier', pairs: 24, steps: 100, recordEvery: 10, seed: 3 })
      const train = { epochs: 2, batch: 8, dim: 4, widths: [8], seed: 5, parallel: 'off' as const }
      for (const run of ['a', 'b']) {
        await runSimulation(cfg, join(dir, `${run}.nc`), silentContext(), 1)
        await new Promise((r) => setTimeout(r, 1100)) // a second apart: HDF5's own time stamps would differ
        await runTraining({ datasetPath: join(dir, 'a.nc'), outDir: join(dir, `model-${run}`), config: train }, silentContext())
      }
      expect(readFileSync(join(dir, 'a.nc')).equals(readFileSync(join(dir, 'b.nc')))).toBe(true)
      expect(bytesOf(join(dir, 'model-a'))).toEqual(bytesOf(join(dir, 'model-b')))
      // the rewritten time stamps keep every header checksum valid: our reader and ncdump still open the file
      expect((await readDataset(join(dir, 'b.nc'))).nPairs).toBe(24)
      expect(execFileSync('ncdump', ['-h', join(dir, 'b.nc')], { encoding: 'utf8' })).toContain(':date_created = "2023-11-14T22:13:20.000Z"')
    } finally {
      await rm(dir, { recursive: true, force: true })
    }
  })
})
