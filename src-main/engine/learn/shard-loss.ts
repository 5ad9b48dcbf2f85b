/**
 * The conditional loss (arXiv 2505.24134 §3.2, eqs. 5–8; losses.ts condLoss) of a whole batch, split by rows across
 * data-parallel workers, so each does 1/W of the B×B work instead of all of it:
 *
 *   L = (1/B) Σ_i [ −(λu+λv)/2 S_ii + λv/2 lse_j S_ij + λu/2 lse_j S_ji ],   S = s(z_u, z_v)/τ.
 *
 * Worker r holds rows R_r of z_u and z_v. It all-gathers z_v (B × ℓ), computes its row block S[R_r, :] and the row
 * terms locally; the column log-sum-exps need every row, so the workers exchange per-column (max, Σ exp) of their
 * blocks (2B floats each) and combine them. Backward, the gradient of the block is local, dL/dS[R_r, :] =
 * (λv/2 softmax_rows + λu/2 e^{S − lse_col} − (λu+λv)/2 I)/B, and the all-gather's gradient is a reduce-scatter:
 * each worker's block gives ∂L/∂z_v for every row, and the owner of a row sums those W partials (in rank order).
 * The metric and the temperature go through tfjs's autodiff as usual (logitMatrix), so every metric works.
 *
 * The workers' losses sum to L: each holds its rows' terms and 1/W of the column terms (the same in every worker),
 * and the column op's gradient is that of the W copies together (the block's entries are in no other worker's).
 */
import { tf } from './backend'
import { readInto } from './adam'
import { condHalf } from './losses'
import { logitMatrix } from './similarity'
import { BLOCK_GRAD, columnPartials, wasmKernelsInstalled } from './wasm/kernels'
import type { MetricKind } from '../../shared/training'

type Save = (tensors: tf.Tensor[]) => void
interface Grad<T extends tf.Tensor> { value: T; gradFunc: (dy: T, saved: tf.Tensor[]) => tf.Tensor[] }

/** The shared memory and the barrier of one rank. */
export interface ShardComm {
  rank: number
  workers: number
  /** The batch size B and the rows [lo, hi) of this rank. */
  B: number
  lo: number
  hi: number
  /** B × ℓ: the gathered z_v (each rank writes its rows). */
  gathered: Float32Array
  /** W × B × ℓ: each rank's ∂L/∂z_v of every row. */
  partials: Float32Array
  /** W × 2B: each rank's per-column max and Σ exp(S − max) of its block. */
  columns: Float32Array
  /** Every rank waits until all have arrived (and throws when the run is stopped). */
  barrier(): void
}

/** The whole batch's z_v from each rank's rows; backward, this rank's rows of Σ_ranks ∂L/∂z_v. */
function allGather(comm: ShardComm, ell: number): (own: tf.Tensor2D) => tf.Tensor2D {
  const { B, lo, hi, rank, workers: W } = comm
  return tf.customGrad(((own: tf.Tensor2D, _save: Save): Grad<tf.Tensor2D> => {
    readInto(own, comm.gathered.subarray(lo * ell, hi * ell))
    comm.barrier()
    return {
      value: tf.tensor2d(comm.gathered, [B, ell]),
      gradFunc: (dy) => {
        readInto(dy, comm.partials.subarray(rank * B * ell, (rank + 1) * B * ell))
        comm.barrier()
        const mine = new Float32Array((hi - lo) * ell)
        for (let q = 0; q < W; q++) {
          const from = q * B * ell + lo * ell
          for (let k = 0; k < mine.length; k++) mine[k] += comm.partials[from + k]!
        }
        return [tf.tensor2d(mine, [hi - lo, ell])]
      }
    }
  }) as never) as unknown as (own: tf.Tensor2D) => tf.Tensor2D
}

const shifted = new Map<string, tf.Tensor2D>()
/** rows × B with ones at [i, lo + i]: the diagonal of S within a row block (cached: the shards are fixed). */
function blockEye(rows: number, B: number, lo: number): tf.Tensor2D {
  const key = `${rows},${B},${lo}`
  let e = shifted.get(key)
  if (!e || e.isDisposed) {
    const a = new Float32Array(rows * B)
    for (let i = 0; i < rows; i++) a[i * B + lo + i] = 1
    shifted.set(key, (e = tf.keep(tf.tensor2d(a, [rows, B]))))
  }
  return e
}

/** The whole batch's column log-sum-exps from every rank's per-column (max, Σ exp) in `columns`, into `lse`; returns their sum. */
function columnLse(comm: ShardComm, lse: Float32Array): number {
  const { B, workers: W } = comm
  let colTerm = 0
  for (let j = 0; j < B; j++) {
    let top = -Infinity
    for (let q = 0; q < W; q++) top = Math.max(top, comm.columns[q * 2 * B + j]!)
    let t = 0
    for (let q = 0; q < W; q++) t += comm.columns[q * 2 * B + B + j]! * Math.exp(comm.columns[q * 2 * B + j]! - top)
    lse[j] = top + Math.log(t)
    colTerm += lse[j]!
  }
  return colTerm
}

interface WasmHeap { wasm: { HEAPF32: Float32Array }; dataIdMap: { get(id: object): { memoryOffset: number } } }

/**
 * This rank's share of the conditional loss from its row block S[R_r, :] (see the module comment). On wasm with our
 * kernels: the row softmax and Σ lse in one call (condHalf), the column partials in one, the diagonal read from the
 * heap, and the gradient in one (kernels.ts blockGrad); elsewhere the same from tfjs ops. The columns are exchanged
 * (a barrier) only when λu ≠ 0.
 */
function blockLoss(comm: ShardComm, lu: number, lv: number): (S: tf.Tensor2D) => tf.Scalar {
  const { B, lo, hi, rank, workers: W } = comm
  const rows = hi - lo
  const colMax = new Float32Array(B)
  const colSum = new Float32Array(B)
  const partials = new Float32Array(2 * B)
  const lse = new Float32Array(B)
  const block = new Float32Array(rows * B)
  const one = new Float32Array(1)
  const fast = tf.customGrad(((S: tf.Tensor2D, save: Save): Grad<tf.Scalar> => {
    const be = tf.backend() as unknown as WasmHeap
    const heap = be.wasm.HEAPF32
    const at = be.dataIdMap.get(S.dataId).memoryOffset / 4
    let diag = 0
    for (let i = 0; i < rows; i++) diag += heap[at + i * B + lo + i]!
    let value = (-(lu + lv) / 2) * diag
    const saved: tf.Tensor[] = [S]
    if (lv !== 0) {
      const half = condHalf(S, 'rows')
      readInto(half.lseSum, one)
      half.lseSum.dispose()
      value += (lv / 2) * one[0]!
      saved.push(half.probs)
    }
    if (lu !== 0) {
      columnPartials(tf.backend(), S, partials)
      comm.columns.set(partials, rank * 2 * B)
      comm.barrier()
      value += (lu / 2) * (columnLse(comm, lse) / W)
      saved.push(tf.tensor1d(lse))
    }
    save(saved)
    return {
      value: tf.scalar(value / B),
      gradFunc: (dy, [Ss, ...rest]) => {
        const inputs = { S: Ss!, dy, ...(lv !== 0 ? { rows: rest[0]! } : {}), ...(lu !== 0 ? { lse: rest[lv !== 0 ? 1 : 0]! } : {}) }
        return [tf.engine().runKernel(BLOCK_GRAD, inputs as tf.NamedTensorMap, { lu, lv, lo }) as tf.Tensor]
      }
    }
  }) as never) as unknown as (S: tf.Tensor2D) => tf.Scalar
  const ops = tf.customGrad(((S: tf.Tensor2D, save: Save): Grad<tf.Scalar> => {
    const I = blockEye(rows, B, lo)
    let colTerm = 0
    if (lu !== 0) {
      // per-column max and Σ exp of this block (in JavaScript: on wasm a reduction over axis 0 transposes first)
      readInto(S, block)
      colMax.fill(-Infinity)
      colSum.fill(0)
      for (let i = 0; i < rows; i++) for (let j = 0; j < B; j++) colMax[j] = Math.max(colMax[j]!, block[i * B + j]!)
      for (let i = 0; i < rows; i++) for (let j = 0; j < B; j++) colSum[j] += Math.exp(block[i * B + j]! - colMax[j]!)
      comm.columns.set(colMax, rank * 2 * B)
      comm.columns.set(colSum, rank * 2 * B + B)
      comm.barrier()
      colTerm = columnLse(comm, lse)
    }
    const colLse = tf.tensor2d(lse, [1, B])
    const rowMax = tf.max(S, 1, true)
    const rowExp = tf.exp(tf.sub(S, rowMax))
    const rowZ = tf.sum(rowExp, 1, true)
    const rowTerm = tf.sum(tf.add(tf.log(rowZ), rowMax))
    const diag = tf.sum(tf.mul(S, I))
    let value = tf.mul(-(lu + lv) / 2, diag)
    if (lv !== 0) value = tf.add(value, tf.mul(lv / 2, rowTerm))
    if (lu !== 0) value = tf.add(value, tf.scalar((lu / 2) * (colTerm / W)))
    save([tf.div(rowExp, rowZ), tf.exp(tf.sub(S, colLse))])
    return {
      value: tf.div(value, B) as tf.Scalar,
      gradFunc: (dy, [rowSoft, colSoft]) => {
        let g = tf.mul(I, -(lu + lv) / 2)
        if (lv !== 0) g = tf.add(g, tf.mul(rowSoft!, lv / 2))
        if (lu !== 0) g = tf.add(g, tf.mul(colSoft!, lu / 2))
        return [tf.mul(g, tf.div(dy, B))]
      }
    }
  }) as never) as unknown as (S: tf.Tensor2D) => tf.Scalar
  return (S) => (wasmKernelsInstalled() && tf.getBackend() === 'wasm' ? fast(S) : ops(S))
}

/**
 * This rank's share of the conditional loss (λu, λv) of the whole batch, from its own rows' embeddings (taped):
 * the ranks' shares sum to the loss, and their gradients to its gradient (up to float rounding).
 */
export function shardedCondLoss(comm: ShardComm, metric: MetricKind, weights: [number, number], ell: number): (zu: tf.Tensor2D, zv: tf.Tensor2D, logScale: tf.Tensor) => tf.Scalar {
  const gather = allGather(comm, ell)
  const loss = blockLoss(comm, weights[0], weights[1])
  return (zu, zv, logScale) => loss(logitMatrix(zu, gather(zv), metric, logScale))
}
