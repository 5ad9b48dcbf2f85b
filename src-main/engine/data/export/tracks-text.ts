/** Tracks as CSV (id,time,lat,lon,ve,vn — GDP names with units, ISO times, m/s) and GeoJSON (LineString + properties.times, split at the antimeridian). */
import Papa from 'papaparse'
import { writeFileAtomic } from '../atomic'
import { modelTimeToEpoch, modelToLatLon, type TrackScales } from '../drifters/prepare'
import { isoTime } from '../drifters/time'
import type { DrifterTracks } from '../drifters/types'

/** Model-space trajectories: tracers × times × 2 (x, y) in domain units, as PairedDataset stores one pair. */
export interface ModelTracks {
  times: Float64Array
  positions: Float64Array
  nTracers: number
  ids?: string[]
}

export type TracksInput = DrifterTracks | ModelTracks

const isDrifters = (t: TracksInput): t is DrifterTracks => 'drifters' in t
const num = (x: number | undefined) => (x === undefined || !Number.isFinite(x) ? '' : String(x))

/** Model tracks → drifter tracks on the Earth, through the scale factors kept by prepareTracks. */
export function modelTracksToDrifters(t: ModelTracks, scales: TrackScales, source = 'driftclip model'): DrifterTracks {
  const nT = t.times.length
  const drifters = Array.from({ length: t.nTracers }, (_, r) => {
    const lat = new Float64Array(nT)
    const lon = new Float64Array(nT)
    for (let k = 0; k < nT; k++) {
      const p = modelToLatLon(t.positions[2 * (r * nT + k)], t.positions[2 * (r * nT + k) + 1], scales)
      lat[k] = p.lat
      lon[k] = p.lon
    }
    return { id: t.ids?.[r] ?? String(r), time: t.times.map((s) => modelTimeToEpoch(s, scales)), lat, lon }
  })
  return { source, format: 'csv', drifters, units: {}, problems: [] }
}

/** Units of the columns we write for real tracks (the header says them, as ERDDAP's .csvp does). */
const DRIFTER_UNITS: Record<string, string> = { time: 'UTC', lat: 'degrees_north', lon: 'degrees_east', ve: 'm/s', vn: 'm/s' }

const cell = (x: number | string | undefined) => (typeof x === 'string' ? x : num(x))

/**
 * CSV text of tracks. Drifters: `id,time (UTC),lat (degrees_north),lon (degrees_east)[,ve (m/s),vn (m/s)]`, ISO-8601
 * UTC times, then every further source variable (per fix, and per drifter repeated on each row, as ERDDAP does)
 * with its units; the importer reads it back. Model tracks: id,time,x,y (domain units).
 */
export function tracksCsv(tracks: TracksInput): string {
  if (isDrifters(tracks)) {
    const withVelocity = tracks.drifters.some((d) => d.ve && d.vn)
    const base = ['id', 'time', 'lat', 'lon', ...(withVelocity ? ['ve', 'vn'] : [])]
    const vars = Object.entries(tracks.variables ?? {})
    const unitOf = (name: string) => DRIFTER_UNITS[name] ?? (typeof tracks.variables?.[name]?.attrs.units === 'string' ? String(tracks.variables[name].attrs.units) : '')
    const names = [...base, ...vars.map(([name]) => name)]
    const fields = names.map((n) => (unitOf(n) ? `${n} (${unitOf(n)})` : n))
    const rows = tracks.drifters.flatMap((d) =>
      Array.from(d.time, (t, i) => [
        d.id,
        isoTime(t),
        num(d.lat[i]),
        num(d.lon[i]),
        ...(withVelocity ? [num(d.ve?.[i]), num(d.vn?.[i])] : []),
        ...vars.map(([name, v]) => cell(v.per === 'obs' ? d.extra?.[name]?.[i] : d.meta?.[name]))
      ])
    )
    return Papa.unparse({ fields, data: rows }, { newline: '\n' }) + '\n'
  }
  const nT = tracks.times.length
  const rows: string[][] = []
  for (let r = 0; r < tracks.nTracers; r++)
    for (let k = 0; k < nT; k++) rows.push([tracks.ids?.[r] ?? String(r), num(tracks.times[k]), num(tracks.positions[2 * (r * nT + k)]), num(tracks.positions[2 * (r * nT + k) + 1])])
  return Papa.unparse({ fields: ['id', 'time', 'x', 'y'], data: rows }, { newline: '\n' }) + '\n'
}

/**
 * One drifter's vertices split into parts at the antimeridian (RFC 7946 §3.1.9): where a step crosses ±180°, the
 * crossing point (interpolated on the straight lon/lat segment, and in time) ends one part at ±180 and starts the next
 * at ∓180, so GIS does not draw a line across the whole map.
 */
export function splitAtAntimeridian(lon: ArrayLike<number>, lat: ArrayLike<number>, time: ArrayLike<number>): { coordinates: number[][]; times: number[]; index: number[] }[] {
  const parts: { coordinates: number[][]; times: number[]; index: number[] }[] = [{ coordinates: [], times: [], index: [] }]
  for (let i = 0; i < lon.length; i++) {
    let part = parts[parts.length - 1]
    if (i > 0 && Math.abs(lon[i] - lon[i - 1]) > 180) {
      const east = lon[i - 1] > lon[i] // crossing eastward over +180
      const a = east ? 180 - lon[i - 1] : lon[i - 1] + 180
      const b = east ? lon[i] + 180 : 180 - lon[i]
      const w = a / (a + b)
      const latX = lat[i - 1] + w * (lat[i] - lat[i - 1])
      const tX = time[i - 1] + w * (time[i] - time[i - 1])
      part.coordinates.push([east ? 180 : -180, latX])
      part.times.push(tX)
      part.index.push(-1)
      parts.push((part = { coordinates: [[east ? -180 : 180, latX]], times: [tX], index: [-1] }))
    }
    part.coordinates.push([lon[i], lat[i]])
    part.times.push(time[i])
    part.index.push(i)
  }
  return parts
}

/**
 * GeoJSON FeatureCollection. Drifters: one Feature each, WGS-84 [lon, lat], a LineString (a MultiLineString when it
 * crosses the antimeridian) with `properties.times` (ISO-8601, one per vertex, per part for a MultiLineString),
 * per-fix variables as per-vertex arrays and per-drifter ones as properties.
 */
export function tracksGeojson(tracks: TracksInput): string {
  const perVertex = (parts: ReturnType<typeof splitAtAntimeridian>, value: (i: number) => number | string | undefined) => {
    const one = (p: (typeof parts)[number]) =>
      p.index.map((i, k) => {
        // A crossing point takes the value of the fix before it (of the next fix at the start of a part).
        const at = i >= 0 ? i : k === 0 ? p.index[1] : p.index[k - 1]
        const x = value(at)
        return typeof x === 'number' && !Number.isFinite(x) ? null : (x ?? null)
      })
    return parts.length === 1 ? one(parts[0]) : parts.map(one)
  }
  const features = isDrifters(tracks)
    ? tracks.drifters.map((d) => {
        const parts = splitAtAntimeridian(d.lon, d.lat, d.time)
        const times = parts.length === 1 ? parts[0].times.map(isoTime) : parts.map((p) => p.times.map(isoTime))
        const vars = Object.entries(tracks.variables ?? {})
        return {
          type: 'Feature',
          properties: {
            id: d.id,
            times,
            ...(d.ve && d.vn ? { ve: perVertex(parts, (i) => d.ve?.[i]), vn: perVertex(parts, (i) => d.vn?.[i]) } : {}),
            ...Object.fromEntries(vars.map(([name, v]) => [name, v.per === 'obs' ? perVertex(parts, (i) => d.extra?.[name]?.[i]) : (d.meta?.[name] ?? null)]))
          },
          geometry: parts.length === 1 ? { type: 'LineString', coordinates: parts[0].coordinates } : { type: 'MultiLineString', coordinates: parts.map((p) => p.coordinates) }
        }
      })
    : Array.from({ length: tracks.nTracers }, (_, r) => ({
        type: 'Feature',
        // Model-space tracks are not WGS-84: say so (convert with modelTracksToDrifters for a map).
        properties: { id: tracks.ids?.[r] ?? String(r), times: Array.from(tracks.times), coordinates: 'model domain units (x, y), not longitude/latitude' },
        geometry: { type: 'LineString', coordinates: Array.from({ length: tracks.times.length }, (_, k) => [tracks.positions[2 * (r * tracks.times.length + k)], tracks.positions[2 * (r * tracks.times.length + k) + 1]]) }
      }))
  return JSON.stringify({ type: 'FeatureCollection', features }) + '\n'
}

/** Write tracks as CSV, atomically. */
export function writeTracksCsv(path: string, tracks: TracksInput): Promise<void> {
  return writeFileAtomic(path, tracksCsv(tracks))
}

/** Write tracks as GeoJSON, atomically. */
export function writeTracksGeojson(path: string, tracks: TracksInput): Promise<void> {
  return writeFileAtomic(path, tracksGeojson(tracks))
}
