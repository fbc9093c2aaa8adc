/* Per-lane time of nadsim's lane LU solve for nad-human at four lanes (as generated) and eight
   lanes (the same code on a vector type twice as wide). The right-hand side is reset before each
   solve by a vector copy (the same cost per lane at both widths), so values stay finite and
   normal. Built by lane-width.sh. */
#include <stdio.h>
#include <stdlib.h>
#include <time.h>
typedef double v4d __attribute__((vector_size(32), aligned(8)));
typedef double v8d __attribute__((vector_size(64), aligned(8)));
#include "solve4.inc"
#include "solve8.inc"
static double now(void) { struct timespec t; clock_gettime(CLOCK_MONOTONIC, &t); return t.tv_sec + 1e-9 * t.tv_nsec; }
int main(void) {
  const int slots = 1024, n = 67;  /* more factor slots than any kernel of this model reads */
  double *V = aligned_alloc(64, slots * 8 * 8), *D = aligned_alloc(64, n * 8 * 8);
  double *B = aligned_alloc(64, n * 8 * 8), *B0 = aligned_alloc(64, n * 8 * 8);
  for (int i = 0; i < slots * 8; i++) V[i] = 1e-3 * ((i * 7919) % 13 - 6);
  for (int i = 0; i < n * 8; i++) { D[i] = 1.0 + 0.01 * (i % 5); B0[i] = 1.0 + 1e-3 * (i % 17); }
  const long calls = 2000000;
  for (int rep = 0; rep < 3; rep++) {
    double t0 = now();
    for (long k = 0; k < calls; k++) { for (int i = 0; i < n; i++) ((v4d *)B)[i] = ((const v4d *)B0)[i]; solve4(V, D, B); }
    double t1 = now();
    for (long k = 0; k < calls / 2; k++) { for (int i = 0; i < n; i++) ((v8d *)B)[i] = ((const v8d *)B0)[i]; solve8(V, D, B); }
    double t2 = now();
    double four = (t1 - t0) / calls / 4 * 1e9, eight = (t2 - t1) / (calls / 2) / 8 * 1e9;
    printf("lane LU solve (n = 67): 4 lanes %.2f ns per lane, 8 lanes %.2f ns per lane; 4/8 = %.2f  [%g]\n",
           four, eight, four / eight, B[3]);
  }
  return 0;
}
