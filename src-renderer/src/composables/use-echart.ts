/** Binds an ECharts instance to an element: init, option updates, resize with the element, dispose on unmount. */
import { onBeforeUnmount, onMounted, ref, shallowRef, watch, type Ref } from 'vue'
import type { EChartsOption } from '@renderer/charts/common'
import { describeSeries, echarts } from '@renderer/charts/echarts-setup'

/** Returns `el` to bind with `ref="el"` in the template, and the chart instance. */
export function useEChart(option: Ref<EChartsOption | null>) {
  const el = ref<HTMLElement | null>(null)
  const chart = shallowRef<echarts.ECharts | null>(null)
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

  onMounted(() => {
    if (!el.value) return
    chart.value = echarts.init(el.value, null, { renderer: 'canvas' })
    apply(option.value)
    if (typeof ResizeObserver !== 'undefined') {
      // plots follow the window and the panel sizes; hidden views report 0 and are skipped
      observer = new ResizeObserver(() => {
        if (el.value && el.value.clientWidth > 0) chart.value?.resize()
      })
      observer.observe(el.value)
    }
  })

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

  return { el, chart, toPng }
}
