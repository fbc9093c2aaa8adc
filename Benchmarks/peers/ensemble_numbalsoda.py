#!/usr/bin/env python3
"""HIRES ensemble with numbalsoda (PyPI), for Benchmarks/compare-ensemble.sh.

numbalsoda's LSODA with the right-hand side as a numba cfunc (rate constants
through its `data` pointer).  The loop over solves is a numba @njit(parallel=True)
function with prange; --jobs sets numba's thread count (1 = serial).
numbalsoda's lsoda takes no Jacobian, so LSODA builds its own by difference
quotients.  Timed: the passes over all solves; numba's compilation happens in an
untimed warm-up pass.
"""
import time

import numba as nb
import numpy as np
from numba import njit, prange
from numbalsoda import lsoda, lsoda_sig

import ensemble_common as ec


@nb.cfunc(lsoda_sig, cache=True)
def hires_rhs(t, y_, dy_, p_):
    y = nb.carray(y_, (8,))
    dy = nb.carray(dy_, (8,))
    p = nb.carray(p_, (10,))
    k1, k2, k3, k4, k5, k6, k7, k8, k9, oks = p[0], p[1], p[2], p[3], p[4], p[5], p[6], p[7], p[8], p[9]
    dy[0] = oks - k1 * y[0] + k2 * y[1] + k6 * y[2]
    dy[1] = k1 * y[0] - k2 * y[1] - k3 * y[1]
    dy[2] = -k1 * y[2] + k2 * y[3] + k5 * y[4] - k6 * y[2]
    dy[3] = k1 * y[2] - k2 * y[3] + k3 * y[1] - k4 * y[3]
    dy[4] = -k1 * y[4] + k2 * y[5] + k2 * y[6] - k5 * y[4]
    dy[5] = k1 * y[4] - k2 * y[5] - k7 * y[5] * y[7] + k8 * y[3] + k8 * y[6]
    dy[6] = -k2 * y[6] + k7 * y[5] * y[7] - k8 * y[6] - k9 * y[6]
    dy[7] = k2 * y[6] - k7 * y[5] * y[7] + k8 * y[6] + k9 * y[6]


FUNCPTR = hires_rhs.address


@njit(parallel=True, cache=True)
def solve_all(funcptr, y0, params, until, rtol, atol, finals):
    n = params.shape[0]
    t_eval = np.array([0.0, until])
    for i in prange(n):
        p = params[i].copy()
        usol, ok = lsoda(funcptr, y0.copy(), t_eval, data=p, rtol=rtol, atol=atol, mxstep=1000000)
        if ok:
            finals[i, :] = usol[-1, :]
        else:
            finals[i, :] = np.nan


def main():
    import numbalsoda
    a = ec.arg_parser(__doc__.splitlines()[0]).parse_args()
    ids, params = ec.read_parameters(a.parameters)
    params = np.ascontiguousarray(params)
    n = len(ids)
    nb.set_num_threads(a.jobs)
    finals = np.full((n, 8), np.nan)
    solve_all(FUNCPTR, ec.Y0, params[:2], a.until, a.rtol, a.atol, finals[:2])  # compile
    best = float("inf")
    for _ in range(a.repeats):
        t0 = time.perf_counter()
        solve_all(FUNCPTR, ec.Y0, params, a.until, a.rtol, a.atol, finals)
        best = min(best, time.perf_counter() - t0)
    failed = int(np.sum(~np.all(np.isfinite(finals), axis=1)))
    ec.write_finals(a.out, ids, finals)
    ver = getattr(numbalsoda, "__version__", None)
    if ver is None:
        from importlib.metadata import version
        ver = version("numbalsoda")
    ec.report("numbalsoda", "LSODA (difference-quotient Jacobian)", a.jobs, n, failed, a.repeats, best,
              version=ver, numba=nb.__version__, threading_layer=nb.threading_layer())


if __name__ == "__main__":
    main()
