/** The field being explored (truth, reconstruction, uncertainty) for one test case, shared by the 2D and 3D views. */
import { defineStore } from 'pinia'
import { ref, shallowRef } from 'vue'
import type { FieldView } from '@shared/views'
import { api } from '@renderer/bridge'
import { plainError } from '@renderer/composables/plain-error'

export interface FieldRequest {
  dataset: string
  model: string
  index: number
  grid: number
  frames: number
}

export const useExploreStore = defineStore('explore', () => {
  const field = shallowRef<FieldView | null>(null)
  const loaded = ref<FieldRequest | null>(null)
  const frame = ref(0)
  const loading = ref(false)
  const error = ref<string | null>(null)

  async function load(req: FieldRequest): Promise<void> {
    if (!req.dataset) {
      error.value = 'No data set selected. Simulate or import one in the Data view first.'
      return
    }
    loading.value = true
    error.value = null
    try {
      field.value = await api.getField({
        dataset: req.dataset,
        model: req.model || undefined,
        index: req.index,
        grid: req.grid,
        frames: req.frames
      })
      loaded.value = { ...req }
      frame.value = Math.min(frame.value, field.value.times.length - 1)
    } catch (err) {
      error.value = plainError(err)
    } finally {
      loading.value = false
    }
  }

  return { field, loaded, frame, loading, error, load }
})
