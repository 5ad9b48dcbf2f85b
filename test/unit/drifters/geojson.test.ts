import { describe, expect, it } from 'vitest'
import { readDrifterFile } from '../../../src-main/engine/data/drifters/read'
import { bytes } from './fixtures'

const T0 = Date.UTC(2020, 0, 1) / 1000

describe('GeoJSON drifter files', () => {
  it('LineStrings with properties.times or coordinateProperties.times ([lon, lat] order)', async () => {
    const fc = {
      type: 'FeatureCollection',
      features: [
        { type: 'Feature', properties: { id: 'a', times: ['2020-01-01T00:00:00Z', '2020-01-01T01:00:00Z'] }, geometry: { type: 'LineString', coordinates: [[10, 50], [11, 51]] } },
        { type: 'Feature', id: 'b', properties: { coordinateProperties: { times: [T0 * 1000, (T0 + 60) * 1000] } }, geometry: { type: 'LineString', coordinates: [[-170, 0], [190, 1]] } }
      ]
    }
    const t = await readDrifterFile('tracks.geojson', bytes(JSON.stringify(fc)))
    expect(t.format).toBe('geojson')
    expect(t.drifters.map((d) => d.id)).toEqual(['a', 'b'])
    expect(Array.from(t.drifters[0].lat)).toEqual([50, 51])
    expect(Array.from(t.drifters[0].lon)).toEqual([10, 11])
    expect(Array.from(t.drifters[1].time)).toEqual([T0, T0 + 60])
    expect(Array.from(t.drifters[1].lon)).toEqual([-170, -170])
  })

  it('Point features with a time and an id property are grouped into tracks', async () => {
    const point = (id: string, time: string, lon: number, lat: number) => ({ type: 'Feature', properties: { platform_code: id, time }, geometry: { type: 'Point', coordinates: [lon, lat] } })
    const fc = { type: 'FeatureCollection', features: [point('p', '2020-01-01T00:00:00Z', 1, 2), point('q', '2020-01-01T00:00:00Z', 5, 6), point('p', '2020-01-01T06:00:00Z', 1.5, 2.5), point('q', '2020-01-01T01:00:00Z', 5, 6.5)] }
    const t = await readDrifterFile('points.json', bytes(JSON.stringify(fc)))
    expect(t.drifters.map((d) => [d.id, Array.from(d.lat)])).toEqual([['p', [2, 2.5]], ['q', [6, 6.5]]])
    expect(Array.from(t.drifters[0].time)).toEqual([T0, T0 + 21600])
  })
})
