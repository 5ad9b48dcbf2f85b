import { readdirSync, readFileSync } from 'node:fs'
import { join } from 'node:path'
import { describe, expect, it, vi } from 'vitest'
import { mount } from '@vue/test-utils'
import { createPinia, setActivePinia } from 'pinia'
import { createFakeApi, type FakeApi } from './fake-api'
import { LOSS_LABELS, LossKind, METRIC_LABELS, MetricKind, POTENTIAL_ENCODER_LABELS, PotentialEncoderKind, TRAJECTORY_ENCODER_LABELS, TrajectoryEncoderKind } from '@shared/training'
import { EXPORT_FORMAT_LABELS, ExportFormat, FIELD_LABELS, FieldName, TRACKS_EXPORT_LABELS, TracksExportFormat } from '@shared/exports'
import { FLOW_LABELS, FlowKind } from '@shared/simulation'

const fake: { current: FakeApi } = vi.hoisted(() => ({ current: null as unknown as FakeApi }))
vi.mock('@renderer/bridge', () => ({
  get api() {
    return fake.current.api
  }
}))

const TrainForm = (await import('@renderer/components/TrainForm.vue')).default
const VariantsEditor = (await import('@renderer/components/VariantsEditor.vue')).default
const SimulateForm = (await import('@renderer/components/SimulateForm.vue')).default
const ExportView = (await import('@renderer/views/ExportView.vue')).default
const DataView = (await import('@renderer/views/DataView.vue')).default
const { useDataStore } = await import('@renderer/stores/data-store')

function mountWithStores(component: Parameters<typeof mount>[0], stubs: Record<string, boolean> = {}) {
  fake.current = createFakeApi()
  const pinia = createPinia()
  setActivePinia(pinia)
  return mount(component, { global: { plugins: [pinia], stubs } })
}
const optionsOf = (w: ReturnType<typeof mount>, testid: string) => w.get(`[data-testid="${testid}"]`).findAll('option').map((o) => [o.element.value, o.text()])
const schema = <T extends string>(s: { options: readonly T[] }, labels: Record<T, string>) => s.options.map((k) => [k, labels[k]])

describe('option lists are the schemas, with their labels', () => {
  it.each([['TrainForm', TrainForm], ['VariantsEditor', VariantsEditor]])('%s offers every loss and metric of the schema', (_name, component) => {
    const w = mountWithStores(component)
    const [loss, metric] = w.findAll('select').filter((s) => !s.attributes('disabled'))
    expect(loss!.findAll('option').map((o) => [o.element.value, o.text()])).toEqual(schema(LossKind, LOSS_LABELS))
    expect(metric!.findAll('option').map((o) => [o.element.value, o.text()])).toEqual(schema(MetricKind, METRIC_LABELS))
  })

  it('TrainForm offers both encoders of the schema, and the choice reaches the training request', async () => {
    const w = mountWithStores(TrainForm)
    expect(optionsOf(w, 'train-encoder')).toEqual(schema(TrajectoryEncoderKind, TRAJECTORY_ENCODER_LABELS))
    expect(optionsOf(w, 'train-potential-encoder')).toEqual(schema(PotentialEncoderKind, POTENTIAL_ENCODER_LABELS))
    await w.get('[data-testid="train-encoder"]').setValue('sequence')
    const { useTrainingStore } = await import('@renderer/stores/training-store')
    await useTrainingStore().start('datasets/a.nc')
    expect(fake.current.api.startTraining).toHaveBeenCalledWith(expect.objectContaining({ config: expect.objectContaining({ encoder: 'sequence', potentialEncoder: 'mlp' }) }))
  })

  it('SimulateForm offers every flow of the schema', () => {
    expect(optionsOf(mountWithStores(SimulateForm), 'sim-flow')).toEqual(schema(FlowKind, FLOW_LABELS))
  })

  it('ExportView offers every export format and field of the contract, with their labels', () => {
    const w = mountWithStores(ExportView)
    const boxes = (prefix: string) => w.findAll<HTMLInputElement>(`input[data-testid^="${prefix}"]`).map((i) => [i.element.value, i.element.parentElement!.textContent!.trim()])
    expect(boxes('export-format-')).toEqual(schema(ExportFormat, EXPORT_FORMAT_LABELS))
    expect(boxes('export-field-')).toEqual(schema(FieldName, FIELD_LABELS))
  })

  it('DataView offers every tracks export format of the contract', async () => {
    // the charts and the map need a canvas, which the test DOM does not have
    const w = mountWithStores(DataView, { ChartPanel: true, DrifterMap: true })
    useDataStore().preview = { source: 'tracks/a.nc', tracks: [], units: { length: 'm', time: 's' }, bounds: { xMin: 0, xMax: 1, yMin: 0, yMax: 1 } }
    await w.vm.$nextTick()
    expect(w.findAll('[data-testid^="export-tracks-"]').map((b) => [b.attributes('data-testid')!.slice('export-tracks-'.length), b.text()])).toEqual(schema(TracksExportFormat, TRACKS_EXPORT_LABELS))
  })

  it('no Vue template keeps its own copy of a schema\'s values (a static option of a loss, metric, encoder, flow or format)', () => {
    const values = new Set<string>([LossKind, MetricKind, TrajectoryEncoderKind, PotentialEncoderKind, FlowKind, ExportFormat, TracksExportFormat].flatMap((s) => [...s.options]))
    const vue = (dir: string): string[] => readdirSync(dir, { withFileTypes: true }).flatMap((e) => (e.isDirectory() ? vue(join(dir, e.name)) : e.name.endsWith('.vue') ? [join(dir, e.name)] : []))
    const copies = vue(join(import.meta.dirname, '../../../src-renderer/src')).flatMap((p) =>
      [...readFileSync(p, 'utf8').matchAll(/<option[^>]*\svalue="([^"]*)"/g)].filter((m) => values.has(m[1]!)).map((m) => `${p.split('src-renderer/')[1]}: ${m[0]}`)
    )
    expect(copies).toEqual([])
  })
})
