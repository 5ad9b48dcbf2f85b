/** One training run at a time: its form, job id, live metric history and result, all kept across reloads. */
import { defineStore } from 'pinia'
import { computed, ref, watch } from 'vue'
import type { JobId, JobResults } from '@shared/contract'
import { TrainConfig, type TrainConfigInput } from '@shared/training'
import { api } from '@renderer/bridge'
import { persisted } from '@renderer/composables/persisted'
import { plainError } from '@renderer/composables/plain-error'
import { useDataStore } from './data-store'
import { useJobsStore, type JobEntry, type JobHandlers } from './jobs-store'

/** A small, fast default run; the paper's values are one click away in the form. */
export function defaultTrainForm(): Required<Pick<TrainConfigInput, 'loss' | 'metric' | 'encoder' | 'potentialEncoder' | 'dim' | 'epochs' | 'batch' | 'learningRate' | 'temperature' | 'learnTemperature' | 'seed' | 'patience'>> {
  const d = TrainConfig.shape
  return {
    loss: 'cond', metric: 'cosine', encoder: d.encoder.parse(undefined), potentialEncoder: d.potentialEncoder.parse(undefined),
    dim: 32, epochs: 5, batch: 64, learningRate: 1e-3, temperature: d.temperature.parse(undefined), learnTemperature: true, seed: 1, patience: d.patience.parse(undefined)
  }
}

type Run = { name: string; dataset: string; config: TrainConfigInput }
type Sample = JobEntry['history'][number]

export const useTrainingStore = defineStore('training', () => {
  const jobs = useJobsStore()
  const data = useDataStore()
  const form = persisted('train.form', defaultTrainForm())
  const name = persisted('train.name', 'model-1')
  /** The last run: its job, the curves seen so far and its result (curves are written at most twice a second). */
  const last = persisted<{ jobId: JobId | null; run: Run | null; history: Sample[]; result: JobResults['train'] | null }>('train.last', { jobId: null, run: null, history: [], result: null }, 500)
  /** A run stopped with Pause: what Resume needs to continue it from its last completed epoch (the checkpoint is on disk). */
  const paused = persisted<Run | null>('train.paused', null)
  const error = ref<string | null>(null)
  let pausing = false

  const jobId = computed(() => last.value.jobId)
  const result = computed(() => last.value.result)
  const job = computed(() => (jobId.value ? jobs.jobs[jobId.value] : undefined))
  const running = computed(() => job.value?.state === 'running')
  /** Curves kept from before a reload (or a pause) followed by what the engine reports now. */
  const history = computed<Sample[]>(() => {
    const live = job.value?.history ?? []
    if (!live.length) return last.value.history
    return [...last.value.history.filter((h) => h.done < live[0].done), ...live]
  })
  watch(() => job.value?.history.length, () => (last.value.history = history.value))

  function handlers(run: Run): JobHandlers<'train'> {
    return {
      done: (r) => {
        last.value.result = r
        void data.refresh().then(() => (data.model = last.value.result?.path ?? data.model))
      },
      error: (e) => (error.value = plainError(e)),
      cancelled: () => {
        if (pausing) paused.value = run
        error.value = pausing
          ? 'Training is paused after its last completed epoch. Resume continues from there.'
          : 'Training was cancelled; the partial model and its checkpoint were discarded. Start it again when you are ready.'
        pausing = false
      }
    }
  }

  async function start(dataset: string, resume = false): Promise<void> {
    error.value = null
    const run = resume && paused.value ? paused.value : { name: name.value, dataset, config: { ...form.value } }
    paused.value = null
    try {
      const started = await api.startTraining({ ...run, resume })
      // a resumed run continues the paused run's curves
      last.value = { jobId: started.jobId, run, history: resume ? last.value.history : [], result: null }
      jobs.track(started, handlers(run), `${resume ? 'resume' : 'train'} ${run.name}`)
    } catch (err) {
      error.value = plainError(err)
    }
  }

  /** After a reload: follow the run again if the engine still runs it. */
  function reattach(): void {
    const { jobId: id, run } = last.value
    if (id && run && jobs.jobs[id]?.state === 'running') jobs.track({ jobId: id, kind: 'train' }, handlers(run))
  }

  async function cancel(): Promise<void> {
    if (jobId.value) await jobs.cancel(jobId.value)
  }

  /** Stop now and keep the checkpoint of the last completed epoch (the engine writes one per epoch). */
  async function pause(): Promise<void> {
    pausing = true
    if (jobId.value) await jobs.cancel(jobId.value, true)
  }

  return { form, name, jobId, job, running, history, result, error, paused, start, cancel, pause, reattach, resume: () => start('', true) }
})
