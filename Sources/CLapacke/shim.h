// LAPACKE (C interface to LAPACK) and CBLAS, both served by OpenBLAS on Debian
// (packages liblapacke-dev and libopenblas-dev).
#include <lapacke.h>
#include <cblas.h>
// OpenBLAS's own threading control; declared in openblas_config/cblas.h on Debian.
void openblas_set_num_threads(int num_threads);
