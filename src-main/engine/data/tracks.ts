/**
 * Imported drifter tracks on disk: a clouddrift-native contiguous ragged array in CF-1.10 trajectory NetCDF-4
 * (dims `rows`/`obs`, `rowsize`, `id` with cf_role=trajectory_id, lat/lon/time as coordinates), keeping every
 * source variable per observation and per trajectory, the source's global attributes under `source_`, a
 * `history` line and the quality report; write and read.
 */
import { readFile } from 'node:fs/promises'
import { basename } from 'node:path'
import type { DrifterQuality } from '../../shared/drifters'
import { trackQuality } from './drifters/quality'
import { readDrifterFile } from './drifters/read'
import { isoTime } from './drifters/time'
import type { DrifterTrack, DrifterTracks } from './drifters/types'
import { writeNetcdf4, type AttrValue, type VariableSpec } from './export/netcdf4'

export const TIME_UNITS = 'seconds since 1970-01-01 00:00:00'
/** clouddrift's dimension names (`ragged.subset` defaults), so its functions work on our files untouched. */
export const ROW_DIM = 'rows'
export const OBS_DIM = 'obs'
export const TRACKS_TITLE = 'Drifter tracks imported by driftclip'
/** Prefix of the source file's global attributes in our file. */
export const SOURCE_ATTR_PREFIX = 'source_'
/** Per-observation coordinates, named by every data variable's `coordinates` (xarray makes them coordinates). */
const OBS_COORDINATES = 'time lat lon'
/** Per-trajectory quality variables we compute (seconds); dropped again when our own file is read back. */
const QUALITY_VARIABLES = {
  sampling_interval: { long_name: 'median time between fixes', units: 's' },
  gap_count: { long_name: 'number of gaps between fixes (longer than 3 sampling intervals and 1 h)', units: '1' },
  max_gap: { long_name: 'longest time between fixes', units: 's' },
  stationary_duration: { long_name: 'total time stationary (within 300 m for at least 12 h: grounded, on deck, in harbour)', units: 's' }
} as const
const RESERVED = new Set(['id', 'rowsize', 'time', 'lat', 'lon', 've', 'vn', 'position_qc', ...Object.keys(QUALITY_VARIABLES)])

function concat(tracks: DrifterTracks, pick: (d: DrifterTrack) => Float64Array | undefined): Float64Array {
  const total = tracks.drifters.reduce((n, d) => n + d.time.length, 0)
  const out = new Float64Array(total).fill(NaN)
  let k = 0
  for (const d of tracks.drifters) {
    const a = pick(d)
    if (a) out.set(a, k)
    k += d.time.length
  }
  return out
}

function concatText(tracks: DrifterTracks, pick: (d: DrifterTrack) => string[] | undefined): string[] {
  return tracks.drifters.flatMap((d) => pick(d) ?? new Array<string>(d.time.length).fill(''))
}

/** Ids as the source had them: numbers when they were numbers (so `subset(ds, {"id": 3})` finds drifter 3). */
function idData(tracks: DrifterTracks): Int32Array | Float64Array | string[] {
  const ids = tracks.drifters.map((d) => d.id)
  const numeric = ids.every((id) => /^-?\d+$/.test(id) && Number.isSafeInteger(Number(id)) && String(Number(id)) === id)
  if (!numeric || tracks.numericIds === false) return ids
  const values = ids.map(Number)
  return values.every((x) => Math.abs(x) < 2 ** 31) ? Int32Array.from(values) : Float64Array.from(values)
}

/** A name free in our file: the source's own name unless we use it. */
const outputName = (name: string) => (RESERVED.has(name) ? `${name}_source` : name)

/** The source variables we keep (per observation and per trajectory), with their attributes. */
function sourceVariables(tracks: DrifterTracks): VariableSpec[] {
  const ours = tracks.attributes?.title === TRACKS_TITLE
  const out: VariableSpec[] = []
  for (const [name, info] of Object.entries(tracks.variables ?? {})) {
    if (ours && RESERVED.has(name)) continue
    const attrs: Record<string, AttrValue> = { ...(info.attrs as Record<string, AttrValue>) }
    if (info.sourceName !== name) attrs.source_name = info.sourceName
    if (info.per === 'obs') {
      const text = tracks.drifters.some((d) => Array.isArray(d.extra?.[name]))
      const data = text ? concatText(tracks, (d) => d.extra?.[name] as string[] | undefined) : concat(tracks, (d) => d.extra?.[name] as Float64Array | undefined)
      out.push({ name: outputName(name), dims: [OBS_DIM], data, fill: text ? undefined : NaN, attrs: { ...attrs, coordinates: OBS_COORDINATES } })
    } else {
      const values = tracks.drifters.map((d) => d.meta?.[name])
      const text = values.some((v) => typeof v === 'string')
      const data = text ? values.map((v) => (v === undefined ? '' : String(v))) : Float64Array.from(values, (v) => (typeof v === 'number' ? v : NaN))
      out.push({ name: outputName(name), dims: [ROW_DIM], data, fill: text ? undefined : NaN, attrs: { ...attrs, coordinates: 'id' } })
    }
  }
  return out
}

/** The source's global attributes under `source_` (ours come through unchanged when re-writing our own file). */
function sourceAttributes(tracks: DrifterTracks): Record<string, AttrValue> {
  const attrs = tracks.attributes ?? {}
  if (attrs.title === TRACKS_TITLE) return Object.fromEntries(Object.entries(attrs).filter(([k]) => k.startsWith(SOURCE_ATTR_PREFIX) && k !== 'source_format'))
  return Object.fromEntries(Object.entries(attrs).filter(([k]) => k !== 'history').map(([k, v]) => [`${SOURCE_ATTR_PREFIX}${k}`, v]))
}

/** The quality report as one text attribute: a line per drifter with its gaps and stationary periods. */
function qualityText(quality: DrifterQuality[]): string {
  return quality
    .map((q) => {
      const parts = [`drifter ${q.id}: sampling ${Math.round(q.samplingSeconds)} s`]
      parts.push(q.gaps.length === 0 ? 'no gaps' : `gaps ${q.gaps.map((g) => `${g.start}/${g.end} (${g.hours} h)`).join(', ')}`)
      if (q.stationary.length > 0) parts.push(`stationary ${q.stationary.map((s) => `${s.start}/${s.end} (${s.hours} h at ${s.lat.toFixed(4)}, ${s.lon.toFixed(4)})`).join(', ')}`)
      if (q.beforeRelease) parts.push(`before release ${q.beforeRelease.start}/${q.beforeRelease.end} (${q.beforeRelease.fixes} fixes)`)
      if (q.afterRecovery) parts.push(`after recovery ${q.afterRecovery.start}/${q.afterRecovery.end} (${q.afterRecovery.fixes} fixes)`)
      return parts.join('; ')
    })
    .join('\n')
}

/**
 * Write tracks as a clouddrift-native contiguous ragged array NetCDF-4: `rowsize(rows)` with sample_dimension="obs",
 * `id(rows)` with cf_role=trajectory_id, time/lat/lon on `obs` (plus ve/vn in m/s, QC and every source variable),
 * per-trajectory quality, the source's global attributes and `history`. Atomic: complete or not at all.
 * @param extraAttrs further global attributes (e.g. the analysis window)
 * @param quality the quality report (computed here when not given)
 */
export async function writeTracksNetcdf(path: string, tracks: DrifterTracks, extraAttrs: Record<string, string | number> = {}, quality?: DrifterQuality[]): Promise<void> {
  const obs = tracks.drifters.reduce((n, d) => n + d.time.length, 0)
  const q = quality ?? tracks.drifters.map(trackQuality)
  const variables: VariableSpec[] = [
    { name: 'id', dims: [ROW_DIM], data: idData(tracks), attrs: { cf_role: 'trajectory_id', long_name: 'drifter identification number' } },
    { name: 'rowsize', dims: [ROW_DIM], data: Int32Array.from(tracks.drifters, (d) => d.time.length), attrs: { long_name: 'number of observations per trajectory', sample_dimension: OBS_DIM, coordinates: 'id' } },
    { name: 'time', dims: [OBS_DIM], data: concat(tracks, (d) => d.time), attrs: { standard_name: 'time', long_name: 'time of fix', units: TIME_UNITS, calendar: 'standard', axis: 'T' } },
    { name: 'lat', dims: [OBS_DIM], data: concat(tracks, (d) => d.lat), attrs: { standard_name: 'latitude', long_name: 'latitude', units: 'degrees_north', axis: 'Y' } },
    { name: 'lon', dims: [OBS_DIM], data: concat(tracks, (d) => d.lon), attrs: { standard_name: 'longitude', long_name: 'longitude', units: 'degrees_east', axis: 'X' } }
  ]
  if (tracks.drifters.some((d) => d.ve && d.vn)) {
    variables.push(
      { name: 've', dims: [OBS_DIM], data: concat(tracks, (d) => d.ve), fill: NaN, attrs: { standard_name: 'eastward_sea_water_velocity', long_name: 'eastward velocity from the source file', units: 'm s-1', coordinates: OBS_COORDINATES } },
      { name: 'vn', dims: [OBS_DIM], data: concat(tracks, (d) => d.vn), fill: NaN, attrs: { standard_name: 'northward_sea_water_velocity', long_name: 'northward velocity from the source file', units: 'm s-1', coordinates: OBS_COORDINATES } }
    )
  }
  if (tracks.drifters.some((d) => d.qc)) {
    variables.push({ name: 'position_qc', dims: [OBS_DIM], data: concat(tracks, (d) => d.qc), fill: NaN, attrs: { long_name: 'position quality flag from the source file', flag_values_kept: '0 1 2 5 7 8', coordinates: OBS_COORDINATES } })
  }
  variables.push(...sourceVariables(tracks))
  const perDrifter = (f: (x: DrifterQuality) => number) => Float64Array.from(q, f)
  const qualityData: Record<keyof typeof QUALITY_VARIABLES, Float64Array> = {
    sampling_interval: perDrifter((x) => x.samplingSeconds),
    gap_count: perDrifter((x) => x.gaps.length),
    max_gap: perDrifter((x) => Math.max(0, ...x.gaps.map((g) => g.hours * 3600))),
    stationary_duration: perDrifter((x) => x.stationary.reduce((s, p) => s + p.hours * 3600, 0))
  }
  for (const [name, attrs] of Object.entries(QUALITY_VARIABLES))
    variables.push({ name, dims: [ROW_DIM], data: qualityData[name as keyof typeof QUALITY_VARIABLES], fill: NaN, attrs: { ...attrs, coordinates: 'id' } })
  const history = [typeof tracks.attributes?.history === 'string' ? tracks.attributes.history : '', `${isoTime(Math.floor(Date.now() / 1000))} driftclip import ${tracks.source} (${tracks.format})`]
    .filter((h) => h !== '')
    .join('\n')
  await writeNetcdf4(path, {
    dims: [
      { name: ROW_DIM, size: tracks.drifters.length },
      { name: OBS_DIM, size: obs }
    ],
    variables,
    attrs: {
      ...sourceAttributes(tracks),
      Conventions: 'CF-1.10',
      featureType: 'trajectory',
      // xarray reads a global `coordinates` too: lat/lon/time/id are coordinates even without data variables.
      coordinates: `id ${OBS_COORDINATES}`,
      title: TRACKS_TITLE,
      source: tracks.source,
      source_format: tracks.format,
      units_detected: JSON.stringify(tracks.units),
      history,
      quality_report: qualityText(q),
      ...extraAttrs
    }
  })
}

/** Read a tracks file written by `writeTracksNetcdf` (or any CF trajectory NetCDF) back into memory. */
export async function readTracksNetcdf(path: string): Promise<DrifterTracks> {
  const tracks = await readDrifterFile(basename(path), new Uint8Array(await readFile(path)))
  if (tracks.attributes?.title !== TRACKS_TITLE) return tracks
  // Our computed quality is not source data: drop it so a read-back equals what was imported.
  const variables = Object.fromEntries(Object.entries(tracks.variables ?? {}).filter(([k]) => !(k in QUALITY_VARIABLES)))
  for (const d of tracks.drifters) {
    if (!d.meta) continue
    for (const k of Object.keys(QUALITY_VARIABLES)) delete d.meta[k]
    if (Object.keys(d.meta).length === 0) delete d.meta
  }
  return { ...tracks, variables }
}
