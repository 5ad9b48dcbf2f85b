/**
 * Loaded data sets and models kept in memory by path and modification time, so repeated GUI requests
 * (field views of successive test cases) do not re-read files; a changed file is reloaded.
 */
import { stat } from 'node:fs/promises'
import { join } from 'node:path'
import type { PairedDataset } from '../data/dataset-types'
import { readDataset } from '../data/dataset'
import { initBackend, loadModel, type ContrastiveModel } from '../learn/index'
import { UserError } from '../jobs/job'

interface Entry<T> {
  key: string
  value: Promise<T>
}

/** Small LRU: a couple of data sets and models is all a session looks at. */
const LIMIT = 3
const datasets: Entry<PairedDataset>[] = []
const models: Entry<ContrastiveModel>[] = []

async function versionKey(path: string): Promise<string> {
  try {
    const s = await stat(path)
    return `${path}@${s.mtimeMs}:${s.size}`
  } catch {
    throw new UserError(`${path}: file not found`, 'not-found')
  }
}

function remember<T>(list: Entry<T>[], key: string, load: () => Promise<T>, evict?: (v: T) => void): Promise<T> {
  const at = list.findIndex((e) => e.key === key)
  if (at >= 0) {
    const [hit] = list.splice(at, 1)
    list.unshift(hit!)
    return hit!.value
  }
  const value = load()
  // a failed load must not stay cached
  value.catch(() => list.splice(list.findIndex((e) => e.value === value) >>> 0, 1))
  list.unshift({ key, value })
  for (const old of list.splice(LIMIT)) if (evict) old.value.then(evict, () => {})
  return value
}

/** The data set at `path`, read once per version of the file. */
export async function cachedDataset(path: string): Promise<PairedDataset> {
  return remember(datasets, await versionKey(path), () => readDataset(path))
}

/** The model in folder `dir` checked against its data set, loaded once per version of its metadata. */
export async function cachedModel(dir: string, ds: PairedDataset, datasetPath: string): Promise<ContrastiveModel> {
  const key = `${await versionKey(join(dir, 'driftclip-model.json'))}|${await versionKey(datasetPath)}`
  // tensors need a backend: the first model load in a process chooses it (idempotent afterwards)
  return remember(models, key, async () => (await initBackend(), loadModel(dir, ds)), (m) => m.dispose())
}
