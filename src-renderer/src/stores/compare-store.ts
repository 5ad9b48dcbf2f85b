/** Comparison of several loss/metric variants on one data set, and one test case's fields per variant. */
import { defineStore } from 'pinia'
import { FIELD_DEFAULTS } from '@shared/limits'
import { computed, ref, shallowRef, watch } from 'vue'
import type { JobId } from '@shared/contract'
import type { TrainConfigInput } from '@shared/training'
import type { ComparisonResult } from '@shared/views'
import { api } from '@renderer/bridge'
import type { VariantField } from '@renderer/charts/small-multiples'
import { persisted } from '@renderer/composables/persisted'
import { plainError } from '@renderer/composables/plain-error'
import { useDataStore } from './data-store'
import { useJobsStore, type JobHandlers } from './jobs-store'

export type VariantForm = Required<Pick<TrainConfigInput, 'loss' | 'metric' | 'epochs' | 'dim'>>

/** Frames fetched per test case: the small multiples show the first, the middle and the last. */
export const CASE_FRAMES = FIELD_DEFAULTS.comparison.frames

export const useCompareStore = defineStore('compare', () => {
  const jobs = useJobsStore()
  const data = useDataStore()
  const name = persisted('compare.name', 'comparison-1')
  const variants = persisted<VariantForm[]>('compare.variants', [
    { loss: 'cond', metric: 'cosine', epochs: 3, dim: 32 },
    { loss: 'joint', metric: 'cosine', epochs: 3, dim: 32 }
  ])
  const jobId = persisted<JobId | null>('compare.jobId', null)
  /** The last comparison's result, kept across reloads (its fields are fetched again). */
  const result = persisted<ComparisonResult | null>('compare.result', null)
  const error = ref<string | null>(null)
  const caseIndex = persisted('compare.caseIndex', 0)
  const caseFields = shallowRef<VariantField[]>([])
  const caseLoading = ref(false)
  /** The workspace path the comparison ran on (the result may name it differently). */
  const dataset = persisted('compare.dataset', '')

  const job = computed(() => (jobId.value ? jobs.jobs[jobId.value] : undefined))
  const running = computed(() => job.value?.state === 'running')

  function addVariant(): void {
    variants.value.push({ loss: 'cond-u', metric: 'cosine', epochs: 3, dim: 32 })
  }
  function removeVariant(i: number): void {
    if (variants.value.length > 1) variants.value.splice(i, 1)
  }

  const handlers: JobHandlers<'compare'> = {
    done: (r) => {
      result.value = r
      void data.refresh()
      void loadCase(caseIndex.value)
    },
    error: (e) => (error.value = plainError(e))
  }

  /** Models already trained that a comparison evaluates as they are (no retraining). */
  const trained = persisted<string[]>('compare.trained', [])

  /** Train the variants and compare them, or (`existing`) compare the chosen trained models without retraining. */
  async function start(source: string, existing = false): Promise<void> {
    error.value = null
    if (existing && !trained.value.length) {
      error.value = 'Tick at least one trained model to compare.'
      return
    }
    result.value = null
    caseFields.value = []
    dataset.value = source
    try {
      const what = existing ? { models: [...trained.value] } : { variants: variants.value.map((v) => ({ ...v })) }
      const started = await api.startComparison({ name: name.value, dataset: source, ...what })
      jobId.value = started.jobId
      jobs.track(started, handlers, existing ? `compare ${trained.value.length} trained models` : `compare ${variants.value.length} variants`)
    } catch (err) {
      error.value = plainError(err)
    }
  }

  /** Fetch the chosen test case's truth and each variant's reconstruction. */
  async function loadCase(index: number): Promise<void> {
    const res = result.value
    if (!res) return
    caseIndex.value = index
    caseLoading.value = true
    try {
      caseFields.value = await Promise.all(
        res.variants.map(async (v) => ({
          label: v.label,
          view: await api.getField({ dataset: dataset.value || res.dataset, model: v.model, index, grid: FIELD_DEFAULTS.comparison.grid, frames: CASE_FRAMES })
        }))
      )
    } catch (err) {
      error.value = plainError(err)
    } finally {
      caseLoading.value = false
    }
  }

  /** Show a comparison that ran elsewhere (the demo) as the current one. */
  function adopt(r: ComparisonResult, source: string): void {
    result.value = r
    dataset.value = source
    caseFields.value = []
    void loadCase(0)
  }

  // models trained by comparisons live in the comparison's folder: offer them wherever a model is chosen
  watch(result, (r) => (data.comparisonModels = r ? r.variants.map((v) => ({ path: v.model, label: v.label })) : []), { immediate: true })

  /** After a reload: follow a comparison the engine still runs, or show the kept one's test case again. */
  async function restore(): Promise<void> {
    if (jobId.value && jobs.jobs[jobId.value]?.state === 'running') jobs.track({ jobId: jobId.value, kind: 'compare' }, handlers)
    if (result.value && !caseFields.value.length) await loadCase(caseIndex.value)
  }

  return { name, dataset, variants, jobId, job, running, result, error, caseIndex, caseFields, caseLoading, addVariant, removeVariant, start, loadCase, restore, adopt, trained }
})
