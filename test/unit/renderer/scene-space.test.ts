import { describe, expect, it } from 'vitest'
import { fmt } from '@renderer/charts/common'
import { NONDIMENSIONAL_UNITS, PHYSICAL_UNITS } from '@shared/physical-units'
import { axisLabels, niceTicks, sceneSpace, toScene, tubeSpeedRange } from '@renderer/three/scene-space'

describe('3D axes', () => {
  it('nice ticks are round steps inside the range', () => {
    expect(niceTicks(0, 1, 5)).toEqual([0, 0.2, 0.4, 0.6, 0.8, 1])
    expect(niceTicks(0.05, 0.95, 4)).toEqual([0.2, 0.4, 0.6, 0.8])
    expect(niceTicks(3.1, 96.7, 4)).toEqual([20, 40, 60, 80])
    expect(niceTicks(-0.013, 0.013, 4)).toEqual([-0.01, -0.005, 0, 0.005, 0.01])
    expect(niceTicks(2, 2)).toEqual([2])
  })

  it('labels every axis with its ticks at the scene positions of their values, and titles them with units', () => {
    const view = { x: [0.05, 0.5, 0.95], y: [0.05, 0.5, 0.95], times: [0, 0.05, 0.1], trackTimes: [0, 0.1], units: NONDIMENSIONAL_UNITS }
    const s = sceneSpace(view)
    const labels = axisLabels(view, s, fmt)
    const titles = labels.filter((l) => l.title).map((l) => l.text)
    expect(titles).toEqual(['x (domain length)', 'y (domain length)', 'time (model time)'])
    const ticks = labels.filter((l) => !l.title)
    expect(ticks.map((l) => l.text)).toEqual(['0.2', '0.4', '0.6', '0.8', '0.2', '0.4', '0.6', '0.8', '0', '0.02', '0.04', '0.06', '0.08', '0.1'])
    // the x tick "0.6" sits where x = 0.6 is drawn; the time tick "0.1" at the top of the box
    expect(ticks[2].at[0]).toBeCloseTo(toScene(s, 0.6, 0.5, 0)[0], 12)
    expect(ticks[13].at[1]).toBeCloseTo(s.height, 12)
    const km = axisLabels({ ...view, x: view.x.map((x) => x * 100), y: view.y.map((y) => y * 100), units: PHYSICAL_UNITS }, sceneSpace({ ...view, x: view.x.map((x) => x * 100), y: view.y.map((y) => y * 100) }), fmt)
    expect(km.filter((l) => l.title)[0].text).toBe('x (km)')
    expect(km.filter((l) => !l.title)[0].text).toBe('20')
  })

  it('tube speeds: a path at constant speed 2 gives [2, 2]', () => {
    const track = [[0, 0], [0.2, 0], [0.4, 0], [0.6, 0]]
    expect(tubeSpeedRange({ tracks: [track], trackTimes: [0, 0.1, 0.2, 0.3] })).toEqual([expect.closeTo(2, 12), expect.closeTo(2, 12)])
  })
})
