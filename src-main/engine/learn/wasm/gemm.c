/*
 * Matrix products for tfjs's wasm backend in WebAssembly SIMD128, run on the backend's own heap (this module
 * imports tfjs's memory and has no data and no stack of its own, so it writes nothing but its outputs and the
 * scratch buffer it is given).
 *
 * C[p] = act(bias + A[p] B[p]) for every batch p, where A's element (i, k) is at A + i*ars + k*acs and B's element
 * (k, j) at B + k*brs + j*bcs: every transpose is a choice of strides, so none is materialised (tfjs-wasm's own
 * kernel takes a naive loop for transposed or batched operands, ~10x slower, and re-packs its weights for every new
 * right-hand operand). Each output is bias + a_0 b_0 + a_1 b_1 + ... summed in k order, one rounding per product
 * and per sum (no fused multiply-add exists in SIMD128): the order XNNPACK's f32 GEMM uses, so products that tfjs
 * sent to XNNPACK come out bit for bit the same (tested). Built a second time with -DRELAXED, each multiply-add is
 * fused (one rounding per term; ~1.4x the speed), chosen at run time by kernels.ts. B is read in strips of 8 columns,
 * each first copied into `scratch` (K*8 floats; see product).
 * Build: bash src-main/engine/learn/wasm/build.sh (clang + wasm-ld), which regenerates gemm-wasm-bytes.ts.
 */
#include <wasm_simd128.h>

typedef v128_t V;
#define EXPORT(name) __attribute__((export_name(name)))

static inline V ld(const float *p) { return wasm_v128_load(p); }
static inline void st(float *p, V v) { wasm_v128_store(p, v); }
#ifdef RELAXED
/* a*b + acc in one rounding: relaxed SIMD's f32x4.relaxed_madd(a, b, acc). clang 14 has it only as the draft
   f32x4.fma(x, y, z) = x + y*z with an opcode engines no longer take; build.sh rewrites that opcode to relaxed_madd's
   (the operands stay), so they are written here in relaxed_madd's order. */
static inline V madd(V acc, V a, V b) { return __builtin_wasm_fma_f32x4(a, b, acc); }
#else
static inline V madd(V acc, V a, V b) { return wasm_f32x4_add(acc, wasm_f32x4_mul(a, b)); }
#endif
/* relu as XNNPACK clamps (pmax(0, x)); `relu` is 0 or 1 */
static inline V act(V x, int relu) { return relu ? wasm_f32x4_pmax(wasm_f32x4_splat(0.0f), x) : x; }
static inline float act1(float x, int relu) { return relu ? (0.0f < x ? x : 0.0f) : x; }

/* Rows i..i+3, columns j..j+7, A row-major-ish (any strides). */
static void tile4x8(int K, const float *a, int ars, int acs, const float *b, int ldb, const float *bias, float *c,
                    int ldc, int relu) {
  V c00, c01, c10, c11, c20, c21, c30, c31;
  c00 = c01 = wasm_f32x4_splat(0.0f);
  if (bias) c00 = ld(bias), c01 = ld(bias + 4);
  c10 = c20 = c30 = c00;
  c11 = c21 = c31 = c01;
  const float *a0 = a, *a1 = a + ars, *a2 = a + 2 * ars, *a3 = a + 3 * ars;
  for (int k = 0; k < K; k++) {
    const V b0 = ld(b), b1 = ld(b + 4);
    b += ldb;
    V x = wasm_v128_load32_splat(a0);
    c00 = madd(c00, x, b0), c01 = madd(c01, x, b1);
    x = wasm_v128_load32_splat(a1);
    c10 = madd(c10, x, b0), c11 = madd(c11, x, b1);
    x = wasm_v128_load32_splat(a2);
    c20 = madd(c20, x, b0), c21 = madd(c21, x, b1);
    x = wasm_v128_load32_splat(a3);
    c30 = madd(c30, x, b0), c31 = madd(c31, x, b1);
    a0 += acs, a1 += acs, a2 += acs, a3 += acs;
  }
  st(c, act(c00, relu)), st(c + 4, act(c01, relu));
  c += ldc;
  st(c, act(c10, relu)), st(c + 4, act(c11, relu));
  c += ldc;
  st(c, act(c20, relu)), st(c + 4, act(c21, relu));
  c += ldc;
  st(c, act(c30, relu)), st(c + 4, act(c31, relu));
}

/* The same tile when A is transposed in memory (ars == 1): its four rows at one k are four adjacent floats. */
static void tile4x8t(int K, const float *a, int acs, const float *b, int ldb, const float *bias, float *c, int ldc,
                     int relu) {
  V c00, c01, c10, c11, c20, c21, c30, c31;
  c00 = c01 = wasm_f32x4_splat(0.0f);
  if (bias) c00 = ld(bias), c01 = ld(bias + 4);
  c10 = c20 = c30 = c00;
  c11 = c21 = c31 = c01;
  for (int k = 0; k < K; k++) {
    const V b0 = ld(b), b1 = ld(b + 4);
    b += ldb;
    const V av = wasm_v128_load(a);
    a += acs;
    V x = wasm_i32x4_shuffle(av, av, 0, 0, 0, 0);
    c00 = madd(c00, x, b0), c01 = madd(c01, x, b1);
    x = wasm_i32x4_shuffle(av, av, 1, 1, 1, 1);
    c10 = madd(c10, x, b0), c11 = madd(c11, x, b1);
    x = wasm_i32x4_shuffle(av, av, 2, 2, 2, 2);
    c20 = madd(c20, x, b0), c21 = madd(c21, x, b1);
    x = wasm_i32x4_shuffle(av, av, 3, 3, 3, 3);
    c30 = madd(c30, x, b0), c31 = madd(c31, x, b1);
  }
  st(c, act(c00, relu)), st(c + 4, act(c01, relu));
  c += ldc;
  st(c, act(c10, relu)), st(c + 4, act(c11, relu));
  c += ldc;
  st(c, act(c20, relu)), st(c + 4, act(c21, relu));
  c += ldc;
  st(c, act(c30, relu)), st(c + 4, act(c31, relu));
}

/* One row, columns j..j+7 (the rows left over, and products with one row such as column sums). */
static void tile1x8(int K, const float *a, int acs, const float *b, int ldb, const float *bias, float *c, int relu) {
  V c0 = wasm_f32x4_splat(0.0f), c1 = c0;
  if (bias) c0 = ld(bias), c1 = ld(bias + 4);
  for (int k = 0; k < K; k++) {
    const V x = wasm_v128_load32_splat(a);
    a += acs;
    c0 = madd(c0, x, ld(b)), c1 = madd(c1, x, ld(b + 4));
    b += ldb;
  }
  st(c, act(c0, relu)), st(c + 4, act(c1, relu));
}

/* One output, in the same order (the columns left over past the last multiple of 8). */
static float dot1(int K, const float *a, int acs, const float *b, int brs, float init) {
  float s = init;
  for (int k = 0; k < K; k++, a += acs, b += brs) s += *a * *b;
  return s;
}

/*
 * One product: C (M x N, row-major) = act(bias + A B) with A's (i, k) at a + i*ars + k*acs, B's (k, j) at
 * b + k*brs + j*bcs. With scratch, each strip of 8 columns of B is first copied into K x 8 contiguous floats, which stay
 * in L1 for all the strip's tiles (B's rows a power-of-two stride apart fall into a few cache sets, and the strip was
 * re-read from L2 by every tile), and an A transposed in memory into panels of 4 rows x K: the same products in the
 * same order, so the same bits; −7 to −11 % CPU time on the reference step's products (learn README). scratch: 8*K
 * floats, plus M*K when A is transposed; required when B is transposed (bcs != 1).
 */
static void product(int M, int N, int K, const float *a, int ars, int acs, const float *b, int brs, int bcs,
                    const float *bias, float *c, int relu, float *scratch) {
  const int N8 = N & ~7, M4 = M & ~3;
  const int pack = scratch && (M >= 8 || bcs != 1);
  /* A transposed in memory (its four rows at one k adjacent, the next k a row stride away): copied once into panels
     of 4 rows x K, contiguous, after B's strip in scratch (M4*K more floats) */
  const float *ap = 0;
  if (pack && ars == 1 && acs != 1 && M4 >= 8 && N8 >= 16) {
    float *p = scratch + 8 * K;
    for (int i = 0; i < M4; i += 4)
      for (int k = 0; k < K; k++) st(p + i * K + 4 * k, ld(a + i + k * acs));
    ap = p;
  }
  for (int j = 0; j < N8; j += 8) {
    const float *bj = b + j * bcs, *biasj = bias ? bias + j : 0;
    int ldb = brs;
    if (pack) {
      if (bcs == 1)
        for (int k = 0; k < K; k++) st(scratch + 8 * k, ld(bj + k * brs)), st(scratch + 8 * k + 4, ld(bj + k * brs + 4));
      else
        for (int k = 0; k < K; k++)
          for (int jj = 0; jj < 8; jj++) scratch[8 * k + jj] = bj[k * brs + jj * bcs];
      bj = scratch, ldb = 8;
    }
    int i = 0;
    if (ap)
      for (; i < M4; i += 4) tile4x8t(K, ap + i * K, 4, bj, ldb, biasj, c + i * N + j, N, relu);
    else if (ars == 1 && acs != 1)
      for (; i < M4; i += 4) tile4x8t(K, a + i, acs, bj, ldb, biasj, c + i * N + j, N, relu);
    else
      for (; i < M4; i += 4) tile4x8(K, a + i * ars, ars, acs, bj, ldb, biasj, c + i * N + j, N, relu);
    for (; i < M; i++) tile1x8(K, a + i * ars, acs, bj, ldb, biasj, c + i * N + j, relu);
  }
  for (int i = 0; i < M; i++)
    for (int j = N8; j < N; j++)
      c[i * N + j] = act1(dot1(K, a + i * ars, acs, b + j * bcs, brs, bias ? bias[j] : 0.0f), relu);
}

/*
 * C[p] (M x N, row-major, p < batch) = act(bias + A[p] B[p]); A[p] = A + p*abs, B[p] = B + p*bbs (a stride of 0
 * broadcasts one operand over the batch). bias: N floats or 0. relu: 0 (linear) or 1. scratch: 8*K floats (+ M*K
 * when ars == 1 and acs != 1), or 0 when bcs == 1 (unpacked, slower).
 */
EXPORT("gemm")
void gemm(int batch, int M, int N, int K, const float *A, int abs, int ars, int acs, const float *B, int bbs,
          int brs, int bcs, const float *bias, float *C, int relu, float *scratch) {
  for (int p = 0; p < batch; p++)
    product(M, N, K, A + p * abs, ars, acs, B + p * bbs, brs, bcs, bias, C + p * M * N, relu, scratch);
}

/*
 * The backward pass of y = act(x w + b) (x: n x k, w: k x m) in one call, as dense.ts's gradient computes it op by
 * op: g = relu ? dy * step(y) : dy (y > 0 exactly where the pre-activation is), dx = g w^T (skipped when dx is 0),
 * dw = x^T g, db = the column sums of g in row order (tfjs's ones-row product, 0 + g_0 + g_1 + ...). The same
 * operations in the same order, so the same bits. scratch: n*m (relu) + max(8*m (dx), 8*n + k*n) floats.
 */
EXPORT("dense_grad")
void dense_grad(int n, int k, int m, const float *x, const float *w, const float *y, const float *dy, float *dx,
                float *dw, float *db, int relu, float *scratch) {
  const float *g = dy;
  if (relu) {
    float *gm = scratch;
    scratch += n * m;
    for (int i = 0; i < n * m; i++) gm[i] = dy[i] * (y[i] > 0.0f ? 1.0f : 0.0f);
    g = gm;
  }
  if (dx) product(n, k, m, g, m, 1, w, 1, m, 0, dx, 0, scratch);
  product(k, m, n, x, 1, k, g, m, 1, 0, dw, 0, scratch);
  const int m4 = m & ~3;
  for (int j = 0; j < m4; j += 4) {
    V s = wasm_f32x4_splat(0.0f);
    for (int r = 0; r < n; r++) s = wasm_f32x4_add(s, ld(g + r * m + j));
    st(db + j, s);
  }
  for (int j = m4; j < m; j++) {
    float s = 0.0f;
    for (int r = 0; r < n; r++) s += g[r * m + j];
    db[j] = s;
  }
}

/*
 * exp(x) for x <= 0 (softmax arguments), float32: Cody-Waite reduction x = n ln2 + r and Cephes's degree-6
 * polynomial for e^r, scaled by 2^n; within ~2 ulp of the exact value (tested). Below ln(FLT_MIN) it gives 0
 * (tfjs's expf would give a subnormal, which no softmax sum can see).
 */
static const float LOG2E = 1.44269504088896341f, LN2_HI = 0.693359375f, LN2_LO = -2.12194440e-4f, LO = -87.33654f;
static inline V vexp(V x) {
  const V ok = wasm_v128_not(wasm_f32x4_lt(x, wasm_f32x4_splat(LO))); /* NaN stays NaN */
  x = wasm_f32x4_max(x, wasm_f32x4_splat(LO));
  const V n = wasm_f32x4_floor(wasm_f32x4_add(wasm_f32x4_mul(x, wasm_f32x4_splat(LOG2E)), wasm_f32x4_splat(0.5f)));
  x = wasm_f32x4_sub(wasm_f32x4_sub(x, wasm_f32x4_mul(n, wasm_f32x4_splat(LN2_HI))), wasm_f32x4_mul(n, wasm_f32x4_splat(LN2_LO)));
  V y = wasm_f32x4_splat(1.9875691500e-4f);
  y = wasm_f32x4_add(wasm_f32x4_mul(y, x), wasm_f32x4_splat(1.3981999507e-3f));
  y = wasm_f32x4_add(wasm_f32x4_mul(y, x), wasm_f32x4_splat(8.3334519073e-3f));
  y = wasm_f32x4_add(wasm_f32x4_mul(y, x), wasm_f32x4_splat(4.1665795894e-2f));
  y = wasm_f32x4_add(wasm_f32x4_mul(y, x), wasm_f32x4_splat(1.6666665459e-1f));
  y = wasm_f32x4_add(wasm_f32x4_mul(y, x), wasm_f32x4_splat(5.0000001201e-1f));
  y = wasm_f32x4_add(wasm_f32x4_add(wasm_f32x4_mul(wasm_f32x4_mul(y, x), x), x), wasm_f32x4_splat(1.0f));
  const V pow2n = wasm_i32x4_shl(wasm_i32x4_add(wasm_i32x4_trunc_sat_f32x4(n), wasm_i32x4_splat(127)), 23);
  return wasm_v128_and(wasm_f32x4_mul(y, pow2n), ok);
}
/* The same for one value (the lanes left over), through lane 0 of the vector code: the same bits. */
static inline float exp1(float x) { return wasm_f32x4_extract_lane(vexp(wasm_f32x4_splat(x)), 0); }

/*
 * Softmax of S (R x C, row-major) along its rows (rows = 1: each row sums to 1) or its columns, into P; zm gets, per
 * row (or column), z = sum of e^(S - max) and the max, so that log-sum-exp = log z + max (JS takes the log).
 */
EXPORT("softmax")
void softmax(const float *S, int R, int C, int rows, float *P, float *zm) {
  const int C4 = C & ~3;
  if (rows) {
    for (int i = 0; i < R; i++) {
      const float *s = S + i * C;
      float *p = P + i * C;
      float mx = -__builtin_inff();
      V vm = wasm_f32x4_splat(mx);
      int j = 0;
      for (; j < C4; j += 4) vm = wasm_f32x4_max(vm, ld(s + j));
      for (int l = 0; l < 4; l++) {
        const float x = wasm_f32x4_extract_lane(vm, 0);
        mx = mx > x ? mx : x;
        vm = wasm_i32x4_shuffle(vm, vm, 1, 2, 3, 0);
      }
      for (; j < C; j++) mx = mx > s[j] ? mx : s[j];
      const V m = wasm_f32x4_splat(mx);
      V vz = wasm_f32x4_splat(0.0f);
      for (j = 0; j < C4; j += 4) {
        const V e = vexp(wasm_f32x4_sub(ld(s + j), m));
        st(p + j, e);
        vz = wasm_f32x4_add(vz, e);
      }
      float z = (wasm_f32x4_extract_lane(vz, 0) + wasm_f32x4_extract_lane(vz, 1)) +
                (wasm_f32x4_extract_lane(vz, 2) + wasm_f32x4_extract_lane(vz, 3));
      for (; j < C; j++) z += (p[j] = exp1(s[j] - mx));
      const V vzz = wasm_f32x4_splat(z);
      for (j = 0; j < C4; j += 4) st(p + j, wasm_f32x4_div(ld(p + j), vzz));
      for (; j < C; j++) p[j] /= z;
      zm[2 * i] = z, zm[2 * i + 1] = mx;
    }
    return;
  }
  /* columns: zm[j] = z_j, zm[C + j] = max_j, summed in row order */
  float *z = zm, *mx = zm + C;
  for (int j = 0; j < C; j++) z[j] = 0.0f, mx[j] = -__builtin_inff();
  for (int i = 0; i < R; i++) {
    const float *s = S + i * C;
    int j = 0;
    for (; j < C4; j += 4) st(mx + j, wasm_f32x4_max(ld(mx + j), ld(s + j)));
    for (; j < C; j++) mx[j] = mx[j] > s[j] ? mx[j] : s[j];
  }
  for (int i = 0; i < R; i++) {
    const float *s = S + i * C;
    float *p = P + i * C;
    int j = 0;
    for (; j < C4; j += 4) {
      const V e = vexp(wasm_f32x4_sub(ld(s + j), ld(mx + j)));
      st(p + j, e);
      st(z + j, wasm_f32x4_add(ld(z + j), e));
    }
    for (; j < C; j++) z[j] += (p[j] = exp1(s[j] - mx[j]));
  }
  for (int i = 0; i < R; i++) {
    float *p = P + i * C;
    int j = 0;
    for (; j < C4; j += 4) st(p + j, wasm_f32x4_div(ld(p + j), ld(z + j)));
    for (; j < C; j++) p[j] /= z[j];
  }
}

/*
 * The conditional loss's gradient (losses.ts condOp), G = ((I a + P b) + Q c) k for B x B softmaxes P (rows) and Q
 * (columns), either absent (0): the op-by-op form's float32 operations in its order, so its bits.
 */
EXPORT("cond_grad")
void cond_grad(int B, const float *P, const float *Q, float a, float b, float c, float k, float *G) {
  for (int i = 0; i < B; i++)
    for (int j = 0; j < B; j++) {
      const int at = i * B + j;
      float g = (i == j ? 1.0f : 0.0f) * a;
      if (P) g = g + P[at] * b;
      if (Q) g = g + Q[at] * c;
      G[at] = g * k;
    }
}

/*
 * A row block S (R x C) of the data-parallel conditional loss (shard-loss.ts): per column j the max over the block's
 * rows and the sum of e^(S - max) in row order, into zm[j] = z_j, zm[C + j] = max_j (softmax's column mode without
 * the softmax itself, whose normalisation needs every worker's rows).
 */
EXPORT("column_partials")
void column_partials(const float *S, int R, int C, float *zm) {
  const int C4 = C & ~3;
  float *z = zm, *mx = zm + C;
  for (int j = 0; j < C; j++) z[j] = 0.0f, mx[j] = -__builtin_inff();
  for (int i = 0; i < R; i++) {
    const float *s = S + i * C;
    int j = 0;
    for (; j < C4; j += 4) st(mx + j, wasm_f32x4_max(ld(mx + j), ld(s + j)));
    for (; j < C; j++) mx[j] = mx[j] > s[j] ? mx[j] : s[j];
  }
  for (int i = 0; i < R; i++) {
    const float *s = S + i * C;
    int j = 0;
    for (; j < C4; j += 4) st(z + j, wasm_f32x4_add(ld(z + j), vexp(wasm_f32x4_sub(ld(s + j), ld(mx + j)))));
    for (; j < C; j++) z[j] += exp1(s[j] - mx[j]);
  }
}

/*
 * The gradient of a row block's share of the conditional loss (shard-loss.ts), G = ((I a + P b) + Q c) k as cond_grad
 * in its order, for the block's rows [lo, lo + R) of a B x B batch (C = B): I has its ones at [i, lo + i], P is the
 * block's row softmax (absent, 0, when b = 0) and Q = e^(S - lse_j) the whole batch's column softmax on the block's
 * rows, from the columns' log-sum-exps (absent when c = 0).
 */
EXPORT("block_grad")
void block_grad(int R, int C, int lo, const float *S, const float *P, const float *lse, float a, float b, float c,
                float k, float *G) {
  const int C4 = C & ~3;
  const V vb = wasm_f32x4_splat(b), vc = wasm_f32x4_splat(c), vk = wasm_f32x4_splat(k);
  for (int i = 0; i < R; i++) {
    const float *s = S + i * C, *p = P ? P + i * C : 0;
    float *g = G + i * C;
    int j = 0;
    for (; j < C4; j += 4) {
      V x = wasm_f32x4_splat(0.0f);
      if (p) x = wasm_f32x4_mul(ld(p + j), vb);
      if (lse) x = wasm_f32x4_add(x, wasm_f32x4_mul(vexp(wasm_f32x4_sub(ld(s + j), ld(lse + j))), vc));
      st(g + j, wasm_f32x4_mul(x, vk));
    }
    for (; j < C; j++) {
      float x = 0.0f;
      if (p) x = p[j] * b;
      if (lse) x = x + exp1(s[j] - lse[j]) * c;
      g[j] = x * k;
    }
    /* the diagonal entry, with the identity's term first as in cond_grad */
    const int d = lo + i;
    float x = a;
    if (p) x = x + p[d] * b;
    if (lse) x = x + exp1(s[d] - lse[d]) * c;
    g[d] = x * k;
  }
}
