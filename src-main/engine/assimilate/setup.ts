/**
 * Everything an evaluation shares between methods and model variants: the test queries, the reference bank
 * (train split), the comparison grid and frame times, and the bank's and truths' fields sampled on it.
 */
import { SPLIT, type PairedDataset, type SplitName } from '../data/dataset-types'
import { FIELD_DEFAULTS, MAX_EVALUATION_FIELD_BYTES } from '../../shared/limits'
import { defaultGrid, type GridSpec } from '../flows/field'
import { throwIfCancelled, UserError, type JobContext } from '../jobs/job'
import { frameTimes, samplePairs } from './bank-fields'
import { weightedMean, type FieldStack, type GridFrames } from './grid-frames'

export interface EvaluationOptions {
  /** Grid cells per side for field comparisons. */
  grid: number
  /** Frames (times) across the record window for field comparisons. */
  frames: number
  /** At most this many test pairs are used as queries (the first ones of the test split). */
  maxTest: number
  /** At most this many train pairs form the reference bank (the first ones of the train split). */
  maxBank: number
  /** Conditional samples per query. */
  samples: number
  seed: number
}

export const DEFAULT_EVALUATION: EvaluationOptions = { ...FIELD_DEFAULTS.evaluation, maxTest: 200, maxBank: 4096, samples: 32, seed: 1 }

export interface EvaluationSetup {
  ds: PairedDataset
  options: EvaluationOptions
  grid: GridSpec
  times: Float64Array
  testPairs: Int32Array
  bankPairs: Int32Array
  /** Bank members' fields (bank order). */
  bank: FieldStack
  /** Test queries' true fields (query order). */
  truths: FieldStack
  /** Mean field of the bank: the climatology baseline. */
  bankMean: GridFrames
}

/** Pair indices of one split in data-set order, at most `max`. */
export function pairsOfSplit(ds: PairedDataset, split: SplitName, max = Infinity): Int32Array {
  const out: number[] = []
  for (let i = 0; i < ds.nPairs && out.length < max; i++) if (ds.split[i] === SPLIT[split]) out.push(i)
  return Int32Array.from(out)
}

/** Rows `indices` of a row-major matrix with `rowLength` columns, stacked. */
export function gatherRows(src: ArrayLike<number>, indices: ArrayLike<number>, rowLength: number): Float64Array {
  const out = new Float64Array(indices.length * rowLength)
  if (src instanceof Float64Array) {
    for (let k = 0; k < indices.length; k++) out.set(src.subarray(indices[k]! * rowLength, (indices[k]! + 1) * rowLength), k * rowLength)
    return out
  }
  for (let k = 0; k < indices.length; k++)
    for (let c = 0; c < rowLength; c++) out[k * rowLength + c] = src[indices[k]! * rowLength + c]!
  return out
}

/** An evaluation's queries, bank, grid and frame times, before any field is sampled. */
export type EvaluationPlan = Pick<EvaluationSetup, 'ds' | 'options' | 'grid' | 'times' | 'testPairs' | 'bankPairs'>

/** Choose the queries and the bank (checked) and the comparison grid and times. */
export function planEvaluation(ds: PairedDataset, options: EvaluationOptions): EvaluationPlan {
  const testPairs = pairsOfSplit(ds, 'test', options.maxTest)
  const bankPairs = pairsOfSplit(ds, 'train', options.maxBank)
  if (testPairs.length === 0) throw new UserError('the data set has no test pairs: simulate it with testFraction > 0')
  if (bankPairs.length === 0) throw new UserError('the data set has no train pairs to use as a reference bank')
  const members = bankPairs.length + testPairs.length
  const bytes = members * options.frames * options.grid ** 2 * 3 * Float64Array.BYTES_PER_ELEMENT
  if (bytes > MAX_EVALUATION_FIELD_BYTES)
    throw new UserError(
      `a ${options.grid}² grid × ${options.frames} frames for ${members} fields (bank and queries) needs ${(bytes / 2 ** 30).toFixed(1)} GiB, more than the ${MAX_EVALUATION_FIELD_BYTES / 2 ** 30} GiB limit: use a smaller --grid or fewer --frames`
    )
  return { ds, options, grid: defaultGrid(ds, options.grid), times: frameTimes(ds, options.frames), testPairs, bankPairs }
}

/** Choose queries and bank and sample their fields (the expensive part, done once per data set). */
export function prepareEvaluation(ds: PairedDataset, options: EvaluationOptions, ctx: JobContext): EvaluationSetup {
  const { grid, times, testPairs, bankPairs } = planEvaluation(ds, options)
  ctx.progress({ done: 0, total: 2, unit: 'banks', message: `sampling ${bankPairs.length} bank fields on a ${options.grid}² grid` })
  const bank = samplePairs(ds, bankPairs, grid, times, { signal: ctx.signal })
  throwIfCancelled(ctx.signal)
  ctx.progress({ done: 1, total: 2, unit: 'banks', message: `sampling ${testPairs.length} true test fields` })
  const truths = samplePairs(ds, testPairs, grid, times, { signal: ctx.signal })
  const bankMean = weightedMean(bank, new Float64Array(bank.count).fill(1 / bank.count))
  return { ds, options, grid, times, testPairs, bankPairs, bank, truths, bankMean }
}
