#!/usr/bin/env python3
"""Accepted steps per scenario: nadsim's BDF against libRoadRunner's CVODE, on the same rows.

Answers one question behind the speed comparison of compare-nad-roadrunner.sh: does nadsim
take more or fewer steps than CVODE at the same tolerances, or does the difference in
scenarios per second come from the cost of a step?

Runs the rows of `nadsim export scenarios` exactly as nad_roadrunner.py does (same constants,
starting state, absolute-tolerance vector, segments between dose times and doses applied at
their ends), but with roadrunner's `variable_step_size` on, so that each simulate() call returns
one row per internal CVODE step; the rows after the first of each segment are its accepted steps.
nadsim's accepted steps are `steps - rejected_steps` of its summary.csv (`steps` counts attempts).

Usage (after a `nadsim sweep ... --out DIR` and `nadsim export scenarios ... --out IN` with the
same design arguments, and `nadsim export sbml`):
  nad_step_counts.py --sbml nad-human.xml --scenarios IN/scenarios.csv --doses IN/doses.csv \
      --summary DIR/summary.csv --until 672 --every 6
Prints one line per row and the totals.
"""
import argparse
import csv
import statistics
import sys
from pathlib import Path

import numpy as np

sys.path.insert(0, str(Path(__file__).resolve().parent))
import nad_roadrunner as rrdriver  # noqa: E402  (the same row set-up as the timed driver)


def cvode_steps(i):
    """Accepted CVODE steps of row i (the driver's state must be initialised)."""
    w = rrdriver._w
    rr, symbol = w["rr"], w["symbol"]
    changes = rrdriver.prepare_row(i)
    steps = 0
    for a, b, _, at_end in rrdriver.segments(changes, w["until"], w["grid"]):
        res = np.asarray(rr.simulate(a, b))
        steps += len(res) - 1
        rrdriver._apply(rr, symbol, at_end)
    return steps


def main():
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--sbml", required=True)
    ap.add_argument("--scenarios", required=True)
    ap.add_argument("--doses", required=True)
    ap.add_argument("--summary", required=True, help="nadsim sweep summary.csv of the same rows")
    ap.add_argument("--until", type=float, required=True)
    ap.add_argument("--every", type=float, required=True)
    ap.add_argument("--rtol", type=float, default=1e-6)
    ap.add_argument("--atol", type=float, default=1e-9)
    ap.add_argument("--limit", type=int, default=0, help="only the first N rows")
    a = ap.parse_args()

    nadsim = {}
    with open(a.summary, newline="") as f:
        for r in csv.DictReader(f):
            if r["status"] == "ok":
                nadsim[(r["scenario_id"], int(r["person"]))] = int(r["steps"]) - int(r["rejected_steps"])
    rrdriver._init(a.sbml, a.scenarios, a.doses, a.until, a.every, a.rtol, a.atol, "whole_blood_nad")
    rrdriver._w["integ"].setValue("variable_step_size", True)
    keys = rrdriver._w["keys"]
    n = len(keys) if a.limit <= 0 else min(a.limit, len(keys))
    ratios, total_nadsim, total_cvode = [], 0, 0
    print("scenario_id,person,nadsim_accepted_steps,cvode_accepted_steps,ratio")
    for i in range(n):
        key = keys[i]
        if key not in nadsim:
            sys.exit(f"nad_step_counts: row {key} is not an ok row of {a.summary}")
        c = cvode_steps(i)
        ratios.append(nadsim[key] / c)
        total_nadsim += nadsim[key]
        total_cvode += c
        print(f"{key[0]},{key[1]},{nadsim[key]},{c},{nadsim[key] / c:.3f}")
    print(f"# {n} rows: nadsim {total_nadsim} accepted steps, CVODE (libRoadRunner) {total_cvode}; "
          f"total ratio {total_nadsim / total_cvode:.3f}, per-row ratio median {statistics.median(ratios):.3f}, "
          f"range {min(ratios):.3f}..{max(ratios):.3f}")


if __name__ == "__main__":
    main()
