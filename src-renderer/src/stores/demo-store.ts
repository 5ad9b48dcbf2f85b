/**
 * The first-run path: run the embedded demo in the engine, then show its result — the comparison in Compare,
 * and its best variant's reconstruction of test case 0 in Explore 2D, where the user lands.
 */
import { defineStore } from 'pinia'
import { computed, ref } from 'vue'
import type { DemoSummary, JobId } from '@shared/contract'
import { api } from '@renderer/bridge'
import { plainError } from '@renderer/composables/plain-error'
import { useCompareStore } from './compare-store'
import { useDataStore } from './data-store'
import { useExploreStore } from './explore-store'
import { useJobsStore } from './jobs-store'
import { useSettingsStore } from './settings-store'

export const useDemoStore = defineStore('demo', () => {
  const jobs = useJobsStore()
  const jobId = ref<JobId | null>(null)
  const error = ref<string | null>(null)
  const job = computed(() => (jobId.value ? jobs.jobs[jobId.value] : undefined))
  const running = computed(() => job.value?.state === 'running')

  async function show(d: DemoSummary): Promise<void> {
    const data = useDataStore()
    const explore = useExploreStore()
    useCompareStore().adopt(d.comparison, d.dataset)
    await data.refresh()
    data.dataset = d.dataset
    data.model = d.best.model
    explore.frame = 0
    await explore.load({ dataset: d.dataset, model: d.best.model, ...explore.request, index: 0 })
    useSettingsStore().view = 'explore2d'
  }

  async function run(quick = true): Promise<void> {
    error.value = null
    try {
      const started = await api.startDemo({ quick })
      jobId.value = started.jobId
      jobs.track(started, { done: (r) => void show(r), error: (e) => (error.value = plainError(e)) }, 'demo')
    } catch (err) {
      error.value = plainError(err)
    }
  }

  return { jobId, job, running, error, run, show }
})
