/**
 * The field being explored (truth, reconstruction, uncertainty) for one test case, shared by the 2D and 3D views.
 * What was asked for is kept across reloads, and the field is fetched again from the engine on start.
 */
import { defineStore } from 'pinia'
import { FIELD_DEFAULTS } from '@shared/limits'
import { ref, shallowRef } from 'vue'
import type { FieldView } from '@shared/views'
import { api } from '@renderer/bridge'
import { persisted } from '@renderer/composables/persisted'
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
  /** The form: test case, grid and frame counts. */
  const request = persisted('explore.request', { index: 0, ...FIELD_DEFAULTS.explore })
  const loaded = persisted<FieldRequest | null>('explore.loaded', null)
  const frame = persisted('explore.frame', 0)
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

  /** After a reload: fetch the field that was on screen (quietly forgotten when its files are gone). */
  async function restore(): Promise<void> {
    const req = loaded.value
    if (!req || field.value) return
    await load(req)
    if (error.value) {
      error.value = null
      loaded.value = null
    }
  }

  return { field, request, loaded, frame, loading, error, load, restore }
})
