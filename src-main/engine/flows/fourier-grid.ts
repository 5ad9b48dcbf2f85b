/**
 * The Fourier fields on a whole grid at once. The sum is separable: with P_k = c_k e^{2πi kx x} e^{2πi ky y}, each ky
 * row's x-sums A_r(x_i) = Σ_kx c e^{2πi kx x_i} (and the kx- and kx²-weighted B_r, Q_r) are shared by a whole grid
 * column, so a grid costs m² per column plus m per cell, and no trigonometric call per cell: ~20× less than
 * evaluating the point kernels cell by cell. Same formulas as `createFourierKernel` (fourier.ts).
 */
const TWO_PI = 2 * Math.PI

/** Scratch reused across calls (grids are sampled by the thousand; one thread, not re-entrant). */
let scratch = new Float64Array(0)
function take(n: number): Float64Array {
  if (scratch.length < n) scratch = new Float64Array(Math.max(n, 2 * scratch.length))
  return scratch
}

/**
 * e^{2πi k s} for k = k0 … k0 + n − 1 at each position s into re/im [at + position·n + (k − k0)], by the point
 * kernel's recurrences.
 */
function powers(s: Float64Array, k0: number, n: number, buf: Float64Array, reAt: number, imAt: number): void {
  for (let p = 0; p < s.length; p++) {
    const c = Math.cos(TWO_PI * s[p]!), sn = Math.sin(TWO_PI * s[p]!)
    const o = p * n
    // walk up from k = 0 (or from k0 when the range starts above 0) with (c + i s), down with its conjugate
    const z = Math.min(Math.max(-k0, 0), n - 1)
    let r = 1, i = 0
    for (let k = 0; k < k0; k++) {
      const nr = r * c - i * sn
      i = r * sn + i * c
      r = nr
    }
    buf[reAt + o + z] = r
    buf[imAt + o + z] = i
    for (let q = z + 1; q < n; q++) {
      const pr = buf[reAt + o + q - 1]!, pi = buf[imAt + o + q - 1]!
      buf[reAt + o + q] = pr * c - pi * sn
      buf[imAt + o + q] = pr * sn + pi * c
    }
    for (let q = z - 1; q >= 0; q--) {
      const pr = buf[reAt + o + q + 1]!, pi = buf[imAt + o + q + 1]!
      buf[reAt + o + q] = pr * c + pi * sn
      buf[imAt + o + q] = pi * c - pr * sn
    }
  }
}

/** Samples on a grid, each ny × nx row-major (index j·nx + i). */
export interface GridOut { u: Float64Array; v: Float64Array; psi: Float64Array; vorticity: Float64Array }

/**
 * Velocity (u = ∂ψ/∂y, v = −∂ψ/∂x), stream function and vorticity of the m×m block (kx from −⌊(m−1)/2⌋, ky 1 … m,
 * ky-major coefficients cr, ci) at the points (xs[i], ys[j]) into out[…][j·nx + i]. Allocation-free; the sums
 * are laid out column-major (i·m + r) so the cell loop reads them contiguously.
 */
export function fourierGrid(m: number, cr: Float64Array, ci: Float64Array, xs: Float64Array, ys: Float64Array, out: GridOut): void {
  const kxMin = -Math.floor((m - 1) / 2)
  const nx = xs.length, ny = ys.length
  const nxm = nx * m, nym = ny * m
  // one buffer: x powers re/im, y powers re/im, then the six per-(column, row) sums
  const b = take(2 * nxm + 2 * nym + 6 * nxm)
  const XR = 0, XI = nxm, YR = 2 * nxm, YI = 2 * nxm + nym, S = 2 * nxm + 2 * nym
  const AR = S, AI = S + nxm, BR = S + 2 * nxm, BI = S + 3 * nxm, QR = S + 4 * nxm, QI = S + 5 * nxm
  powers(xs, kxMin, m, b, XR, XI)
  powers(ys, 1, m, b, YR, YI)
  // per ky row r and column i: A = Σ c e, B = Σ kx c e, Q = Σ kx² c e
  for (let i = 0; i < nx; i++)
    for (let r = 0; r < m; r++) {
      let sar = 0, sai = 0, sbr = 0, sbi = 0, sqr = 0, sqi = 0
      for (let c = 0, j = r * m; c < m; c++, j++) {
        const a = cr[j]!, bb = ci[j]!, er = b[XR + i * m + c]!, ei = b[XI + i * m + c]!
        const pr = a * er - bb * ei, pi = a * ei + bb * er
        const k = c + kxMin
        const kk = k * k
        sar += pr
        sai += pi
        sbr += k * pr
        sbi += k * pi
        sqr += kk * pr
        sqi += kk * pi
      }
      const o = i * m + r
      b[AR + o] = sar
      b[AI + o] = sai
      b[BR + o] = sbr
      b[BI + o] = sbi
      b[QR + o] = sqr
      b[QI + o] = sqi
    }
  const { u: U, v: V, psi: PSI, vorticity: Z } = out
  for (let jy = 0; jy < ny; jy++)
    for (let i = 0; i < nx; i++) {
      let u = 0, v = 0, psi = 0, zeta = 0
      for (let r = 0; r < m; r++) {
        const yr = b[YR + jy * m + r]!, yi = b[YI + jy * m + r]!
        const o = i * m + r
        const ar = b[AR + o]!, ai = b[AI + o]!
        const ky = r + 1
        const re = ar * yr - ai * yi
        u -= ky * (ar * yi + ai * yr)
        v += b[BR + o]! * yi + b[BI + o]! * yr
        psi += re
        zeta += b[QR + o]! * yr - b[QI + o]! * yi + ky * ky * re
      }
      const k = jy * nx + i
      U[k] = TWO_PI * u
      V[k] = TWO_PI * v
      PSI[k] = psi
      Z[k] = 4 * Math.PI * Math.PI * zeta
    }
}
