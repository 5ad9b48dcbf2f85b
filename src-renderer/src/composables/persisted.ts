/**
 * A ref kept in localStorage, so that a reload or a view switch loses nothing: form values, the last run,
 * comparisons, what was explored. Stored values are merged over the defaults (new fields get their default)
 * and a corrupt or foreign entry falls back to the default instead of stopping the app.
 */
import { ref, watch, type Ref } from 'vue'

export const STATE_PREFIX = 'driftclip.state.v1.'

function read<T>(key: string, initial: T): T {
  try {
    const raw = localStorage.getItem(STATE_PREFIX + key)
    if (raw === null) return initial
    const saved = JSON.parse(raw) as unknown
    const isObject = (v: unknown): v is Record<string, unknown> => typeof v === 'object' && v !== null && !Array.isArray(v)
    if (isObject(initial)) return isObject(saved) ? ({ ...initial, ...saved } as T) : initial
    if (initial === null || saved === null) return saved as T
    return typeof saved === typeof initial && Array.isArray(saved) === Array.isArray(initial) ? (saved as T) : initial
  } catch {
    return initial
  }
}

/** @param delayMs writes are batched this long (large values such as curves change many times a second). */
export function persisted<T>(key: string, initial: T, delayMs = 0): Ref<T> {
  const value = ref(read(key, initial)) as Ref<T>
  let timer: ReturnType<typeof setTimeout> | undefined
  const write = () => {
    clearTimeout(timer)
    timer = undefined
    try {
      localStorage.setItem(STATE_PREFIX + key, JSON.stringify(value.value))
    } catch {
      // storage full or unavailable: the app keeps working with what is in memory
    }
  }
  // a batched write must not be lost when the page goes away (reload, close)
  if (delayMs && typeof window !== 'undefined') window.addEventListener('pagehide', () => timer !== undefined && write())
  watch(
    value,
    () => {
      if (!delayMs) return write()
      clearTimeout(timer)
      timer = setTimeout(write, delayMs)
    },
    { deep: true, flush: 'sync' }
  )
  return value
}
