/** Tracks as CSV (id,time,lat,lon,ve,vn — GDP names, ISO times, m/s) and GeoJSON (LineString + properties.times). */
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

/** CSV text of tracks: drifters as id,time,lat,lon[,ve,vn]; model tracks as id,time,x,y (domain units). */
export function tracksCsv(tracks: TracksInput): string {
  if (isDrifters(tracks)) {
    const withVelocity = tracks.drifters.some((d) => d.ve && d.vn)
    const fields = ['id', 'time', 'lat', 'lon', ...(withVelocity ? ['ve', 'vn'] : [])]
    const rows = tracks.drifters.flatMap((d) =>
      Array.from(d.time, (t, i) => [d.id, isoTime(t), num(d.lat[i]), num(d.lon[i]), ...(withVelocity ? [num(d.ve?.[i]), num(d.vn?.[i])] : [])])
    )
    return Papa.unparse({ fields, data: rows }, { newline: '\n' }) + '\n'
  }
  const nT = tracks.times.length
  const rows: string[][] = []
  for (let r = 0; r < tracks.nTracers; r++)
    for (let k = 0; k < nT; k++) rows.push([tracks.ids?.[r] ?? String(r), num(tracks.times[k]), num(tracks.positions[2 * (r * nT + k)]), num(tracks.positions[2 * (r * nT + k) + 1])])
  return Papa.unparse({ fields: ['id', 'time', 'x', 'y'], data: rows }, { newline: '\n' }) + '\n'
}

/** GeoJSON FeatureCollection: one LineString per drifter with properties.id and properties.times (ISO, one per vertex). */
export function tracksGeojson(tracks: TracksInput): string {
  const features = isDrifters(tracks)
    ? tracks.drifters.map((d) => ({
        type: 'Feature',
        properties: {
          id: d.id,
          times: Array.from(d.time, isoTime),
          ...(d.ve && d.vn ? { ve: Array.from(d.ve, (x) => (Number.isFinite(x) ? x : null)), vn: Array.from(d.vn, (x) => (Number.isFinite(x) ? x : null)) } : {})
        },
        geometry: { type: 'LineString', coordinates: Array.from(d.lat, (lat, i) => [d.lon[i], lat]) }
      }))
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
