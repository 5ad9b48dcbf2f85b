/**
 * Retrieval on real drifters: read any drifter file, prepare it onto the model's grid and times (DRIFT's
 * prepareTracks), reconstruct the velocity field with uncertainty, write it as CF NetCDF-4 in km, seconds and
 * m/s, and score it against the drifters' own observed velocities — leave-one-drifter-out where possible.
 */
import { readFile } from 'node:fs/promises'
import { basename } from 'node:path'
import type { PairedDataset } from '../data/dataset-types'
import { prepareTracks, type PreparedTracks } from '../data/drifters/prepare'
import { readDrifterFile } from '../data/drifters/read'
import { isoTime } from '../data/drifters/time'
import { defaultGrid, type FlowField } from '../flows/field'
import { throwIfCancelled, UserError, type JobContext } from '../jobs/job'
import type { ContrastiveModel } from '../learn/index'
import { cachedDataset, cachedModel } from './cache'
import { weightedFlow } from './combined-flow'
import { conditionalField } from './conditional-field'
import { writeFieldNetcdf } from '../data/export/index'
import { gatherRows, pairsOfSplit } from './setup'
import { effectiveSampleSize, softmaxWeights } from './weights'
import { gridAxes } from './bank-fields'

export interface DrifterRetrievalRequest {
  modelDir: string
  datasetPath: string
  tracksPath: string
  outPath: string
  /** Grid cells per side (default 32) and frames (default 25) of the written field. */
  grid?: number
  frames?: number
}

export interface DrifterScore {
  id: string
  /** RMS of |w_model − w_observed| at the drifter's positions and times, m/s. */
  rmse: number
  /** RMS observed speed of the drifter, m/s (the scale of the error). */
  rmsObserved: number
}

export interface DrifterRetrievalResult {
  out: string
  window: { start: string; end: string }
  drifters: string[]
  /** Drifters used as the query of the written field (the model takes a fixed number of tracers). */
  queryDrifters: string[]
  ess: number
  bankSize: number
  /** Scores of the written field at the query drifters themselves (they informed it). */
  inSample: DrifterScore[]
  /** Each drifter scored by a field reconstructed from other drifters only (empty when too few drifters). */
  leaveOneOut: DrifterScore[]
  velocityCheck?: PreparedTracks['velocityCheck']
  notes: string[]
}

/** Query trajectories (tracers × times × 2) from chosen drifters of the prepared tracks. */
export function queryOf(p: PreparedTracks, drifters: number[]): Float64Array {
  return gatherRows(p.trajectories, drifters, p.nTimes * 2)
}

/** Score a model flow at one drifter's positions and times against its observed velocity (m/s). */
export function scoreDrifter(flow: FlowField, p: PreparedTracks, d: number): DrifterScore {
  const out = new Float64Array(2)
  const f = p.scales.metresPerSecondPerUnit
  let err = 0
  let obs = 0
  let n = 0
  for (let k = 0; k < p.nTimes; k++) {
    const i = d * p.nTimes + k
    const uo = p.u[i]!
    const vo = p.v[i]!
    if (!Number.isFinite(uo) || !Number.isFinite(vo)) continue
    flow.velocity(p.trajectories[i * 2]!, p.trajectories[i * 2 + 1]!, p.modelTimes[k]!, out)
    err += (out[0]! * f - uo) ** 2 + (out[1]! * f - vo) ** 2
    obs += uo * uo + vo * vo
    n++
  }
  return { id: p.ids[d]!, rmse: Math.sqrt(err / n), rmsObserved: Math.sqrt(obs / n) }
}

function weightsFor(model: ContrastiveModel, zvBank: Float32Array, bankSize: number, query: Float64Array): Float64Array {
  const zu = model.encodeTrajectories(query, 1)
  return softmaxWeights(model.logits(zu, 1, zvBank, bankSize))
}

export async function runDrifterRetrieval(req: DrifterRetrievalRequest, ctx: JobContext): Promise<DrifterRetrievalResult> {
  const ds = await cachedDataset(req.datasetPath)
  const model = await cachedModel(req.modelDir, ds, req.datasetPath)
  const tracks = await readDrifterFile(basename(req.tracksPath), await readTracksBytes(req.tracksPath))
  const p = prepareTracks(tracks, { modelTimes: ds.times, domain: ds.domain })
  const k = ds.nTracers
  if (p.nTracers < k)
    throw new UserError(`${req.tracksPath}: the model takes ${k} tracers at a time but only ${p.nTracers} drifter(s) cover the analysis window ${isoTime(p.window.start)}/${isoTime(p.window.end)}; use a file with more drifters or a model trained with fewer tracers`)
  const bankPairs = pairsOfSplit(ds, 'train')
  const zvBank = model.encodePotentials(gatherRows(ds.params, bankPairs, ds.paramDim), bankPairs.length)
  const notes: string[] = [...p.problems.map((x) => `${x.where}: ${x.message}`)]
  const queryIdx = Array.from({ length: k }, (_, i) => i)
  const w = weightsFor(model, zvBank, bankPairs.length, queryOf(p, queryIdx))
  const flow = weightedFlow(ds, bankPairs, w)
  const inSample = queryIdx.map((d) => scoreDrifter(flow, p, d))
  const leaveOneOut: DrifterScore[] = []
  if (p.nTracers - 1 >= k) {
    for (let d = 0; d < p.nTracers; d++) {
      throwIfCancelled(ctx.signal)
      const others = Array.from({ length: p.nTracers }, (_, i) => i).filter((i) => i !== d).slice(0, k)
      const flowD = weightedFlow(ds, bankPairs, weightsFor(model, zvBank, bankPairs.length, queryOf(p, others)))
      leaveOneOut.push(scoreDrifter(flowD, p, d))
      ctx.progress({ done: d + 1, total: p.nTracers, unit: 'drifters', message: 'leave-one-drifter-out' })
    }
  } else notes.push(`leave-one-drifter-out needs at least ${k + 1} drifters (the model takes ${k}); only in-sample scores are given`)
  await writeRetrievedField(req, ds, p, w, bankPairs)
  return {
    out: req.outPath,
    window: { start: isoTime(p.window.start), end: isoTime(p.window.end) },
    drifters: p.ids,
    queryDrifters: queryIdx.map((i) => p.ids[i]!),
    ess: effectiveSampleSize(w),
    bankSize: bankPairs.length,
    inSample,
    leaveOneOut,
    velocityCheck: p.velocityCheck,
    notes
  }
}

async function readTracksBytes(path: string): Promise<Uint8Array> {
  try {
    return new Uint8Array(await readFile(path))
  } catch {
    throw new UserError(`${path}: file not found or unreadable`, 'not-found')
  }
}

/** The field on the model domain, converted to km, epoch seconds and m/s with the preparation's scales. */
async function writeRetrievedField(req: DrifterRetrievalRequest, ds: PairedDataset, p: PreparedTracks, w: Float64Array, bankPairs: Int32Array): Promise<void> {
  const grid = defaultGrid(ds, req.grid ?? 32)
  const nFrames = Math.min(req.frames ?? 25, ds.nTimes)
  const frameIdx = Array.from({ length: nFrames }, (_, f) => Math.round((f * (ds.nTimes - 1)) / Math.max(1, nFrames - 1)))
  const times = frameIdx.map((i) => ds.times[i]!)
  const { mean, std } = conditionalField(ds, bankPairs, w, grid, times)
  const s = p.scales
  const axes = gridAxes(grid)
  const metresPerUnit = s.kmPerUnit * 1000
  const scaled = (a: Float64Array, factor: number) => a.map((x) => x * factor)
  await writeFieldNetcdf(req.outPath, {
    x: axes.x.map((x) => (x - s.originModel.x) * s.kmPerUnit),
    y: axes.y.map((y) => (y - s.originModel.y) * s.kmPerUnit),
    time: Float64Array.from(frameIdx, (i) => p.times[i]!),
    u: scaled(mean.u, s.metresPerSecondPerUnit),
    v: scaled(mean.v, s.metresPerSecondPerUnit),
    psi: scaled(mean.psi, s.metresPerSecondPerUnit * metresPerUnit),
    vorticity: scaled(mean.vorticity!, s.metresPerSecondPerUnit / metresPerUnit),
    uncertainty: scaled(std, s.metresPerSecondPerUnit),
    units: { length: 'km', time: 'seconds since 1970-01-01 00:00:00', velocity: 'm s-1' },
    attrs: {
      comment: `conditional-mean reconstruction from drifters ${p.ids.slice(0, ds.nTracers).join(', ')} of ${basename(req.tracksPath)}; model ${req.modelDir}; uncertainty = weighted std of the velocity vector under the learned conditional`,
      projection: s.projection,
      projection_origin_latitude: s.origin.lat,
      projection_origin_longitude: s.origin.lon,
      km_per_model_unit: s.kmPerUnit,
      seconds_per_model_unit: s.secondsPerUnit,
      model_times: JSON.stringify(times),
      effective_sample_size: effectiveSampleSize(w)
    }
  })
}
