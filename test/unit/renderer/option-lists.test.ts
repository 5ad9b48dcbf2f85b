import { describe, expect, it, vi } from 'vitest'
import { mount } from '@vue/test-utils'
import { createPinia, setActivePinia } from 'pinia'
import { createFakeApi, type FakeApi } from './fake-api'
import { LOSS_LABELS, LossKind, METRIC_LABELS, MetricKind } from '@shared/training'

const fake: { current: FakeApi } = vi.hoisted(() => ({ current: null as unknown as FakeApi }))
vi.mock('@renderer/bridge', () => ({
  get api() {
    return fake.current.api
  }
}))

const TrainForm = (await import('@renderer/components/TrainForm.vue')).default
const VariantsEditor = (await import('@renderer/components/VariantsEditor.vue')).default

describe('option lists are the schemas, with their labels', () => {
  it.each([['TrainForm', TrainForm], ['VariantsEditor', VariantsEditor]])('%s offers every loss and metric of the schema', (_name, component) => {
    fake.current = createFakeApi()
    const pinia = createPinia()
    setActivePinia(pinia)
    const w = mount(component, { global: { plugins: [pinia] } })
    const [loss, metric] = w.findAll('select').filter((s) => !s.attributes('disabled'))
    expect(loss!.findAll('option').map((o) => [o.element.value, o.text()])).toEqual(LossKind.options.map((k) => [k, LOSS_LABELS[k]]))
    expect(metric!.findAll('option').map((o) => [o.element.value, o.text()])).toEqual(MetricKind.options.map((k) => [k, METRIC_LABELS[k]]))
  })
})
