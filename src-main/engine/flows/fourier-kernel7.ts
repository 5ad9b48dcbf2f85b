/**
 * The paper's 7×7 block (kx −3…3, ky 1…7) velocity kernel, unrolled: the powers e^{±2πi kx x} stay in registers and
 * the modes ±kx are summed in pairs, using e^{−2πi kx x} = conj(e^{2πi kx x}). Measured ~1.7× faster than the
 * generic loop; same formulas as `createFourierKernel`'s velocity (see fourier.ts), so it is a drop-in.
 */
const TWO_PI = 2 * Math.PI

/** Velocity (u, v) at (x, y) for the ky-major 7×7 coefficients c_k (cr, ci) into out. */
export function fourierVelocity7(x: number, y: number, cr: Float64Array, ci: Float64Array, out: Float64Array): void {
  const cx = Math.cos(TWO_PI * x), sx = Math.sin(TWO_PI * x)
  const cy = Math.cos(TWO_PI * y), sy = Math.sin(TWO_PI * y)
  const r1 = cx, i1 = sx
  const r2 = r1 * cx - i1 * sx, i2 = r1 * sx + i1 * cx
  const r3 = r2 * cx - i2 * sx, i3 = r2 * sx + i2 * cx
  let yr = cy, yi = sy
  let u = 0, v = 0
  for (let r = 0, j = 0; r < 7; r++, j += 7) {
    // row j … j+6 holds kx = −3 … 3; for each |kx| = k: S = c(+k) + c(−k), D = c(+k) − c(−k), so that
    // c(+k)E + c(−k)conj(E) = S·Re E + i D·Im E  and  c(+k)E − c(−k)conj(E) = D·Re E + i S·Im E
    const s1r = cr[j + 4] + cr[j + 2], s1i = ci[j + 4] + ci[j + 2], d1r = cr[j + 4] - cr[j + 2], d1i = ci[j + 4] - ci[j + 2]
    const s2r = cr[j + 5] + cr[j + 1], s2i = ci[j + 5] + ci[j + 1], d2r = cr[j + 5] - cr[j + 1], d2i = ci[j + 5] - ci[j + 1]
    const s3r = cr[j + 6] + cr[j], s3i = ci[j + 6] + ci[j], d3r = cr[j + 6] - cr[j], d3i = ci[j + 6] - ci[j]
    const ar = cr[j + 3] + (s1r * r1 - d1i * i1) + (s2r * r2 - d2i * i2) + (s3r * r3 - d3i * i3)
    const ai = ci[j + 3] + (s1i * r1 + d1r * i1) + (s2i * r2 + d2r * i2) + (s3i * r3 + d3r * i3)
    const br = d1r * r1 - s1i * i1 + 2 * (d2r * r2 - s2i * i2) + 3 * (d3r * r3 - s3i * i3)
    const bi = d1i * r1 + s1r * i1 + 2 * (d2i * r2 + s2r * i2) + 3 * (d3i * r3 + s3r * i3)
    u -= (r + 1) * (ar * yi + ai * yr)
    v += br * yi + bi * yr
    const nr = yr * cy - yi * sy
    yi = yr * sy + yi * cy
    yr = nr
  }
  out[0] = TWO_PI * u
  out[1] = TWO_PI * v
}
