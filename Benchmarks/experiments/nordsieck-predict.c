/* Per-lane time of the lane BDF's Nordsieck prediction over n = 67 components at order 5, with
   the step rescaled: the masked Pascal sweeps as EnsembleBDF runs them (nine dependent
   add-and-blend pairs per component), for W = 4 or 8 lanes, or (CLOSED_FORM, W = 4) each column
   as its own short chain of multiply-adds. Built by lane-width.sh. */
#include <stdio.h>
#include <stdlib.h>
#include <time.h>
#ifndef W
#define W 4
#endif
typedef double vd __attribute__((vector_size(8 * W)));
typedef long vl __attribute__((vector_size(8 * W)));
static double now(void) { struct timespec t; clock_gettime(CLOCK_MONOTONIC, &t); return t.tv_sec + 1e-9 * t.tv_nsec; }
static inline vd blend(vl m, vd a, vd b) { return (vd)(((vl)a & m) | ((vl)b & ~m)); }
static inline vd keep(vl m, vd a) { return (vd)((vl)a & m); }
static inline vd splat(double x) { vd v; for (int l = 0; l < W; l++) v[l] = x; return v; }
__attribute__((noinline)) void predict(vd *c0, vd *c1, vd *c2, vd *c3, vd *c4, vd *c5, int n, vl m,
                                       vd f1, vd f2, vd f3, vd f4, vd f5) {
  for (int i = 0; i < n; i++) {
    vd a0 = c0[i], a1 = c1[i] * f1, a2 = c2[i] * f2, a3 = c3[i] * f3, a4 = c4[i] * f4, a5 = c5[i] * f5;
#ifdef CLOSED_FORM
    a2 = keep(m, a2); a3 = keep(m, a3); a4 = keep(m, a4); a5 = keep(m, a5);
    vd b0 = a0 + (a1 + (a2 + (a3 + (a4 + a5))));
    vd b1 = a1 + splat(2) * a2 + splat(3) * a3 + splat(4) * a4 + splat(5) * a5;
    vd b2 = a2 + splat(3) * a3 + splat(6) * a4 + splat(10) * a5;
    vd b3 = a3 + splat(4) * a4 + splat(10) * a5;
    vd b4 = a4 + splat(5) * a5;
    c0[i] = blend(m, b0, a0); c1[i] = blend(m, b1, a1); c2[i] = blend(m, b2, a2); c3[i] = blend(m, b3, a3);
    c4[i] = blend(m, b4, a4); c5[i] = a5;
#else
    a4 = blend(m, a4 + a5, a4); a3 = blend(m, a3 + a4, a3); a2 = blend(m, a2 + a3, a2); a1 = blend(m, a1 + a2, a1); a0 = blend(m, a0 + a1, a0);
    a4 = blend(m, a4 + a5, a4); a3 = blend(m, a3 + a4, a3); a2 = blend(m, a2 + a3, a2); a1 = blend(m, a1 + a2, a1);
    a4 = blend(m, a4 + a5, a4); a3 = blend(m, a3 + a4, a3); a2 = blend(m, a2 + a3, a2);
    a4 = blend(m, a4 + a5, a4); a3 = blend(m, a3 + a4, a3);
    a4 = blend(m, a4 + a5, a4);
    c0[i] = a0; c1[i] = a1; c2[i] = a2; c3[i] = a3; c4[i] = a4; c5[i] = a5;
#endif
  }
}
int main(void) {
  const int n = 67;
  vd *c = aligned_alloc(64, 6 * n * sizeof(vd));
  for (int i = 0; i < 6 * n * W; i++) ((double *)c)[i] = 1e-3 * (i % 7);
  vl m; for (int l = 0; l < W; l++) m[l] = (l % 4 == 3) ? 0 : -1;  /* one lane in four not predicting */
  vd one = splat(1), g; for (int l = 0; l < W; l++) g[l] = (l % 4 == 1) ? -1.0 : 0.5;
  const long calls = 16000000 / W;
  double t0 = now();
  for (long k = 0; k < calls; k++) predict(c, c + n, c + 2 * n, c + 3 * n, c + 4 * n, c + 5 * n, n, m, one, one, one, one, (k & 1) ? g : one);
  double t1 = now();
#ifdef CLOSED_FORM
  const char *form = "closed form";
#else
  const char *form = "Pascal sweeps";
#endif
  printf("Nordsieck prediction, %s, %d lanes: %.2f ns per lane-component  [%g]\n", form, W,
         (t1 - t0) / calls * 1e9 / (n * W), ((double *)c)[5]);
  return 0;
}
