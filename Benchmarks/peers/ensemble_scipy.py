#!/usr/bin/env python3
"""HIRES ensemble with scipy.integrate.solve_ivp (LSODA), for Benchmarks/compare-ensemble.sh.

Right-hand side and analytic Jacobian in Python (numpy), the rate constants
passed through `args`.  --jobs 1 solves in this process; --jobs N > 1 uses N
worker processes (ensemble_common.run_pool).  Timed: the passes over all
solves, nothing else (imports and process start-up excluded).
"""
import time
import warnings

import numpy as np
from scipy.integrate import solve_ivp

import ensemble_common as ec


def hires_f(t, y, p):
    k1, k2, k3, k4, k5, k6, k7, k8, k9, oks = p
    y1, y2, y3, y4, y5, y6, y7, y8 = y.tolist()
    return np.array([
        oks - k1 * y1 + k2 * y2 + k6 * y3,
        k1 * y1 - k2 * y2 - k3 * y2,
        -k1 * y3 + k2 * y4 + k5 * y5 - k6 * y3,
        k1 * y3 - k2 * y4 + k3 * y2 - k4 * y4,
        -k1 * y5 + k2 * y6 + k2 * y7 - k5 * y5,
        k1 * y5 - k2 * y6 - k7 * y6 * y8 + k8 * y4 + k8 * y7,
        -k2 * y7 + k7 * y6 * y8 - k8 * y7 - k9 * y7,
        k2 * y7 - k7 * y6 * y8 + k8 * y7 + k9 * y7,
    ])


def hires_j(t, y, p):
    k1, k2, k3, k4, k5, k6, k7, k8, k9, oks = p
    y6, y8 = y[5], y[7]
    return np.array([
        [-k1, k2, k6, 0, 0, 0, 0, 0],
        [k1, -k2 - k3, 0, 0, 0, 0, 0, 0],
        [0, 0, -k1 - k6, k2, k5, 0, 0, 0],
        [0, k3, k1, -k2 - k4, 0, 0, 0, 0],
        [0, 0, 0, 0, -k1 - k5, k2, k2, 0],
        [0, 0, 0, k8, k1, -k2 - k7 * y8, k8, -k7 * y6],
        [0, 0, 0, 0, 0, k7 * y8, -k2 - k8 - k9, k7 * y6],
        [0, 0, 0, 0, 0, -k7 * y8, k2 + k8 + k9, -k7 * y6],
    ])


_cfg = None


def _init(params, rtol, atol, until):
    global _cfg
    _cfg = (params, rtol, atol, until)


def _solve_chunk(lo, hi):
    params, rtol, atol, until = _cfg
    out = np.full((hi - lo, 8), np.nan)
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        for i in range(lo, hi):
            p = tuple(float(v) for v in params[i])
            sol = solve_ivp(hires_f, (0.0, until), ec.Y0, method="LSODA", rtol=rtol, atol=atol,
                            jac=hires_j, args=(p,))
            if sol.success:
                out[i - lo] = sol.y[:, -1]
    return out


def main():
    import scipy
    a = ec.arg_parser(__doc__.splitlines()[0]).parse_args()
    ids, params = ec.read_parameters(a.parameters)
    n = len(ids)
    if a.jobs == 1:
        _init(params, a.rtol, a.atol, a.until)
        best = float("inf")
        for _ in range(a.repeats):
            t0 = time.perf_counter()
            finals = _solve_chunk(0, n)
            best = min(best, time.perf_counter() - t0)
    else:
        best, finals = ec.run_pool(_init, (params, a.rtol, a.atol, a.until), _solve_chunk,
                                   n, a.jobs, a.repeats)
    failed = int(np.sum(~np.all(np.isfinite(finals), axis=1)))
    ec.write_finals(a.out, ids, finals)
    ec.report("scipy", "solve_ivp LSODA, analytic Jacobian", a.jobs, n, failed, a.repeats, best,
              version=scipy.__version__)


if __name__ == "__main__":
    main()
