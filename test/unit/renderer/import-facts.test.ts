import { describe, expect, it } from 'vitest'
import type { ImportSummary } from '@shared/drifters'
import { extentText, gapsText, importFacts, samplingText } from '@renderer/components/import-facts'

const base: ImportSummary = {
  file: 'kiel.csv', format: 'csv', drifters: 2, points: 10, timeStart: '2023-04-24T08:00:00Z', timeEnd: '2023-04-25T08:00:00Z', units: {}, problems: []
}

describe('import summary facts', () => {
  it('sampling: one interval when the drifters agree, median and range when not', () => {
    expect(samplingText([60, 60])).toBe('every 1 min')
    expect(samplingText([600, 3600, 6 * 3600])).toBe('median 1 h (10 min – 6 h across drifters)')
    expect(samplingText([NaN])).toBe('not known (fewer than 2 fixes per drifter)')
  })

  it('extent in degrees with its size in km', () => {
    expect(extentText({ latMin: 54.31, latMax: 54.87, lonMin: 10.19, lonMax: 12.16 })).toBe('54.31°N – 54.87°N, 10.19°E – 12.16°E (127 × 62 km)')
  })

  it('gaps: none, or how many, in how many drifters, and the longest with when it began', () => {
    const quality = [
      { id: 'D298', samplingSeconds: 60, gaps: [{ start: '2023-04-25T10:00:00Z', end: '2023-04-25T15:12:00Z', hours: 5.2 }], stationary: [] },
      { id: 'D299', samplingSeconds: 60, gaps: [{ start: '2023-04-26T01:00:00Z', end: '2023-04-26T02:00:00Z', hours: 1 }], stationary: [] }
    ]
    expect(gapsText({ ...base, quality })).toBe('2 in 2 drifters; longest 5.2 h (D298 from 2023-04-25 10:00 UTC)')
    expect(gapsText({ ...base, quality: [{ ...quality[0], gaps: [] }] })).toBe('none')
    expect(gapsText(base)).toBe('not checked')
  })

  it('variables kept and ignored, or that the importer did not report them', () => {
    expect(importFacts({ ...base, variables: { kept: ['id', 'time', 'lat', 'lon', 'sst'], ignored: [] } })).toMatchObject({ kept: 'id, time, lat, lon, sst', ignored: 'none' })
    expect(importFacts({ ...base, variables: { kept: ['id'], ignored: ['depth_levels'] } }).ignored).toBe('depth_levels')
    expect(importFacts(base)).toMatchObject({ kept: 'not reported', extent: 'not reported' })
  })
})

describe('the import summary card', () => {
  it('states sampling, extent, gaps and variables, with a row per drifter', async () => {
    const { mount } = await import('@vue/test-utils')
    const Card = (await import('@renderer/components/ImportSummaryCard.vue')).default
    const summary: ImportSummary = {
      ...base,
      extent: { latMin: 54.31, latMax: 54.87, lonMin: 10.19, lonMax: 12.16 },
      variables: { kept: ['id', 'time', 'lat', 'lon'], ignored: ['depth_levels'] },
      perDrifter: [{ id: 'D298', points: 5, timeStart: '2023-04-24T08:00:00Z', timeEnd: '2023-04-24T08:04:00Z', velocity: false, samplingSeconds: 60, gaps: 0 }],
      quality: [{ id: 'D298', samplingSeconds: 60, gaps: [], stationary: [] }]
    }
    const w = mount(Card, { props: { summary } })
    const text = (id: string) => w.get(`[data-testid="${id}"]`).text()
    expect(text('import-sampling')).toBe('every 1 min')
    expect(text('import-extent')).toBe('54.31°N – 54.87°N, 10.19°E – 12.16°E (127 × 62 km)')
    expect(text('import-gaps')).toBe('none')
    expect(text('import-kept')).toBe('id, time, lat, lon')
    expect(text('import-ignored')).toBe('depth_levels')
    expect(w.get('details table tbody').text()).toContain('D298')
    expect(w.text()).toContain('No problems found.')
  })
})
