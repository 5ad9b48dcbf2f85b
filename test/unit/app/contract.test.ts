import { describe, expect, test } from 'vitest'
import { createApi, parseRequest, RequestError, type EngineTransport } from '../../../src-main/shared/contract'
import { AssimilationOptions } from '../../../src-main/shared/deployment'
import { FieldName } from '../../../src-main/shared/exports'
import { FIELD_DEFAULTS, FIELD_LIMITS, MAX_IMPORT_BASE64, MAX_IMPORT_BYTES, MAX_REQUEST_BYTES, MAX_SEED, Seed } from '../../../src-main/shared/limits'
import { TwinBenchmarkOptions } from '../../../src-main/shared/twin'

describe('parseRequest', () => {
  test('fills defaults from the schema', () => {
    const r = parseRequest('startSimulation', { name: 'demo', config: { pairs: 8 } })
    expect(r.config.pairs).toBe(8)
    expect(r.config.flow).toBe('fourier')
    expect(r.config.dt).toBe(1e-5)
  })

  test('time stepping not given follows the flow: the paper\'s for Fourier, slower vortex defaults for point vortices', () => {
    const v = parseRequest('startSimulation', { name: 'v', config: { flow: 'vortex' } }).config
    expect([v.dt, v.steps, v.recordEvery]).toEqual([1e-3, 10_000, 100])
    const given = parseRequest('startSimulation', { name: 'v', config: { flow: 'vortex', dt: 0.01 } }).config
    expect([given.dt, given.steps]).toEqual([0.01, 10_000])
    const f = parseRequest('startSimulation', { name: 'f', config: {} }).config
    expect([f.dt, f.steps, f.recordEvery, f.startCentre]).toEqual([1e-5, 10_000, 10, [0.75, 0.75]])
  })

  test.each([
    ['startSimulation', { name: 'demo', config: { pairs: 0 } }, 'startSimulation: config.pairs: '],
    ['startSimulation', { name: 'my data', config: {} }, 'startSimulation: name: use letters, digits'],
    ['startTraining', { name: 'm', dataset: '../etc/passwd', config: {} }, 'startTraining: dataset: must not contain ".."'],
    ['startTraining', { name: 'm', dataset: '/etc/passwd', config: {} }, 'startTraining: dataset: must be relative to the workspace'],
    ['cancelJob', { jobId: 'rm -rf' }, 'cancelJob: jobId: not a job id'],
    ['getField', { dataset: 'datasets/a.nc', index: -1 }, 'getField: index: ']
  ] as const)('%s rejects %j with a message naming the field', (channel, arg, message) => {
    let caught: unknown
    try {
      parseRequest(channel, arg)
    } catch (e) {
      caught = e
    }
    expect(caught).toBeInstanceOf(RequestError)
    expect((caught as RequestError).code).toBe('bad-input')
    expect((caught as RequestError).message.startsWith(message)).toBe(true)
  })

  test('an unknown channel is refused', () => {
    expect(() => parseRequest('format' as never, {})).toThrow('unknown request "format"')
  })
})

describe('createApi', () => {
  const transport: EngineTransport = {
    invoke: async (channel, arg) =>
      channel === 'cancelJob'
        ? { ok: false, error: { code: 'not-found', message: `no job ${(arg as { jobId: string }).jobId}` } }
        : { ok: true, result: { channel, arg } },
    subscribe: () => () => {}
  }
  const api = createApi(transport)

  test('every channel resolves with the transport result', async () => {
    expect(await api.listJobs()).toEqual({ channel: 'listJobs', arg: undefined })
  })

  test('a failed request rejects with the engine code and message', async () => {
    await expect(api.cancelJob({ jobId: 'job-9' })).rejects.toMatchObject({ code: 'not-found', message: 'no job job-9' })
  })
})

describe('one definition of each limit and default across the faces', () => {
  test('a seed is the same on every face: 0 and 2^32 − 1 are seeds, 2^32 is refused with the same message', () => {
    const faces: [string, (seed: number) => unknown][] = [
      ['simulate', (seed) => parseRequest('startSimulation', { name: 'd', config: { seed } }).config.seed],
      ['train', (seed) => parseRequest('startTraining', { name: 'm', dataset: 'datasets/d.nc', config: { seed } }).config.seed],
      ['compare', (seed) => parseRequest('startComparison', { name: 'c', dataset: 'datasets/d.nc', variants: [{ seed }] }).variants[0]!.seed],
      ['assimilate', (seed) => parseRequest('startAssimilation', { name: 'f', tracks: 'tracks/t.nc', options: { seed } }).options.seed],
      ['twin benchmark', (seed) => parseRequest('startTwinBenchmark', { name: 't', options: { seed } }).options.seed],
      ['Seed', (seed) => Seed.parse(seed)]
    ]
    for (const [, face] of faces) {
      expect(face(0)).toBe(0)
      expect(face(MAX_SEED)).toBe(MAX_SEED)
      expect(() => face(MAX_SEED + 1)).toThrow('Too big: expected number to be <=4294967295')
      expect(() => face(-1)).toThrow('Too small: expected number to be >=0')
    }
  })

  test('request defaults are the schemas\' and FIELD_DEFAULTS\' (no second copy in the contract)', () => {
    expect(parseRequest('getField', { dataset: 'datasets/d.nc', index: 0 })).toMatchObject(FIELD_DEFAULTS.explore)
    expect(parseRequest('startAssimilation', { name: 'f', tracks: 'tracks/t.nc' }).options).toEqual(AssimilationOptions.parse({}))
    expect(AssimilationOptions.parse({}).grid).toBe(FIELD_DEFAULTS.deployment.grid)
    expect(parseRequest('getDeploymentField', { file: 'exports/f.nc' }).frames).toBe(FIELD_DEFAULTS.deploymentMap.frames)
    expect(parseRequest('startTwinBenchmark', { name: 't' }).options).toEqual(TwinBenchmarkOptions.parse({ quick: true }))
    expect(parseRequest('startExport', { name: 'e', dataset: 'datasets/d.nc', formats: ['csv'] }).fields).toEqual(FieldName.options)
    expect(() => parseRequest('getField', { dataset: 'datasets/d.nc', index: 0, grid: FIELD_LIMITS.explore.grid.max + 1 })).toThrow(`getField: grid: Too big: expected number to be <=${FIELD_LIMITS.explore.grid.max}`)
  })

  test('the largest drifter file the engine reads fits the contract\'s upload and the server\'s body limit', () => {
    const upload = (bytes: number) => parseRequest('startImport', { fileName: 'big.csv', contentBase64: 'A'.repeat(Math.ceil(bytes / 3) * 4) })
    expect(upload(MAX_IMPORT_BYTES).contentBase64.length).toBe(MAX_IMPORT_BASE64)
    expect(() => upload(MAX_IMPORT_BYTES + 3)).toThrow('startImport: contentBase64: Too big')
    expect(JSON.stringify({ arg: { fileName: 'x'.repeat(255), contentBase64: 'A'.repeat(MAX_IMPORT_BASE64), trim: true } }).length).toBeLessThan(MAX_REQUEST_BYTES)
  })
})
