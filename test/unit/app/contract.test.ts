import { describe, expect, test } from 'vitest'
import { createApi, parseRequest, RequestError, type EngineTransport } from '../../../src-main/shared/contract'

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
