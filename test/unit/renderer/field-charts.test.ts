import { describe, expect, it } from 'vitest'
import { LIGHT_CHART_THEME as T } from '@renderer/charts/common'
import { availablePanels, decimatedArrows, frameScalar, panelValues } from '@renderer/charts/field-data'
import { colorLimits, percentile, visualValue } from '@renderer/charts/color-limits'
import { sampleColormap } from '@renderer/charts/colormaps'
import { buildFieldMap, quantityUnit } from '@renderer/charts/field-map'
import { buildSmallMultiples } from '@renderer/charts/small-multiples'
import { smallField } from './fake-api'

type S = { id: string; name: string; type: string; data: number[][] }

describe('field data', () => {
  const view = smallField()
  it('speed is |(u, v)| and the difference is reconstruction − truth', () => {
    expect(frameScalar(view.truth, 'speed', 0)).toEqual([5, 5, 5, 5])
    expect(panelValues(view, 'difference', 'speed', 1)).toEqual([-2, -2, -2, -2])
    expect(panelValues(view, 'uncertainty', 'speed', 0)).toEqual([0.1, 0.2, 0.3, 0.4])
    expect(availablePanels(view)).toEqual(['truth', 'reconstruction', 'difference', 'uncertainty'])
    expect(availablePanels({ ...view, reconstruction: undefined, uncertainty: undefined })).toEqual(['truth'])
    expect(panelValues({ ...view, reconstruction: undefined }, 'reconstruction', 'speed', 0)).toBeNull()
  })
  it('colour limits: robust 2–98 %, full, symmetric for signed data, log, manual; clamped with the clipping flagged', () => {
    const values = Array.from({ length: 101 }, (_, i) => i) // 0 … 100: the p-th percentile is p
    expect(percentile(values, 2)).toBe(2)
    expect(percentile([0, 10], 25)).toBe(2.5)
    expect(colorLimits(values, 'robust', false)).toEqual({ min: 2, max: 98, log: false, clippedLow: true, clippedHigh: true })
    expect(colorLimits(values, 'full', false)).toMatchObject({ min: 0, max: 100, clippedLow: false, clippedHigh: false })
    expect(colorLimits([-3, 1, 2], 'full', true)).toMatchObject({ min: -3, max: 3 })
    expect(colorLimits(values, 'manual', false, { min: 10, max: 20 })).toMatchObject({ min: 10, max: 20 })
    // log ignores values ≤ 0 and colours by log10; a bad manual range falls back to the automatic one
    const log = colorLimits([0, 1, 10, 100, 1000], 'log', false)
    expect(log.log).toBe(true)
    expect(log.min).toBeGreaterThan(1)
    expect(visualValue(100, log)).toBeCloseTo(2)
    expect(visualValue(0, log)).toBeCloseTo(Math.log10(log.min))
    expect(colorLimits(values, 'manual', false, { min: 5, max: 5 })).toMatchObject({ min: 0, max: 100 })
    // a constant field still gets a usable range
    const flat = colorLimits([4, 4], 'robust', false)
    expect(flat.min).toBeLessThan(4)
    expect(flat.max).toBeGreaterThan(4)
    expect(visualValue(150, colorLimits(values, 'robust', false))).toBe(98)
  })
  it('arrows keep direction and the longest spans 0.9 of a cell', () => {
    const arrows = decimatedArrows([0, 1], [0, 1], [3, 0, 0, 0], [4, 1, 0, 0])
    expect(arrows).toHaveLength(4)
    const [x, y, dx, dy] = arrows[0]
    expect([x, y]).toEqual([0, 0])
    expect(Math.hypot(dx, dy)).toBeCloseTo(0.9)
    expect(dy / dx).toBeCloseTo(4 / 3)
    expect(decimatedArrows([0, 1], [0, 1], [0, 0, 0, 0], [0, 0, 0, 0])).toEqual([])
  })
})

describe('field map option', () => {
  const view = smallField()
  it('holds a heat series per panel, arrows, tracks and start/end markers', () => {
    const o = buildFieldMap(view, { frame: 1, quantity: 'speed', panels: ['truth', 'reconstruction', 'difference', 'uncertainty'], vectors: 'arrows', tracks: true, theme: T })
    const s = o.series as S[]
    const ids = s.map((x) => x.id)
    for (const p of ['truth', 'reconstruction', 'difference', 'uncertainty']) expect(ids).toContain(`${p}-heat`)
    expect(ids).toContain('truth-arrows')
    expect(ids).toContain('reconstruction-arrows')
    expect(ids).not.toContain('difference-arrows')
    expect(ids).toContain('truth-start')
    const heat = s.find((x) => x.id === 'truth-heat')!
    // [x, y, value, coloured-by value (clamped into the limits)]
    expect(heat.data).toEqual([[0.25, 0.25, 5, 5], [0.75, 0.25, 5, 5], [0.25, 0.75, 5, 5], [0.75, 0.75, 5, 5]])
    expect(s.find((x) => x.id === 'truth-end')!.data).toEqual([[0.4, 0.5]])
    // the hover read-out names the units of position and value
    const tip = (heat as unknown as { tooltip: { formatter: (q: { value: number[] }) => string } }).tooltip.formatter({ value: [0.25, 0.75, 5, 5] })
    expect(tip).toBe('truth<br/>x 0.25, y 0.75 m<br/><b>5 m/s</b>')
  })
  it('truth and reconstruction share one colour bar; difference and uncertainty have their own', () => {
    const o = buildFieldMap(view, { frame: 0, quantity: 'speed', panels: ['truth', 'reconstruction', 'difference', 'uncertainty'], vectors: 'none', tracks: false, theme: T })
    const vm = o.visualMap as { id: string; seriesIndex: number[]; min: number; max: number }[]
    expect(vm.map((v) => v.id)).toEqual(['field', 'difference', 'uncertainty'])
    expect(vm[0].seriesIndex).toEqual([0, 1])
    expect([vm[0].min, vm[0].max]).toEqual([3, 5])
    expect([vm[1].min, vm[1].max]).toEqual([-2, 2])
  })
  it('plot control: separate scales on request, a chosen colormap, manual limits and a log scale labelled as such', () => {
    const panels = ['truth', 'reconstruction'] as const
    const own = buildFieldMap(view, { frame: 0, quantity: 'speed', panels, vectors: 'none', tracks: false, theme: T, color: { mode: 'full', colormap: 'thermal', shared: false } })
    // each field is constant here (speed 5 and 3): a flat field gets a range of ±50 % around its value
    const vm = own.visualMap as { id: string; min: number; max: number; inRange: { color: string[] } }[]
    expect(vm.map((v) => [v.id, v.min, v.max])).toEqual([['truth', 2.5, 7.5], ['reconstruction', 1.5, 4.5]])
    expect(vm[0].inRange.color[0]).toBe(sampleColormap('thermal', 32)[0])
    const manual = buildFieldMap(view, { frame: 0, quantity: 'speed', panels, vectors: 'none', tracks: false, theme: T, color: { mode: 'manual', min: 0, max: 4, colormap: 'auto', shared: true } })
    const m = (manual.visualMap as { min: number; max: number; text: string[] }[])[0]
    expect([m.min, m.max, m.text[0]]).toEqual([0, 4, '≥ 4'])
    const log = buildFieldMap(view, { frame: 0, quantity: 'speed', panels, vectors: 'none', tracks: false, theme: T, color: { mode: 'log', colormap: 'auto', shared: true } })
    const lv = (log.visualMap as { min: number; max: number }[])[0]
    expect([lv.min, lv.max]).toEqual([Math.log10(3), Math.log10(5)])
    expect(JSON.stringify(log.title)).toContain('log scale')
    // vorticity gets the curl map by default
    const vort = buildFieldMap(view, { frame: 0, quantity: 'vorticity', panels: ['truth'], vectors: 'none', tracks: false, theme: T })
    expect((vort.visualMap as { inRange: { color: string[] } }[])[0].inRange.color).toEqual(sampleColormap('curl', 32))
  })
  it('shows only tracks up to the frame time, and titles name time and unit', () => {
    const o = buildFieldMap(view, { frame: 0, quantity: 'vorticity', panels: ['truth'], vectors: 'none', tracks: true, theme: T })
    const track = (o.series as S[]).find((x) => x.id === 'truth-track-0')!
    expect(track.data).toHaveLength(2)
    expect(quantityUnit(view, 'vorticity')).toBe('1/s')
    const titles = o.title as { text: string }[]
    expect(titles[0].text).toBe('vorticity at t = 0 s')
  })
  it('small multiples: truth plus one panel per variant on one speed scale', () => {
    const o = buildSmallMultiples([{ label: 'cond', view }, { label: 'joint', view }], { frames: [0], show: 'reconstruction', theme: T })!
    const heats = (o.series as S[]).filter((x) => x.id.endsWith('-heat'))
    expect(heats.map((h) => h.name)).toEqual(['truth', 'cond', 'joint'])
    const vm = o.visualMap as { seriesIndex: number[]; min: number; max: number }[]
    expect(vm).toHaveLength(1)
    expect([vm[0].min, vm[0].max]).toEqual([0, 5])
    expect(buildSmallMultiples([], { frames: [0], show: 'reconstruction', theme: T })).toBeNull()
  })
  it('small multiples: one row per frame, and difference panels on their own symmetric scale', () => {
    const o = buildSmallMultiples([{ label: 'cond', view }], { frames: [0, 1, 1, 9], show: 'difference', theme: T, size: { width: 900, height: 700 } })!
    const heats = (o.series as S[]).filter((x) => x.id.endsWith('-heat'))
    // frames 0 and 1 (duplicates and out-of-range clamped away), truth then the variant's error in each row
    expect(heats.map((h) => h.id)).toEqual(['truth-heat', 'variant-0-diff-heat', 'truth-f1-heat', 'variant-0-diff-f1-heat'])
    expect(heats[1].data[0][2]).toBe(-2)
    const vm = o.visualMap as { id: string; min: number; max: number }[]
    expect(vm.map((v) => [v.id, v.min, v.max])).toEqual([['speed', 0, 7.5], ['difference', -2, 2]]) // the truth alone is flat (5): ±50 %
    // two columns: the second row starts below the first
    const grids = o.grid as { left: number; top: number }[]
    expect(grids[2].left).toBe(grids[0].left)
    expect(grids[2].top).toBeGreaterThan(grids[0].top)
  })
})
