/** GeoJSON drifter tracks → DrifterTracks: LineStrings with a per-vertex times array, or time-stamped Points grouped by id. */
import type { ImportProblem } from '../../../shared/drifters'
import { assembleTracks } from './assemble'
import { importError } from './errors'
import { parseDateTime } from './time'
import type { DrifterTracks } from './types'

type Json = null | boolean | number | string | Json[] | { [k: string]: Json }
type JsonObject = { [k: string]: Json }

const isObject = (x: Json | undefined): x is JsonObject => typeof x === 'object' && x !== null && !Array.isArray(x)
const ID_KEYS = ['id', 'ID', 'drifter', 'drifter_id', 'platform_code', 'trajectory', 'name']
const TIMES_KEYS = ['times', 'coordTimes', 'datetimes', 'timestamps', 'time']
const TIME_KEYS = ['time', 'datetime', 'timestamp', 'date', 'TIME']

/** A time value: ISO text, or a number (milliseconds when above 1e11, else seconds since 1970). */
function toSeconds(value: Json | undefined): number {
  if (typeof value === 'number') return Math.abs(value) > 1e11 ? value / 1000 : value
  if (typeof value === 'string') return parseDateTime(value)
  return NaN
}

function featureId(f: JsonObject, props: JsonObject, index: number): string {
  for (const k of ID_KEYS) {
    const v = props[k]
    if (typeof v === 'string' || typeof v === 'number') return String(v)
  }
  if (typeof f.id === 'string' || typeof f.id === 'number') return String(f.id)
  return `feature-${index}`
}

function lineTimes(props: JsonObject): Json[] | undefined {
  for (const k of TIMES_KEYS) if (Array.isArray(props[k])) return props[k] as Json[]
  const cp = props.coordinateProperties
  if (isObject(cp)) for (const k of TIMES_KEYS) if (Array.isArray(cp[k])) return cp[k] as Json[]
  return undefined
}

/** Read a GeoJSON FeatureCollection / Feature of drifter tracks. */
export function readDrifterGeojson(file: string, text: string): DrifterTracks {
  let root: Json
  try {
    root = JSON.parse(text) as Json
  } catch (err) {
    // A parse error at the very end of the text means the file was cut off.
    const position = /at position (\d+)/.exec((err as Error).message)
    const truncated = /end of (JSON )?input|Unterminated/i.test((err as Error).message) || (position !== null && Number(position[1]) >= text.trimEnd().length)
    throw importError(file, 'file', `not valid JSON (${(err as Error).message})${truncated ? ': the file looks truncated' : ''}`, truncated ? 'download or export the file again' : 'check the file is GeoJSON')
  }
  const features: Json[] = isObject(root) && root.type === 'FeatureCollection' && Array.isArray(root.features) ? root.features : isObject(root) && root.type === 'Feature' ? [root] : []
  if (features.length === 0) throw importError(file, 'file', 'no GeoJSON features found', 'give a FeatureCollection of LineString features with properties.times, or of Point features with time and id properties')
  const ids: string[] = []
  const time: number[] = []
  const lat: number[] = []
  const lon: number[] = []
  const whereOf: string[] = []
  features.forEach((f, index) => {
    if (!isObject(f) || !isObject(f.geometry)) throw importError(file, `feature ${index}`, 'has no geometry', 'give each feature a Point or LineString geometry')
    const props = isObject(f.properties) ? f.properties : {}
    const id = featureId(f, props, index)
    const g = f.geometry
    const coords = g.coordinates
    if (g.type === 'Point' && Array.isArray(coords)) {
      const t = TIME_KEYS.map((k) => props[k]).find((v) => v !== undefined)
      if (t === undefined) throw importError(file, `feature ${index} (id ${id})`, 'a Point without a time property', 'add properties.time (ISO-8601 UTC)')
      push(coords, t, `feature ${index}`)
    } else if ((g.type === 'LineString' || g.type === 'MultiLineString') && Array.isArray(coords)) {
      const vertices = (g.type === 'MultiLineString' ? coords.flat(1) : coords) as Json[]
      const times = lineTimes(props)
      if (!times) throw importError(file, `feature ${index} (id ${id})`, 'a LineString without times', 'add properties.times: one ISO-8601 time per vertex')
      if (times.length !== vertices.length)
        throw importError(file, `feature ${index} (id ${id})`, `${vertices.length} vertices but ${times.length} times`, 'give exactly one time per vertex')
      vertices.forEach((c, k) => push(c, times[k], `feature ${index} vertex ${k}`))
    } else throw importError(file, `feature ${index} (id ${id})`, `geometry type ${String(g.type)} is not a track`, 'use Point or LineString features')

    function push(c: Json, t: Json | undefined, where: string) {
      if (!Array.isArray(c) || typeof c[0] !== 'number' || typeof c[1] !== 'number') throw importError(file, where, 'coordinates are not [longitude, latitude] numbers', 'write positions as [lon, lat]')
      const s = toSeconds(t)
      if (!Number.isFinite(s)) throw importError(file, where, `time ${JSON.stringify(t)} is not a date-time`, 'write times as ISO-8601 UTC, e.g. 2019-06-04T05:00:00Z')
      ids.push(id)
      time.push(s)
      lon.push(c[0])
      lat.push(c[1])
      whereOf.push(where)
    }
  })
  const problems: ImportProblem[] = []
  const units: Record<string, string> = { position: 'GeoJSON [lon, lat], WGS-84 degrees', time: 'ISO-8601 (UTC)' }
  const drifters = assembleTracks(
    file,
    { ids, time: Float64Array.from(time), lat: Float64Array.from(lat), lon: Float64Array.from(lon), where: (i) => whereOf[i] },
    units,
    problems
  )
  return { source: file, format: 'geojson', drifters, units, problems }
}
