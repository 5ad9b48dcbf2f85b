/**
 * Model folders: `model.json` (TF.js weights manifest) + `weights.bin` (TF.js binary weights) +
 * `driftclip-model.json` (architecture, loss, metric, temperature, normalisation, training config,
 * data-set provenance). Written atomically; loading into a mismatched data set is refused.
 */
import { mkdir, readFile, writeFile } from 'node:fs/promises'
import { join } from 'node:path'
import type { PairedDataset } from '../data/dataset-types'
import { writeAtomically } from '../data/atomic'
import { UserError } from '../jobs/job'
import { initBackend, tf } from './backend'
import { buildEncoder, type Encoder } from './encoders'
import { TrainedModel, type DataShape, type ModelMeta } from './model'

export const META_FILE = 'driftclip-model.json'
export const MANIFEST_FILE = 'model.json'
export const WEIGHTS_FILE = 'weights.bin'

/** Write named tensors in the TF.js weights format (manifest + one binary shard) into `dir`. */
export async function writeWeights(dir: string, named: tf.NamedTensorMap, extra: Record<string, unknown> = {}): Promise<void> {
  const { data, specs } = await tf.io.encodeWeights(named)
  const manifest = { format: 'driftclip-encoders', generatedBy: `TensorFlow.js v${tf.version.tfjs}`, ...extra, weightsManifest: [{ paths: [WEIGHTS_FILE], weights: specs }] }
  await writeFile(join(dir, MANIFEST_FILE), JSON.stringify(manifest, null, 1))
  await writeFile(join(dir, WEIGHTS_FILE), new Uint8Array(data))
}

/** Read the tensors written by `writeWeights`. */
export async function readWeights(dir: string): Promise<tf.NamedTensorMap> {
  const manifestPath = join(dir, MANIFEST_FILE)
  try {
    const manifest = JSON.parse(await readFile(manifestPath, 'utf8')) as { weightsManifest: { paths: string[]; weights: tf.io.WeightsManifestEntry[] }[] }
    const group = manifest.weightsManifest[0]
    const bin = await readFile(join(dir, group.paths[0]))
    return tf.io.decodeWeights(bin.buffer.slice(bin.byteOffset, bin.byteOffset + bin.byteLength), group.weights)
  } catch (err) {
    throw new UserError(`cannot read the model weights in ${dir} (${MANIFEST_FILE} / ${WEIGHTS_FILE}): ${(err as Error).message}; retrain or choose another model folder`, 'not-found')
  }
}

/** The weights of both encoders under "u/<name>" and "v/<name>". */
export function namedWeights(encU: Encoder, encV: Encoder): tf.NamedTensorMap {
  const out: tf.NamedTensorMap = {}
  encU.names.forEach((n, i) => (out[`u/${n}`] = encU.variables[i]))
  encV.names.forEach((n, i) => (out[`v/${n}`] = encV.variables[i]))
  return out
}

/** Overwrite encoder variables from named tensors (missing names are an error). */
export function assignWeights(encU: Encoder, encV: Encoder, named: tf.NamedTensorMap, dir: string): void {
  for (const [prefix, enc] of [['u', encU], ['v', encV]] as const)
    enc.names.forEach((n, i) => {
      const t = named[`${prefix}/${n}`]
      if (!t || t.size !== enc.variables[i].size) throw new UserError(`model in ${dir} lacks weight ${prefix}/${n} of shape [${enc.variables[i].shape}]; the folder is damaged`)
      enc.variables[i].assign(tf.reshape(t, enc.variables[i].shape))
    })
}

/** A model folder as a write target: replaced only with `force`, and only if it is a model folder. */
export const modelTarget = (force = false) => ({ kind: 'folder', force, marker: META_FILE }) as const

/** Save a trained model into the folder `dir` (atomically). */
export async function saveModel(model: TrainedModel, dir: string, provenance: { dataset: string }, opts: { force?: boolean } = {}): Promise<void> {
  const meta: ModelMeta = { ...model.meta, provenance: { ...model.meta.provenance, dataset: provenance.dataset } }
  await writeAtomically(dir, async (tmp) => {
    await mkdir(tmp, { recursive: true })
    await writeWeights(tmp, namedWeights(model.encU, model.encV))
    await writeFile(join(tmp, META_FILE), JSON.stringify(meta, null, 1))
  }, modelTarget(opts.force))
}

/** The data shape of a data set, as recorded in a model. */
export function dataShapeOf(ds: PairedDataset): DataShape {
  return { flow: ds.flow, nTracers: ds.nTracers, nTimes: ds.nTimes, paramDim: ds.paramDim, tStart: ds.times[0] ?? 0, tEnd: ds.times[ds.nTimes - 1] ?? 0 }
}

const describe = (s: DataShape) => `${s.flow} flow, ${s.nTracers} tracer(s) × ${s.nTimes} times over t ∈ [${s.tStart}, ${s.tEnd}], ${s.paramDim} parameters`

/** Refuse a data set the model was not trained for, naming both. */
export function checkCompatible(meta: ModelMeta, ds: PairedDataset, dir: string): void {
  const want = meta.data
  const got = dataShapeOf(ds)
  const close = (a: number, b: number) => Math.abs(a - b) <= 1e-9 * Math.max(1, Math.abs(a), Math.abs(b))
  const same = want.flow === got.flow && want.nTracers === got.nTracers && want.nTimes === got.nTimes && want.paramDim === got.paramDim && close(want.tStart, got.tStart) && close(want.tEnd, got.tEnd)
  if (!same)
    throw new UserError(`model ${dir} was trained on data set ${meta.provenance.dataset} (${describe(want)}) and cannot be used with this data set (${describe(got)}); train a model on matching data`)
}

/** Read `driftclip-model.json` of a model folder. */
export async function readMeta(dir: string): Promise<ModelMeta> {
  const path = join(dir, META_FILE)
  let meta: ModelMeta
  try {
    meta = JSON.parse(await readFile(path, 'utf8')) as ModelMeta
  } catch (err) {
    const missing = (err as NodeJS.ErrnoException).code === 'ENOENT'
    throw new UserError(missing ? `${path} not found: ${dir} is not a Driftclip model folder` : `${path} is not valid JSON (${(err as Error).message})`, missing ? 'not-found' : 'bad-input')
  }
  if (meta.format !== 'driftclip-model' || meta.version !== 1) throw new UserError(`${path} is not a version-1 Driftclip model (format ${String(meta.format)}, version ${String(meta.version)})`)
  return meta
}

/** Load a model folder; with `ds`, refuse a mismatched data set. */
export async function loadModel(dir: string, ds?: PairedDataset): Promise<TrainedModel> {
  await initBackend()
  const meta = await readMeta(dir)
  if (ds) checkCompatible(meta, ds, dir)
  const encU = buildEncoder(meta.architecture.u, 0)
  const encV = buildEncoder(meta.architecture.v, 0)
  const named = await readWeights(dir)
  try {
    assignWeights(encU, encV, named, dir)
  } finally {
    tf.dispose(Object.values(named))
  }
  return new TrainedModel(meta, encU, encV, saveModel)
}
