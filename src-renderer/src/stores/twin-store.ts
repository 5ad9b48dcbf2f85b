/** The twin experiment of the Compare view: run the benchmark job, keep its result across reloads. */
import { defineStore } from 'pinia'
import { computed, ref } from 'vue'
import type { JobId } from '@shared/contract'
import type { TwinBenchmarkOptionsInput, TwinBenchmarkResult } from '@shared/twin'
import { api } from '@renderer/bridge'
import { persisted } from '@renderer/composables/persisted'
import { plainError } from '@renderer/composables/plain-error'
import { useJobsStore } from './jobs-store'

export const useTwinStore = defineStore('twin', () => {
  const jobs = useJobsStore()
  const options = persisted<Required<Pick<TwinBenchmarkOptionsInput, 'flow' | 'quick' | 'learned'>>>('twin.options', { flow: 'fourier', quick: true, learned: true })
  const result = persisted<TwinBenchmarkResult | null>('twin.result', null)
  const jobId = ref<JobId | null>(null)
  const error = ref<string | null>(null)
  const job = computed(() => (jobId.value ? jobs.jobs[jobId.value] : undefined))
  const running = computed(() => job.value?.state === 'running')

  async function start(name = 'twin'): Promise<void> {
    error.value = null
    try {
      const started = await api.startTwinBenchmark({ name, options: { ...options.value, seed: 1 } })
      jobId.value = started.jobId
      jobs.track(started, { done: (r) => (result.value = r), error: (e) => (error.value = plainError(e)) }, `twin benchmark (${options.value.flow})`)
    } catch (err) {
      error.value = plainError(err)
    }
  }

  return { options, result, jobId, job, running, error, start }
})
