/** Files built to hurt: a few kB declaring a huge size, and damaged HDF5 that HDF5 itself would describe in 50 lines. */
import { execFileSync, spawnSync } from 'node:child_process'
import { readFileSync, writeFileSync } from 'node:fs'
import { mkdtemp, rm } from 'node:fs/promises'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { readDrifterFile } from '../../../src-main/engine/data/drifters/read'
import { readDataset, writeDataset } from '../../../src-main/engine/data/dataset'
import { simulateDataset } from '../../../src-main/engine/flows/simulate'
import { SimulationConfig } from '../../../src-main/shared/simulation'
import { declaredSizeProblem, maxDeclaredValues } from '../../../src-main/shared/limits'
import { UserError } from '../../../src-main/engine/jobs/job'

let dir: string
beforeAll(async () => {
  dir = await mkdtemp(join(tmpdir(), 'hostile-'))
})
afterAll(() => rm(dir, { recursive: true, force: true }))

/** A NetCDF-4 drifter file of a few kB that declares `n` observations (compressed chunks never written). */
function bomb(path: string, n: number): void {
  const py = `import netCDF4, sys
ds = netCDF4.Dataset(sys.argv[1], 'w')
ds.createDimension('obs', int(sys.argv[2]))
for name, units in [('time', 'seconds since 1970-01-01'), ('lat', 'degrees_north'), ('lon', 'degrees_east')]:
    v = ds.createVariable(name, 'f8', ('obs',), zlib=True, chunksizes=(1 << 20,))
    v.units = units
ds.createVariable('id', 'i4', ('obs',), zlib=True, chunksizes=(1 << 20,))
ds.close()`
  execFileSync('/usr/bin/python3', ['-c', py, path, String(n)])
}

describe('declared sizes are checked before anything is allocated', () => {
  it('the limit follows the file size, within a floor and a ceiling', () => {
    expect(maxDeclaredValues(7_000)).toBe(2 ** 20)
    expect(maxDeclaredValues(1_000_000)).toBe(4_000_000)
    expect(maxDeclaredValues(200 * 2 ** 20)).toBe(2 ** 26)
    expect(declaredSizeProblem([1000, 2, 3], 7_000)).toBeUndefined()
    expect(declaredSizeProblem([60_000_000], 7_000)).toBe('declares 60,000,000 values (shape 60000000), more than the 1,048,576 a 7,000-byte file can hold; the file is damaged or crafted')
  })

  it('a few-kB NetCDF-4 file declaring 60 million observations is refused at once, naming the variable', async () => {
    const path = join(dir, 'bomb.nc')
    bomb(path, 60_000_000)
    const bytes = new Uint8Array(readFileSync(path))
    expect(bytes.length).toBeLessThan(64 * 1024)
    const used = process.memoryUsage().rss
    const err = await readDrifterFile('bomb.nc', bytes).catch((e: unknown) => e)
    expect(err).toBeInstanceOf(UserError)
    expect((err as Error).message).toMatch(/^bomb\.nc: variable (time|lat|lon|id): declares 60,000,000 values \(shape 60000000\), more than the 1,048,576 a [\d,]+-byte file can hold/)
    expect(process.memoryUsage().rss - used).toBeLessThan(200 * 2 ** 20) // not the 480 MB per variable the header claims
  })

  it('a damaged data set is one line naming the file, and HDF5 prints nothing', async () => {
    const path = join(dir, 'data.nc')
    await writeDataset(path, simulateDataset(SimulationConfig.parse({ pairs: 2, steps: 20, recordEvery: 10 })))
    const b = readFileSync(path)
    b.fill(0, 700, 900) // damage metadata in the middle
    writeFileSync(path, b)
    const err = await readDataset(path).catch((e: unknown) => e)
    expect(err).toBeInstanceOf(UserError)
    expect((err as Error).message).toBe(`${path}: is damaged (HDF5: incorrect metadata checksum after all read attempts); download or write the file again`)
    // the CLI in its own process: HDF5's diagnostics would go straight to stderr, so count what arrives there
    const cli = join(import.meta.dirname, '../../../src-main/cli.ts')
    const run = spawnSync(process.execPath, ['--import', 'tsx', cli, 'import', path, '--out', join(dir, 'out.nc')], { encoding: 'utf8' })
    expect(run.status).toBe(1)
    expect(run.stderr).not.toContain('HDF5-DIAG')
    expect(run.stderr.trim().split('\n').filter((l) => l.startsWith('driftclip:'))).toEqual(['driftclip: data.nc: file: is damaged (HDF5: incorrect metadata checksum after all read attempts); download the file again'])
  })
})
