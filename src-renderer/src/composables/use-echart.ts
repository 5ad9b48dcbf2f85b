/**
 * Binds an ECharts instance to an element: init, option updates, resize with the element, dispose on unmount,
 * and nothing while the view is kept alive but hidden.
 */
import { computed, onActivated, onBeforeUnmount, onDeactivated, onMounted, ref, shallowRef, watch } from 'vue'
import type { EChartsOption } from '@renderer/charts/common'
import type { ChartSize } from '@renderer/charts/heat-panels'
import { describeSeries, echarts } from '@renderer/charts/echarts-setup'

/**
 * @param source builds the option for the element's current pixel size (re-run when either changes).
 * Returns `el` to bind with `ref="el"` in the template, the chart instance, the current option and the size it is for.
 *
 * Why hidden views must not draw: a KeepAlive view's DOM is detached, and ECharts then reads a detached
 * element's computed style (empty) — its tooltip sets `position: relative` inline on the chart element, which
 * collapses an absolutely placed chart to 0 px height for good. So while deactivated no option is applied and
 * no size is measured; on activation the latest option is applied to the measured element.
 */
export function useEChart(source: (size: ChartSize) => EChartsOption | null) {
  const el = ref<HTMLElement | null>(null)
  const chart = shallowRef<echarts.ECharts | null>(null)
  const size = ref<ChartSize>({ width: 900, height: 460 })
  const option = computed(() => source(size.value))
  const active = ref(true)
  /** The option last given to ECharts (null: cleared); undefined when the chart must be redrawn. */
  let applied: EChartsOption | null | undefined
  let observer: ResizeObserver | null = null

  function apply(opt: EChartsOption | null): void {
    const node = el.value
    if (!node || !chart.value || !active.value) return
    applied = opt
    if (!opt) {
      chart.value.clear()
      node.dataset.series = '[]'
      return
    }
    // notMerge: a new option replaces the old one entirely (series may disappear between updates)
    chart.value.setOption(opt, { notMerge: true, lazyUpdate: true })
    node.dataset.series = JSON.stringify(describeSeries(opt))
  }

  function measure(): void {
    const node = el.value
    // hidden or detached views report 0 × 0: keep the last real size
    if (!node || !active.value || node.clientWidth === 0 || node.clientHeight === 0) return
    if (node.clientWidth !== size.value.width || node.clientHeight !== size.value.height) {
      size.value = { width: node.clientWidth, height: node.clientHeight }
    }
    chart.value?.resize()
  }

  onMounted(() => {
    if (!el.value) return
    chart.value = echarts.init(el.value, null, { renderer: 'canvas' })
    measure()
    apply(option.value)
    if (typeof ResizeObserver !== 'undefined') {
      observer = new ResizeObserver(measure)
      observer.observe(el.value)
    }
  })

  onDeactivated(() => (active.value = false))
  onActivated(() => {
    active.value = true
    measure()
    if (applied !== option.value) apply(option.value)
  })

  // the option changes with data, settings or size; apply each new one (deferred while hidden)
  watch(option, (opt) => apply(opt))

  onBeforeUnmount(() => {
    observer?.disconnect()
    chart.value?.dispose()
    chart.value = null
  })

  /** PNG data URL of the chart as shown (2× pixel ratio for print). */
  function toPng(background: string): string | null {
    return chart.value?.getDataURL({ type: 'png', pixelRatio: 2, backgroundColor: background }) ?? null
  }

  return { el, chart, option, size, toPng }
}
