/**
 * Closed-form optima of the Gaussian theory (arXiv 2505.24134 §5, proofs in Appendix D) with ml-matrix: inner-product tilting +
 * conditional loss (Thm 5.1, incl. rank r), L2 tilting + one-sided loss (Thm 5.3), inner-product
 * tilting + joint loss (Thm 5.6); plus seeded samples of N(0, C).
 */
import { CholeskyDecomposition, EigenvalueDecomposition, Matrix, SingularValueDecomposition, inverse } from 'ml-matrix'
import { normalRng } from './random'

export interface Blocks { Cuu: Matrix; Cuv: Matrix; Cvu: Matrix; Cvv: Matrix }

/** Split the joint covariance of (u, v) with u ∈ R^nu. */
export function blocks(C: Matrix, nu: number): Blocks {
  const n = C.rows
  return {
    Cuu: C.subMatrix(0, nu - 1, 0, nu - 1),
    Cuv: C.subMatrix(0, nu - 1, nu, n - 1),
    Cvu: C.subMatrix(nu, n - 1, 0, nu - 1),
    Cvv: C.subMatrix(nu, n - 1, nu, n - 1)
  }
}

/** Symmetric matrix power S^p through the eigendecomposition (S symmetric positive definite). */
export function symPow(S: Matrix, p: number): Matrix {
  const e = new EigenvalueDecomposition(S, { assumeSymmetric: true })
  const V = e.eigenvectorMatrix
  const d = Matrix.diag(e.realEigenvalues.map((x) => Math.pow(x, p)))
  return V.mmul(d).mmul(V.transpose())
}

/** Best rank-r approximation (truncated SVD); r ≥ min size returns M. */
export function truncate(M: Matrix, r: number): Matrix {
  const svd = new SingularValueDecomposition(M, { autoTranspose: true })
  const s = svd.diagonal.map((x, i) => (i < r ? x : 0))
  return svd.leftSingularVectors.mmul(Matrix.diag(s)).mmul(svd.rightSingularVectors.transpose())
}

/** Thm 5.1: A* = Cuu⁻¹ Cuv Cvv⁻¹, or its rank-r form Cuu^{-1/2}(Cuu^{-1/2} Cuv Cvv^{-1/2})_r Cvv^{-1/2}. */
export function condOptimum(C: Matrix, nu: number, rank?: number): Matrix {
  const { Cuu, Cuv, Cvv } = blocks(C, nu)
  const Ru = symPow(Cuu, -0.5)
  const Rv = symPow(Cvv, -0.5)
  const r = rank ?? Math.min(Cuv.rows, Cuv.columns)
  return Ru.mmul(truncate(Ru.mmul(Cuv).mmul(Rv), r)).mmul(Rv)
}

/** Def. 5.5: h(σ) = (½√(1+4σ²) − ½)/σ. */
export function shrink(sigma: number): number {
  return sigma === 0 ? 0 : (0.5 * Math.sqrt(1 + 4 * sigma * sigma) - 0.5) / sigma
}

/** Thm 5.6: A* = Cuu^{-1/2} (U h(Σ) Vᵀ)_r Cvv^{-1/2}, with U Σ Vᵀ the SVD of Cuu^{-1/2} Cuv Cvv^{-1/2}. */
export function jointOptimum(C: Matrix, nu: number, rank?: number): Matrix {
  const { Cuu, Cuv, Cvv } = blocks(C, nu)
  const Ru = symPow(Cuu, -0.5)
  const Rv = symPow(Cvv, -0.5)
  const svd = new SingularValueDecomposition(Ru.mmul(Cuv).mmul(Rv), { autoTranspose: true })
  const r = rank ?? svd.diagonal.length
  const h = svd.diagonal.map((s, i) => (i < r ? shrink(s) : 0))
  return Ru.mmul(svd.leftSingularVectors.mmul(Matrix.diag(h)).mmul(svd.rightSingularVectors.transpose())).mmul(Rv)
}

/** Thm 5.3 (one-sided u|v, L2 tilting): A* = C_{u|v}⁻¹ Cuv Cvv⁻¹, B* = C_{u|v}⁻¹ − Cuu⁻¹. */
export function l2OneSidedOptimum(C: Matrix, nu: number): { A: Matrix; B: Matrix } {
  const { Cuu, Cuv, Cvu, Cvv } = blocks(C, nu)
  const Cvvi = inverse(Cvv)
  const condU = Cuu.clone().sub(Cuv.mmul(Cvvi).mmul(Cvu))
  const condUi = inverse(condU)
  return { A: condUi.mmul(Cuv).mmul(Cvvi), B: condUi.clone().sub(inverse(Cuu)) }
}

/** Model conditional u|v of the L2 tilting (eq. 48): mean map (B + Cuu⁻¹)⁻¹A and covariance (B + Cuu⁻¹)⁻¹. */
export function l2ModelConditionalU(C: Matrix, nu: number, A: Matrix, B: Matrix): { mean: Matrix; cov: Matrix } {
  const { Cuu } = blocks(C, nu)
  const cov = inverse(B.clone().add(inverse(Cuu)))
  return { mean: cov.mmul(A), cov }
}

/** True conditional of u given v: mean map Cuv Cvv⁻¹ and covariance Cuu − Cuv Cvv⁻¹ Cvu (eq. 37). */
export function trueConditionalU(C: Matrix, nu: number): { mean: Matrix; cov: Matrix } {
  const { Cuu, Cuv, Cvu, Cvv } = blocks(C, nu)
  const K = Cuv.mmul(inverse(Cvv))
  return { mean: K, cov: Cuu.clone().sub(K.mmul(Cvu)) }
}

/** n seeded samples of N(0, C) as row-major Float64 (n × dim). */
export function sampleGaussian(C: Matrix, n: number, seed: number): Float64Array {
  const L = new CholeskyDecomposition(C.clone().add(C.transpose()).div(2)).lowerTriangularMatrix // exact symmetry for ml-matrix
  const d = C.rows
  const rand = normalRng(seed)
  const out = new Float64Array(n * d)
  const z = new Float64Array(d)
  for (let i = 0; i < n; i++) {
    for (let k = 0; k < d; k++) z[k] = rand()
    for (let r = 0; r < d; r++) {
      let s = 0
      for (let k = 0; k <= r; k++) s += L.get(r, k) * z[k]
      out[i * d + r] = s
    }
  }
  return out
}

/** Largest absolute entry of X − Y. */
export function maxAbsDiff(X: Matrix, Y: Matrix): number {
  return X.clone().sub(Y).abs().max()
}
