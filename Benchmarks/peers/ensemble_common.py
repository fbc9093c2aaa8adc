"""Shared pieces of the HIRES ensemble peers (Benchmarks/compare-ensemble.sh).

The problem: HIRES (Test Set for IVP Solvers, University of Bari, release 2.4,
hires.f; the equations of Models/testset/hires.yaml) with the rate constants
k1..k9 and Oks of one row of the parameter CSV (columns sample,k1..k9,Oks),
from y1 = 1, y8 = 0.0057 and the other species 0, over [0, 321.8122].

Every driver writes the final states as CSV (sample,y1..y8; nan for a failed
solve) and prints one JSON line on stdout, the same interface as
`nadsim ensemble`:
  {"tool","method","cores","solves","failed","repeats","best_seconds",
   "solves_per_second", ...}
The accuracy (scd against the reference) is computed afterwards by
ensemble_report.py, from the CSV.
"""
import argparse
import csv
import json
import math

import numpy as np

PARAM_NAMES = ["k1", "k2", "k3", "k4", "k5", "k6", "k7", "k8", "k9", "Oks"]
SPECIES = [f"y{i}" for i in range(1, 9)]
Y0 = np.array([1.0, 0, 0, 0, 0, 0, 0, 0.0057])


def read_parameters(path):
    """(sample ids, array n x 10 of k1..k9,Oks) in file order."""
    with open(path, newline="") as f:
        rows = list(csv.DictReader(f))
    ids = [int(r["sample"]) for r in rows]
    p = np.array([[float(r[k]) for k in PARAM_NAMES] for r in rows], dtype=np.float64)
    return ids, p


def write_finals(path, ids, finals):
    with open(path, "w", newline="") as f:
        f.write("sample," + ",".join(SPECIES) + "\n")
        for s, y in zip(ids, finals):
            f.write(str(s) + "," + ",".join(repr(float(v)) for v in y) + "\n")


def report(tool, method, cores, solves, failed, repeats, best, **extra):
    d = {"tool": tool, "method": method, "cores": cores, "solves": solves,
         "failed": failed, "repeats": repeats, "best_seconds": round(best, 6),
         "solves_per_second": round(solves / best, 3) if best > 0 else None}
    d.update(extra)
    print(json.dumps(d), flush=True)


def arg_parser(description):
    ap = argparse.ArgumentParser(description=description)
    ap.add_argument("--parameters", required=True, help="CSV sample,k1..k9,Oks")
    ap.add_argument("--out", required=True, help="final states CSV sample,y1..y8")
    ap.add_argument("--until", type=float, default=321.8122)
    ap.add_argument("--rtol", type=float, default=1e-6)
    ap.add_argument("--atol", type=float, default=1e-10)
    ap.add_argument("--jobs", type=int, default=1, help="worker processes or threads")
    ap.add_argument("--repeats", type=int, default=3, help="timed passes over all solves; the best is reported")
    return ap


def scd(y, ref):
    """-log10 of the largest relative error over the components (nan if the solve failed)."""
    y = np.asarray(y, dtype=float)
    ref = np.asarray(ref, dtype=float)
    if not np.all(np.isfinite(y)):
        return math.nan
    rel = np.max(np.abs(y - ref) / np.abs(ref))
    return -math.log10(rel) if rel > 0 else math.inf


# --------------------------------------------------------------------------
# Process pool harness (libRoadRunner, scipy): `jobs` worker processes, each
# set up once by `init(*init_args)` (e.g. loading the model) before the clock
# starts; then every timed pass maps contiguous chunks of sample indices to
# `solve_chunk(lo, hi)` (returns an array (hi - lo) x 8 of final states, nan
# for a failed solve).  The time of one pass is the wall time of pool.map over
# all chunks, inter-process traffic included.


def _worker_init(init, init_args, barrier):
    init(*init_args)
    barrier.wait()


def _run_chunk(args):
    fn, lo, hi = args
    return lo, fn(lo, hi)


def run_pool(init, init_args, solve_chunk, n, jobs, repeats, chunks_per_job=8):
    """(best seconds over `repeats` passes, finals array n x 8 of the last pass)."""
    import multiprocessing as mp
    import time

    ctx = mp.get_context("spawn")  # fresh workers: nothing JIT-compiled is inherited through fork
    barrier = ctx.Barrier(jobs + 1)
    nchunks = max(1, min(n, jobs * chunks_per_job))
    bounds = [(n * c // nchunks, n * (c + 1) // nchunks) for c in range(nchunks)]
    work = [(solve_chunk, lo, hi) for lo, hi in bounds]
    finals = np.full((n, 8), np.nan)
    best = math.inf
    with ctx.Pool(jobs, initializer=_worker_init, initargs=(init, init_args, barrier)) as pool:
        barrier.wait()  # every worker has loaded its model
        for _ in range(repeats):
            t0 = time.perf_counter()
            out = pool.map(_run_chunk, work, chunksize=1)
            dt = time.perf_counter() - t0
            best = min(best, dt)
        for lo, y in out:
            finals[lo:lo + len(y)] = y
    return best, finals
