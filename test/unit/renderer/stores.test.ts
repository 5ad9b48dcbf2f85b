import { beforeEach, describe, expect, it, vi } from 'vitest'
import { createPinia, setActivePinia } from 'pinia'
import { RequestError } from '@shared/contract'
import type { ComparisonResult } from '@shared/views'
import { createFakeApi, flush, type FakeApi } from './fake-api'

const fake: { current: FakeApi } = vi.hoisted(() => ({ current: null as unknown as FakeApi }))
vi.mock('@renderer/bridge', () => ({
  get api() {
    return fake.current.api
  }
}))

const { useJobsStore } = await import('@renderer/stores/jobs-store')
const { useDataStore, fileToBase64 } = await import('@renderer/stores/data-store')
const { useSettingsStore, SETTINGS_KEY } = await import('@renderer/stores/settings-store')
const { useTrainingStore } = await import('@renderer/stores/training-store')
const { useExportStore, textToBase64 } = await import('@renderer/stores/export-store')
const { useExploreStore } = await import('@renderer/stores/explore-store')
const { plainError } = await import('@renderer/composables/plain-error')

beforeEach(() => {
  localStorage.clear()
  fake.current = createFakeApi()
  setActivePinia(createPinia())
})

describe('jobs store', () => {
  it('subscribes once and records progress, metric history, logs and the result', async () => {
    const jobs = useJobsStore()
    await jobs.init()
    await jobs.init()
    expect(fake.current.listenerCount()).toBe(1)
    const done = vi.fn()
    jobs.track({ jobId: 'job-7', kind: 'train' }, { done }, 'train m')
    fake.current.emit({ type: 'job:progress', jobId: 'job-7', progress: { done: 1, total: 4, unit: 'steps', metrics: { loss: 2 } } })
    fake.current.emit({ type: 'job:progress', jobId: 'job-7', progress: { done: 2, total: 4, unit: 'steps' } })
    fake.current.emit({ type: 'job:log', jobId: 'job-7', level: 'info', message: 'epoch 1' })
    const j = jobs.jobs['job-7']
    expect(j.label).toBe('train m')
    expect(j.progress?.done).toBe(2)
    expect(j.history).toEqual([{ done: 1, metrics: { loss: 2 } }])
    expect(j.logs[0].message).toBe('epoch 1')
    expect(done).not.toHaveBeenCalled()
    fake.current.emit({ type: 'job:done', jobId: 'job-7', kind: 'train', result: { path: 'models/m' } as never })
    expect(done).toHaveBeenCalledWith({ path: 'models/m' })
    expect(jobs.running).toHaveLength(0)
  })

  it('a job that finished before track() was called still runs its handler, once', () => {
    const jobs = useJobsStore()
    jobs.handle({ type: 'job:error', jobId: 'job-3', error: { code: 'bad-input', message: 'pairs must be > 0' } })
    const error = vi.fn()
    jobs.track({ jobId: 'job-3', kind: 'simulate' }, { error })
    expect(error).toHaveBeenCalledWith({ code: 'bad-input', message: 'pairs must be > 0' })
    jobs.handle({ type: 'job:cancelled', jobId: 'job-3' })
    expect(error).toHaveBeenCalledTimes(1)
  })

  it('a job:done of another kind than the job started as reaches the error handler, never done', () => {
    const jobs = useJobsStore()
    const done = vi.fn()
    const error = vi.fn()
    jobs.track({ jobId: 'job-4', kind: 'train' }, { done, error })
    jobs.handle({ type: 'job:done', jobId: 'job-4', kind: 'simulate', result: { path: 'datasets/a.nc' } as never })
    expect(done).not.toHaveBeenCalled()
    expect(error).toHaveBeenCalledWith({ code: 'internal', message: 'job-4 ended as a simulate job, not the train job that was started' })
  })

  it('the handler of a job takes the result type of its kind (a mismatch does not compile)', () => {
    const jobs = useJobsStore()
    const paths: string[] = []
    jobs.track({ jobId: 'job-5', kind: 'simulate' }, { done: (r) => paths.push(r.path) })
    // @ts-expect-error a comparison's handler cannot follow a training job
    jobs.track({ jobId: 'job-6', kind: 'train' }, { done: (r: ComparisonResult) => paths.push(r.dataset) })
    jobs.handle({ type: 'job:done', jobId: 'job-5', kind: 'simulate', result: { path: 'datasets/a.nc' } as never })
    expect(paths).toEqual(['datasets/a.nc'])
  })

  it('cancel asks the engine for that job', async () => {
    const jobs = useJobsStore()
    await jobs.cancel('job-9')
    expect(fake.current.api.cancelJob).toHaveBeenCalledWith({ jobId: 'job-9' })
  })
})

describe('data store', () => {
  it('refresh selects the newest data set; simulate → done refreshes, selects and previews the new one', async () => {
    const data = useDataStore()
    useJobsStore().init()
    await data.refresh()
    expect(data.dataset).toBe('datasets/new.nc')
    await data.simulate('demo', { pairs: 64 })
    expect(fake.current.api.startSimulation).toHaveBeenCalledWith({ name: 'demo', config: { pairs: 64 } })
    const jobId = data.simulationJob!
    fake.current.emit({ type: 'job:done', jobId, kind: 'simulate', result: { path: 'datasets/old.nc' } as never })
    await flush()
    expect(data.dataset).toBe('datasets/old.nc')
    expect(useSettingsStore().recent[0]).toBe('datasets/old.nc')
    expect(fake.current.api.previewTracks).toHaveBeenCalledWith({ source: 'datasets/old.nc', split: 'all', limit: 60 })
    expect(data.preview?.source).toBe('datasets/old.nc')
  })

  it('shows a rejected request in plain words with what to do next', async () => {
    vi.mocked(fake.current.api.startSimulation).mockRejectedValueOnce(new RequestError('bad-input', 'startSimulation: name: use letters, digits'))
    const data = useDataStore()
    await data.simulate('bad name', {})
    expect(data.error).toBe('Setting "name": use letters, digits. Check the settings named above and try again.')
  })

  it('imports a file as base64', async () => {
    const data = useDataStore()
    const file = new File(['id,lat\n1,2'], 'tracks.csv')
    await data.importFile(file)
    expect(fake.current.api.startImport).toHaveBeenCalledWith({ fileName: 'tracks.csv', contentBase64: btoa('id,lat\n1,2') })
    expect(await fileToBase64(new Blob([new Uint8Array([0, 255, 16])]))).toBe('AP8Q')
  })
})

describe('settings store', () => {
  it('persists theme, view and recent files and restores them', () => {
    const s = useSettingsStore()
    s.theme = 'dark'
    s.view = 'compare'
    for (let i = 0; i < 10; i++) s.addRecent(`datasets/${i}.nc`)
    s.addRecent('datasets/3.nc')
    expect(s.recent[0]).toBe('datasets/3.nc')
    expect(s.recent).toHaveLength(8)
    setActivePinia(createPinia())
    const again = useSettingsStore()
    expect(again.theme).toBe('dark')
    expect(again.view).toBe('compare')
    expect(again.recent[0]).toBe('datasets/3.nc')
  })
  it('ignores a corrupt saved entry', () => {
    localStorage.setItem(SETTINGS_KEY, '{not json')
    const s = useSettingsStore()
    expect(s.view).toBe('data')
  })
})

describe('training, export and explore stores', () => {
  it('training sends the form and collects the result; a job error becomes a plain message', async () => {
    const t = useTrainingStore()
    useJobsStore().init()
    t.form.epochs = 2
    await t.start('datasets/new.nc')
    const call = vi.mocked(fake.current.api.startTraining).mock.calls[0][0]
    expect(call.dataset).toBe('datasets/new.nc')
    expect(call.config.epochs).toBe(2)
    fake.current.emit({ type: 'job:error', jobId: t.jobId!, error: { code: 'internal', message: 'out of memory' } })
    expect(t.error).toMatch(/^Out of memory\. Try again/)
  })
  it('pause keeps the run for Resume, which continues it with resume: true; a plain cancel does not', async () => {
    const t = useTrainingStore()
    useJobsStore().init()
    t.name = 'm2'
    t.form.epochs = 7
    await t.start('datasets/new.nc')
    await t.pause()
    expect(fake.current.api.cancelJob).toHaveBeenLastCalledWith({ jobId: t.jobId, pause: true })
    fake.current.emit({ type: 'job:cancelled', jobId: t.jobId!, paused: true })
    expect(useJobsStore().jobs[t.jobId!].paused).toBe(true)
    expect(t.paused).toMatchObject({ name: 'm2', dataset: 'datasets/new.nc', config: { epochs: 7 } })
    expect(t.error).toMatch(/^Training is paused/)
    t.name = 'changed-meanwhile'
    await t.resume()
    const call = vi.mocked(fake.current.api.startTraining).mock.calls[1][0]
    expect(call).toMatchObject({ name: 'm2', dataset: 'datasets/new.nc', resume: true, config: { epochs: 7 } })
    expect(t.paused).toBeNull()
    await t.cancel()
    fake.current.emit({ type: 'job:cancelled', jobId: t.jobId! })
    expect(t.paused).toBeNull()
    expect(t.error).toMatch(/^Training was cancelled/)
  })
  it('saveFigure strips the PNG data-URL prefix and base64-encodes SVG text', async () => {
    const ex = useExportStore()
    await ex.saveFigure('fig', 'png', 'data:image/png;base64,QUJD')
    expect(fake.current.api.saveFigure).toHaveBeenLastCalledWith({ name: 'fig', format: 'png', contentBase64: 'QUJD' })
    await ex.saveFigure('fig', 'svg', '<svg>é</svg>')
    expect(fake.current.api.saveFigure).toHaveBeenLastCalledWith({ name: 'fig', format: 'svg', contentBase64: textToBase64('<svg>é</svg>') })
    expect(atob(textToBase64('é'))).toBe('\xc3\xa9')
  })
  it('export sends the chosen fields, and refuses an empty field list for NetCDF without calling the engine', async () => {
    const ex = useExportStore()
    await ex.start({ name: 'e', dataset: 'datasets/a.nc', model: 'models/m', index: 1, formats: ['netcdf'], fields: ['u', 'v'] })
    expect(fake.current.api.startExport).toHaveBeenLastCalledWith({ name: 'e', dataset: 'datasets/a.nc', model: 'models/m', index: 1, formats: ['netcdf'], fields: ['u', 'v'] })
    await ex.start({ name: 'e', dataset: 'datasets/a.nc', model: '', index: 0, formats: ['netcdf'], fields: [] })
    expect(ex.error).toBe('Choose at least one field for the NetCDF export.')
    expect(fake.current.api.startExport).toHaveBeenCalledTimes(1)
  })
  it('export refuses an empty format list without calling the engine', async () => {
    const ex = useExportStore()
    await ex.start({ name: 'e', dataset: 'datasets/a.nc', model: '', index: 0, formats: [] })
    expect(ex.error).toBe('Choose at least one format to export.')
    expect(fake.current.api.startExport).not.toHaveBeenCalled()
  })
  it('explore loads a field with an optional model and clamps the frame', async () => {
    const e = useExploreStore()
    e.frame = 10
    await e.load({ dataset: 'datasets/a.nc', model: '', index: 2, grid: 16, frames: 2 })
    expect(fake.current.api.getField).toHaveBeenCalledWith({ dataset: 'datasets/a.nc', model: undefined, index: 2, grid: 16, frames: 2 })
    expect(e.frame).toBe(1)
    await e.load({ dataset: '', model: '', index: 0, grid: 16, frames: 2 })
    expect(e.error).toMatch(/No data set selected/)
  })
  it('plainError explains an unreachable engine', () => {
    expect(plainError(new TypeError('Failed to fetch'))).toMatch(/engine is not reachable/)
  })
})

describe('state that survives a reload', () => {
  it('a stored value is merged over new defaults; a corrupt or foreign one falls back to the default', async () => {
    const { persisted, STATE_PREFIX } = await import('@renderer/composables/persisted')
    localStorage.setItem(`${STATE_PREFIX}a`, '{"x":5}')
    localStorage.setItem(`${STATE_PREFIX}b`, '{not json')
    localStorage.setItem(`${STATE_PREFIX}c`, '"text"')
    expect(persisted('a', { x: 1, y: 2 }).value).toEqual({ x: 5, y: 2 })
    expect(persisted('b', { x: 1 }).value).toEqual({ x: 1 })
    expect(persisted('c', 3).value).toBe(3)
    const d = persisted('d', [1])
    d.value.push(2)
    expect(localStorage.getItem(`${STATE_PREFIX}d`)).toBe('[1,2]')
  })

  it('the form, the run, its curves and a paused run come back after a reload', async () => {
    const t = useTrainingStore()
    await useJobsStore().init()
    t.name = 'kept'
    t.form.epochs = 9
    await t.start('datasets/new.nc')
    fake.current.emit({ type: 'job:progress', jobId: t.jobId!, progress: { done: 3, total: 9, unit: 'steps', metrics: { loss: 1.5 } } })
    await t.pause()
    fake.current.emit({ type: 'job:cancelled', jobId: t.jobId!, paused: true })
    // the curves are written in batches; leaving the page writes what is pending
    window.dispatchEvent(new Event('pagehide'))
    setActivePinia(createPinia())
    const after = useTrainingStore()
    expect(after.name).toBe('kept')
    expect(after.form.epochs).toBe(9)
    expect(after.history).toEqual([{ done: 3, metrics: { loss: 1.5 } }])
    expect(after.paused).toMatchObject({ name: 'kept', config: { epochs: 9 } })
  })
})

describe('first run: the demo', () => {
  it('Run the demo ends in Explore 2D on its best variant, with the comparison in Compare and the model still chosen after a refresh', async () => {
    const { useDemoStore } = await import('@renderer/stores/demo-store')
    const { useCompareStore } = await import('@renderer/stores/compare-store')
    await useJobsStore().init()
    const demo = useDemoStore()
    await demo.run()
    expect(fake.current.api.startDemo).toHaveBeenCalledWith({ quick: true })
    const variant = (label: string, model: string) => ({ label, model, config: {}, retrieval: {}, curve: [] })
    const comparison = { dataset: 'datasets/demo.nc', variants: [variant('cond/cosine', 'exports/demo/comparison/models/cond-cosine'), variant('joint/cosine', 'exports/demo/comparison/models/joint-cosine')], rmse: [] }
    fake.current.emit({ type: 'job:done', jobId: demo.jobId!, kind: 'demo', result: { dataset: 'datasets/demo.nc', comparison, best: { label: 'joint/cosine', model: 'exports/demo/comparison/models/joint-cosine' }, seconds: 60 } as never })
    await flush()
    expect(useSettingsStore().view).toBe('explore2d')
    expect(fake.current.api.getField).toHaveBeenCalledWith(expect.objectContaining({ dataset: 'datasets/demo.nc', model: 'exports/demo/comparison/models/joint-cosine', index: 0 }))
    expect(useExploreStore().field).not.toBeNull()
    expect(useCompareStore().result?.variants).toHaveLength(2)
    const data = useDataStore()
    await data.refresh()
    expect(data.model).toBe('exports/demo/comparison/models/joint-cosine')
  })
})

describe('compare trained models', () => {
  it('sends the ticked models and no variants; nothing ticked is one plain error and no request', async () => {
    const { useCompareStore } = await import('@renderer/stores/compare-store')
    const c = useCompareStore()
    await c.start('datasets/new.nc', true)
    expect(c.error).toBe('Tick at least one trained model to compare.')
    expect(fake.current.api.startComparison).not.toHaveBeenCalled()
    c.trained = ['models/a', 'models/b']
    await c.start('datasets/new.nc', true)
    expect(fake.current.api.startComparison).toHaveBeenCalledWith({ name: 'comparison-1', dataset: 'datasets/new.nc', models: ['models/a', 'models/b'] })
  })
})
