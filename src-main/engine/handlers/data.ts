/** Data requests: simulate a paired data set, import drifter files, preview tracks for the Data view. */
import { basename, extname } from 'node:path'
import type { TrackPreview } from '../../shared/views'
import { unitFactors, unitsOf } from '../../shared/physical-units'
import { runSimulation } from '../flows/simulate'
import { exportTracks } from '../data/drifters/export-tracks'
import { importDrifterFile } from '../data/drifters/import'
import { readTracksNetcdf } from '../data/tracks'
import { cachedDataset } from '../assimilate/cache'
import { tracksOf } from '../assimilate/field-view'
import { SPLIT } from '../data/dataset-types'
import { UserError } from '../jobs/job'
import type { HandlerDeps, Handlers } from './types'

type DataChannels = 'startSimulation' | 'startImport' | 'startExportTracks' | 'previewTracks'

export function dataHandlers({ workspace, runner }: HandlerDeps): Pick<Handlers, DataChannels> {
  return {
    startSimulation: async ({ name, config }) => {
      const out = workspace.pathFor('datasets', name, '.nc')
      return runner.start('simulate', `simulate ${name}`, async (ctx) => ({
        ...(await runSimulation(config, out, ctx)),
        path: workspace.relative(out)
      }))
    },
    startImport: async ({ fileName, contentBase64, trim }) => {
      const stem = basename(fileName, extname(fileName)).replace(/[^A-Za-z0-9._-]+/g, '_') || 'tracks'
      const out = workspace.pathFor('tracks', stem, '.nc')
      const bytes = new Uint8Array(Buffer.from(contentBase64, 'base64'))
      return runner.start('import', `import ${fileName}`, async (ctx) => ({
        ...(await importDrifterFile(fileName, bytes, out, ctx, { trim })),
        out: workspace.relative(out)
      }))
    },
    startExportTracks: async ({ tracks, format }) => {
      const abs = workspace.resolve(tracks)
      const out = workspace.pathFor('exports', basename(tracks, extname(tracks)), format === 'csv' ? '.csv' : '.geojson')
      return runner.start('export-tracks', `export ${tracks} as ${format}`, async (ctx) => ({
        ...(await exportTracks(abs, format, out, ctx)),
        tracks,
        out: workspace.relative(out)
      }))
    },
    previewTracks: async ({ source, split, limit }) => {
      const abs = workspace.resolve(source)
      if (source.startsWith('datasets/')) return datasetPreview(source, await cachedDataset(abs), split, limit)
      if (source.startsWith('tracks/')) return drifterPreview(source, abs, limit)
      throw new UserError(`previewTracks: "${source}" is neither a data set (datasets/…) nor imported tracks (tracks/…)`)
    }
  }
}

type Dataset = Awaited<ReturnType<typeof cachedDataset>>

function datasetPreview(source: string, ds: Dataset, split: string, limit: number): TrackPreview {
  const tracks: number[][][] = []
  for (let p = 0; p < ds.nPairs && tracks.length < limit; p++)
    if (split === 'all' || ds.split[p] === SPLIT[split as keyof typeof SPLIT]) tracks.push(...tracksOf(ds, p))
  tracks.length = Math.min(tracks.length, limit)
  const { x0, x1, y0, y1 } = ds.domain
  // in km when the simulation has physical scales
  const k = unitFactors(ds.config.scales).length
  const units = unitsOf(ds.config.scales)
  return {
    source,
    tracks: k === 1 ? tracks : tracks.map((t) => t.map(([x, y]) => [x! * k, y! * k])),
    units: { length: units.length, time: units.time },
    bounds: { xMin: x0 * k, xMax: x1 * k, yMin: y0 * k, yMax: y1 * k }
  }
}

async function drifterPreview(source: string, abs: string, limit: number): Promise<TrackPreview> {
  const { drifters } = await readTracksNetcdf(abs)
  // a map needs no more than ~2000 fixes a drifter: keep every k-th (and the last)
  const picks = drifters.slice(0, limit).map((d) => previewFixes(d.time.length, 2000))
  const tracks = drifters.slice(0, limit).map((d, i) => picks[i].map((k) => [d.lon[k], d.lat[k]]))
  const ids = drifters.slice(0, limit).map((d) => d.id)
  const times = drifters.slice(0, limit).map((d, i) => picks[i].map((k) => d.time[k]))
  const bounds = { xMin: Infinity, xMax: -Infinity, yMin: Infinity, yMax: -Infinity }
  for (const [x, y] of tracks.flat()) {
    bounds.xMin = Math.min(bounds.xMin, x)
    bounds.xMax = Math.max(bounds.xMax, x)
    bounds.yMin = Math.min(bounds.yMin, y)
    bounds.yMax = Math.max(bounds.yMax, y)
  }
  return { source, tracks, units: { length: 'degrees (lon, lat)', time: 's' }, bounds, ids, times }
}

/** Indices of at most about `max` fixes out of `n`, evenly strided, always with the last. */
function previewFixes(n: number, max: number): number[] {
  const stride = Math.max(1, Math.ceil(n / max))
  const out: number[] = []
  for (let k = 0; k < n; k += stride) out.push(k)
  if (n > 0 && out[out.length - 1] !== n - 1) out.push(n - 1)
  return out
}
