/**
 * The two-sided conditional loss (arXiv 2505.24134 eq. 7 with λ = (1, 1), inner-product tilting, τ = 1) of two
 * bias-free linear encoders g_u(u) = Gᵀu, g_v(v) = Hᵀv (A = G Hᵀ, eq. 38), with its gradient written out in float64,
 * and a seeded Adam loop over shuffled mini-batches. The GP experiment (§6.1) needs many thousands of steps per point
 * to converge; on tfjs-wasm a step of these tiny products costs ~85 ms of op overhead, here ~5 ms at batch 512.
 * It is the same function as losses.ts's condLoss on S = (U G)(V H)ᵀ (checked in the tests).
 */
import { shuffled, normalRng } from './random'

/** Reusable buffers for one batch size and embedding dimension. */
export interface CondWork { B: number; l: number; P: Float64Array; Q: Float64Array; E: Float64Array; dP: Float64Array; dQ: Float64Array; rows: Float64Array; cols: Float64Array }

export function condWork(B: number, l: number): CondWork {
  return { B, l, P: new Float64Array(B * l), Q: new Float64Array(B * l), E: new Float64Array(B * B), dP: new Float64Array(B * l), dQ: new Float64Array(B * l), rows: new Float64Array(B), cols: new Float64Array(B) }
}

/**
 * Loss of one batch (rows ub: B × nu, vb: B × nv) and its gradient, written into gG (nu × l) and gH (nv × l).
 * L = −(1/B) Σ_i S_ii + (1/2B) Σ_i log Σ_j e^{S_ij} + (1/2B) Σ_j log Σ_i e^{S_ij}; dL/dS = (rowsoftmax + colsoftmax)/2B − I/B.
 */
export function condLossLinear(ub: Float64Array, vb: Float64Array, nu: number, nv: number, G: Float64Array, H: Float64Array, gG: Float64Array, gH: Float64Array, w: CondWork): number {
  const { B, l, P, Q, E, dP, dQ, rows, cols } = w
  // P = U G (B × l); Q = V H stored transposed (l × B) so that every inner loop runs over contiguous j
  project(ub, B, nu, G, l, P)
  project(vb, B, nv, H, l, dQ)
  for (let j = 0; j < B; j++) for (let k = 0; k < l; k++) Q[k * B + j] = dQ[j * l + k]
  let max = -Infinity
  let diag = 0
  E.fill(0)
  for (let i = 0; i < B; i++) {
    const o = i * B
    for (let k = 0; k < l; k++) {
      const p = P[i * l + k]
      const q = k * B
      for (let j = 0; j < B; j++) E[o + j] += p * Q[q + j]
    }
    for (let j = 0; j < B; j++) if (E[o + j] > max) max = E[o + j]
    diag += E[o + i]
  }
  rows.fill(0)
  cols.fill(0)
  // one shift for rows and columns: the logits of these small linear models stay far from exp's float64 range
  for (let i = 0; i < B; i++) {
    const o = i * B
    let r = 0
    for (let j = 0; j < B; j++) {
      const e = Math.exp(E[o + j] - max)
      E[o + j] = e
      r += e
      cols[j] += e
    }
    rows[i] = r
  }
  let lse = 0
  for (let i = 0; i < B; i++) lse += Math.log(rows[i]) + Math.log(cols[i]) + 2 * max
  for (let i = 0; i < B; i++) rows[i] = 1 / (2 * B * rows[i])
  for (let j = 0; j < B; j++) cols[j] = 1 / (2 * B * cols[j])
  // dS_ij = E_ij (rows_i + cols_j) − δ_ij / B, in place; dP = dS Q (B × l), dQᵀ = Pᵀ dS (l × B)
  for (let i = 0; i < B; i++) {
    const o = i * B
    const r = rows[i]
    for (let j = 0; j < B; j++) E[o + j] *= r + cols[j]
    E[o + i] -= 1 / B
  }
  dQ.fill(0)
  for (let i = 0; i < B; i++) {
    const o = i * B
    for (let k = 0; k < l; k++) {
      const q = k * B
      const p = P[i * l + k]
      let acc = 0
      for (let j = 0; j < B; j++) {
        const d = E[o + j]
        acc += d * Q[q + j]
        dQ[q + j] += d * p
      }
      dP[i * l + k] = acc
    }
  }
  // dQ holds dQᵀ (l × B): back to B × l in Q's buffer
  for (let j = 0; j < B; j++) for (let k = 0; k < l; k++) Q[j * l + k] = dQ[k * B + j]
  backProject(ub, B, nu, dP, l, gG)
  backProject(vb, B, nv, Q, l, gH)
  return -diag / B + lse / (2 * B)
}

/** out (B × l) = x (B × n) · W (n × l). */
function project(x: Float64Array, B: number, n: number, W: Float64Array, l: number, out: Float64Array): void {
  out.fill(0)
  for (let i = 0; i < B; i++)
    for (let a = 0; a < n; a++) {
      const xa = x[i * n + a]
      for (let k = 0; k < l; k++) out[i * l + k] += xa * W[a * l + k]
    }
}

/** g (n × l) = xᵀ (n × B) · d (B × l). */
function backProject(x: Float64Array, B: number, n: number, d: Float64Array, l: number, g: Float64Array): void {
  g.fill(0)
  for (let i = 0; i < B; i++)
    for (let a = 0; a < n; a++) {
      const xa = x[i * n + a]
      for (let k = 0; k < l; k++) g[a * l + k] += xa * d[i * l + k]
    }
}

/** Glorot-normal weights (n × l), seeded (as encoders.ts initialises a linear encoder). */
export function glorot(n: number, l: number, seed: number): Float64Array {
  const rand = normalRng(seed)
  const std = Math.sqrt(2 / (n + l))
  return Float64Array.from({ length: n * l }, () => std * rand())
}

export interface LinearFitSettings {
  batch: number; steps: number; seed: number
  /** Peak Adam rate (after a linear warm-up over `warmup` of the steps), decayed by a cosine to `floor` × peak at `decayEnd`, then held. */
  learningRate: number; warmup: number; decayEnd: number; floor: number
  /** The returned A is the mean of A = G Hᵀ over this last fraction of the steps (Polyak–Ruppert averaging: SGD noise ∝ 1/√steps). */
  average: number
}

/** Rate at `step` of the schedule above. */
export function linearFitRate(s: LinearFitSettings, step: number): number {
  const w = Math.round(s.warmup * s.steps)
  if (step < w) return (s.learningRate * (step + 1)) / w
  const end = Math.max(w + 1, Math.round(s.decayEnd * s.steps))
  const p = Math.min(1, (step - w) / (end - w))
  return s.learningRate * (s.floor + (1 - s.floor) * 0.5 * (1 + Math.cos(Math.PI * p)))
}

/**
 * Adam (β = 0.9, 0.999) on the batch loss over shuffled mini-batches of the n pairs (u: n × nu, v: n × nv, the ragged
 * last batch of an epoch dropped), from G0, H0. Returns A (nu × nv, row-major), averaged as in `average`.
 */
export function fitLinearCond(u: Float64Array, v: Float64Array, n: number, nu: number, nv: number, G0: Float64Array, H0: Float64Array, s: LinearFitSettings, onStep?: (step: number) => void): Float64Array {
  const l = G0.length / nu
  const B = Math.min(s.batch, n)
  const perEpoch = Math.floor(n / B)
  const w = condWork(B, l)
  const theta = new Float64Array(G0.length + H0.length)
  theta.set(G0)
  theta.set(H0, G0.length)
  const grad = new Float64Array(theta.length)
  const m = new Float64Array(theta.length)
  const v2 = new Float64Array(theta.length)
  const G = theta.subarray(0, G0.length)
  const H = theta.subarray(G0.length)
  const gG = grad.subarray(0, G0.length)
  const gH = grad.subarray(G0.length)
  const ub = new Float64Array(B * nu)
  const vb = new Float64Array(B * nv)
  const A = new Float64Array(nu * nv)
  const from = s.steps - Math.max(1, Math.round(s.average * s.steps))
  const all = Int32Array.from({ length: n }, (_, i) => i)
  let order: Int32Array = all
  const [b1, b2, eps] = [0.9, 0.999, 1e-8]
  for (let step = 0; step < s.steps; step++) {
    const b = step % perEpoch
    if (b === 0) order = shuffled(all, s.seed * 1000003 + step / perEpoch)
    for (let r = 0; r < B; r++) {
      const i = order[b * B + r]
      for (let a = 0; a < nu; a++) ub[r * nu + a] = u[i * nu + a]
      for (let a = 0; a < nv; a++) vb[r * nv + a] = v[i * nv + a]
    }
    condLossLinear(ub, vb, nu, nv, G, H, gG, gH, w)
    const lr = linearFitRate(s, step)
    const c1 = 1 - Math.pow(b1, step + 1)
    const c2 = 1 - Math.pow(b2, step + 1)
    for (let k = 0; k < theta.length; k++) {
      m[k] = b1 * m[k] + (1 - b1) * grad[k]
      v2[k] = b2 * v2[k] + (1 - b2) * grad[k] * grad[k]
      theta[k] -= (lr * (m[k] / c1)) / (Math.sqrt(v2[k] / c2) + eps)
    }
    if (step >= from)
      for (let a = 0; a < nu; a++)
        for (let c = 0; c < nv; c++) {
          let s2 = 0
          for (let k = 0; k < l; k++) s2 += G[a * l + k] * H[c * l + k]
          A[a * nv + c] += s2
        }
    onStep?.(step)
  }
  const count = s.steps - from
  for (let k = 0; k < A.length; k++) A[k] /= count
  return A
}
