/** Binds an ECharts instance to an element: init, option updates, resize with the element, dispose on unmount. */
import { computed, onBeforeUnmount, onMounted, ref, shallowRef, watch } from 'vue'
import type { EChartsOption } from '@renderer/charts/common'
import type { ChartSize } from '@renderer/charts/heat-panels'
import { describeSeries, echarts } from '@renderer/charts/echarts-setup'

/**
 * @param source builds the option for the element's current pixel size (re-run when either changes).
 * Returns `el` to bind with `ref="el"` in the template, the chart instance and the current option.
 */
export function useEChart(source: (size: ChartSize) => EChartsOption | null) {
  const el = ref<HTMLElement | null>(null)
  const chart = shallowRef<echarts.ECharts | null>(null)
  const size = ref<ChartSize>({ width: 900, height: 460 })
  const option = computed(() => source(size.value))
  let observer: ResizeObserver | null = null

  function apply(opt: EChartsOption | null): void {
    const node = el.value
    if (!node || !chart.value) return
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
    // hidden views report 0 × 0: keep the last real size
    if (!node || node.clientWidth === 0 || node.clientHeight === 0) return
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

  // the option changes with data, settings or size; apply each new one
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

  return { el, chart, option, toPng }
}
