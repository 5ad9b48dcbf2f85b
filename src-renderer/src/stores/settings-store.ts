/** UI settings persisted in localStorage between launches: theme, current view, recent files, last forms. */
import { defineStore } from 'pinia'
import { ref, watch } from 'vue'

export type ViewId = 'data' | 'train' | 'compare' | 'explore2d' | 'explore3d' | 'export' | 'assimilate'
export type ThemeName = 'light' | 'dark'

/** The six views in navigation order (Alt+1 … Alt+6). */
export const VIEWS: readonly { id: ViewId; label: string }[] = [
  { id: 'data', label: 'Data' },
  { id: 'train', label: 'Train' },
  { id: 'compare', label: 'Compare' },
  { id: 'explore2d', label: 'Explore 2D' },
  { id: 'explore3d', label: 'Explore 3D' },
  { id: 'export', label: 'Export' },
  { id: 'assimilate', label: 'Assimilate' }
]

export const SETTINGS_KEY = 'driftclip.settings.v1'
const MAX_RECENT = 8

interface Persisted {
  theme: ThemeName
  view: ViewId
  recent: string[]
}

function systemTheme(): ThemeName {
  return typeof window !== 'undefined' && window.matchMedia?.('(prefers-color-scheme: dark)').matches ? 'dark' : 'light'
}

/** The stored settings, each field still unchecked (the entry may be old, edited or corrupt). */
function load(): { [K in keyof Persisted]?: unknown } {
  try {
    const raw = localStorage.getItem(SETTINGS_KEY)
    const parsed: unknown = raw ? JSON.parse(raw) : {}
    return typeof parsed === 'object' && parsed ? parsed : {}
  } catch {
    // a corrupt entry must never stop the app from starting
    return {}
  }
}

const isViewId = (v: unknown): v is ViewId => VIEWS.some((view) => view.id === v)

export const useSettingsStore = defineStore('settings', () => {
  const saved = load()
  const theme = ref<ThemeName>(saved.theme === 'dark' || saved.theme === 'light' ? saved.theme : systemTheme())
  const view = ref<ViewId>(isViewId(saved.view) ? saved.view : 'data')
  const recent = ref<string[]>(Array.isArray(saved.recent) ? saved.recent.filter((r): r is string => typeof r === 'string').slice(0, MAX_RECENT) : [])

  watch(
    [theme, view, recent],
    () => {
      const data: Persisted = { theme: theme.value, view: view.value, recent: recent.value }
      localStorage.setItem(SETTINGS_KEY, JSON.stringify(data))
    },
    { deep: true, flush: 'sync' }
  )

  function toggleTheme(): void {
    theme.value = theme.value === 'dark' ? 'light' : 'dark'
  }

  /** Move a workspace path to the front of the recent list. */
  function addRecent(path: string): void {
    recent.value = [path, ...recent.value.filter((p) => p !== path)].slice(0, MAX_RECENT)
  }

  return { theme, view, recent, toggleTheme, addRecent }
})
