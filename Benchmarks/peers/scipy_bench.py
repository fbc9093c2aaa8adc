#!/usr/bin/env python3
"""Work-precision benchmark of scipy.integrate.solve_ivp (LSODA, Radau, BDF).

Five stiff problems of the Test Set for IVP Solvers (F. Mazzia, C. Magherini
et al., University of Bari, release 2.4): ROBER, HIRES, POLLU, OREGO, VDPOL.
Equations, time spans and reference final values are transcribed from the
test set's problem files (rober.f, hires.f, pollu.f, orego.f, vdpol.f,
subroutine `solut`) as collected in shared/design/solver-testset.md; scd and
mescd follow the test set's report.f.

Every method gets the analytic Jacobian (`jac=`).  Only the solve_ivp call is
timed (time.perf_counter).  Output: CSV on stdout with the columns

  tool,problem,method,rtol,atol,median_ms,min_ms,steps,rhs_evals,jac_evals,
  lu_factorizations,scd,mescd,note

`steps` is the number of accepted steps (len(sol.t) - 1).  A failed solve
gives a row with empty times and a `failed: ...` note; nothing is tuned to
rescue it (e.g. LSODA cannot start POLLU at loose rtol with its default first
step, and that is what gets reported).
"""
import argparse
import math
import signal
import statistics
import sys
import time
import warnings

import numpy as np
from scipy.integrate import solve_ivp

HEADER = ("tool,problem,method,rtol,atol,median_ms,min_ms,steps,rhs_evals,"
          "jac_evals,lu_factorizations,scd,mescd,note")

# ----------------------------------------------------------------- ROBER --
RK1, RK2, RK3 = 0.04, 1.0e4, 3.0e7


def rober_f(t, y):
    y1, y2, y3 = y.tolist()
    return np.array([
        -RK1 * y1 + RK2 * y2 * y3,
        RK1 * y1 - RK2 * y2 * y3 - RK3 * (y2 * y2),
        RK3 * (y2 * y2),
    ])


def rober_j(t, y):
    y1, y2, y3 = y.tolist()
    return np.array([
        [-RK1, RK2 * y3, RK2 * y2],
        [RK1, -RK2 * y3 - 2.0 * RK3 * y2, -RK2 * y2],
        [0.0, 2.0 * RK3 * y2, 0.0],
    ])


# ----------------------------------------------------------------- HIRES --
HK1, HK2, HK3, HK4, HK5 = 1.71, 0.43, 8.32, 0.69, 0.035
HK6, HK7, HK8, HK9, HOKS = 8.32, 280.0, 0.69, 0.69, 0.0007


def hires_f(t, y):
    y1, y2, y3, y4, y5, y6, y7, y8 = y.tolist()
    r = HK7 * y6 * y8
    return np.array([
        HOKS - HK1 * y1 + HK2 * y2 + HK6 * y3,
        HK1 * y1 - y2 * (HK2 + HK3),
        HK2 * y4 + HK5 * y5 + y3 * (-HK1 - HK6),
        HK1 * y3 + HK3 * y2 - y4 * (HK2 + HK4),
        HK2 * (y6 + y7) + y5 * (-HK1 - HK5),
        HK1 * y5 - HK2 * y6 - r + HK8 * y4 + HK8 * y7,
        r - y7 * (HK2 + HK8 + HK9),
        -r + y7 * (HK2 + HK8 + HK9),
    ])


def hires_j(t, y):
    y6, y8 = float(y[5]), float(y[7])
    J = np.zeros((8, 8))
    J[0, 0], J[0, 1], J[0, 2] = -HK1, HK2, HK6
    J[1, 0], J[1, 1] = HK1, -(HK2 + HK3)
    J[2, 2], J[2, 3], J[2, 4] = -HK1 - HK6, HK2, HK5
    J[3, 1], J[3, 2], J[3, 3] = HK3, HK1, -(HK2 + HK4)
    J[4, 4], J[4, 5], J[4, 6] = -HK1 - HK5, HK2, HK2
    J[5, 3], J[5, 4], J[5, 5], J[5, 6], J[5, 7] = HK8, HK1, -HK2 - HK7 * y8, HK8, -HK7 * y6
    J[6, 5], J[6, 6], J[6, 7] = HK7 * y8, -(HK2 + HK8 + HK9), HK7 * y6
    J[7, 5], J[7, 6], J[7, 7] = -HK7 * y8, HK2 + HK8 + HK9, -HK7 * y6
    return J


# ----------------------------------------------------------------- POLLU --
PK = (0.0, 0.35, 26.6, 12300.0, 0.00086, 0.00082, 15000.0, 0.00013, 24000.0,
      16500.0, 9000.0, 0.022, 12000.0, 1.88, 16300.0, 4.8e6, 0.00035, 0.0175,
      1.0e8, 4.44e11, 1240.0, 2.1, 5.78, 0.0474, 1780.0, 3.12)  # PK[i] = k_i

# Reactions: (rate-law species, {species: stoichiometric change}); 1-based.
# rate r_i = k_i * prod(y[s] for s in rate-law species).
POLLU_REACTIONS = (
    ((1,), {1: -1, 2: 1, 3: 1}),
    ((2, 4), {1: 1, 2: -1, 4: -1}),
    ((5, 2), {1: 1, 2: -1, 5: -1, 6: 1}),
    ((7,), {5: 2, 7: -1, 8: 1}),
    ((7,), {7: -1, 8: 1}),
    ((7, 6), {5: 1, 6: -1, 7: -1, 8: 1}),
    ((9,), {5: 1, 8: 1, 9: -1, 10: 1}),
    ((9, 6), {6: -1, 9: -1, 11: 1}),
    ((11, 2), {1: 1, 2: -1, 10: 1, 11: -1, 12: 1}),
    ((11, 1), {1: -1, 11: -1, 13: 1}),
    ((13,), {1: 1, 11: 1, 13: -1}),
    ((10, 2), {1: 1, 2: -1, 10: -1, 14: 1}),
    ((14,), {5: 1, 7: 1, 14: -1}),
    ((1, 6), {1: -1, 6: -1, 15: 1}),
    ((3,), {3: -1, 4: 1}),
    ((4,), {4: -1, 16: 1}),
    ((4,), {3: 1, 4: -1}),
    ((16,), {6: 2, 16: -1}),
    ((16,), {3: 1, 16: -1}),
    ((17, 6), {5: 1, 6: -1, 17: -1, 18: 1}),
    ((19,), {2: 1, 19: -1}),
    ((19,), {1: 1, 3: 1, 19: -1}),
    ((1, 4), {1: -1, 4: -1, 19: 1}),
    ((19, 1), {1: -1, 19: -1, 20: 1}),
    ((20,), {1: 1, 19: 1, 20: -1}),
)


def pollu_f(t, y):
    (y1, y2, y3, y4, y5, y6, y7, y8, y9, y10, y11, y12, y13, y14, y15, y16,
     y17, y18, y19, y20) = y.tolist()
    k = PK
    r1 = k[1] * y1
    r2 = k[2] * y2 * y4
    r3 = k[3] * y5 * y2
    r4 = k[4] * y7
    r5 = k[5] * y7
    r6 = k[6] * y7 * y6
    r7 = k[7] * y9
    r8 = k[8] * y9 * y6
    r9 = k[9] * y11 * y2
    r10 = k[10] * y11 * y1
    r11 = k[11] * y13
    r12 = k[12] * y10 * y2
    r13 = k[13] * y14
    r14 = k[14] * y1 * y6
    r15 = k[15] * y3
    r16 = k[16] * y4
    r17 = k[17] * y4
    r18 = k[18] * y16
    r19 = k[19] * y16
    r20 = k[20] * y17 * y6
    r21 = k[21] * y19
    r22 = k[22] * y19
    r23 = k[23] * y1 * y4
    r24 = k[24] * y19 * y1
    r25 = k[25] * y20
    return np.array([
        -r1 - r10 - r14 - r23 - r24 + r2 + r3 + r9 + r11 + r12 + r22 + r25,
        -r2 - r3 - r9 - r12 + r1 + r21,
        -r15 + r1 + r17 + r19 + r22,
        -r2 - r16 - r17 - r23 + r15,
        -r3 + r4 + r4 + r6 + r7 + r13 + r20,
        -r6 - r8 - r14 - r20 + r3 + r18 + r18,
        -r4 - r5 - r6 + r13,
        r4 + r5 + r6 + r7,
        -r7 - r8,
        -r12 + r7 + r9,
        -r9 - r10 + r8 + r11,
        r9,
        -r11 + r10,
        -r13 + r12,
        r14,
        -r18 - r19 + r16,
        -r20,
        r20,
        -r21 - r22 - r24 + r23 + r25,
        -r25 + r24,
    ])


def pollu_j(t, y):
    yl = y.tolist()
    J = np.zeros((20, 20))
    for i, (law, change) in enumerate(POLLU_REACTIONS, start=1):
        k = PK[i]
        for a, var in enumerate(law):
            dr = k
            for b, other in enumerate(law):
                if b != a:
                    dr *= yl[other - 1]
            for sp, c in change.items():
                J[sp - 1, var - 1] += c * dr
    return J


# ----------------------------------------------------------------- OREGO --
OS, OQ, OW = 77.27, 8.375e-6, 0.161


def orego_f(t, y):
    y1, y2, y3 = y.tolist()
    return np.array([
        OS * (y1 * (-OQ * y1 - y2 + 1.0) + y2),
        (-y2 * (y1 + 1.0) + y3) / OS,
        OW * (y1 - y3),
    ])


def orego_j(t, y):
    y1, y2, y3 = y.tolist()
    return np.array([
        [OS * (-2.0 * OQ * y1 - y2 + 1.0), OS * (1.0 - y1), 0.0],
        [-y2 / OS, (-y1 - 1.0) / OS, 1.0 / OS],
        [OW, 0.0, -OW],
    ])


# ----------------------------------------------------------------- VDPOL --
VEPS = 1.0e-6


def vdpol_f(t, y):
    y1, y2 = y.tolist()
    return np.array([y2, (-y1 + y2 * (1.0 - y1 * y1)) / VEPS])


def vdpol_j(t, y):
    y1, y2 = y.tolist()
    return np.array([[0.0, 1.0],
                     [(-2.0 * y1 * y2 - 1.0) / VEPS, (1.0 - y1 * y1) / VEPS]])


# ------------------------------------------------------------- problems --
# Reference values: Bari Test Set for IVP Solvers, release 2.4, `solut`
# subroutines of rober.f, hires.f, pollu.f, orego.f, vdpol.f.
PROBLEMS = {
    "rober": dict(f=rober_f, jac=rober_j, tspan=(0.0, 1.0e11), atol_factor=1e-4,
                  y0=[1.0, 0.0, 0.0],
                  ref=[2.0833401497012550e-08, 8.3333607703347131e-14,
                       9.9999997916650496e-01]),
    "hires": dict(f=hires_f, jac=hires_j, tspan=(0.0, 321.8122), atol_factor=1e-4,
                  y0=[1.0, 0.0, 0.0, 0.0, 0.0, 0.0, 0.0, 0.0057],
                  ref=[7.3713125733256685e-04, 1.4424857263161851e-04,
                       5.8887297409675752e-05, 1.1756513432831491e-03,
                       2.3863561988313308e-03, 6.2389682527427964e-03,
                       2.8499983951857689e-03, 2.8500016048142308e-03]),
    "pollu": dict(f=pollu_f, jac=pollu_j, tspan=(0.0, 60.0), atol_factor=1.0,
                  y0=[0.0, 0.2, 0.0, 0.04, 0.0, 0.0, 0.1, 0.3, 0.01, 0.0, 0.0,
                      0.0, 0.0, 0.0, 0.0, 0.0, 0.007, 0.0, 0.0, 0.0],
                  ref=[5.6462554800227688e-02, 1.3424841304223389e-01,
                       4.1397343310994266e-09, 5.5231402074843589e-03,
                       2.0189772623021960e-07, 1.4645418634939660e-07,
                       7.7842491189979643e-02, 3.2450753533960180e-01,
                       7.4940133838804057e-03, 1.6222931573015609e-08,
                       1.1358638332570749e-08, 2.2305059757213590e-03,
                       2.0871628827986299e-04, 1.3969210168401580e-05,
                       8.9648848568982947e-03, 4.3528463693301030e-18,
                       6.8992196962634053e-03, 1.0078030373659460e-04,
                       1.7721465139699840e-06, 5.6829432923163919e-05]),
    "orego": dict(f=orego_f, jac=orego_j, tspan=(0.0, 360.0), atol_factor=1.0,
                  y0=[1.0, 2.0, 3.0],
                  ref=[1.0008148703185229e+00, 1.2281785215499169e+03,
                       1.3205549428467060e+02]),
    "vdpol": dict(f=vdpol_f, jac=vdpol_j, tspan=(0.0, 2.0), atol_factor=1.0,
                  y0=[2.0, 0.0],
                  ref=[1.7061677321704829e+00, -8.9280970102479751e-01]),
}


def accuracy(y, ref, atol_factor):
    """scd and mescd as in the test set's report.f."""
    rel = 0.0
    mixed = 0.0
    for yi, ri in zip(y, ref):
        e = abs(yi - ri)
        if ri != 0.0:
            rel = max(rel, e / abs(ri))
        mixed = max(mixed, e / (atol_factor + abs(ri)))
    scd = -math.log10(rel) if rel > 0 else math.inf
    mescd = -math.log10(mixed) if mixed > 0 else math.inf
    return scd, mescd


class CellTimeout(Exception):
    pass


def _alarm(signum, frame):
    raise CellTimeout()


def solve(p, method, rtol, atol, timeout):
    """One timed solve; returns (seconds, sol) or raises CellTimeout."""
    y0 = np.array(p["y0"], dtype=float)
    if timeout > 0:
        signal.setitimer(signal.ITIMER_REAL, timeout)
    try:
        with warnings.catch_warnings():
            warnings.simplefilter("ignore")
            t0 = time.perf_counter()
            sol = solve_ivp(p["f"], p["tspan"], y0, method=method, rtol=rtol,
                            atol=atol, jac=p["jac"])
            dt = time.perf_counter() - t0
    finally:
        if timeout > 0:
            signal.setitimer(signal.ITIMER_REAL, 0)
    return dt, sol


def fmt(x):
    return "" if x is None else str(x)


def check_jacobians():
    """Central-difference check of the analytic Jacobians; returns ok flag."""
    ok = True
    for name, p in PROBLEMS.items():
        worst = 0.0
        ref = np.array(p["ref"])
        for y in (np.array(p["y0"], dtype=float), ref * (1.0 + 0.1 * np.arange(1, len(ref) + 1))):
            J = p["jac"](0.0, y)
            for j in range(len(y)):
                h = 1e-6 * max(abs(y[j]), 1e-3)
                yp, ym = y.copy(), y.copy()
                yp[j] += h
                ym[j] -= h
                fd = (p["f"](0.0, yp) - p["f"](0.0, ym)) / (2 * h)
                dev = np.abs(fd - J[:, j]) / np.maximum(1.0, np.maximum(np.abs(fd), np.abs(J[:, j])))
                worst = max(worst, float(dev.max()))
        good = worst < 1e-5
        ok &= good
        print(f"jac check {name:6s} max scaled deviation {worst:.2e} {'ok' if good else 'MISMATCH'}",
              file=sys.stderr)
    return ok


def main():
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("--problems", default="rober,hires,pollu,orego,vdpol")
    ap.add_argument("--rtols", default="1e-4,1e-6,1e-8,1e-10")
    ap.add_argument("--methods", default="LSODA,Radau,BDF")
    ap.add_argument("--repeats", type=int, default=0,
                    help="timed solves per cell after one warm-up; 0 = automatic "
                         "(enough for --min-time seconds, at least 3; a single "
                         "timed solve when one solve takes longer than --slow)")
    ap.add_argument("--min-time", type=float, default=0.2)
    ap.add_argument("--slow", type=float, default=0.5,
                    help="seconds: a cell whose first solve takes longer reports that "
                         "solve alone (automatic repeats only)")
    ap.add_argument("--timeout", type=float, default=60.0,
                    help="seconds per solve before the cell is reported as failed")
    ap.add_argument("--skip-radau-1e-10", action="store_true",
                    help="skip Radau at rtol <= 1e-10 (its slowest cells)")
    ap.add_argument("--no-header", action="store_true")
    ap.add_argument("--check-jac", action="store_true")
    args = ap.parse_args()

    if args.check_jac:
        sys.exit(0 if check_jacobians() else 1)

    signal.signal(signal.SIGALRM, _alarm)
    if not args.no_header:
        print(HEADER, flush=True)
    rtols = [float(r) for r in args.rtols.split(",") if r]
    methods = [m for m in args.methods.split(",") if m]
    for name in [p for p in args.problems.split(",") if p]:
        p = PROBLEMS[name]
        for method in methods:
            for rtol in rtols:
                atol = p["atol_factor"] * rtol
                head = f"scipy,{name},{method},{rtol:.0e},{atol:.0e}"
                if args.skip_radau_1e_10 and method == "Radau" and rtol <= 1e-10 * 1.0001:
                    print(f"{head},,,,,,,,,skipped (--skip-radau-1e-10)", flush=True)
                    continue
                try:
                    dt, sol = solve(p, method, rtol, atol, args.timeout)
                except CellTimeout:
                    print(f"{head},,,,,,,,,failed: timeout after {args.timeout:g} s", flush=True)
                    continue
                if sol.status != 0:
                    msg = str(sol.message).replace(",", ";").replace("\n", " ")
                    print(f"{head},,,,,,,,,failed: {msg}", flush=True)
                    continue
                times = []
                if args.repeats > 0:
                    n = args.repeats
                elif dt >= args.slow:
                    n = 0
                    times = [dt]  # too slow to repeat: the first solve is the sample
                else:
                    n = max(3, min(1000, math.ceil(args.min_time / max(dt, 1e-6))))
                note = ""
                try:
                    for _ in range(n):
                        d, s2 = solve(p, method, rtol, atol, args.timeout)
                        times.append(d)
                except CellTimeout:
                    note = "timeout during repeats"
                if not times:
                    print(f"{head},,,,,,,,,failed: timeout during repeats", flush=True)
                    continue
                y = sol.y[:, -1]
                scd, mescd = accuracy(y.tolist(), p["ref"], p["atol_factor"])
                steps = len(sol.t) - 1
                print(f"{head},{1e3 * statistics.median(times):.6g},{1e3 * min(times):.6g},"
                      f"{steps},{fmt(sol.nfev)},{fmt(sol.njev)},{fmt(sol.nlu)},"
                      f"{scd:.4f},{mescd:.4f},{note}", flush=True)


if __name__ == "__main__":
    main()
