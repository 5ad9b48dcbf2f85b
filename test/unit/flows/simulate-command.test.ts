import { describe, expect, it } from 'vitest'
import { configFromOptions } from '../../../src-main/commands/simulate'
import { UserError } from '../../../src-main/engine/jobs/job'

describe('driftclip simulate options', () => {
  it('uses the paper set-up for the Fourier flow and slower time stepping for vortices', () => {
    expect(configFromOptions({})).toMatchObject({ flow: 'fourier', dt: 1e-5, steps: 10_000, recordEvery: 10, startCentre: [0.75, 0.75] })
    expect(configFromOptions({ flow: 'vortex', vortices: '4', 'system-noise': '0.05' })).toMatchObject({
      flow: 'vortex', dt: 1e-3, steps: 10_000, recordEvery: 100, vortex: { vortices: 4, systemNoise: 0.05 }
    })
  })

  it('reads start positions and explicit numbers', () => {
    const cfg = configFromOptions({ tracers: '2', starts: '0.1,0.2;0.3,0.4', dt: '2e-5', 'record-every': '5', noise: '0.001' })
    expect(cfg.starts).toEqual([[0.1, 0.2], [0.3, 0.4]])
    expect([cfg.dt, cfg.recordEvery, cfg.noise]).toEqual([2e-5, 5, 0.001])
    expect(cfg.scales).toBeUndefined()
    expect(configFromOptions({ 'km-per-unit': '100', 'days-per-unit': '10' }).scales).toEqual({ kmPerUnit: 100, daysPerUnit: 10 })
  })

  it.each([
    [{ pairs: '0' }, 'simulate: --pairs: Too small: expected number to be >=1'],
    [{ dt: 'abc' }, 'simulate: --dt must be a number, got "abc"'],
    [{ steps: '1.5' }, 'simulate: --steps must be an integer, got "1.5"'],
    [{ flow: 'wind' }, 'simulate: --flow must be fourier or vortex, got "wind"'],
    [{ starts: '0.1;0.2' }, 'simulate: --starts wants "x,y;x,y;…", got "0.1;0.2"'],
    [{ 'km-per-unit': '100' }, 'simulate: give both --km-per-unit and --days-per-unit (physical units), or neither (nondimensional)'],
    [{ 'km-per-unit': '-1', 'days-per-unit': '1' }, 'simulate: --km-per-unit: Too small: expected number to be >0']
  ])('refuses %o with one clear message', (values, message) => {
    expect(() => configFromOptions(values)).toThrow(new UserError(message))
  })
})
