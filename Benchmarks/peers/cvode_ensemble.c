/*
 * cvode_ensemble.c -- HIRES parameter ensemble with SUNDIALS CVODE, for
 * Benchmarks/compare-ensemble.sh.
 *
 * Every row of the parameter CSV (columns sample,k1..k9,Oks) is one solve of
 * HIRES (Test Set for IVP Solvers, University of Bari, release 2.4, hires.f;
 * the equations of Models/testset/hires.yaml) from y1 = 1, y8 = 0.0057, other
 * species 0, over [0, t_end].  CVODE: BDF, Newton, dense direct linear solver
 * (SUNLinSol_Dense + SUNDenseMatrix) with the analytic Jacobian, scalar
 * tolerances.  Each thread owns one CVODE instance (its own SUNContext,
 * vector, matrix and linear solver), created before the clock starts, and
 * calls CVodeReInit for each solve; the parameters reach the RHS and the
 * Jacobian through the worker's parameter buffer (its CVODE user data), which
 * is overwritten before each CVodeReInit.  Threads (pthreads) take samples from a
 * shared atomic counter.
 *
 * Timed: from just before the threads are started until all have joined, i.e.
 * all solves of one pass (thread start-up included, CVODE set-up and file I/O
 * excluded).  Reported: the best of --repeats passes.
 *
 * Usage:
 *   cvode_ensemble --parameters FILE --out FINAL.csv [--threads N]
 *                  [--repeats K] [--rtol 1e-6] [--atol 1e-10]
 *                  [--until 321.8122]
 * Writes sample,y1..y8 to FINAL.csv (non-finite values for a failed solve) and
 * prints one JSON line on stdout:
 *   {"tool","method","cores","solves","failed","repeats","best_seconds",
 *    "solves_per_second","mean_steps"}
 */
#define _ISOC11_SOURCE
#define _POSIX_C_SOURCE 200809L
#include <math.h>
#include <pthread.h>
#include <stdatomic.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include <cvode/cvode.h>
#include <nvector/nvector_serial.h>
#include <sundials/sundials_context.h>
#include <sundials/sundials_types.h>
#include <sunlinsol/sunlinsol_dense.h>
#include <sunmatrix/sunmatrix_dense.h>

#define N 8
#define NP 10 /* k1..k9, Oks */
#define JE(J, i, j) SM_ELEMENT_D((J), (i), (j))

/* p[0..8] = k1..k9, p[9] = Oks.  Written as in hires.yaml, left to right. */
static int hires_f(sunrealtype t, N_Vector yv, N_Vector dv, void *ud) {
    (void)t;
    const double *p = (const double *)ud;
    const double k1 = p[0], k2 = p[1], k3 = p[2], k4 = p[3], k5 = p[4], k6 = p[5],
                 k7 = p[6], k8 = p[7], k9 = p[8], oks = p[9];
    const double *y = N_VGetArrayPointer(yv);
    double *d = N_VGetArrayPointer(dv);
    d[0] = oks - k1 * y[0] + k2 * y[1] + k6 * y[2];
    d[1] = k1 * y[0] - k2 * y[1] - k3 * y[1];
    d[2] = -k1 * y[2] + k2 * y[3] + k5 * y[4] - k6 * y[2];
    d[3] = k1 * y[2] - k2 * y[3] + k3 * y[1] - k4 * y[3];
    d[4] = -k1 * y[4] + k2 * y[5] + k2 * y[6] - k5 * y[4];
    d[5] = k1 * y[4] - k2 * y[5] - k7 * y[5] * y[7] + k8 * y[3] + k8 * y[6];
    d[6] = -k2 * y[6] + k7 * y[5] * y[7] - k8 * y[6] - k9 * y[6];
    d[7] = k2 * y[6] - k7 * y[5] * y[7] + k8 * y[6] + k9 * y[6];
    return 0;
}

/* Analytic Jacobian; CVODE zeroes J before the call. */
static int hires_j(sunrealtype t, N_Vector yv, N_Vector fy, SUNMatrix J, void *ud,
                   N_Vector t1, N_Vector t2, N_Vector t3) {
    (void)t; (void)fy; (void)t1; (void)t2; (void)t3;
    const double *p = (const double *)ud;
    const double k1 = p[0], k2 = p[1], k3 = p[2], k4 = p[3], k5 = p[4], k6 = p[5],
                 k7 = p[6], k8 = p[7], k9 = p[8];
    const double *y = N_VGetArrayPointer(yv);
    JE(J, 0, 0) = -k1;       JE(J, 0, 1) = k2;        JE(J, 0, 2) = k6;
    JE(J, 1, 0) = k1;        JE(J, 1, 1) = -k2 - k3;
    JE(J, 2, 2) = -k1 - k6;  JE(J, 2, 3) = k2;        JE(J, 2, 4) = k5;
    JE(J, 3, 1) = k3;        JE(J, 3, 2) = k1;        JE(J, 3, 3) = -k2 - k4;
    JE(J, 4, 4) = -k1 - k5;  JE(J, 4, 5) = k2;        JE(J, 4, 6) = k2;
    JE(J, 5, 3) = k8;        JE(J, 5, 4) = k1;        JE(J, 5, 5) = -k2 - k7 * y[7];
    JE(J, 5, 6) = k8;        JE(J, 5, 7) = -k7 * y[5];
    JE(J, 6, 5) = k7 * y[7]; JE(J, 6, 6) = -k2 - k8 - k9; JE(J, 6, 7) = k7 * y[5];
    JE(J, 7, 5) = -k7 * y[7]; JE(J, 7, 6) = k2 + k8 + k9; JE(J, 7, 7) = -k7 * y[5];
    return 0;
}

static const double Y0[N] = {1.0, 0, 0, 0, 0, 0, 0, 0.0057};

/* Aligned to 128 bytes so that two workers never share a cache line. */
typedef struct {
    _Alignas(128) SUNContext ctx;
    void *mem;
    N_Vector y;
    SUNMatrix A;
    SUNLinearSolver LS;
    double p[NP];  /* this solve's parameters; the RHS's and Jacobian's user data */
    long steps;
    int failed;
} worker_t;

static int nsamples;
static long *sample_id;
static double *params;   /* nsamples x NP */
static double *finals;   /* nsamples x N */
static double t_end = 321.8122;
static atomic_int next_sample;

static void *run_worker(void *arg) {
    worker_t *w = (worker_t *)arg;
    double *yd = N_VGetArrayPointer(w->y);
    for (;;) {
        const int s = atomic_fetch_add_explicit(&next_sample, 1, memory_order_relaxed);
        if (s >= nsamples) break;
        for (int i = 0; i < N; i++) yd[i] = Y0[i];
        memcpy(w->p, params + (size_t)s * NP, sizeof w->p);
        int flag = CVodeReInit(w->mem, 0.0, w->y);
        sunrealtype t = 0.0;
        if (flag == CV_SUCCESS) flag = CVode(w->mem, t_end, w->y, &t, CV_NORMAL);
        double *out = finals + (size_t)s * N;
        if (flag < 0) {
            w->failed++;
            for (int i = 0; i < N; i++) out[i] = NAN;
        } else {
            for (int i = 0; i < N; i++) out[i] = yd[i];
        }
        long st = 0;
        CVodeGetNumSteps(w->mem, &st);
        w->steps += st;
    }
    return NULL;
}

static double now(void) {
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return ts.tv_sec + 1e-9 * ts.tv_nsec;
}

static int read_parameters(const char *path) {
    FILE *f = fopen(path, "r");
    if (!f) { perror(path); return -1; }
    char line[4096];
    if (!fgets(line, sizeof line, f)) { fclose(f); return -1; }
    /* Expect the header sample,k1..k9,Oks in that order. */
    if (strncmp(line, "sample,k1,k2,k3,k4,k5,k6,k7,k8,k9,Oks", 37) != 0) {
        fprintf(stderr, "%s: expected header sample,k1,...,k9,Oks\n", path);
        fclose(f);
        return -1;
    }
    int cap = 1024;
    sample_id = malloc(cap * sizeof *sample_id);
    params = malloc((size_t)cap * NP * sizeof *params);
    nsamples = 0;
    while (fgets(line, sizeof line, f)) {
        if (line[0] == '\n' || line[0] == '\0') continue;
        if (nsamples == cap) {
            cap *= 2;
            sample_id = realloc(sample_id, cap * sizeof *sample_id);
            params = realloc(params, (size_t)cap * NP * sizeof *params);
        }
        char *p = line, *end;
        sample_id[nsamples] = strtol(p, &end, 10);
        for (int j = 0; j < NP; j++) {
            if (*end != ',') { fprintf(stderr, "%s: bad row %d\n", path, nsamples + 1); fclose(f); return -1; }
            p = end + 1;
            params[(size_t)nsamples * NP + j] = strtod(p, &end);
        }
        nsamples++;
    }
    fclose(f);
    return 0;
}

int main(int argc, char **argv) {
    const char *param_path = NULL, *out_path = NULL;
    int threads = 1, repeats = 5;
    double rtol = 1e-6, atol = 1e-10;
    for (int a = 1; a < argc; a++) {
        const char *o = argv[a];
        const char *v = a + 1 < argc ? argv[a + 1] : NULL;
        if (!strcmp(o, "--parameters") && v) { param_path = v; a++; }
        else if (!strcmp(o, "--out") && v) { out_path = v; a++; }
        else if (!strcmp(o, "--threads") && v) { threads = atoi(v); a++; }
        else if (!strcmp(o, "--repeats") && v) { repeats = atoi(v); a++; }
        else if (!strcmp(o, "--rtol") && v) { rtol = atof(v); a++; }
        else if (!strcmp(o, "--atol") && v) { atol = atof(v); a++; }
        else if (!strcmp(o, "--until") && v) { t_end = atof(v); a++; }
        else {
            fprintf(stderr, "usage: cvode_ensemble --parameters FILE --out FINAL.csv "
                            "[--threads N] [--repeats K] [--rtol R] [--atol A] [--until T]\n");
            return 2;
        }
    }
    if (!param_path || !out_path || threads < 1 || repeats < 1) {
        fprintf(stderr, "cvode_ensemble: --parameters and --out are required\n");
        return 2;
    }
    if (read_parameters(param_path) != 0) return 1;
    finals = malloc((size_t)nsamples * N * sizeof *finals);

    worker_t *w = aligned_alloc(128, threads * sizeof *w);
    memset(w, 0, threads * sizeof *w);
    for (int k = 0; k < threads; k++) {
        if (SUNContext_Create(NULL, &w[k].ctx) != 0) { fprintf(stderr, "SUNContext_Create failed\n"); return 1; }
        w[k].y = N_VNew_Serial(N, w[k].ctx);
        for (int i = 0; i < N; i++) N_VGetArrayPointer(w[k].y)[i] = Y0[i];
        w[k].A = SUNDenseMatrix(N, N, w[k].ctx);
        w[k].LS = SUNLinSol_Dense(w[k].y, w[k].A, w[k].ctx);
        w[k].mem = CVodeCreate(CV_BDF, w[k].ctx);
        int flag = CVodeInit(w[k].mem, hires_f, 0.0, w[k].y);
        if (!flag) flag = CVodeSStolerances(w[k].mem, rtol, atol);
        if (!flag) flag = CVodeSetLinearSolver(w[k].mem, w[k].LS, w[k].A);
        if (!flag) flag = CVodeSetJacFn(w[k].mem, hires_j);
        if (!flag) flag = CVodeSetMaxNumSteps(w[k].mem, 1000000);
        if (!flag) flag = CVodeSetUserData(w[k].mem, w[k].p);
        if (flag) { fprintf(stderr, "CVODE setup failed (%d)\n", flag); return 1; }
    }

    pthread_t *tid = malloc(threads * sizeof *tid);
    double best = INFINITY;
    long steps = 0;
    int failed = 0;
    for (int r = 0; r < repeats; r++) {
        for (int k = 0; k < threads; k++) { w[k].steps = 0; w[k].failed = 0; }
        atomic_store(&next_sample, 0);
        const double t0 = now();
        for (int k = 0; k < threads; k++) pthread_create(&tid[k], NULL, run_worker, &w[k]);
        for (int k = 0; k < threads; k++) pthread_join(tid[k], NULL);
        const double dt = now() - t0;
        if (dt < best) best = dt;
        steps = 0; failed = 0;
        for (int k = 0; k < threads; k++) { steps += w[k].steps; failed += w[k].failed; }
    }

    FILE *f = fopen(out_path, "w");
    if (!f) { perror(out_path); return 1; }
    fprintf(f, "sample,y1,y2,y3,y4,y5,y6,y7,y8\n");
    for (int s = 0; s < nsamples; s++) {
        fprintf(f, "%ld", sample_id[s]);
        for (int i = 0; i < N; i++) fprintf(f, ",%.17g", finals[(size_t)s * N + i]);
        fprintf(f, "\n");
    }
    fclose(f);

    printf("{\"tool\": \"CVODE -O3 (C)\", \"method\": \"BDF, dense, analytic Jacobian\", "
           "\"cores\": %d, \"solves\": %d, \"failed\": %d, \"repeats\": %d, "
           "\"best_seconds\": %.6g, \"solves_per_second\": %.6g, \"mean_steps\": %.4g}\n",
           threads, nsamples, failed, repeats, best, nsamples / best,
           nsamples ? (double)steps / nsamples : 0.0);

    for (int k = 0; k < threads; k++) {
        CVodeFree(&w[k].mem);
        SUNLinSolFree(w[k].LS);
        SUNMatDestroy(w[k].A);
        N_VDestroy(w[k].y);
        SUNContext_Free(&w[k].ctx);
    }
    free(w); free(tid); free(params); free(finals); free(sample_id);
    return 0;
}
