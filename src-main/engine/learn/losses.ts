/**
 * Every contrastive loss, each written once as a function of the logit matrix S[i, j] = s(u_i, v_j)/τ
 * of a batch of B positive pairs (mini-batch forms of arXiv 2505.24134 eqs. 5–12, §3.2): conditional with weights (λu, λv), joint, and the
 * MMD conditional variant (§1.6).
 */
import { LossKind, type TrainConfig } from '../../shared/training'
import { UserError } from '../jobs/job'
import { tf } from './backend'
import { columnSums, denseFast } from './dense'
import { COND_GRAD, SOFTMAX_LSE, wasmKernelsInstalled } from './wasm/kernels'

const eyes = new Map<number, tf.Tensor2D>()
/** A cached identity matrix (kept across tidy scopes; B is fixed during training). */
function eye(n: number): tf.Tensor2D {
  let e = eyes.get(n)
  if (!e || e.isDisposed) eyes.set(n, (e = tf.keep(tf.eye(n))))
  return e
}

/** Mean of the diagonal of a square matrix (no gather: wasm lacks its gradient). */
function diagMean(S: tf.Tensor2D): tf.Scalar {
  return tf.mean(tf.sum(tf.mul(S, eye(S.shape[0])), 1))
}

type Save = (tensors: tf.Tensor[]) => void
/**
 * Row-wise log Σ_j e^{x_ij} with the softmax as an explicit gradient: tfjs's own logSumExp gradient
 * (through max) is ~6× slower on wasm.
 */
const logSumExpRows = tf.customGrad(((x: tf.Tensor2D, save: Save) => {
  const m = tf.max(x, 1, true)
  const value = tf.add(tf.log(tf.sum(tf.exp(tf.sub(x, m)), 1, true)), m)
  save([x, value])
  return { value: tf.reshape(value, [-1]), gradFunc: (dy: tf.Tensor, [xs, v]: tf.Tensor[]) => [tf.mul(tf.exp(tf.sub(xs, v)), tf.reshape(dy, [-1, 1]))] }
}) as never) as unknown as (x: tf.Tensor2D) => tf.Tensor1D

/**
 * L_cond(λu, λv) = −(1/B) Σ_i [ λu/2 (S_ii − log Σ_j e^{S_ji}) + λv/2 (S_ii − log Σ_j e^{S_ij}) ].
 * The λu term normalises over the u index (column-wise: u | v), the λv term row-wise (v | u).
 * (1, 1) is CLIP; at S = 0 it equals log B. One fused op whose gradient is written out,
 * (λv/2 softmax_rows + λu/2 softmax_cols − (λu+λv)/2 I)/B: ~2.5× cheaper than the taped ops on wasm.
 */
export function condLoss(S: tf.Tensor2D, lambdaU: number, lambdaV: number): tf.Scalar {
  return condOp(lambdaU, lambdaV)(S)
}

/** One half of condLoss's forward: Σ_i log Σ_j e^{S_ij} over rows (v | u) or columns (u | v), and that softmax. */
export interface CondHalf { lseSum: tf.Scalar; probs: tf.Tensor2D }

/** The row or column half of the conditional loss of S (the same ops wherever it is computed, so the same bits). */
export function condHalf(S: tf.Tensor2D, along: 'rows' | 'cols'): CondHalf {
  if (wasmKernelsInstalled() && tf.getBackend() === 'wasm') {
    // one wasm call for the ops below (within float32 rounding of them: a SIMD exp, float64 logs)
    const [lseSum, probs] = tf.engine().runKernel(SOFTMAX_LSE, { x: S }, { along }) as [tf.Scalar, tf.Tensor2D]
    return { lseSum, probs }
  }
  const axis = along === 'rows' ? 1 : 0
  const m = tf.max(S, axis, true)
  const e = tf.exp(tf.sub(S, m))
  const z = along === 'rows' ? tf.sum(e, 1, true) : columnSums(e as tf.Tensor2D) // = tf.sum(e, 0, true), bit for bit, without wasm's transpose
  return { lseSum: tf.sum(tf.add(tf.log(z), m)), probs: tf.div(e, z) }
}

/** Where condLoss gets its halves: computed here, or (encoder-parallel training) half here, half by the other worker. */
export type CondHalves = (S: tf.Tensor2D, need: { rows: boolean; cols: boolean }) => { rows?: CondHalf; cols?: CondHalf }
const localHalves: CondHalves = (S, need) => ({ ...(need.rows ? { rows: condHalf(S, 'rows') } : {}), ...(need.cols ? { cols: condHalf(S, 'cols') } : {}) })

const condOps = new Map<string, (S: tf.Tensor2D) => tf.Scalar>()
/** The conditional loss as one op; `halves` lets encoder-parallel training split its forward between the workers. */
export function condOp(lu: number, lv: number, halves: CondHalves = localHalves): (S: tf.Tensor2D) => tf.Scalar {
  const key = `${lu},${lv}`
  let op = halves === localHalves ? condOps.get(key) : undefined
  if (op) return op
  op = tf.customGrad(((S: tf.Tensor2D, save: Save) => {
    const B = S.shape[0]
    const I = eye(B)
    let lse = tf.mul(-(lu + lv) / 2, tf.sum(tf.mul(S, I)))
    const saved: tf.Tensor[] = []
    const h = halves(S, { rows: lv !== 0, cols: lu !== 0 })
    if (h.rows) {
      lse = tf.add(lse, tf.mul(lv / 2, h.rows.lseSum))
      saved.push(h.rows.probs) // row softmax: v | u
    }
    if (h.cols) {
      lse = tf.add(lse, tf.mul(lu / 2, h.cols.lseSum))
      saved.push(h.cols.probs) // column softmax: u | v
    }
    save(saved)
    return {
      value: tf.div(lse, B) as tf.Scalar,
      gradFunc: (dy: tf.Tensor, probs: tf.Tensor[]) => {
        if (wasmKernelsInstalled() && tf.getBackend() === 'wasm') {
          const inputs = { dy, ...(lv !== 0 ? { rows: probs[0] } : {}), ...(lu !== 0 ? { cols: probs[lv !== 0 ? 1 : 0] } : {}) }
          return [tf.engine().runKernel(COND_GRAD, inputs as tf.NamedTensorMap, { lu, lv }) as tf.Tensor] // the ops below in one call, their bits
        }
        let g = tf.mul(eye(B), -(lu + lv) / 2)
        if (lv !== 0) g = tf.add(g, tf.mul(probs[0], lv / 2))
        if (lu !== 0) g = tf.add(g, tf.mul(probs[lv !== 0 ? 1 : 0], lu / 2))
        return [tf.mul(g, tf.div(dy, B))]
      }
    }
  }) as never) as unknown as (S: tf.Tensor2D) => tf.Scalar
  if (halves === localHalves) condOps.set(key, op)
  return op
}

/**
 * L_joint = −(1/B) Σ_i S_ii + log( (1/(B(B−1))) Σ_{i≠j} e^{S_ij} ): the off-diagonal pairs are the
 * sample from the product of marginals. At S = 0 it is 0.
 */
export function jointLoss(S: tf.Tensor2D): tf.Scalar {
  return tf.tidy(() => {
    const B = S.shape[0]
    const offDiag = tf.sub(S, tf.mul(eye(B), 1e30))
    const lse = logSumExpRows(tf.reshape(offDiag, [1, -1]))
    return tf.sub(tf.sub(tf.sum(lse), Math.log(B * (B - 1))), diagMean(S)) as tf.Scalar
  })
}

/**
 * Gaussian kernel matrix k(x_i, x_j) = exp(−|x_i − x_j|² / m) on raw (normalised) inputs, with m the
 * mean squared pairwise distance of the batch (a median-heuristic-like bandwidth). Constant: no gradient.
 */
export function gaussianKernel(x: tf.Tensor2D): tf.Tensor2D {
  return tf.tidy(() => {
    const sq = tf.sum(tf.square(x), 1, true)
    const d2 = tf.relu(tf.sub(tf.add(sq, tf.reshape(sq, [1, -1])), tf.mul(2, tf.matMul(x, x, false, true))))
    const m = tf.maximum(tf.mean(d2), 1e-12)
    return tf.exp(tf.neg(tf.div(d2, m))) as tf.Tensor2D
  })
}

/**
 * One side of the MMD conditional loss (arXiv 2505.24134 Appendix B, Example B.1, U-statistic form) for the conditional of the
 * row index given the column index: column i's model conditional puts weight q_{k|i} ∝ e^{S_ki} on the
 * other batch members k ≠ i (independent draws from the marginal), and
 * L_i = ½ (B−1)/(B−2) Σ_{j≠k} K_jk q_j q_k − Σ_k K_ik q_k  (θ-dependent part of MMD²(δ_{x_i}, ν(·|col i))).
 */
export function mmdOneSided(S: tf.Tensor2D, K: tf.Tensor2D): tf.Scalar {
  return tf.tidy(() => {
    const B = S.shape[0]
    const I = eye(B)
    const q = tf.softmax(tf.transpose(tf.sub(S, tf.mul(I, 1e30)))) // [i, k] = q_{k|i}, rows sum to 1
    const qK = denseFast(q as tf.Tensor2D, K) // [i, m] = Σ_k q_{k|i} K_km
    const quad = tf.sub(tf.sum(tf.mul(qK, q), 1), tf.sum(tf.mul(q, q), 1)) // Σ_{j≠k} (K_jj = 1)
    const cross = tf.sum(tf.mul(qK, I), 1) // Σ_k q_{k|i} K_ki
    return tf.mean(tf.sub(tf.mul(0.5 * (B - 1) / (B - 2), quad), cross)) as tf.Scalar
  })
}

/** L_mmd(λu, λv) = λu·(u|v side with kernel on u) + λv·(v|u side with kernel on v). Needs B ≥ 3. */
export function mmdLoss(S: tf.Tensor2D, Ku: tf.Tensor2D, Kv: tf.Tensor2D, lambdaU: number, lambdaV: number): tf.Scalar {
  return tf.tidy(() => {
    let loss = tf.scalar(0)
    if (lambdaU !== 0) loss = tf.add(loss, tf.mul(lambdaU, mmdOneSided(S, Ku)))
    if (lambdaV !== 0) loss = tf.add(loss, tf.mul(lambdaV, mmdOneSided(tf.transpose(S), Kv)))
    return loss as tf.Scalar
  })
}

/**
 * Default weights (λu, λv) per loss: cond (1,1); the one-sided losses use the paper's (2,0) / (0,2)
 * (Section 5.2) so each is the full conditional log-likelihood; mmd (1,1). Overridable in the config.
 */
export function lossWeights(cfg: Pick<TrainConfig, 'loss'> & { lambdaU?: number; lambdaV?: number }): [number, number] {
  const defaults: Record<LossKind, [number, number]> = { cond: [1, 1], 'cond-u': [2, 0], 'cond-v': [0, 2], joint: [1, 1], mmd: [1, 1] }
  const [u, v] = defaults[cfg.loss]
  return [cfg.lambdaU ?? u, cfg.lambdaV ?? v]
}

/** The configured loss of a logit matrix; `kernels` (Ku, Kv of the batch inputs) are needed for mmd. */
export function contrastiveLoss(S: tf.Tensor2D, loss: LossKind, weights: [number, number], kernels?: [tf.Tensor2D, tf.Tensor2D]): tf.Scalar {
  const lossOf = LOSSES[loss] as LossFn | undefined
  if (!lossOf) throw new UserError(`unknown loss "${String(loss)}"; use one of ${LossKind.options.join(', ')}`)
  return lossOf(S, weights, kernels)
}

type LossFn = (S: tf.Tensor2D, weights: [number, number], kernels?: [tf.Tensor2D, tf.Tensor2D]) => tf.Scalar
const cond: LossFn = (S, [u, v]) => condLoss(S, u, v)
/** Every loss by name: a loss added to LossKind does not compile until it is registered here, and an unknown one is refused. */
const LOSSES: Record<LossKind, LossFn> = {
  cond,
  'cond-u': cond,
  'cond-v': cond,
  joint: (S) => jointLoss(S),
  mmd: (S, [u, v], kernels) => {
    if (!kernels) throw new Error('the mmd loss needs the input kernels of the batch')
    return mmdLoss(S, kernels[0], kernels[1], u, v)
  }
}
