import { execFileSync } from 'node:child_process'
import { existsSync, mkdtempSync, readdirSync, readFileSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { describe, expect, it } from 'vitest'
import { SimulationConfig } from '../../../src-main/shared/simulation'
import { simulateDataset } from '../../../src-main/engine/flows/simulate'
import { readDataset, summarizeDataset, writeDataset } from '../../../src-main/engine/data/dataset'
import { addDimension, addVariable, setAttributes, writeNetcdf } from '../../../src-main/engine/data/netcdf/h5'
import { UserError } from '../../../src-main/engine/jobs/job'

const dir = mkdtempSync(join(tmpdir(), 'driftclip-ds-'))
const fourier = simulateDataset(SimulationConfig.parse({ pairs: 6, steps: 200, recordEvery: 20, tracers: 2, seed: 5 }))
const vortex = simulateDataset(SimulationConfig.parse({ flow: 'vortex', pairs: 4, steps: 200, dt: 1e-3, recordEvery: 50, vortex: { vortices: 3, systemNoise: 0.1 } }))
const hasNcdump = (() => {
  try {
    execFileSync('ncdump', [], { stdio: 'ignore' })
    return true
  } catch (e) {
    return (e as { status?: number }).status !== undefined // present but complained about missing arguments
  }
})()

async function expectUserError(p: Promise<unknown>, message: string): Promise<void> {
  await expect(p).rejects.toBeInstanceOf(UserError)
  await expect(p).rejects.toThrow(message)
}

describe('NetCDF-4 data sets', () => {
  it.each([
    ['fourier', fourier],
    ['vortex', vortex]
  ] as const)('round-trips a %s data set with identical arrays', async (name, ds) => {
    const path = join(dir, `${name}.nc`)
    await writeDataset(path, ds)
    const back = await readDataset(path)
    expect(back.flow).toBe(ds.flow)
    expect(back.config).toEqual(ds.config)
    expect([back.nPairs, back.nTracers, back.nTimes, back.paramDim]).toEqual([ds.nPairs, ds.nTracers, ds.nTimes, ds.paramDim])
    expect(back.trajectories).toEqual(ds.trajectories)
    expect(back.params).toEqual(ds.params)
    expect(back.times).toEqual(ds.times)
    expect(back.split).toEqual(ds.split)
    expect(back.flowConstants).toEqual(ds.flowConstants)
    expect(back.vortexTracks).toEqual(ds.vortexTracks)
    expect(back.domain).toEqual(ds.domain)
    const summary = await summarizeDataset(path)
    expect(summary).toMatchObject({ path, flow: ds.flow, pairs: ds.nPairs, tracers: ds.nTracers, times: ds.nTimes, paramDim: ds.paramDim, seed: ds.config.seed })
    expect(summary.split.train + summary.split.validation + summary.split.test).toBe(ds.nPairs)
    expect(Date.parse(summary.createdAt)).toBeGreaterThan(0)
    expect(readdirSync(dir).filter((f) => f.endsWith('.tmp'))).toEqual([])
  })

  it.skipIf(!hasNcdump)('is read by ncdump as NetCDF-4 with CF trajectory metadata and coordinate dimensions', async () => {
    const path = join(dir, 'cf.nc')
    await writeDataset(path, fourier)
    const header = execFileSync('ncdump', ['-h', path], { encoding: 'utf8' })
    expect(header).toMatch(/pair = 6 ;/)
    expect(header).toMatch(/tracer = 2 ;/)
    expect(header).toMatch(/time = 10 ;/)
    expect(header).toMatch(/param = 98 ;/)
    expect(header).toMatch(/double x\(pair, tracer, time\)/)
    expect(header).toMatch(/double params\(pair, param\)/)
    expect(header).toMatch(/double time\(time\)/)
    expect(header).toMatch(/:Conventions = "CF-1.10"/)
    expect(header).toMatch(/:featureType = "trajectory"/)
    expect(header).toMatch(/:flow = "fourier"/)
    expect(header).toMatch(/:seed = 5 ;/)
    expect(execFileSync('ncdump', ['-k', path], { encoding: 'utf8' }).trim()).toBe('netCDF-4')
    const values = execFileSync('ncdump', ['-v', 'time', path], { encoding: 'utf8' })
    expect(values).toMatch(/time = 0\.0002, 0\.0004,/)
  })

  it('names the file and the problem when it is missing', async () => {
    const path = join(dir, 'nope.nc')
    await expectUserError(readDataset(path), `${path}: no such file`)
  })

  it('names the file when it is not NetCDF at all', async () => {
    const path = join(dir, 'text.nc')
    writeFileSync(path, 'time,x,y\n0,1,2\n')
    await expectUserError(readDataset(path), `${path}: is not a NetCDF-4/HDF5 file (wrong format or corrupt: no HDF5 signature)`)
  })

  it('names the file when it is NetCDF-3', async () => {
    const path = join(dir, 'classic.nc')
    writeFileSync(path, Buffer.concat([Buffer.from('CDF\x01'), Buffer.alloc(28)]))
    await expectUserError(summarizeDataset(path), `${path}: is a NetCDF-3 (classic) file; a NetCDF-4 (HDF5) file is needed`)
  })

  it('names the file when it is truncated', async () => {
    const whole = join(dir, 'whole.nc')
    await writeDataset(whole, fourier)
    const path = join(dir, 'truncated.nc')
    writeFileSync(path, readFileSync(whole).subarray(0, 600))
    await expectUserError(readDataset(path), `${path}: is damaged`)
  })

  it('names the file when it is NetCDF-4 but not a Driftclip data set', async () => {
    const path = join(dir, 'other.nc')
    await writeNetcdf(path, (f) => {
      addDimension(f, 'obs', new Float64Array([1, 2, 3]))
      addVariable(f, 'sst', new Float64Array([10, 11, 12]), ['obs'], { units: 'degC' })
    })
    await expectUserError(readDataset(path), `${path}: is a NetCDF file but not a Driftclip data set (no driftclip_format attribute)`)
  })

  it('names the missing variable and a bad config', async () => {
    const path = join(dir, 'partial.nc')
    await writeNetcdf(path, (f) => {
      setAttributes(f, { driftclip_format: 1, flow: 'fourier', config: JSON.stringify(fourier.config) })
      addDimension(f, 'pair', new Int32Array([0]))
      addDimension(f, 'tracer', new Int32Array([0]))
      addDimension(f, 'time', new Float64Array([0.1]))
      addDimension(f, 'param', new Int32Array([0, 1]))
    })
    await expectUserError(readDataset(path), `${path}: variable "x" is missing`)
    const bad = join(dir, 'badconfig.nc')
    await writeNetcdf(bad, (f) => setAttributes(f, { driftclip_format: 1, flow: 'fourier', config: JSON.stringify({ ...fourier.config, pairs: -3 }) }))
    await expectUserError(readDataset(bad), `${bad}: global attribute "config" is invalid at pairs:`)
  })

  it('leaves no file behind when writing fails', async () => {
    const path = join(dir, 'failed.nc')
    await expect(writeNetcdf(path, () => { throw new Error('boom') })).rejects.toThrow('boom')
    expect(existsSync(path)).toBe(false)
    expect(readdirSync(dir).filter((f) => f.includes('failed'))).toEqual([])
  })
})
