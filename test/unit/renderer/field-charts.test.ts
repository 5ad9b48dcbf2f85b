import { describe, expect, it } from 'vitest'
import { LIGHT_CHART_THEME as T } from '@renderer/charts/common'
import { availablePanels, decimatedArrows, frameScalar, panelRange, panelValues } from '@renderer/charts/field-data'
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
  it('ranges span every frame; signed quantities are symmetric about zero', () => {
    expect(panelRange(view, ['truth', 'reconstruction'], 'speed', false)).toEqual([3, 5])
    expect(panelRange(view, ['truth'], 'psi', true)).toEqual([-2, 2])
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
    expect(heat.data).toEqual([[0.25, 0.25, 5], [0.75, 0.25, 5], [0.25, 0.75, 5], [0.75, 0.75, 5]])
    expect(s.find((x) => x.id === 'truth-end')!.data).toEqual([[0.4, 0.5]])
  })
  it('truth and reconstruction share one colour bar; difference and uncertainty have their own', () => {
    const o = buildFieldMap(view, { frame: 0, quantity: 'speed', panels: ['truth', 'reconstruction', 'difference', 'uncertainty'], vectors: 'none', tracks: false, theme: T })
    const vm = o.visualMap as { id: string; seriesIndex: number[]; min: number; max: number }[]
    expect(vm.map((v) => v.id)).toEqual(['field', 'difference', 'uncertainty'])
    expect(vm[0].seriesIndex).toEqual([0, 1])
    expect([vm[0].min, vm[0].max]).toEqual([3, 5])
    expect([vm[1].min, vm[1].max]).toEqual([-2, 2])
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
    const o = buildSmallMultiples([{ label: 'cond', view }, { label: 'joint', view }], 0, T)!
    const heats = (o.series as S[]).filter((x) => x.id.endsWith('-heat'))
    expect(heats.map((h) => h.name)).toEqual(['truth', 'cond', 'joint'])
    const vm = o.visualMap as { seriesIndex: number[]; max: number }[]
    expect(vm).toHaveLength(1)
    expect(vm[0].max).toBe(5)
    expect(buildSmallMultiples([], 0, T)).toBeNull()
  })
})
