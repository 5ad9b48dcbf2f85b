import { describe, expect, it } from 'vitest'
import { LIGHT_CHART_THEME as T } from '@renderer/charts/common'
import { renderSvg } from '@renderer/charts/echarts-setup'
import { buildFieldMap } from '@renderer/charts/field-map'
import { smallField } from './fake-api'

describe('figure export', () => {
  it('the field-map SVG keeps every colour bar (field, difference, uncertainty)', () => {
    const size = { width: 860, height: 620 }
    const opt = buildFieldMap(smallField(), { frame: 0, quantity: 'speed', panels: ['truth', 'reconstruction', 'difference', 'uncertainty'], vectors: 'arrows', tracks: true, theme: T, size })
    const svg = renderSvg(opt, size.width, size.height)
    for (const label of ['speed (m/s)', 'difference', 'std (m/s)']) expect(svg).toContain(label)
    // one gradient per colour bar
    expect((svg.match(/<linearGradient/g) ?? []).length).toBeGreaterThanOrEqual(3)
  })
})
