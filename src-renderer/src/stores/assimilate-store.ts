/** The real-drifter workflow: choose tracks, window, step and drifters; run the assimilation job; keep its result. */
import { defineStore } from 'pinia'
import { FIELD_DEFAULTS } from '@shared/limits'
import { computed, reactive, ref, shallowRef, watch } from 'vue'
import type { JobId } from '@shared/contract'
import type { AssimilationOptionsInput, AssimilationResult } from '@shared/deployment'
import type { DeploymentFieldView, TrackPreview } from '@shared/views'
import { api } from '@renderer/bridge'
import { plainError } from '@renderer/composables/plain-error'
import { useDataStore } from './data-store'
import { useJobsStore } from './jobs-store'

/** The form of the Assimilate view; empty fields are chosen by the engine from the data (and reported). */
export interface AssimilateForm {
  /** Name of the field file written under exports/ (NAME.nc). */
  name: string
  /** Window in UTC, "YYYY-MM-DD HH:MM" (or any ISO-8601); both empty = the engine's choice. */
  start: string
  end: string
  /** Drifter ids to use; empty = all that report in the window. */
  drifters: string[]
  stepHours: number | null
  grid: number
  /** Simulated training pairs and epochs of the set encoder; null = the engine's defaults. */
  pairs: number | null
  epochs: number | null
}

/** "2023-04-24 08:00" (UTC, as typed) → "2023-04-24T08:00:00Z"; ISO input passes through. */
export function utcInput(text: string): string {
  const t = text.trim()
  const m = /^(\d{4}-\d\d-\d\d)[ T](\d\d:\d\d)(:\d\d)?$/.exec(t)
  return m ? `${m[1]}T${m[2]}${m[3] ?? ':00'}Z` : t
}

/** The request options of a form: only what the user set. */
export function optionsOf(form: AssimilateForm, allDrifters: readonly string[]): AssimilationOptionsInput {
  const o: AssimilationOptionsInput = { grid: form.grid }
  if (form.start.trim() && form.end.trim()) o.window = { start: utcInput(form.start), end: utcInput(form.end) }
  if (form.drifters.length && form.drifters.length < allDrifters.length) o.drifters = [...form.drifters]
  if (form.stepHours) o.stepHours = form.stepHours
  if (form.pairs) o.pairs = form.pairs
  if (form.epochs) o.epochs = form.epochs
  return o
}

export const useAssimilateStore = defineStore('assimilate', () => {
  const data = useDataStore()
  const jobs = useJobsStore()
  const tracks = ref('')
  const form = reactive<AssimilateForm>({ name: 'field', start: '', end: '', drifters: [], stepHours: null, grid: FIELD_DEFAULTS.deployment.grid, pairs: null, epochs: null })
  const preview = shallowRef<TrackPreview | null>(null)
  const jobId = ref<JobId | null>(null)
  const result = shallowRef<AssimilationResult | null>(null)
  const error = ref<string | null>(null)
  /** The written field, read back for the map. */
  const field = shallowRef<DeploymentFieldView | null>(null)

  const job = computed(() => (jobId.value ? jobs.jobs[jobId.value] : undefined))
  const running = computed(() => job.value?.state === 'running')
  const ids = computed(() => preview.value?.ids ?? [])

  // the newest imported tracks are the default choice
  watch(
    () => data.tracks.map((t) => t.path),
    (paths) => {
      if (!paths.includes(tracks.value)) tracks.value = [...data.tracks].sort((a, b) => b.modified.localeCompare(a.modified))[0]?.path ?? ''
    },
    { immediate: true }
  )

  watch(tracks, async (path) => {
    preview.value = null
    form.drifters = []
    if (!path) return
    form.name = `${path.replace(/^tracks\//, '').replace(/\.nc$/, '')}-field`.replace(/[^A-Za-z0-9._-]+/g, '_')
    try {
      preview.value = await api.previewTracks({ source: path, split: 'all', limit: 500 })
      form.drifters = [...(preview.value.ids ?? [])]
    } catch (err) {
      error.value = plainError(err)
    }
  }, { immediate: true })

  async function start(): Promise<void> {
    error.value = null
    if (!tracks.value) {
      error.value = 'Import drifter tracks first (Data view), then choose them here.'
      return
    }
    if (form.drifters.length === 1) {
      error.value = 'Choose at least 2 drifters: each one is scored by predicting it from the others.'
      return
    }
    try {
      const started = await api.startAssimilation({ name: form.name, tracks: tracks.value, options: optionsOf(form, ids.value) })
      jobId.value = started.jobId
      result.value = null
      field.value = null
      jobs.track(started, {
        done: (r) => {
          result.value = r
          const out = r.out
          // read the field back only when the engine wrote it (it is then listed under exports/)
          void data.refresh().then(() => {
            if (data.workspace?.exports.some((e) => e.path === out)) void loadField(out)
          })
        },
        error: (e) => (error.value = plainError(e))
      }, `assimilate ${tracks.value}`)
    } catch (err) {
      error.value = plainError(err)
    }
  }

  async function loadField(file: string): Promise<void> {
    if (!file) return
    try {
      field.value = await api.getDeploymentField({ file })
    } catch (err) {
      error.value = plainError(err)
    }
  }

  async function cancel(): Promise<void> {
    if (jobId.value) await jobs.cancel(jobId.value)
  }

  return { tracks, form, preview, jobId, job, running, ids, result, field, error, start, cancel, loadField }
})
