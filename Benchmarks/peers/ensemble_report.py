#!/usr/bin/env python3
"""Merge the runs of Benchmarks/compare-ensemble.sh into a Markdown table + CSV.

Each run is a pair RUN_DIR/TAG.json (one JSON line: tool, method, cores,
solves, best_seconds, solves_per_second, ... or "unavailable": reason) and
RUN_DIR/TAG.csv (final states sample,y1..y8).  scd per solve = -log10 of the
largest relative error over y1..y8 against the reference final states; a
failed solve (non-finite values, or a sample missing from the CSV) counts as
scd = -inf in the minimum and is reported in the notes.

Verdict, per core count: for every peer row, the fastest nadsim row on as many
cores whose median scd is at least the peer's; the ratio of their solves per
second.  The verdict is the smallest such ratio (the binding peer, normally the
fastest one), to be compared with the requirement (5x).
"""
import argparse
import csv
import glob
import json
import math
import os
import statistics

from ensemble_common import SPECIES, scd

COLUMNS = ["tool", "method", "cores", "solves", "failed", "best_seconds", "solves_per_second",
           "median_scd", "min_scd", "notes"]

def read_finals(path):
    out = {}
    with open(path, newline="") as f:
        for r in csv.DictReader(f):
            out[int(r["sample"])] = [float(r[s]) for s in SPECIES]
    return out

def fmt_rate(x):
    return "n/a" if x is None else f"{x:,.0f}" if x >= 100 else f"{x:.3g}"

def fmt_scd(x):
    return "n/a" if x is None or (isinstance(x, float) and math.isnan(x)) else f"{x:.2f}"

def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("run_dir")
    ap.add_argument("--reference", required=True)
    ap.add_argument("--out-md", required=True)
    ap.add_argument("--out-csv", required=True)
    ap.add_argument("--required", type=float, default=5.0)
    ap.add_argument("--command", default="Benchmarks/compare-ensemble.sh")
    ap.add_argument("--header", default="", help="Markdown put above the table (setup, versions)")
    a = ap.parse_args()

    ref = read_finals(a.reference)
    rows = []
    for jpath in sorted(glob.glob(os.path.join(a.run_dir, "*.json"))):
        with open(jpath) as f:
            lines = [ln for ln in f.read().splitlines() if ln.strip().startswith("{")]
        if not lines:
            continue
        j = json.loads(lines[-1])
        row = {k: "" for k in COLUMNS}
        row.update(tool=j.get("tool", "?"), method=j.get("method", "?"), cores=int(j.get("cores", j.get("jobs", 0))))
        notes = [j["note"]] if j.get("note") else []
        if j.get("unavailable"):
            row.update(solves_per_second=None, median_scd=None, min_scd=None)
            notes.insert(0, "not available: " + j["unavailable"])
            row["notes"] = "; ".join(notes)
            rows.append(row)
            continue
        fpath = jpath[:-5] + ".csv"
        finals = read_finals(fpath) if os.path.exists(fpath) else {}
        scds = []
        failed = 0
        for s, r in ref.items():
            y = finals.get(s)
            v = scd(y, r) if y is not None else math.nan
            if math.isnan(v):
                failed += 1
                v = -math.inf
            scds.append(v)
        row.update(solves=j.get("solves", ""), failed=failed,
                   best_seconds=j.get("best_seconds"),
                   solves_per_second=j.get("solves_per_second"),
                   median_scd=statistics.median(scds), min_scd=min(scds))
        if failed:
            notes.append(f"{failed} of {len(ref)} solves failed or missing")
        for k in ("version", "numba", "threading_layer"):
            if j.get(k):
                notes.append(f"{k} {j[k]}")
        if j.get("repeats"):
            notes.append(f"best of {j['repeats']} passes")
        row["notes"] = "; ".join(notes)
        rows.append(row)

    def is_nadsim(r):
        return r["tool"].lower().startswith("nadsim")

    rows.sort(key=lambda r: (not is_nadsim(r), r["tool"], r["method"], r["cores"]))

    with open(a.out_csv + ".tmp", "w", newline="") as f:
        w = csv.writer(f)
        w.writerow(COLUMNS)
        for r in rows:
            w.writerow(["" if r[c] is None else (f"{r[c]:.4f}" if isinstance(r[c], float) else r[c])
                        for c in COLUMNS])

    # Verdict.
    verdict_lines = []
    for cores in sorted({r["cores"] for r in rows}):
        nad = [r for r in rows if is_nadsim(r) and r["cores"] == cores and r["solves_per_second"]]
        peers = [r for r in rows if not is_nadsim(r) and r["cores"] == cores and r["solves_per_second"]]
        if not peers:
            continue
        fastest = max(peers, key=lambda r: r["solves_per_second"])
        if not nad:
            verdict_lines.append(
                f"- **{cores} core{'s' if cores > 1 else ''}: no verdict** — no nadsim row measured. "
                f"Fastest peer: {fastest['tool']} ({fastest['method']}), "
                f"{fmt_rate(fastest['solves_per_second'])} solves/s at median scd {fmt_scd(fastest['median_scd'])}.")
            continue
        worst = None  # (ratio, peer, nadsim row)
        for p in peers:
            ok = [r for r in nad if r["median_scd"] >= p["median_scd"]]
            if not ok:
                worst = (0.0, p, None)
                break
            best = max(ok, key=lambda r: r["solves_per_second"])
            ratio = best["solves_per_second"] / p["solves_per_second"]
            if worst is None or ratio < worst[0]:
                worst = (ratio, p, best)
        ratio, p, n = worst
        verdict = "PASS" if ratio >= a.required else "FAIL"
        if n is None:
            verdict_lines.append(
                f"- **{cores} core{'s' if cores > 1 else ''}: {verdict}** — no nadsim row reaches the median scd "
                f"{fmt_scd(p['median_scd'])} of {p['tool']} ({fmt_rate(p['solves_per_second'])} solves/s).")
        else:
            verdict_lines.append(
                f"- **{cores} core{'s' if cores > 1 else ''}: {verdict}, {ratio:.2f}×** (required ≥ {a.required:g}×) — "
                f"nadsim {n['method']} {fmt_rate(n['solves_per_second'])} solves/s at median scd "
                f"{fmt_scd(n['median_scd'])} against {p['tool']} ({p['method']}) "
                f"{fmt_rate(p['solves_per_second'])} solves/s at {fmt_scd(p['median_scd'])}"
                + ("" if p is fastest else f"; the fastest peer is {fastest['tool']}, "
                   f"{fmt_rate(fastest['solves_per_second'])} solves/s at {fmt_scd(fastest['median_scd'])}")
                + ".")

    md = ["# HIRES ensemble: nadsim against its peers", "",
          f"Generated by `{a.command}`; all rows measured in that one invocation.", ""]
    if a.header:
        md += [a.header.rstrip(), ""]
    md += ["| tool | method | cores | solves/s | median scd | min scd | notes |",
           "|---|---|---|---|---|---|---|"]
    for r in rows:
        md.append(f"| {r['tool']} | {r['method']} | {r['cores']} | {fmt_rate(r['solves_per_second'])} | "
                  f"{fmt_scd(r['median_scd'])} | {fmt_scd(r['min_scd'])} | {r['notes']} |")
    md += ["", "## Verdict", "",
           "nadsim's solves/s over the peer's, on equal cores, taking nadsim's fastest row whose median scd "
           "is at least the peer's; the line shows the peer with the smallest ratio.", ""]
    md += verdict_lines or ["- no verdict: no peer rows"]
    md.append("")
    with open(a.out_md + ".tmp", "w") as f:
        f.write("\n".join(md))
    # Both results appear together, each whole, and only once the report is complete.
    os.replace(a.out_csv + ".tmp", a.out_csv)
    os.replace(a.out_md + ".tmp", a.out_md)
    print("\n".join(md))

if __name__ == "__main__":
    main()
