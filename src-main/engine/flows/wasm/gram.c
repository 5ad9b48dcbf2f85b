// M = XᵀX (P × P, row-major, full) of the columns X_p = cols[p·n … (p + 1)·n) in WebAssembly SIMD: the Gram matrix
// of a path's normal equations (learn/path-features.ts), 98 columns of 400–1000 rows at the paper's settings.
// Dot products of contiguous columns in 2 × 4 blocks, two rows per f64x2 (even and odd rows summed apart, then added:
// not the sequential sum's rounding, within a few ulp of it), the lower triangle, then mirrored. No libc, no stack
// arrays; the caller places cols and M in this module's memory (gram-wasm.ts).
#include <wasm_simd128.h>

typedef v128_t V;
static inline V ld(const double *p) { return wasm_v128_load(p); }
static inline V madd(V acc, V a, V b) { return wasm_f64x2_add(acc, wasm_f64x2_mul(a, b)); }
static inline double hsum(V v) { return wasm_f64x2_extract_lane(v, 0) + wasm_f64x2_extract_lane(v, 1); }

static double dot(const double *a, const double *b, int n) {
  V s = wasm_f64x2_splat(0.0);
  int j = 0;
  for (; j + 1 < n; j += 2) s = madd(s, ld(a + j), ld(b + j));
  double r = hsum(s);
  if (j < n) r += a[j] * b[j];
  return r;
}

void gram(const double *cols, int P, int n, double *M) {
  const int n2 = n & ~1;
  int p = 0;
  for (; p + 1 < P; p += 2) {
    const double *x = cols + p * n, *y = x + n;
    int q = 0;
    for (; q + 3 <= p; q += 4) {
      const double *m0 = cols + q * n, *m1 = m0 + n, *m2 = m1 + n, *m3 = m2 + n;
      V z = wasm_f64x2_splat(0.0);
      V a0 = z, a1 = z, a2 = z, a3 = z, b0 = z, b1 = z, b2 = z, b3 = z;
      for (int j = 0; j < n2; j += 2) {
        const V X = ld(x + j), Y = ld(y + j), M0 = ld(m0 + j), M1 = ld(m1 + j), M2 = ld(m2 + j), M3 = ld(m3 + j);
        a0 = madd(a0, X, M0); a1 = madd(a1, X, M1); a2 = madd(a2, X, M2); a3 = madd(a3, X, M3);
        b0 = madd(b0, Y, M0); b1 = madd(b1, Y, M1); b2 = madd(b2, Y, M2); b3 = madd(b3, Y, M3);
      }
      double r[8] = { hsum(a0), hsum(a1), hsum(a2), hsum(a3), hsum(b0), hsum(b1), hsum(b2), hsum(b3) };
      if (n2 < n) {
        const int j = n2;
        r[0] += x[j] * m0[j]; r[1] += x[j] * m1[j]; r[2] += x[j] * m2[j]; r[3] += x[j] * m3[j];
        r[4] += y[j] * m0[j]; r[5] += y[j] * m1[j]; r[6] += y[j] * m2[j]; r[7] += y[j] * m3[j];
      }
      double *o = M + p * P + q;
      for (int k = 0; k < 4; k++) { o[k] = r[k]; o[P + k] = r[4 + k]; }
    }
    for (; q <= p + 1; q++) {
      if (q <= p) M[p * P + q] = dot(x, cols + q * n, n);
      M[(p + 1) * P + q] = dot(y, cols + q * n, n);
    }
  }
  for (; p < P; p++)
    for (int q = 0; q <= p; q++) M[p * P + q] = dot(cols + p * n, cols + q * n, n);
  for (int i = 0; i < P; i++)
    for (int q = 0; q < i; q++) M[q * P + i] = M[i * P + q];
}
