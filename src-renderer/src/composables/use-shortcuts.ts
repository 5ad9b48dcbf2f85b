/** Global keyboard shortcuts: Alt+1…9 switch views, Alt+T toggles the theme. */
import { onBeforeUnmount, onMounted } from 'vue'
import { VIEWS, useSettingsStore } from '@renderer/stores/settings-store'

/** The view index (0-based) an Alt+digit key event asks for, or -1. */
export function viewIndexForKey(e: Pick<KeyboardEvent, 'altKey' | 'ctrlKey' | 'metaKey' | 'code' | 'key'>): number {
  if (!e.altKey || e.ctrlKey || e.metaKey) return -1
  // `code` is layout-independent (Alt+digit may produce other characters on some keyboards)
  const m = /^Digit([1-9])$/.exec(e.code) ?? /^([1-9])$/.exec(e.key)
  return m ? Number(m[1]) - 1 : -1
}

export function useShortcuts(): void {
  const settings = useSettingsStore()
  function onKey(e: KeyboardEvent): void {
    const i = viewIndexForKey(e)
    if (i >= 0 && i < VIEWS.length) {
      settings.view = VIEWS[i].id
      e.preventDefault()
    } else if (e.altKey && !e.ctrlKey && (e.code === 'KeyT' || e.key === 't')) {
      settings.toggleTheme()
      e.preventDefault()
    }
  }
  onMounted(() => window.addEventListener('keydown', onKey))
  onBeforeUnmount(() => window.removeEventListener('keydown', onKey))
}
