/** GeoJSON drifter tracks → DrifterTracks: LineStrings with a per-vertex times array, or time-stamped Points grouped by id. */
import type { ImportProblem } from '../../../shared/drifters'
import { assembleTracks } from './assemble'
import { importError } from './errors'
import { parseDateTime } from './time'
import { variableName } from './csv'
import type { DrifterTracks, SourceVariable } from './types'

type Json = null | boolean | number | string | Json[] | { [k: string]: Json }
type JsonObject = { [k: string]: Json }

const isObject = (x: Json | undefined): x is JsonObject => typeof x === 'object' && x !== null && !Array.isArray(x)
const ID_KEYS = ['id', 'ID', 'drifter', 'drifter_id', 'buoy_id', 'buoyId', 'buoy', 'platform_code', 'platform_id', 'platform', 'trajectory', 'trajectory_id', 'name']
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

/** Per-vertex times: properties.times (or coordinateProperties.times); per part for a MultiLineString is flattened. */
function lineTimes(props: JsonObject): Json[] | undefined {
  const flat = (a: Json[]) => (a.every(Array.isArray) ? (a as Json[][]).flat(1) : a)
  for (const k of TIMES_KEYS) if (Array.isArray(props[k])) return flat(props[k] as Json[])
  const cp = props.coordinateProperties
  if (isObject(cp)) for (const k of TIMES_KEYS) if (Array.isArray(cp[k])) return flat(cp[k] as Json[])
  return undefined
}

/** A time carried as a position's extra coordinate ([lon, lat, t] or [lon, lat, alt, t]): epoch s or ms, never an altitude. */
function coordinateTime(c: Json): number | undefined {
  if (!Array.isArray(c)) return undefined
  const t = [c[3], c[2]].find((x): x is number => typeof x === 'number' && Math.abs(x) >= 1e8)
  return t
}

/**
 * Flattened vertex indices of a MultiLineString without the antimeridian crossing points our export adds (RFC 7946
 * §3.1.9): a part ending at ±180° and the next starting at ∓180° at the same time are one interpolated point, not fixes.
 */
function notCrossingPoints(parts: Json[], times: Json[]): number[] {
  const lon = (p: Json | undefined, i: number) => (Array.isArray(p) && Array.isArray(p[i]) ? Math.abs(Number((p[i] as Json[])[0])) : NaN)
  const sizes = parts.map((p) => (Array.isArray(p) ? p.length : 0))
  const keep: number[] = []
  let k = 0
  let skipFirst = false
  parts.forEach((part, j) => {
    const n = sizes[j]
    const crosses = j + 1 < parts.length && lon(part, n - 1) === 180 && lon(parts[j + 1], 0) === 180 && times[k + n - 1] === times[k + n]
    for (let i = 0; i < n; i++) if (!(i === 0 && skipFirst) && !(i === n - 1 && crosses)) keep.push(k + i)
    skipFirst = crosses
    k += n
  })
  return keep
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
  // Further properties: per fix (Point properties, per-vertex arrays) and per drifter (a LineString's scalars).
  const extra = new Map<string, (number | string | undefined)[]>()
  const meta = new Map<string, Record<string, number | string>>()
  let lineMeta: Record<string, number | string> = {}
  const fixCount = () => ids.length
  const skip = new Set([...ID_KEYS, ...TIMES_KEYS, ...TIME_KEYS, 'coordinateProperties'])
  function keepProperties(props: JsonObject, first: number, count: number, point: boolean) {
    lineMeta = {}
    for (const [k, v] of Object.entries(props)) {
      if (skip.has(k)) continue
      const perVertex = Array.isArray(v) && v.length === count && v.every((x) => x === null || typeof x === 'number' || typeof x === 'string')
      if (!perVertex && !(typeof v === 'number' || typeof v === 'string')) continue
      if (!point && !perVertex) {
        lineMeta[variableName(k)] = v as number | string
        continue
      }
      let column = extra.get(k)
      if (!column) extra.set(k, (column = []))
      for (let i = 0; i < count; i++) column[first + i] = perVertex ? ((v as Json[])[i] as number | string | null) ?? undefined : (v as number | string)
    }
  }
  features.forEach((f, index) => {
    if (!isObject(f) || !isObject(f.geometry)) throw importError(file, `feature ${index}`, 'has no geometry', 'give each feature a Point or LineString geometry')
    const props = isObject(f.properties) ? f.properties : {}
    const id = featureId(f, props, index)
    const g = f.geometry
    const coords = g.coordinates
    const first = fixCount()
    if (g.type === 'Point' && Array.isArray(coords)) {
      const t = TIME_KEYS.map((k) => props[k]).find((v) => v !== undefined) ?? coordinateTime(coords)
      if (t === undefined) throw importError(file, `feature ${index} (id ${id})`, 'a Point without a time property', 'add properties.time (ISO-8601 UTC)')
      push(coords, t, `feature ${index}`)
      keepProperties(props, first, 1, true)
    } else if ((g.type === 'LineString' || g.type === 'MultiLineString') && Array.isArray(coords)) {
      const all = (g.type === 'MultiLineString' ? coords.flat(1) : coords) as Json[]
      const allTimes = lineTimes(props) ?? (all.every((c) => coordinateTime(c) !== undefined) ? all.map((c) => coordinateTime(c) as number) : undefined)
      if (!allTimes) throw importError(file, `feature ${index} (id ${id})`, 'a LineString without times', 'add properties.times: one ISO-8601 time per vertex')
      if (allTimes.length !== all.length)
        throw importError(file, `feature ${index} (id ${id})`, `${all.length} vertices but ${allTimes.length} times`, 'give exactly one time per vertex')
      const keep = g.type === 'MultiLineString' ? notCrossingPoints(coords as Json[], allTimes) : all.map((_, k) => k)
      keep.forEach((k) => push(all[k], allTimes[k], `feature ${index} vertex ${k}`))
      const vertexProps = Object.fromEntries(
        Object.entries(props).map(([k, v]) => {
          const flat = Array.isArray(v) && v.every(Array.isArray) ? (v as Json[][]).flat(1) : v
          return [k, Array.isArray(flat) && flat.length === all.length ? keep.map((i) => flat[i]) : v]
        })
      )
      keepProperties(vertexProps, first, keep.length, false)
      if (Object.keys(lineMeta).length > 0) meta.set(id, { ...meta.get(id), ...lineMeta })
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
  const variables: Record<string, SourceVariable> = {}
  const columns: Record<string, Float64Array | string[]> = {}
  for (const [name, values] of extra) {
    const all = Array.from({ length: ids.length }, (_, i) => values[i])
    const numeric = all.every((x) => x === undefined || typeof x === 'number')
    const out = variableName(name)
    columns[out] = numeric ? Float64Array.from(all, (x) => (x === undefined ? NaN : (x as number))) : all.map((x) => (x === undefined ? '' : String(x)))
    variables[out] = { per: 'obs', sourceName: name, attrs: { long_name: name } }
  }
  for (const m of meta.values()) for (const k of Object.keys(m)) variables[k] ??= { per: 'traj', sourceName: k, attrs: { long_name: k } }
  const drifters = assembleTracks(
    file,
    { ids, time: Float64Array.from(time), lat: Float64Array.from(lat), lon: Float64Array.from(lon), extra: extra.size > 0 ? columns : undefined, where: (i) => whereOf[i] },
    units,
    problems
  )
  for (const d of drifters) if (meta.has(d.id)) d.meta = meta.get(d.id)
  return { source: file, format: 'geojson', drifters, units, problems, variables }
}
