#!/usr/bin/env python3
"""Human NAD+ model sweep with libRoadRunner, for Benchmarks/compare-nad-roadrunner.sh.

Runs the rows written by `nadsim export scenarios` (scenarios.csv, doses.csv) on the
SBML written by `nadsim export sbml` (rate rules holding nadsim's right-hand side in
working units), and records one observable (default whole_blood_nad) on a regular
grid, exactly as `nadsim sweep --trajectories` does:

* Constants: every value of scenarios.csv (covariates, parameters, constant
  assignments, compartment volumes) is set verbatim with setValue, in nadsim's order
  (inputs before what is derived from them), so covariate-dependent constants are
  nadsim's numbers whatever roadrunner does with initial assignments.  The document's
  initial assignments are not re-evaluated: the driver never calls reset().
* Starting state: nadsim's untreated starting state (the `baseline:` columns: the
  steady state nadsim solves for the steady_state species), set as concentrations
  ("[id]") for concentration species and amounts for amount species, after the
  volumes.  roadrunner's own steady-state solver is not used: the model has cumulative
  species (urine, faeces, ledgers) without a steady state, and the point is to compare
  the dynamics from the same state; so the steady-state solve is work nadsim does in
  its timed sweep and roadrunner does not.
* Doses: the changes of doses.csv at their exact times.  The run is cut into segments
  at the change times; each segment is one simulate(times=[...]) call from the
  segment's start through the grid times inside it to its end (CVODE restarts at every
  segment start, as nadsim's solver restarts at every dose); at the end the changes
  due then are applied (add: value added to the species' concentration or amount,
  remove: set to 0), and the next segment starts from there.  Changes at time 0 act on
  the starting state.  A grid time equal to a change time records the state before
  the change.  infusion_rate changes add their value to the species' infusion input
  (the document's parameter infusion_<species>, in working units per model time unit),
  which every row starts at 0.
* Tolerances: CVODE (BDF, stiff) with rtol as given and a per-state absolute
  tolerance vector.  roadrunner's CVODE state holds amounts (compartment volume times
  concentration), while nadsim's atol applies to each species' stored value (a
  concentration for concentration species).  So atol_i = atol * V_i for concentration
  species and atol for amount species: the same error weights as nadsim's.  (A scalar
  absolute_tolerance is rescaled per state by roadrunner, so the vector is set
  explicitly.)

Timed: the passes over all rows (setting constants, starting state, all segments);
not timed: process start, SBML loading and LLVM JIT compilation (once per worker,
before the clock), reading the CSVs.  Prints one JSON line; writes the trajectories
(scenario_id,person,time_h,value) of the last pass to --out.
"""
import argparse
import csv
import json
import math
import sys
import time
import xml.etree.ElementTree as ET
from collections import defaultdict

import numpy as np

SBML_NS = "{http://www.sbml.org/sbml/level3/version2/core}"
SAME = 1e-12  # relative tolerance for "the same time", as nadsim's dose plan


def read_scenarios(path):
    """(row keys [(id, person)], constant names, constants array, species names, baseline array)."""
    with open(path, newline="") as f:
        reader = csv.reader(f)
        header = next(reader)
        rows = list(reader)
    base = [k for k, h in enumerate(header) if h.startswith("baseline:")]
    const = [k for k in range(2, len(header)) if k not in set(base)]
    keys = [(r[0], int(r[1])) for r in rows]
    constants = np.array([[float(r[k]) for k in const] for r in rows])
    baseline = np.array([[float(r[k]) for k in base] for r in rows])
    return keys, [header[k] for k in const], constants, [header[k][len("baseline:"):] for k in base], baseline


def read_doses(path):
    """{(id, person): [(time, species, kind, value), ...]} in file (time) order."""
    doses = defaultdict(list)
    with open(path, newline="") as f:
        for r in csv.DictReader(f):
            if r["kind"] not in ("add", "remove", "infusion_rate"):
                sys.exit(f"nad_roadrunner: unknown change kind {r['kind']!r} in {path}")
            doses[(r["scenario_id"], int(r["person"]))].append(
                (float(r["time"]), r["species"], r["kind"], float(r["value"])))
    return doses


def species_info(sbml_path):
    """{species id: (compartment id, is an amount species)} from the SBML document."""
    root = ET.parse(sbml_path).getroot()
    return {e.get("id"): (e.get("compartment"), e.get("hasOnlySubstanceUnits") == "true")
            for e in root.iter(SBML_NS + "species")}


def infusion_inputs(sbml_path):
    """The ids of the document's infusion inputs (parameters infusion_<species>)."""
    root = ET.parse(sbml_path).getroot()
    return [e.get("id") for e in root.iter(SBML_NS + "parameter") if e.get("id", "").startswith("infusion_")]


def segments(changes, until, grid):
    """[(start, end, grid indices strictly inside or at end, changes at end)] covering [0, until]."""
    times = sorted({c[0] for c in changes if 0 < c[0] < until})
    # merge times within SAME (nadsim applies them together)
    merged = []
    for t in times:
        if merged and abs(t - merged[-1]) <= SAME * max(1.0, abs(t)):
            continue
        merged.append(t)
    bounds = [0.0] + merged + [until]
    out = []
    for a, b in zip(bounds[:-1], bounds[1:]):
        last = b == until
        inside = [k for k, g in enumerate(grid) if a < g <= b]  # g == b: the state before b's changes
        at_end = [] if last else [c for c in changes if abs(c[0] - b) <= SAME * max(1.0, abs(b))]
        out.append((a, b, inside, at_end))
    return out


# ---------------------------------------------------------------------------- worker state
_w = {}


def _init(sbml, scen_path, dose_path, until, every, rtol, atol, observable):
    import roadrunner
    rr = roadrunner.RoadRunner(sbml)
    info = species_info(sbml)
    keys, cnames, constants, snames, baseline = read_scenarios(scen_path)
    doses = read_doses(dose_path)
    rr.setIntegrator("cvode")
    integ = rr.getIntegrator()
    integ.setValue("stiff", True)
    integ.setValue("relative_tolerance", rtol)
    integ.setValue("maximum_num_steps", 1000000)
    m = rr.model
    state_ids = [m.getStateVectorId(i) for i in range(m.getNumFloatingSpecies())]
    if sorted(state_ids) != sorted(snames):
        raise RuntimeError(f"the SBML's state ({len(state_ids)}) is not the exported species ({len(snames)})")
    # volumes in nadsim's numbers are those of the scenario; set per scenario below
    rr.timeCourseSelections = ["time", observable]
    count = int(math.floor(until / every + 1e-9))
    grid = [k * every for k in range(count + 1)]
    symbol = {s: (s if info[s][1] else f"[{s}]") for s in snames}
    _w.update(rr=rr, integ=integ, info=info, inputs=infusion_inputs(sbml), keys=keys, cnames=cnames, constants=constants, snames=snames,
              baseline=baseline, doses=doses, until=until, grid=grid, atol=atol, state_ids=state_ids,
              symbol=symbol, observable=observable)


def _apply(rr, symbol, changes):
    for _, s, kind, value in changes:
        if kind == "add":
            rr.setValue(symbol[s], rr.getValue(symbol[s]) + value)
        elif kind == "infusion_rate":
            rr.setValue("infusion_" + s, rr.getValue("infusion_" + s) + value)
        else:
            rr.setValue(symbol[s], 0.0)


def prepare_row(i):
    """Sets row i up in the worker's model (constants, tolerances, starting state, zero infusion
    inputs, the changes due at t = 0) and returns its dose changes."""
    w = _w
    rr, symbol = w["rr"], w["symbol"]
    for name, v in zip(w["cnames"], w["constants"][i]):
        rr.setValue(name, float(v))
    # absolute tolerance per state in amounts: atol * V for concentration species
    atol = [w["atol"] * (1.0 if w["info"][s][1] else rr.getValue(w["info"][s][0])) for s in w["state_ids"]]
    w["integ"].setValue("absolute_tolerance", atol)
    for s, v in zip(w["snames"], w["baseline"][i]):
        rr.setValue(symbol[s], float(v))
    for p in w["inputs"]:
        rr.setValue(p, 0.0)
    changes = w["doses"].get(w["keys"][i], [])
    _apply(rr, symbol, [c for c in changes if c[0] == 0])
    return changes


def _run_row(i):
    w = _w
    rr, symbol, grid = w["rr"], w["symbol"], w["grid"]
    changes = prepare_row(i)
    out = np.full(len(grid), np.nan)
    if grid and grid[0] == 0:
        out[0] = rr.getValue(w["observable"])
    for a, b, inside, at_end in segments(changes, w["until"], grid):
        interior = [k for k in inside if grid[k] < b]
        res = np.asarray(rr.simulate(times=[a] + [grid[k] for k in interior] + [b]))
        for row, k in enumerate(interior, start=1):
            out[k] = res[row, 1]
        if inside and grid[inside[-1]] == b:
            out[inside[-1]] = res[-1, 1]
        _apply(rr, symbol, at_end)
    return out


def _solve_chunk(lo, hi):
    out = np.full((hi - lo, len(_w["grid"])), np.nan)
    for i in range(lo, hi):
        try:
            out[i - lo] = _run_row(i)
        except RuntimeError as e:
            print(f"[nad_roadrunner] row {i} failed: {e}", file=sys.stderr)
    return out


# ---------------------------------------------------------------------------- pool harness
def _worker_init(init_args, barrier):
    _init(*init_args)
    barrier.wait()


def _run_chunk(bounds):
    lo, hi = bounds
    return lo, _solve_chunk(lo, hi)


def run_pool(init_args, n, ngrid, jobs, repeats, chunks_per_job=16):
    import multiprocessing as mp
    ctx = mp.get_context("spawn")  # fresh workers: nothing JIT-compiled is inherited
    barrier = ctx.Barrier(jobs + 1)
    nchunks = max(1, min(n, jobs * chunks_per_job))
    work = [(n * c // nchunks, n * (c + 1) // nchunks) for c in range(nchunks)]
    result = np.full((n, ngrid), np.nan)
    passes = []
    with ctx.Pool(jobs, initializer=_worker_init, initargs=(init_args, barrier)) as pool:
        barrier.wait()  # every worker has loaded and compiled its model
        for _ in range(repeats):
            t0 = time.perf_counter()
            out = pool.map(_run_chunk, work, chunksize=1)
            passes.append(time.perf_counter() - t0)
        for lo, y in out:
            result[lo:lo + len(y)] = y
    return passes, result


def main():
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--sbml", required=True)
    ap.add_argument("--scenarios", required=True, help="scenarios.csv of nadsim export scenarios")
    ap.add_argument("--doses", required=True, help="doses.csv of nadsim export scenarios")
    ap.add_argument("--until", type=float, required=True, help="run length in model time units (h)")
    ap.add_argument("--every", type=float, required=True, help="grid step in model time units (h)")
    ap.add_argument("--rtol", type=float, default=1e-6)
    ap.add_argument("--atol", type=float, default=1e-9, help="in nadsim's working units (see above)")
    ap.add_argument("--observable", default="whole_blood_nad")
    ap.add_argument("--jobs", type=int, default=1)
    ap.add_argument("--repeats", type=int, default=1)
    ap.add_argument("--limit", type=int, default=0, help="only the first N rows (estimates)")
    ap.add_argument("--out", required=True, help="trajectories CSV scenario_id,person,time_h,value")
    a = ap.parse_args()
    import roadrunner

    init_args = (a.sbml, a.scenarios, a.doses, a.until, a.every, a.rtol, a.atol, a.observable)
    # Check once, in this process: every constant reads back as set after a run.
    _init(*init_args)
    n = len(_w["keys"]) if a.limit <= 0 else min(a.limit, len(_w["keys"]))
    _run_row(0)
    rr = _w["rr"]
    bad = [(c, v, rr.getValue(c)) for c, v in zip(_w["cnames"], _w["constants"][0]) if rr.getValue(c) != v]
    if bad:
        sys.exit(f"nad_roadrunner: constants do not hold their set values after a run: {bad[:5]}")
    integ = _w["integ"]
    print(f"[nad_roadrunner] roadrunner {roadrunner.__version__}: integrator {integ.getName()}, "
          f"stiff={integ.getValue('stiff')}, rtol={integ.getValue('relative_tolerance')}, "
          f"atol per state {min(integ.getAbsoluteToleranceVector()):.3g}..{max(integ.getAbsoluteToleranceVector()):.3g} (amounts); "
          f"{n} rows, {len(_w['grid'])} grid times", file=sys.stderr)
    ngrid = len(_w["grid"])
    grid = _w["grid"]
    keys = _w["keys"][:n]
    _w.clear()

    passes, result = run_pool(init_args, n, ngrid, a.jobs, a.repeats)
    failed = int(np.sum(~np.all(np.isfinite(result), axis=1)))
    with open(a.out, "w", newline="") as f:
        f.write("scenario_id,person,time_h,value\n")
        for (sid, person), y in zip(keys, result):
            for t, v in zip(grid, y):
                f.write(f"{sid},{person},{t!r},{float(v)!r}\n")
    best = min(passes)
    print(json.dumps({"tool": "libRoadRunner", "version": roadrunner.__version__, "cores": a.jobs, "rows": n,
                      "failed": failed, "repeats": a.repeats, "pass_seconds": [round(p, 3) for p in passes],
                      "best_seconds": round(best, 6), "scenarios_per_second": round(n / best, 3)}), flush=True)


if __name__ == "__main__":
    main()
