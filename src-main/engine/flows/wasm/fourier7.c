/*
 * RK4 advection through the paper's 7x7 Fourier block (arXiv 2505.24134 sec. 6.3) in WebAssembly SIMD128.
 * The same operations in the same order as fourier-advect.ts with fourier-kernel7.ts, so the same bits: each
 * complex number is one f64x2 (re, im) and every lane computes exactly the scalar expression of the JS code
 * (a*b + c*(-d) is a*b - c*d bit for bit; no fused multiply-add exists in SIMD128). cos and sin are imported
 * from JavaScript's Math, so they are the very functions the JS kernel calls.
 * Build: bash src-main/engine/flows/wasm/build.sh (clang + wasm-ld), which regenerates fourier7-wasm.ts.
 */
#include <wasm_simd128.h>

#define K 49
/* Exact re-evaluation of e^{i w t} every RESYNC steps, as in fourier-advect.ts. */
#define RESYNC 128

__attribute__((import_module("env"), import_name("cos"))) extern double js_cos(double);
__attribute__((import_module("env"), import_name("sin"))) extern double js_sin(double);

typedef v128_t V;
static const double TWO_PI = 2 * 3.141592653589793;

/* Inputs written by JS: one pair's potential [Re psi_1, Im psi_1, ...] and the frequencies. */
static double params[2 * K];
static double omega[K];
/* Time-rotated coefficients at a step's start, half step and end; per-half-step rotations (r, i) and (-i, r). */
static V bufA[K], bufB[K], ch[K], rot[K], rotq[K];

__attribute__((export_name("paramsPtr"))) double *paramsPtr(void) { return params; }
__attribute__((export_name("omegaPtr"))) double *omegaPtr(void) { return omega; }

static inline V splat(double a) { return wasm_f64x2_splat(a); }
static inline V add(V a, V b) { return wasm_f64x2_add(a, b); }
static inline V sub(V a, V b) { return wasm_f64x2_sub(a, b); }
static inline V mul(V a, V b) { return wasm_f64x2_mul(a, b); }
static inline V swap(V a) { return wasm_i64x2_shuffle(a, a, 1, 0); }
/* (re, im) -> (-im, re): multiplying by -1 and by 1 is exact. */
static inline V turn(V a) { return mul(swap(a), wasm_f64x2_make(-1.0, 1.0)); }
/* Complex product a * e where eq = (-e_im, e_re): (a_re e_re - a_im e_im, a_re e_im + a_im e_re). */
static inline V cmul(V a, V e, V eq) {
  return add(mul(splat(wasm_f64x2_extract_lane(a, 0)), e), mul(splat(wasm_f64x2_extract_lane(a, 1)), eq));
}

/* c_k = psi_k e^{i w_k t} (rotateCoefficients in fourier.ts). */
static void rotate_to(double t, V *c) {
  for (int j = 0; j < K; j++) {
    double co = js_cos(omega[j] * t), si = js_sin(omega[j] * t);
    double pr = params[2 * j], pi = params[2 * j + 1];
    c[j] = wasm_f64x2_make(pr * co - pi * si, pr * si + pi * co);
  }
}

/* Velocity (u, v) at (x, y) for ky-major coefficients c (fourierVelocity7 in fourier-kernel7.ts). */
static V velocity(double x, double y, const V *c) {
  double cx = js_cos(TWO_PI * x), sx = js_sin(TWO_PI * x);
  double cy = js_cos(TWO_PI * y), sy = js_sin(TWO_PI * y);
  double r1 = cx, i1 = sx;
  double r2 = r1 * cx - i1 * sx, i2 = r1 * sx + i1 * cx;
  double r3 = r2 * cx - i2 * sx, i3 = r2 * sx + i2 * cx;
  V R1 = splat(r1), I1 = splat(i1), R2 = splat(r2), I2 = splat(i2), R3 = splat(r3), I3 = splat(i3);
  V E = wasm_f64x2_make(cy, sy), Eq = wasm_f64x2_make(-sy, cy);
  V Y = E, UV = splat(0);
  for (int r = 0, j = 0; r < 7; r++, j += 7) {
    V S1 = add(c[j + 4], c[j + 2]), D1 = sub(c[j + 4], c[j + 2]);
    V S2 = add(c[j + 5], c[j + 1]), D2 = sub(c[j + 5], c[j + 1]);
    V S3 = add(c[j + 6], c[j]), D3 = sub(c[j + 6], c[j]);
    /* A = (ar, ai), B = (br, bi) */
    V A = add(add(add(c[j + 3], add(mul(S1, R1), mul(turn(D1), I1))), add(mul(S2, R2), mul(turn(D2), I2))),
              add(mul(S3, R3), mul(turn(D3), I3)));
    V B = add(add(add(mul(D1, R1), mul(turn(S1), I1)), mul(splat(2), add(mul(D2, R2), mul(turn(S2), I2)))),
              mul(splat(3), add(mul(D3, R3), mul(turn(S3), I3))));
    V Yq = swap(Y); /* (yi, yr) */
    V P = mul(A, Yq), Q = mul(B, Yq);
    /* H = (ar yi + ai yr, br yi + bi yr); u -= (r + 1) H0, v += H1 */
    V H = add(wasm_i64x2_shuffle(P, Q, 0, 2), wasm_i64x2_shuffle(P, Q, 1, 3));
    UV = add(UV, mul(H, wasm_f64x2_make(-(double)(r + 1), 1.0)));
    Y = cmul(Y, E, Eq);
  }
  return mul(splat(TWO_PI), UV);
}

/*
 * RK4 from t = 0 with `steps` steps of `dt` (advectFourierRk4 in fourier-advect.ts): `pos` (nTr x 2) holds the
 * starts and receives the final positions; positions every `recordEvery` steps go to out[(p nTimes + r) 2 + {0,1}].
 */
__attribute__((export_name("advect")))
void advect(double *pos, int nTr, double dt, int steps, int recordEvery, double *out) {
  int nTimes = steps / recordEvery;
  double h2 = dt / 2, h6 = dt / 6;
  for (int j = 0; j < K; j++) {
    double rr = js_cos((omega[j] * dt) / 2), ri = js_sin((omega[j] * dt) / 2);
    rot[j] = wasm_f64x2_make(rr, ri);
    rotq[j] = wasm_f64x2_make(-ri, rr);
  }
  V *c0 = bufA, *c1 = bufB;
  rotate_to(0, c0);
  V H2 = splat(h2), DT = splat(dt), H6 = splat(h6), TWO = splat(2);
  for (int s = 0; s < steps; s++) {
    if (s > 0 && s % RESYNC == 0) rotate_to(s * dt, c0);
    for (int j = 0; j < K; j++) {
      V h = cmul(c0[j], rot[j], rotq[j]);
      ch[j] = h;
      c1[j] = cmul(h, rot[j], rotq[j]);
    }
    for (int p = 0; p < nTr; p++) {
      V X = wasm_v128_load(pos + 2 * p);
      V k1 = velocity(pos[2 * p], pos[2 * p + 1], c0);
      V X2 = add(X, mul(H2, k1));
      V k2 = velocity(wasm_f64x2_extract_lane(X2, 0), wasm_f64x2_extract_lane(X2, 1), ch);
      V X3 = add(X, mul(H2, k2));
      V k3 = velocity(wasm_f64x2_extract_lane(X3, 0), wasm_f64x2_extract_lane(X3, 1), ch);
      V X4 = add(X, mul(DT, k3));
      V k4 = velocity(wasm_f64x2_extract_lane(X4, 0), wasm_f64x2_extract_lane(X4, 1), c1);
      wasm_v128_store(pos + 2 * p, add(X, mul(H6, add(add(add(k1, mul(TWO, k2)), mul(TWO, k3)), k4))));
    }
    /* the new step's start coefficients are this step's end coefficients */
    V *t = c0;
    c0 = c1;
    c1 = t;
    int done = s + 1;
    if (done % recordEvery == 0) {
      int r = done / recordEvery - 1;
      if (r < nTimes)
        for (int p = 0; p < nTr; p++) {
          int o = (p * nTimes + r) * 2;
          out[o] = pos[2 * p];
          out[o + 1] = pos[2 * p + 1];
        }
    }
  }
}
