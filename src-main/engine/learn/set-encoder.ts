/**
 * A set encoder over drifters by Bayesian aggregation (Volpp et al. 2021, "Bayesian context aggregation for neural
 * processes", ICLR): every member (drifter) contributes Gaussian evidence about a latent θ ∈ R^P — an information
 * vector b_d = Gᵀ R⁻¹ y and matrix A_d = Gᵀ R⁻¹ G from its own observations — and the set is pooled by adding the
 * evidence of the members present onto a N(0, I) prior: r = (I + Σ_d A_d)⁻¹ Σ_d b_d. The pooled r is what the
 * learned head sees. Any subset works and the order does not matter, so leaving a drifter out is a mask.
 */
import { CholeskyDecomposition, Matrix } from 'ml-matrix'

/** One member's evidence: information vector (P) and information matrix (P × P, row-major). */
export interface MemberEvidence {
  b: Float64Array
  A: Float64Array
}

/** An empty evidence of dimension P (to accumulate into). */
export function emptyEvidence(P: number): MemberEvidence {
  return { b: new Float64Array(P), A: new Float64Array(P * P) }
}

/** Add one observation y (m values) with rows G (m × P, row-major) and noise precisions 1/R (diagonal) to `e`. */
export function addObservation(e: MemberEvidence, G: Float64Array, y: ArrayLike<number>, precision: ArrayLike<number>): void {
  const P = e.b.length
  const m = y.length
  for (let r = 0; r < m; r++) {
    const w = precision[r]
    if (!(w > 0)) continue
    const o = r * P
    for (let i = 0; i < P; i++) {
      const gi = G[o + i] * w
      if (gi === 0) continue
      e.b[i] += gi * y[r]
      const row = i * P
      for (let j = 0; j < P; j++) e.A[row + j] += gi * G[o + j]
    }
  }
}

/** Pool the members for which `include(d)` holds: r = (I + Σ A_d)⁻¹ Σ b_d. */
export function aggregate(members: MemberEvidence[], include: (d: number) => boolean, P: number): Float64Array {
  const A = Array.from({ length: P }, (_, i) => {
    const row = new Float64Array(P)
    row[i] = 1
    return row
  })
  const b = new Float64Array(P)
  members.forEach((e, d) => {
    if (!include(d)) return
    for (let i = 0; i < P; i++) {
      b[i] += e.b[i]
      const row = A[i]
      // symmetrised exactly (the two halves were accumulated in different float order)
      for (let j = 0; j < P; j++) row[j] += 0.5 * (e.A[i * P + j] + e.A[j * P + i])
    }
  })
  return Float64Array.from(new CholeskyDecomposition(new Matrix(A)).solve(Matrix.columnVector(Array.from(b))).getColumn(0))
}
