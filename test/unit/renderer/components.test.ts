import { beforeEach, describe, expect, it, vi } from 'vitest'
import { mount } from '@vue/test-utils'
import { createPinia, setActivePinia } from 'pinia'
import { defineComponent, h, nextTick, ref } from 'vue'
import { createFakeApi, flush, type FakeApi } from './fake-api'

const fake: { current: FakeApi } = vi.hoisted(() => ({ current: null as unknown as FakeApi }))
vi.mock('@renderer/bridge', () => ({
  get api() {
    return fake.current.api
  }
}))

const NavBar = (await import('@renderer/components/NavBar.vue')).default
const JobsPanel = (await import('@renderer/components/JobsPanel.vue')).default
const StatusBar = (await import('@renderer/components/StatusBar.vue')).default
const ProgressBar = (await import('@renderer/components/ProgressBar.vue')).default
const RmseTable = (await import('@renderer/components/RmseTable.vue')).default
const FrameSlider = (await import('@renderer/components/FrameSlider.vue')).default
const { useSettingsStore } = await import('@renderer/stores/settings-store')
const { useJobsStore } = await import('@renderer/stores/jobs-store')
const { useDataStore } = await import('@renderer/stores/data-store')
const { useShortcuts, viewIndexForKey } = await import('@renderer/composables/use-shortcuts')

let pinia: ReturnType<typeof createPinia>
beforeEach(() => {
  localStorage.clear()
  fake.current = createFakeApi()
  pinia = createPinia()
  setActivePinia(pinia)
})

describe('navigation and shortcuts', () => {
  it('clicking a view button switches the view and marks it current', async () => {
    const w = mount(NavBar, { global: { plugins: [pinia] } })
    await w.get('[data-testid="nav-train"]').trigger('click')
    expect(useSettingsStore().view).toBe('train')
    expect(w.get('[data-testid="nav-train"]').attributes('aria-current')).toBe('page')
    expect(w.get('[data-testid="nav-data"]').attributes('aria-current')).toBeUndefined()
    const before = useSettingsStore().theme
    await w.get('[data-testid="theme-toggle"]').trigger('click')
    expect(useSettingsStore().theme).toBe(before === 'dark' ? 'light' : 'dark')
  })

  it('Alt+1…7 pick views; other keys do nothing', () => {
    expect(viewIndexForKey({ altKey: true, ctrlKey: false, metaKey: false, code: 'Digit3', key: '3' })).toBe(2)
    expect(viewIndexForKey({ altKey: false, ctrlKey: false, metaKey: false, code: 'Digit3', key: '3' })).toBe(-1)
    expect(viewIndexForKey({ altKey: true, ctrlKey: false, metaKey: false, code: 'Digit7', key: '7' })).toBe(6)
    expect(viewIndexForKey({ altKey: true, ctrlKey: false, metaKey: false, code: 'Digit0', key: '0' })).toBe(-1)
    const Host = defineComponent({ setup: () => (useShortcuts(), () => h('div')) })
    const w = mount(Host, { global: { plugins: [pinia] }, attachTo: document.body })
    window.dispatchEvent(new KeyboardEvent('keydown', { altKey: true, code: 'Digit5', key: '5' }))
    expect(useSettingsStore().view).toBe('explore3d')
    const before = useSettingsStore().theme
    window.dispatchEvent(new KeyboardEvent('keydown', { altKey: true, code: 'KeyT', key: 't' }))
    expect(useSettingsStore().theme).not.toBe(before)
    w.unmount()
  })
})

describe('jobs panel and status bar', () => {
  it('lists jobs with progress and a cancel button that cancels that job', async () => {
    const jobs = useJobsStore()
    jobs.handle({ type: 'job:started', job: { jobId: 'job-1', kind: 'simulate', label: 'simulate demo', state: 'running', startedAt: '2026-01-01T00:00:00Z' } })
    jobs.handle({ type: 'job:progress', jobId: 'job-1', progress: { done: 32, total: 64, unit: 'pairs', etaSeconds: 5 } })
    jobs.handle({ type: 'job:error', jobId: 'job-2', error: { code: 'not-found', message: 'datasets/x.nc does not exist' } })
    localStorage.setItem('driftclip.state.v1.jobs.collapsed', 'false')
    const w = mount(JobsPanel, { global: { plugins: [pinia] } })
    expect(w.text()).toContain('simulate demo')
    expect(w.text()).toContain('32 / 64 pairs · 5 s left')
    expect(w.get('[data-testid="job-job-1"] [role="progressbar"]').attributes('aria-valuenow')).toBe('50')
    expect(w.text()).toContain('Datasets/x.nc does not exist. Refresh the workspace list and pick an existing file.')
    await w.get('[data-testid="cancel-job-1"]').trigger('click')
    expect(fake.current.api.cancelJob).toHaveBeenCalledWith({ jobId: 'job-1' })
    expect(w.find('[data-testid="cancel-job-2"]').exists()).toBe(false)
  })

  it('the jobs panel folds to a strip that still counts running jobs, and stays folded after a reload', async () => {
    localStorage.setItem('driftclip.state.v1.jobs.collapsed', 'false')
    useJobsStore().handle({ type: 'job:started', job: { jobId: 'job-1', kind: 'train', label: 'train m', state: 'running', startedAt: '2026-01-01T00:00:00Z' } })
    const w = mount(JobsPanel, { global: { plugins: [pinia] } })
    await w.get('[data-testid="jobs-toggle"]').trigger('click')
    expect(w.text()).toContain('1 running')
    expect(w.find('[data-testid="job-job-1"]').exists()).toBe(false)
    expect(localStorage.getItem('driftclip.state.v1.jobs.collapsed')).toBe('true')
  })

  it('status bar shows backend with its reason and the mode', async () => {
    await useDataStore().loadInfo()
    const w = mount(StatusBar, { global: { plugins: [pinia] } })
    await flush()
    expect(w.get('[data-testid="backend-status"]').text()).toBe('backend: wasm (tfjs-node not installed; wasm with SIMD)')
    expect(w.get('[data-testid="status-mode"]').text()).toBe('mode: browser')
  })
})

describe('small components', () => {
  it('progress bar shows the finished state full', () => {
    const w = mount(ProgressBar, { props: { state: 'done', progress: { done: 3, total: 10, unit: 'steps' } } })
    expect(w.get('[role="progressbar"]').attributes('aria-valuenow')).toBe('100')
    expect(w.text()).toBe('done')
  })
  it('RMSE table bolds the best value per column', () => {
    const row = (method: string, v: number) => ({ method, velocityRmse: v, relativeVelocityRmse: v, tracerRmse: 1, streamFunctionRmse: 1 })
    const w = mount(RmseTable, { props: { rows: [row('prior', 2), row('cond', 0.5)] } })
    const rows = w.findAll('tbody tr')
    expect(rows[0].findAll('td')[1].classes()).not.toContain('best')
    expect(rows[1].findAll('td.best').map((c) => c.text()).slice(0, 2)).toEqual(['0.5', '0.5'])
    expect(w.findAll('tbody tr')).toHaveLength(2)
  })
  it('frame slider moves the frame and shows time with its unit', async () => {
    const frame = ref(0)
    const w = mount(FrameSlider, { props: { times: [0, 0.5, 1], unit: 's', modelValue: frame.value, 'onUpdate:modelValue': (v: number) => (frame.value = v) } })
    await w.get('[data-testid="frame-slider"]').setValue('2')
    expect(frame.value).toBe(2)
    await w.setProps({ modelValue: 2 })
    await nextTick()
    expect(w.text()).toContain('t = 1 s (frame 3 / 3)')
  })
})

describe('twin experiment tables', () => {
  it('lists every method with the MCMC reference marked, bolds the best value per column by its own ideal, and shows the findings', async () => {
    const TwinTables = (await import('@renderer/components/TwinTables.vue')).default
    const row = (method: string, rmse: number, coverage90: number, spreadSkill: number) => ({
      method, label: `${method} label`, rmse, rmseNearTracers: rmse, relativeRmse: rmse / 2, psiRmse: 0.1, tracerRmse: 0.01, crps: rmse / 3,
      coverage50: 0.5, coverage90, spreadSkill, secondsPerQuery: 1, rmseVsMcmc: rmse
    })
    const table = {
      twin: 'fourier 3×3 modes, 4 tracers', flow: 'fourier' as const, noise: 0.01, nearRadius: 0.1, config: {}, queries: [1, 2],
      rows: [row('prior', 2, 0.99, 3), row('enkf', 1.5, 0.7, 0.6), row('mcmc', 1, 0.88, 1.05), row('bankfree:cond/l2', 1.2, 0.9, 1.4)],
      mcmc: [{ pair: 1, acceptance: 0.25, minEss: 120, maxRhat: 1.01, finalMisfit: [10], halfN: 10, seconds: 3 }],
      findings: ['bank-free cond/l2 is within 20 % of MCMC on RMSE.']
    }
    const w = mount(TwinTables, { props: { tables: [table] } })
    const rows = w.findAll('tbody tr')
    expect(rows.map((r) => r.find('b').text())).toEqual(['prior', 'enkf', 'mcmc', 'bankfree:cond/l2'])
    expect(rows[2].classes()).toContain('reference')
    const bold = (r: number) => rows[r].findAll('td.best').map((c) => c.text())
    // lowest RMSE is MCMC's; the 90 % coverage nearest 0.9 is bank-free's; spread/skill nearest 1 is MCMC's
    expect(bold(2)).toEqual(expect.arrayContaining(['1', '1.05']))
    expect(bold(3)).toContain('0.9')
    expect(bold(0)).not.toContain('0.99')
    expect(w.text()).toContain('2 test queries')
    expect(w.text()).toContain('max R̂ 1.01')
    expect(w.text()).toContain('bank-free cond/l2 is within 20 % of MCMC on RMSE.')
  })
})
