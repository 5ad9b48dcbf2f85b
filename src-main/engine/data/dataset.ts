/**
 * Paired data sets on disk: NetCDF-4 (HDF5 via h5wasm) with CF-1.10 trajectory conventions. Dimensions pair, tracer,
 * time, param (+ mode for Fourier constants, vortex for vortex tracks), each a coordinate variable and dimension scale.
 * Variables: x, y (pair, tracer, time) tracer positions; params (pair, param) the potential v; split (pair);
 * start_x, start_y (tracer); Fourier: kx, ky, omega (mode); vortex: vortex_x, vortex_y (pair, vortex, time).
 */
import { stat } from 'node:fs/promises'
import { SimulationConfig, FlowKind, type DatasetSummary } from '../../shared/simulation'
import { declaredSizeProblem } from '../../shared/limits'
import { UserError } from '../jobs/job'
import type { PairedDataset } from './dataset-types'
import { creationDate } from './created'
import {
  addDimension, addVariable, damagedFileError, dimensionLength, getVariable, openNetcdfForRead, readAttribute, setAttributes, writeNetcdf,
  type H5File
} from './netcdf/h5'
import { tracerStarts } from '../flows/plan'

/** Bumped when the layout changes; readers refuse newer files. */
export const DATASET_FORMAT_VERSION = 1
const GENERATOR = 'driftclip 0.1.0 flow engine (h5wasm NetCDF-4)'
const TIME_UNITS_NOTE = 'dimensionless flow time units (the Fourier flow runs to T = steps·dt on the unit torus; vortex time is in the same units as circulation/area)'

function iota(n: number): Int32Array {
  const a = new Int32Array(n)
  for (let i = 0; i < n; i++) a[i] = i
  return a
}

/** Split interleaved (…, 2) positions into separate x and y arrays. */
function deinterleave(xy: Float64Array): { x: Float64Array; y: Float64Array } {
  const n = xy.length / 2
  const x = new Float64Array(n), y = new Float64Array(n)
  for (let i = 0; i < n; i++) {
    x[i] = xy[2 * i]
    y[i] = xy[2 * i + 1]
  }
  return { x, y }
}

function interleave(x: Float64Array, y: Float64Array): Float64Array {
  const xy = new Float64Array(2 * x.length)
  for (let i = 0; i < x.length; i++) {
    xy[2 * i] = x[i]
    xy[2 * i + 1] = y[i]
  }
  return xy
}

function paramNames(ds: PairedDataset): string {
  if (ds.flow === 'fourier') return 'Re psi_k, Im psi_k for k = 1..K in the order of (kx, ky)'
  const n = ds.paramDim / 3
  return `x_1, y_1, ..., x_${n}, y_${n} (initial vortex positions), Gamma_1, ..., Gamma_${n} (circulations)`
}

function splitCounts(split: Uint8Array): { train: number; validation: number; test: number } {
  const c = [0, 0, 0]
  for (const s of split) c[s]++
  return { train: c[0], validation: c[1], test: c[2] }
}

/** Write a paired data set atomically (a temporary sibling renamed into place). */
export async function writeDataset(path: string, ds: PairedDataset, signal?: AbortSignal): Promise<void> {
  const counts = splitCounts(ds.split)
  const unitsNote = ds.domain.periodic ? 'unit square [0,1)^2, periodic; positions are unwrapped (not reduced modulo 1)' : 'plane, nondimensional length units'
  await writeNetcdf(path, (f) => {
    setAttributes(f, {
      Conventions: 'CF-1.10',
      featureType: 'trajectory',
      title: `Driftclip paired data set: ${ds.flow} flow, ${ds.nPairs} pairs`,
      summary: 'Paired (trajectory u, flow parameters v) samples for contrastive learning (arXiv 2505.24134)',
      source: 'driftclip simulate',
      generator: GENERATOR,
      driftclip_format: DATASET_FORMAT_VERSION,
      flow: ds.flow,
      seed: ds.config.seed,
      config: JSON.stringify(ds.config),
      date_created: creationDate(),
      time_units: TIME_UNITS_NOTE,
      domain_units: unitsNote,
      domain_x0: ds.domain.x0, domain_x1: ds.domain.x1, domain_y0: ds.domain.y0, domain_y1: ds.domain.y1,
      domain_periodic: ds.domain.periodic ? 1 : 0,
      split_train: counts.train, split_validation: counts.validation, split_test: counts.test
    })
    addDimension(f, 'pair', iota(ds.nPairs), { long_name: 'pair index', cf_role: 'trajectory_id' })
    addDimension(f, 'tracer', iota(ds.nTracers), { long_name: 'tracer index within a pair' })
    // CF reserves standard_name=time (and axis T) for times with "<unit> since <date>" units; model time is dimensionless.
    addDimension(f, 'time', ds.times, { long_name: 'model time (dimensionless)', units: '1', comment: TIME_UNITS_NOTE })
    addDimension(f, 'param', iota(ds.paramDim), { long_name: 'flow parameter index', comment: paramNames(ds) })
    const pos = deinterleave(ds.trajectories)
    const posAttrs = (axis: 'x' | 'y') => ({
      long_name: `tracer ${axis} position`, units: '1', axis: axis.toUpperCase(), comment: unitsNote, coordinates: 'time'
    })
    addVariable(f, 'x', pos.x, ['pair', 'tracer', 'time'], posAttrs('x'))
    addVariable(f, 'y', pos.y, ['pair', 'tracer', 'time'], posAttrs('y'))
    addVariable(f, 'params', ds.params, ['pair', 'param'], { long_name: 'flow parameters (potential v)', comment: paramNames(ds) })
    addVariable(f, 'split', Int8Array.from(ds.split), ['pair'], {
      long_name: 'data split', flag_values: Int8Array.from([0, 1, 2]), flag_meanings: 'train validation test'
    })
    const starts = deinterleave(tracerStarts(ds.config))
    addVariable(f, 'start_x', starts.x, ['tracer'], { long_name: 'tracer x at t = 0', units: '1' })
    addVariable(f, 'start_y', starts.y, ['tracer'], { long_name: 'tracer y at t = 0', units: '1' })
    writeConstants(f, ds)
    if (ds.vortexTracks) {
      const nV = ds.vortexTracks.length / (ds.nPairs * ds.nTimes * 2)
      addDimension(f, 'vortex', iota(nV), { long_name: 'vortex index' })
      const tr = deinterleave(ds.vortexTracks)
      addVariable(f, 'vortex_x', tr.x, ['pair', 'vortex', 'time'], { long_name: 'vortex x position', units: '1' })
      addVariable(f, 'vortex_y', tr.y, ['pair', 'vortex', 'time'], { long_name: 'vortex y position', units: '1' })
    }
  }, { signal })
}

const CONSTANT_ATTRS: Record<string, { long_name: string; units: string }> = {
  kx: { long_name: 'wavenumber in x (cycles per domain length)', units: '1' },
  ky: { long_name: 'wavenumber in y (cycles per domain length)', units: '1' },
  omega: { long_name: 'angular frequency of the mode', units: 'radian per time unit' }
}

/** Flow constants share one dimension per length: "mode" for the first length, "mode_<n>" for others. */
function writeConstants(f: H5File, ds: PairedDataset): void {
  const dims = new Map<number, string>()
  for (const [name, values] of Object.entries(ds.flowConstants)) {
    let dim = dims.get(values.length)
    if (!dim) {
      dim = dims.size === 0 ? 'mode' : `mode_${values.length}`
      dims.set(values.length, dim)
      addDimension(f, dim, iota(values.length), { long_name: 'flow constant index' })
    }
    addVariable(f, name, values, [dim], { ...(CONSTANT_ATTRS[name] ?? { long_name: name, units: '1' }), driftclip_role: 'flow_constant' })
  }
}

/** Read and check the global attributes common to reading and summarising. */
function readHeader(path: string, f: H5File): { flow: FlowKind; config: SimulationConfig; createdAt: string } {
  const format = readAttribute(f, 'driftclip_format')
  if (format === undefined) throw new UserError(`${path}: is a NetCDF file but not a Driftclip data set (no driftclip_format attribute)`)
  if (Number(format) > DATASET_FORMAT_VERSION)
    throw new UserError(`${path}: data set format ${format} is newer than this Driftclip understands (${DATASET_FORMAT_VERSION}); update Driftclip`)
  const flow = FlowKind.safeParse(readAttribute(f, 'flow'))
  if (!flow.success) throw new UserError(`${path}: global attribute "flow" is ${JSON.stringify(readAttribute(f, 'flow'))}; expected "fourier" or "vortex"`)
  let json: unknown
  try {
    json = JSON.parse(String(readAttribute(f, 'config')))
  } catch {
    throw new UserError(`${path}: global attribute "config" is missing or not valid JSON`)
  }
  const config = SimulationConfig.safeParse(json)
  if (!config.success) {
    const issue = config.error.issues[0]
    throw new UserError(`${path}: global attribute "config" is invalid at ${issue.path.join('.') || '(root)'}: ${issue.message}`)
  }
  return { flow: flow.data, config: config.data, createdAt: String(readAttribute(f, 'date_created') ?? '') }
}

function needIn(path: string, f: H5File, name: string, shape: number[], fileBytes: number): Float64Array {
  const v = getVariable(f, name)
  if (!v) throw new UserError(`${path}: variable "${name}" is missing`)
  const got = v.shape ?? []
  if (got.length !== shape.length || got.some((n, i) => n !== shape[i]))
    throw new UserError(`${path}: variable "${name}" has shape (${got.join(', ')}); expected (${shape.join(', ')})`)
  const tooBig = declaredSizeProblem(got, fileBytes) // before anything is allocated
  if (tooBig) throw new UserError(`${path}: variable "${name}" ${tooBig}`)
  const value = v.value
  if (!ArrayBuffer.isView(value)) throw new UserError(`${path}: variable "${name}" is not numeric`)
  return value instanceof Float64Array ? value : Float64Array.from(value as unknown as ArrayLike<number>)
}

function dim(path: string, f: H5File, name: string): number {
  try {
    return dimensionLength(f, name)
  } catch {
    throw new UserError(`${path}: dimension "${name}" is missing`)
  }
}

/** Read a data set written by `writeDataset`; a UserError names the file and what is wrong. */
export async function readDataset(path: string): Promise<PairedDataset> {
  const f = await openNetcdfForRead(path)
  const bytes = (await stat(path)).size
  const need = (name: string, shape: number[]) => needIn(path, f, name, shape, bytes)
  try {
    const { flow, config } = readHeader(path, f)
    const nPairs = dim(path, f, 'pair'), nTracers = dim(path, f, 'tracer'), nTimes = dim(path, f, 'time'), paramDim = dim(path, f, 'param')
    const times = need('time', [nTimes])
    const x = need('x', [nPairs, nTracers, nTimes])
    const y = need('y', [nPairs, nTracers, nTimes])
    const params = need('params', [nPairs, paramDim])
    const split = Uint8Array.from(need('split', [nPairs]))
    if (split.some((s) => s > 2)) throw new UserError(`${path}: variable "split" has values other than 0 (train), 1 (validation), 2 (test)`)
    const flowConstants: Record<string, Float64Array> = {}
    for (const name of f.keys()) {
      const v = getVariable(f, name)
      if (v && readAttribute(v, 'driftclip_role') === 'flow_constant') flowConstants[name] = need(name, v.shape ?? [])
    }
    let vortexTracks: Float64Array | undefined
    if (flow === 'vortex') {
      const nV = dim(path, f, 'vortex')
      vortexTracks = interleave(need('vortex_x', [nPairs, nV, nTimes]), need('vortex_y', [nPairs, nV, nTimes]))
    }
    const num = (name: string): number => {
      const v = Number(readAttribute(f, name))
      if (!Number.isFinite(v)) throw new UserError(`${path}: global attribute "${name}" is missing or not a number`)
      return v
    }
    return {
      flow, config, nPairs, nTracers, nTimes, times,
      trajectories: interleave(x, y),
      params, paramDim, split, flowConstants, vortexTracks,
      domain: { x0: num('domain_x0'), x1: num('domain_x1'), y0: num('domain_y0'), y1: num('domain_y1'), periodic: num('domain_periodic') === 1 }
    }
  } catch (err) {
    throw damagedFileError(path, err)
  } finally {
    f.close()
  }
}

/** The summary of an in-memory data set that was (or will be) written to `path`. */
export function summaryOf(path: string, ds: PairedDataset, createdAt: string): DatasetSummary {
  return {
    path, flow: ds.flow, pairs: ds.nPairs, tracers: ds.nTracers, times: ds.nTimes, paramDim: ds.paramDim,
    split: splitCounts(ds.split), seed: ds.config.seed, createdAt,
    ...(ds.config.scales ? { scales: ds.config.scales } : {})
  }
}

/** Cheap: reads attributes and dimension lengths only. */
export async function summarizeDataset(path: string): Promise<DatasetSummary> {
  const f = await openNetcdfForRead(path)
  try {
    const { flow, config, createdAt } = readHeader(path, f)
    const count = (name: string): number => Number(readAttribute(f, name) ?? 0)
    return {
      path, flow,
      pairs: dim(path, f, 'pair'), tracers: dim(path, f, 'tracer'), times: dim(path, f, 'time'), paramDim: dim(path, f, 'param'),
      split: { train: count('split_train'), validation: count('split_validation'), test: count('split_test') },
      seed: config.seed, createdAt,
      ...(config.scales ? { scales: config.scales } : {})
    }
  } catch (err) {
    throw damagedFileError(path, err)
  } finally {
    f.close()
  }
}
