/** The chart colours for the current UI theme. */
import { computed } from 'vue'
import { DARK_CHART_THEME, LIGHT_CHART_THEME, type ChartTheme } from '@renderer/charts/common'
import { useSettingsStore } from '@renderer/stores/settings-store'

export function useChartTheme() {
  const settings = useSettingsStore()
  return computed<ChartTheme>(() => (settings.theme === 'dark' ? DARK_CHART_THEME : LIGHT_CHART_THEME))
}
