/*
 * Adam's update (adam.ts's FlatAdam.step) in WebAssembly SIMD128, two parameters per f64x2: the JS loop's float64
 * operations in its order, each lane exactly its scalar expression (the moments and parameters rounded to float32 on
 * store, as a Float32Array stores), so the same bits as the JS loop (tested), at several times its speed.
 * Its own memory (exported, grown by JS to hold params, m, v and g); no data, no stack.
 * Build: bash src-main/engine/learn/wasm/build.sh, which regenerates adam-wasm-bytes.ts.
 */
#include <wasm_simd128.h>

typedef v128_t V;

static const double B1 = 0.9, B2 = 0.999, EPS = 1e-7;

static inline V load2(const float *p) { return wasm_f64x2_promote_low_f32x4(wasm_v128_load64_zero(p)); }
static inline void store2(float *p, V x) { wasm_v128_store64_lane(p, wasm_f32x4_demote_f64x2_zero(x), 0); }

/* Elements [from, to) of p, m, v with gradients g; lr the step's learning rate, c1 = 1 - B1^t, c2 = 1 - B2^t. */
__attribute__((export_name("adam")))
void adam(float *p, float *m, float *v, const float *g, int from, int to, double lr, double c1, double c2) {
  const V b1 = wasm_f64x2_splat(B1), b2 = wasm_f64x2_splat(B2), o1 = wasm_f64x2_splat(1 - B1),
          o2 = wasm_f64x2_splat(1 - B2), eps = wasm_f64x2_splat(EPS), vlr = wasm_f64x2_splat(lr),
          vc1 = wasm_f64x2_splat(c1), vc2 = wasm_f64x2_splat(c2);
  int k = from;
  for (; k + 2 <= to; k += 2) {
    const V gk = load2(g + k);
    const V mk = wasm_f64x2_add(wasm_f64x2_mul(b1, load2(m + k)), wasm_f64x2_mul(o1, gk));
    const V vk = wasm_f64x2_add(wasm_f64x2_mul(b2, load2(v + k)), wasm_f64x2_mul(wasm_f64x2_mul(o2, gk), gk));
    store2(m + k, mk);
    store2(v + k, vk);
    const V step = wasm_f64x2_div(wasm_f64x2_mul(vlr, wasm_f64x2_div(mk, vc1)),
                                  wasm_f64x2_add(wasm_f64x2_sqrt(wasm_f64x2_div(vk, vc2)), eps));
    store2(p + k, wasm_f64x2_sub(load2(p + k), step));
  }
  for (; k < to; k++) {
    const double gk = g[k];
    const double mk = B1 * m[k] + (1 - B1) * gk;
    const double vk = B2 * v[k] + (1 - B2) * gk * gk;
    m[k] = (float)mk;
    v[k] = (float)vk;
    p[k] = (float)(p[k] - (lr * (mk / c1)) / (__builtin_sqrt(vk / c2) + EPS));
  }
}
