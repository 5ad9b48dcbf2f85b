/** One training run at a time: its form, job id, live metric history and result. */
import { defineStore } from 'pinia'
import { computed, ref } from 'vue'
import type { JobId, JobResults } from '@shared/contract'
import type { TrainConfigInput } from '@shared/training'
import { api } from '@renderer/bridge'
import { plainError } from '@renderer/composables/plain-error'
import { useDataStore } from './data-store'
import { useJobsStore } from './jobs-store'

/** A small, fast default run; the paper's values are one click away in the form. */
export function defaultTrainForm(): Required<Pick<TrainConfigInput, 'loss' | 'metric' | 'dim' | 'epochs' | 'batch' | 'learningRate' | 'temperature' | 'learnTemperature' | 'seed'>> {
  return { loss: 'cond', metric: 'cosine', dim: 32, epochs: 5, batch: 64, learningRate: 1e-3, temperature: 0.07, learnTemperature: true, seed: 1 }
}

export const useTrainingStore = defineStore('training', () => {
  const jobs = useJobsStore()
  const data = useDataStore()
  const form = ref(defaultTrainForm())
  const name = ref('model-1')
  const jobId = ref<JobId | null>(null)
  const result = ref<JobResults['train'] | null>(null)
  const error = ref<string | null>(null)
  /** A run stopped with Pause: what Resume needs to continue it from its last completed epoch. */
  const paused = ref<{ name: string; dataset: string; config: TrainConfigInput } | null>(null)
  let pausing = false

  const job = computed(() => (jobId.value ? jobs.jobs[jobId.value] : undefined))
  const running = computed(() => job.value?.state === 'running')
  const history = computed(() => job.value?.history ?? [])

  async function start(dataset: string, resume = false): Promise<void> {
    error.value = null
    result.value = null
    const run = resume && paused.value ? paused.value : { name: name.value, dataset, config: { ...form.value } }
    paused.value = null
    try {
      const { jobId: id } = await api.startTraining({ ...run, resume })
      jobId.value = id
      jobs.track(id, {
        done: (r) => {
          result.value = r as JobResults['train']
          void data.refresh().then(() => (data.model = result.value?.path ?? data.model))
        },
        error: (e) => (error.value = plainError(e)),
        cancelled: () => {
          if (pausing) paused.value = run
          error.value = pausing
            ? 'Training is paused after its last completed epoch. Resume continues from there.'
            : 'Training was cancelled; the partial model was not saved. Start it again when you are ready.'
          pausing = false
        }
      }, { kind: 'train', label: `${resume ? 'resume' : 'train'} ${run.name}` })
    } catch (err) {
      error.value = plainError(err)
    }
  }

  async function cancel(): Promise<void> {
    if (jobId.value) await jobs.cancel(jobId.value)
  }

  /** Stop now and keep the checkpoint of the last completed epoch (the engine writes one per epoch). */
  async function pause(): Promise<void> {
    pausing = true
    await cancel()
  }

  return { form, name, jobId, job, running, history, result, error, paused, start, cancel, pause, resume: () => start('', true) }
})
