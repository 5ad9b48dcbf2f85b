/** The one place ECharts is assembled from modules (keeps the bundle small): charts, components, renderers. */
import * as echarts from 'echarts/core'
import { BarChart, CustomChart, LineChart, LinesChart, ScatterChart } from 'echarts/charts'
import {
  GeoComponent,
  GridComponent,
  LegendComponent,
  MarkLineComponent,
  TitleComponent,
  TooltipComponent,
  VisualMapContinuousComponent
} from 'echarts/components'
import { CanvasRenderer, SVGRenderer } from 'echarts/renderers'
// without this feature every `labelLayout` (the drifter ids' hideOverlap / moveOverlap) is silently ignored
import { LabelLayout } from 'echarts/features'
import type { EChartsOption } from './common'

echarts.use([
  BarChart,
  CustomChart,
  LineChart,
  LinesChart,
  ScatterChart,
  GeoComponent,
  GridComponent,
  LegendComponent,
  MarkLineComponent,
  TitleComponent,
  TooltipComponent,
  VisualMapContinuousComponent,
  CanvasRenderer,
  SVGRenderer,
  LabelLayout
])

export { echarts }

/** Render an option to SVG markup without a DOM (ECharts server-side rendering), for figure export. */
export function renderSvg(option: EChartsOption, width: number, height: number): string {
  const chart = echarts.init(null, null, { renderer: 'svg', ssr: true, width, height })
  try {
    chart.setOption({ ...option, animation: false })
    return chart.renderToSVGString()
  } finally {
    chart.dispose()
  }
}

/** Names, types and point counts of an option's series: written to `data-series` for tests and tooling. */
export function describeSeries(option: EChartsOption): { id: string; name: string; type: string; points: number }[] {
  const series = Array.isArray(option.series) ? option.series : option.series ? [option.series] : []
  return series.map((s) => {
    const o = s as { id?: unknown; name?: unknown; type?: unknown; data?: unknown }
    return { id: String(o.id ?? ''), name: String(o.name ?? ''), type: String(o.type ?? ''), points: Array.isArray(o.data) ? o.data.length : 0 }
  })
}
