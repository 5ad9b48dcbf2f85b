/**
 * Physical units as an option: the conversion factors (known answers), a field view in km, days and m/s against the
 * same view in model units, and the round trip config → data set file → summary → NetCDF export with CF units.
 */
import { mkdtempSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import h5wasm from 'h5wasm/node'
import { describe, expect, it } from 'vitest'
import { PhysicalScales, unitFactors, unitsOf, CF_PHYSICAL_UNITS } from '../../../src-main/shared/physical-units'
import { SimulationConfig } from '../../../src-main/shared/simulation'
import { fieldViewOf } from '../../../src-main/engine/assimilate/field-view'
import { writeCaseExports } from '../../../src-main/engine/assimilate/case-export'
import { pairsOfSplit } from '../../../src-main/engine/assimilate/setup'
import { readDataset, summarizeDataset, writeDataset } from '../../../src-main/engine/data/dataset'
import { lookupModel, tinyFourier } from './fixtures'

const SCALES = { kmPerUnit: 100, daysPerUnit: 10 }

describe('physical units', () => {
  it('converts with known factors: 100 km and 10 days per unit make one velocity unit 0.11574 m/s', () => {
    const f = unitFactors(SCALES)
    // 100 km / 10 days = 100,000 m / 864,000 s
    expect(f.velocity).toBeCloseTo(100_000 / 864_000, 15)
    expect(f.velocity).toBeCloseTo(0.1157407, 7)
    expect(f.length).toBe(100)
    expect(f.time).toBe(10)
    expect(f.streamFunction).toBeCloseTo(1e10 / 864_000, 6)
    expect(f.vorticity).toBeCloseTo(1 / 864_000, 15)
    expect(unitFactors()).toEqual({ length: 1, time: 1, velocity: 1, streamFunction: 1, vorticity: 1 })
    expect(unitsOf(SCALES)).toMatchObject({ length: 'km', time: 'days', velocity: 'm/s' })
    expect(unitsOf().length).toBe('domain length')
    expect(PhysicalScales.safeParse({ kmPerUnit: 0, daysPerUnit: 1 }).success).toBe(false)
    // default stays nondimensional
    expect(SimulationConfig.parse({}).scales).toBeUndefined()
  })

  it('a field view of a data set with scales is the model-unit view times the factors', () => {
    const plain = tinyFourier()
    const scaled = { ...plain, config: { ...plain.config, scales: SCALES } }
    const req = { index: 0, grid: 8, frames: 3 }
    const a = fieldViewOf(plain, lookupModel(plain, 1e-3), req)
    const b = fieldViewOf(scaled, lookupModel(scaled, 1e-3), req)
    const f = unitFactors(SCALES)
    expect(a.scales).toBeUndefined()
    expect(b.scales).toEqual(SCALES)
    expect(b.units).toEqual(unitsOf(SCALES))
    expect(b.x).toEqual(a.x.map((x) => x * 100))
    expect(b.times).toEqual(a.times.map((t) => t * 10))
    expect(b.truth.u[1]![5]).toBeCloseTo(a.truth.u[1]![5]! * f.velocity, 12)
    expect(b.truth.vorticity[2]![7]).toBeCloseTo(a.truth.vorticity[2]![7]! * f.vorticity, 15)
    expect(b.reconstruction!.psi[0]![3]).toBeCloseTo(a.reconstruction!.psi[0]![3]! * f.streamFunction, 3)
    expect(b.rmsePerFrame![1]).toBeCloseTo(a.rmsePerFrame![1]! * f.velocity, 12)
    expect(b.tracks[1]![4]).toEqual(a.tracks[1]![4]!.map((v) => v * 100))
  })

  it('round trip: the scales travel with the data set file and its summary, and the NetCDF export carries CF units', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'dc-units-'))
    const ds = tinyFourier({ scales: SCALES })
    const path = join(dir, 'scaled.nc')
    await writeDataset(path, ds)
    const back = await readDataset(path)
    expect(back.config.scales).toEqual(SCALES)
    expect((await summarizeDataset(path)).scales).toEqual(SCALES)
    const view = fieldViewOf(back, lookupModel(back, 1e-3), { index: 0, grid: 8, frames: 3 })
    await writeCaseExports(back, view, pairsOfSplit(back, 'test')[0]!, dir, { formats: ['netcdf'], attrs: {}, comments: { truth: 't', reconstruction: 'r' } })
    await h5wasm.ready
    const file = new h5wasm.File(join(dir, 'reconstruction.nc'), 'r')
    try {
      const attr = (v: string, a: string) => (file.get(v) as unknown as { attrs: Record<string, { value: unknown }> }).attrs[a]?.value
      expect([attr('x', 'units'), attr('time', 'units'), attr('u', 'units'), attr('psi', 'units'), attr('vorticity', 'units')]).toEqual([
        CF_PHYSICAL_UNITS.length, CF_PHYSICAL_UNITS.time, CF_PHYSICAL_UNITS.velocity, CF_PHYSICAL_UNITS.streamFunction, CF_PHYSICAL_UNITS.vorticity
      ])
      expect(attr('u', 'standard_name')).toBe('sea_water_x_velocity')
      expect(Number(file.attrs.km_per_domain_unit?.value)).toBe(100)
      const u = (file.get('u') as unknown as { value: Float64Array }).value
      expect(u[9]).toBeCloseTo(view.reconstruction!.u[0]![9]!, 12)
      const x = (file.get('x') as unknown as { value: Float64Array }).value
      expect(Array.from(x)).toEqual(view.x)
    } finally {
      file.close()
    }
  })
})
