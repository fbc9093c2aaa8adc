#!/usr/bin/env python3
"""Table of Benchmarks/compare-nad-accuracy.sh: each tool's error in whole-blood NAD+ against a
tight reference, and its scenarios per second, at several tolerances (human NAD+ model).

Reads the run folder: reference/trajectories.csv (nadsim Rodas5P, tight), rr-reference.csv
(libRoadRunner, same tight tolerances, first rows), nadsim-xK/ and nadsim-xK.jsonl (trajectories
and pass times at K times the benchmark's tolerances), rr-xK.csv and rr-xK.json."""
import argparse
import json
import math
import os

import numpy as np

from nad_roadrunner_report import nadsim_trajectories, roadrunner_trajectories, compare, write_whole


def errors(reference, other, only_scenarios_of_other=False):
    """(relative errors of `other` against `reference`, worst, values missing or not finite, values
    compared). Over every reference value, a value missing in `other` counted as missing; or, with
    `only_scenarios_of_other`, over the scenarios `other` has (a check run on the first rows)."""
    if only_scenarios_of_other:
        scenarios = {k[:2] for k in other}
        reference = {k: v for k, v in reference.items() if k[:2] in scenarios}
    rel, worst, bad = compare(reference, other)  # counts missing, extra and non-finite values
    return rel, worst, bad, len(reference)


def fastest_as_accurate(rows, tool, target):
    """The fastest complete row of `tool` whose largest error and 99th percentile are both at most
    those of the row `target`, or None."""
    largest, p99 = target["rel"].max(), float(np.percentile(target["rel"], 99))
    matched = [r for r in rows if r["tool"] == tool and r["bad"] == 0
               and r["rel"].max() <= largest and float(np.percentile(r["rel"], 99)) <= p99]
    return max(matched, key=lambda r: r["rate"]) if matched else None


def fmt(x):
    return f"{x:.2e}"


def main():
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--run", required=True)
    ap.add_argument("--settings", required=True, help="space-separated tool:factor, e.g. 'nadsim:1 rr:1'")
    ap.add_argument("--rtol", type=float, required=True)
    ap.add_argument("--atol", type=float, required=True)
    ap.add_argument("--reference", required=True, help="rtol,atol of the reference")
    ap.add_argument("--check-rows", type=int, required=True)
    ap.add_argument("--out", required=True)
    ap.add_argument("--command", required=True)
    ap.add_argument("--machine", required=True)
    ap.add_argument("--nadsim", required=True)
    a = ap.parse_args()
    run = a.run
    ref_rtol, ref_atol = a.reference.split(",")

    reference = nadsim_trajectories(os.path.join(run, "reference", "trajectories.csv"))
    scenarios = len({k[:2] for k in reference})
    check = roadrunner_trajectories(os.path.join(run, "rr-reference.csv"))
    check_rel, check_worst, check_bad, check_n = errors(reference, check, only_scenarios_of_other=True)

    rows = []
    for item in a.settings.split():
        tool, factor = item.split(":")
        k = float(factor)
        if tool == "nadsim":
            traj = nadsim_trajectories(os.path.join(run, f"nadsim-x{factor}", "trajectories.csv"))
            with open(os.path.join(run, f"nadsim-x{factor}.jsonl")) as f:
                passes = [json.loads(line)["seconds"] for line in f if line.strip()]
            label = "nadsim (BDF, SIMD lanes)"
        else:
            traj = roadrunner_trajectories(os.path.join(run, f"rr-x{factor}.csv"))
            with open(os.path.join(run, f"rr-x{factor}.json")) as f:
                passes = json.loads(f.readline())["pass_seconds"]
            label = "libRoadRunner (CVODE BDF)"
        rel, worst, bad, n = errors(reference, traj)
        best = min(passes)
        rows.append(dict(tool=tool, label=label, factor=k, rtol=a.rtol * k, atol=a.atol * k, rel=rel, worst=worst,
                         bad=bad, n=n, passes=passes, rate=scenarios / best))

    rr1 = next((r for r in rows if r["tool"] == "rr" and r["factor"] == 1), None)
    ns1 = next((r for r in rows if r["tool"] == "nadsim" and r["factor"] == 1), None)

    L = ["# Human NAD+ model: accuracy against speed, nadsim and libRoadRunner (showcase 1)", "",
         "Produced by `compare-nad-accuracy.sh`. Every number below comes from that one invocation: "
         f"`{a.command}`.", "",
         f"Work: the first {scenarios} scenarios of showcase 1 (the design of `nad-roadrunner.md`: oral NMN, NR or "
         "Nam, once or twice daily, a Latin hypercube over daily dose 0-2000 mg and age 25-85 y, seed 1; "
         "28 days from the untreated steady state; whole-blood NAD+ every 6 h). Both tools run exactly as in "
         "`compare-nad-roadrunner.sh` (libRoadRunner on nadsim's SBML export with nadsim's constants, starting "
         "state and doses; per-state absolute tolerances giving both tools the same error weights), on one core.", "",
         "## Reference", "",
         f"nadsim Rodas5P at rtol {ref_rtol}, atol {ref_atol}. Checked against libRoadRunner (CVODE BDF) at the "
         f"same tolerances on the first {a.check_rows} scenarios: largest relative difference "
         f"{fmt(check_rel.max()) if len(check_rel) else 'n/a'}, median {fmt(float(np.median(check_rel))) if len(check_rel) else 'n/a'} "
         f"over {check_n} values ({check_bad} missing or not finite). The errors below are measured against it; "
         "values below a few times that difference say only that the error is that small.", "",
         "## Error and speed at each tolerance", "",
         "Relative error |x - ref| / |ref| of whole-blood NAD+ over every scenario and grid time (t = 0 included). "
         "Speed: scenarios per second, best of the passes (nadsim: the whole `nadsim sweep` process, as in "
         "`nad-roadrunner.md`; libRoadRunner: the pool pass over all rows, model loading and JIT not timed).", "",
         "| tool | rtol | atol | largest error | 99th percentile | median | missing | passes (s) | scenarios/s | / libRoadRunner at the benchmark's tolerances |",
         "|---|---|---|---|---|---|---|---|---|---|"]
    for r in rows:
        ratio = f"{r['rate'] / rr1['rate']:.2f}x" if rr1 else "n/a"
        L.append(f"| {r['label']} | {r['rtol']:.3g} | {r['atol']:.3g} | {fmt(r['rel'].max())} | "
                 f"{fmt(float(np.percentile(r['rel'], 99)))} | {fmt(float(np.median(r['rel'])))} | {r['bad']} | "
                 f"{', '.join(f'{p:.2f}' for p in r['passes'])} | {r['rate']:.1f} | {ratio} |")
    L.append("")
    if rr1 and ns1:
        L += ["## At matched tolerances and at matched accuracy", "",
              f"- **Matched tolerances** (rtol {a.rtol:g}, atol {a.atol:g} in both, the requirement's terms): nadsim "
              f"{ns1['rate']:.1f} against libRoadRunner {rr1['rate']:.1f} scenarios/s, "
              f"**{ns1['rate'] / rr1['rate']:.2f}x**. Largest error: nadsim {fmt(ns1['rel'].max())}, libRoadRunner "
              f"{fmt(rr1['rel'].max())}; 99th percentile {fmt(float(np.percentile(ns1['rel'], 99)))} against "
              f"{fmt(float(np.percentile(rr1['rel'], 99)))}."]
        best = fastest_as_accurate(rows, "nadsim", rr1)
        if best:
            L.append(f"- **Matched accuracy** (the fastest nadsim setting whose largest error and 99th percentile are "
                     f"both at most libRoadRunner's at the benchmark's tolerances): nadsim at rtol {best['rtol']:.3g}, "
                     f"atol {best['atol']:.3g}, {best['rate']:.1f} scenarios/s, **{best['rate'] / rr1['rate']:.2f}x** "
                     f"libRoadRunner (largest error {fmt(best['rel'].max())} against {fmt(rr1['rel'].max())}).")
        else:
            L.append("- **Matched accuracy**: no nadsim setting here is as accurate as libRoadRunner at the "
                     "benchmark's tolerances on both measures.")
        best = fastest_as_accurate(rows, "rr", ns1)
        if best:
            L.append(f"- **Matched accuracy, the other way round** (the fastest libRoadRunner setting whose largest "
                     f"error and 99th percentile are both at most nadsim's at the benchmark's tolerances): "
                     f"libRoadRunner at rtol {best['rtol']:.3g}, atol {best['atol']:.3g}, {best['rate']:.1f} "
                     f"scenarios/s; nadsim at the benchmark's tolerances is **{ns1['rate'] / best['rate']:.2f}x** that "
                     f"(largest error {fmt(best['rel'].max())} against {fmt(ns1['rel'].max())}).")
        else:
            L.append("- **Matched accuracy, the other way round**: no libRoadRunner setting here is as accurate as "
                     "nadsim at the benchmark's tolerances on both measures.")
        L.append("")
    L += [f"Machine: {a.machine}. Versions: {a.nadsim}. Ratios are within this run; the machine is shared."]
    write_whole(a.out, "\n".join(L) + "\n")


if __name__ == "__main__":
    main()
