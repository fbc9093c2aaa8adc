#!/usr/bin/env python3
"""Merge nadsim / CVODE / scipy work-precision CSVs and compute the verdict.

Inputs are CSV files with the common columns

  tool,problem,method,rtol,atol,median_ms,min_ms,steps,rhs_evals,jac_evals,
  lu_factorizations,scd,mescd,note

except nadsim's own `nadsim bench --out FILE` CSV (times in seconds, header
problem,method,rtol,atol,repeats,median_s,min_s,steps,accepted_steps,...,
status,scd,mescd,final_state), which is recognised by its header and converted
(tool=nadsim, median_ms = 1000 * median_s, steps = accepted_steps; a status
other than `success` becomes a failed row with empty times).

Verdict, per problem:
  * vs CVODE: for each CVODE point (time, mescd) at the verdict rtols
    (default 1e-6, 1e-8, 1e-10), the fastest nadsim row (any method, any rtol)
    with mescd >= that CVODE mescd; ratio = CVODE time / nadsim time;
    PASS if ratio >= 1.
  * vs scipy: for each scipy point (any method) at the verdict rtols, scipy's
    fastest row (any method, any rtol) with mescd >= that point's mescd, and
    the fastest nadsim row with mescd >= it; ratio = scipy time / nadsim time;
    PASS if ratio >= 20.
A point that no nadsim row reaches counts as FAIL.

Writes the merged CSV and a Markdown report, and prints the verdict tables and
a summary line of the minimum ratios on stdout.
"""
import argparse
import csv
import datetime
import math
import os
import platform
import sys

COLUMNS = ["tool", "problem", "method", "rtol", "atol", "median_ms", "min_ms", "steps",
           "rhs_evals", "jac_evals", "lu_factorizations", "scd", "mescd", "note"]
PROBLEM_ORDER = ["rober", "hires", "pollu", "orego", "vdpol"]


def fnum(s):
    """Parse a float field; empty / unparsable / nan gives None."""
    if s is None:
        return None
    s = str(s).strip()
    if not s:
        return None
    try:
        v = float(s)
    except ValueError:
        return None
    return None if math.isnan(v) else v


def fmt_num(v, digits=6):
    if v is None:
        return ""
    if isinstance(v, float) and math.isinf(v):
        return "inf" if v > 0 else "-inf"
    return f"{v:.{digits}g}"


def norm_tol(s):
    """Write a tolerance like the peers do (1e-04) when that is exact."""
    v = fnum(s)
    if v is None:
        return (s or "").strip()
    short = f"{v:.0e}"
    return short if float(short) == v else repr(v)


def convert_nadsim(row):
    status = (row.get("status") or "").strip()
    ok = status == "success"
    median_s, min_s = fnum(row.get("median_s")), fnum(row.get("min_s"))
    steps = row.get("accepted_steps") or row.get("steps") or ""
    out = {
        "tool": "nadsim",
        "problem": row["problem"].strip().lower(),
        "method": row["method"].strip(),
        "rtol": norm_tol(row["rtol"]),
        "atol": norm_tol(row["atol"]),
        "median_ms": fmt_num(1e3 * median_s) if ok and median_s is not None else "",
        "min_ms": fmt_num(1e3 * min_s) if ok and min_s is not None else "",
        "steps": steps.strip(),
        "rhs_evals": (row.get("rhs_evaluations") or "").strip(),
        "jac_evals": (row.get("jacobian_evaluations") or "").strip(),
        "lu_factorizations": (row.get("lu_factorizations") or "").strip(),
        "scd": (row.get("scd") or "").strip() if ok else "",
        "mescd": (row.get("mescd") or "").strip() if ok else "",
        "note": "" if ok else f"failed: {status or 'unknown status'}",
    }
    return out


def read_rows(path):
    with open(path, newline="") as fh:
        reader = csv.DictReader(fh)
        fields = reader.fieldnames or []
        rows = []
        if "median_s" in fields and "status" in fields:
            for r in reader:
                if r.get("problem"):
                    rows.append(convert_nadsim(r))
        elif "tool" in fields and "median_ms" in fields:
            for r in reader:
                if not r.get("tool") or r["tool"] == "tool":
                    continue  # blank line or repeated header
                rows.append({c: (r.get(c) or "").strip() for c in COLUMNS})
        else:
            sys.exit(f"compare.py: {path}: unrecognised header {fields}")
    return rows


class Point:
    """A successful measurement with a time and an accuracy."""

    def __init__(self, row):
        self.row = row
        self.tool = row["tool"]
        self.problem = row["problem"]
        self.method = row["method"]
        self.rtol = fnum(row["rtol"])
        self.ms = fnum(row["median_ms"])
        self.mescd = fnum(row["mescd"])

    @property
    def ok(self):
        return self.ms is not None and self.mescd is not None and \
            not row_failed(self.row)

    def label(self, with_tool=False):
        s = f"{self.method} {rtol_str(self.rtol)}"
        return f"{self.tool} {s}" if with_tool else s


def row_failed(row):
    return row["note"].startswith("failed") or row["note"].startswith("skipped") or \
        fnum(row["median_ms"]) is None


def rtol_str(r):
    return "?" if r is None else f"{r:.0e}"


def same_rtol(a, b):
    return a is not None and b is not None and abs(a - b) <= 1e-9 * max(abs(a), abs(b))


def fastest_at_least(points, mescd):
    cands = [p for p in points if p.ok and p.mescd >= mescd]
    return min(cands, key=lambda p: p.ms) if cands else None


def tool_group(row):
    if row["tool"] == "nadsim":
        return 0
    if row["tool"].startswith("cvode"):
        return 1
    if row["tool"] == "scipy":
        return 2
    return 3


def cell_text(row):
    if row is None:
        return "—"
    if row["note"].startswith("skipped"):
        return "skipped"
    if row_failed(row):
        return "fails"
    ms = fnum(row["median_ms"])
    me = fnum(row["mescd"])
    return f"{ms:.3g} / {me:.1f}" if me is not None else f"{ms:.3g} / ?"


def machine_line():
    cpu = platform.processor() or ""
    try:
        with open("/proc/cpuinfo") as fh:
            for line in fh:
                if line.startswith("model name"):
                    cpu = line.split(":", 1)[1].strip()
                    break
    except OSError:
        pass
    return f"{cpu}, {os.cpu_count()} cores, {platform.system()} {platform.release()}"


def main():
    ap = argparse.ArgumentParser(description="merge peer CSVs and compute the verdict")
    ap.add_argument("inputs", nargs="+", help="CSV files (common columns or nadsim's own)")
    ap.add_argument("--out-csv", required=True)
    ap.add_argument("--out-md", required=True)
    ap.add_argument("--verdict-rtols", default="1e-6,1e-8,1e-10")
    ap.add_argument("--scipy-factor", type=float, default=20.0)
    ap.add_argument("--command", default="", help="command line to record in the report")
    ap.add_argument("--problems", default="",
                    help="keep only these problems (comma-separated; default: all in the inputs)")
    args = ap.parse_args()

    rows = []
    for path in args.inputs:
        rows.extend(read_rows(path))
    vrtols = [float(x) for x in args.verdict_rtols.split(",") if x]
    if args.problems:
        keep = {p.strip().lower() for p in args.problems.split(",") if p.strip()}
        rows = [r for r in rows if r["problem"] in keep]

    problems = sorted({r["problem"] for r in rows},
                      key=lambda p: (PROBLEM_ORDER.index(p) if p in PROBLEM_ORDER else 99, p))
    rows.sort(key=lambda r: ((PROBLEM_ORDER.index(r["problem"]) if r["problem"] in PROBLEM_ORDER
                              else 99), r["problem"], tool_group(r), r["tool"], r["method"],
                             -(fnum(r["rtol"]) or 0.0)))

    os.makedirs(os.path.dirname(os.path.abspath(args.out_csv)), exist_ok=True)
    with open(args.out_csv, "w", newline="") as fh:
        w = csv.DictWriter(fh, fieldnames=COLUMNS, lineterminator="\n")
        w.writeheader()
        for r in rows:
            w.writerow(r)

    pts = [Point(r) for r in rows]
    have_nadsim = any(p.tool == "nadsim" for p in pts)

    # ---------------- verdict vs CVODE
    cv_lines, cv_ratios, cv_fail, cv_unreached = [], [], 0, []
    sc_lines, sc_ratios, sc_fail, sc_unreached = [], [], 0, []
    for prob in problems:
        nad = [p for p in pts if p.problem == prob and p.tool == "nadsim"]
        cvs = [p for p in pts if p.problem == prob and p.tool.startswith("cvode")]
        scs = [p for p in pts if p.problem == prob and p.tool == "scipy"]
        for vr in vrtols:
            for c in [p for p in cvs if same_rtol(p.rtol, vr)]:
                if not c.ok:
                    cv_lines.append([prob, c.label(True), "fails", "", "", "", "", "", "n/a (CVODE failed)"])
                    continue
                best = fastest_at_least(nad, c.mescd)
                if best is None:
                    cv_fail += 1
                    cv_unreached.append(f"{prob} {rtol_str(vr)}")
                    cv_lines.append([prob, c.label(True), f"{c.ms:.3g}", f"{c.mescd:.2f}",
                                     "none reaches", "", "", "", "FAIL"])
                    continue
                ratio = c.ms / best.ms
                verdict = "PASS" if ratio >= 1.0 else "FAIL"
                cv_fail += verdict == "FAIL"
                cv_ratios.append((ratio, prob, rtol_str(vr)))
                cv_lines.append([prob, c.label(True), f"{c.ms:.3g}", f"{c.mescd:.2f}",
                                 best.label(), f"{best.ms:.3g}", f"{best.mescd:.2f}",
                                 f"{ratio:.2f}", verdict])
            for s in [p for p in scs if same_rtol(p.rtol, vr)]:
                if not s.ok:
                    sc_lines.append([prob, s.label(True), "fails", "", "", "", "", "", "", "n/a (scipy failed)"])
                    continue
                sbest = fastest_at_least(scs, s.mescd)
                best = fastest_at_least(nad, s.mescd)
                if best is None:
                    sc_fail += 1
                    sc_unreached.append(f"{prob} {s.label()}")
                    sc_lines.append([prob, s.label(True), f"{s.mescd:.2f}", sbest.label(),
                                     f"{sbest.ms:.3g}", "none reaches", "", "", "", "FAIL"])
                    continue
                ratio = sbest.ms / best.ms
                verdict = "PASS" if ratio >= args.scipy_factor else "FAIL"
                sc_fail += verdict == "FAIL"
                sc_ratios.append((ratio, prob, s.label()))
                sc_lines.append([prob, s.label(True), f"{s.mescd:.2f}", sbest.label(),
                                 f"{sbest.ms:.3g}", best.label(), f"{best.ms:.3g}",
                                 f"{best.mescd:.2f}", f"{ratio:.1f}", verdict])

    def summary():
        if not have_nadsim:
            return "SUMMARY: no nadsim rows; verdict not computed"
        parts = []
        for name, ratios, fails, unreached, need, dig in (
                ("CVODE", cv_ratios, cv_fail, cv_unreached, 1.0, 2),
                ("scipy", sc_ratios, sc_fail, sc_unreached, args.scipy_factor, 1)):
            total = len(ratios) + len(unreached)
            if not total:
                parts.append(f"no {name} points")
                continue
            text = f"{name}: {total - fails}/{total} PASS (need ratio >= {need:g})"
            if ratios:
                r, p, at = min(ratios)
                text += f", min {name}/nadsim = {r:.{dig}f} ({p} {at})"
            if unreached:
                text += f", {len(unreached)} point(s) no nadsim row reaches ({'; '.join(unreached)})"
            parts.append(text)
        overall = "PASS" if (cv_ratios or sc_ratios) and cv_fail == 0 and sc_fail == 0 else "FAIL"
        return f"SUMMARY: {overall}: " + "; ".join(parts)

    # ---------------- Markdown report
    all_rtols = sorted({fnum(r["rtol"]) for r in rows if fnum(r["rtol"]) is not None}, reverse=True)
    md = []
    md.append("# Work-precision: nadsim vs CVODE and scipy\n")
    md.append(f"Generated {datetime.datetime.now().strftime('%Y-%m-%d %H:%M')} on {machine_line()}.")
    if args.command:
        md.append(f"Command: `{args.command}`.")
    md.append("")
    md.append("Cells: median wall time of one solve in ms / mescd at the final time "
              "(mescd as in the Bari test set: -log10 of the max error relative to "
              "atol/rtol + |ref|). atol = atol_factor × rtol as in "
              "solver-testset.md. All tools ran in the same invocation; the machine "
              "is noisy, so compare ratios rather than absolute times.\n")
    md.append("## Measurements\n")
    for prob in problems:
        md.append(f"### {prob.upper()}\n")
        md.append("| tool | method | " + " | ".join(f"rtol {rtol_str(r)}" for r in all_rtols) + " |")
        md.append("|---|---|" + "---|" * len(all_rtols))
        keys = []
        for r in rows:
            if r["problem"] == prob and (r["tool"], r["method"]) not in keys:
                keys.append((r["tool"], r["method"]))
        for tool, method in keys:
            cells = []
            for rt in all_rtols:
                match = [r for r in rows if r["problem"] == prob and r["tool"] == tool and
                         r["method"] == method and same_rtol(fnum(r["rtol"]), rt)]
                cells.append(cell_text(match[0] if match else None))
            md.append(f"| {tool} | {method} | " + " | ".join(cells) + " |")
        md.append("")

    md.append("## Verdict vs CVODE (PASS if CVODE time / nadsim time >= 1)\n")
    md.append("For each CVODE point, the fastest nadsim row (any method, any rtol) "
              "with mescd >= CVODE's.\n")
    cv_head = ["problem", "CVODE point", "CVODE ms", "CVODE mescd", "nadsim best",
               "nadsim ms", "nadsim mescd", "ratio", "verdict"]
    sc_head = ["problem", "scipy point", "mescd", "scipy fastest at >= mescd", "scipy ms",
               "nadsim best", "nadsim ms", "nadsim mescd", "ratio", "verdict"]
    if not have_nadsim:
        md.append("No nadsim rows: not computed.\n")
    else:
        md.append("| " + " | ".join(cv_head) + " |")
        md.append("|" + "---|" * len(cv_head))
        md.extend("| " + " | ".join(l) + " |" for l in cv_lines)
        md.append("")
    md.append(f"## Verdict vs scipy (PASS if scipy time / nadsim time >= {args.scipy_factor:g})\n")
    md.append("For each scipy point (any method), scipy's fastest row (any method, any "
              "rtol) with mescd >= that point's, against the fastest nadsim row with "
              "mescd >= it.\n")
    if not have_nadsim:
        md.append("No nadsim rows: not computed.\n")
    else:
        md.append("| " + " | ".join(sc_head) + " |")
        md.append("|" + "---|" * len(sc_head))
        md.extend("| " + " | ".join(l) + " |" for l in sc_lines)
        md.append("")
    md.append("## Summary\n")
    md.append("`" + summary() + "`\n")
    with open(args.out_md, "w") as fh:
        fh.write("\n".join(md))

    # ---------------- stdout
    def table(head, lines):
        widths = [max(len(str(x)) for x in col) for col in zip(head, *lines)] if lines else \
            [len(h) for h in head]
        out = ["  ".join(str(x).ljust(w) for x, w in zip(head, widths))]
        out += ["  ".join(str(x).ljust(w) for x, w in zip(l, widths)) for l in lines]
        return "\n".join(out)

    if have_nadsim:
        print("Verdict vs CVODE")
        print(table(cv_head, cv_lines))
        print()
        print(f"Verdict vs scipy (need >= {args.scipy_factor:g})")
        print(table(sc_head, sc_lines))
        print()
    print(summary())
    print(f"wrote {args.out_csv} and {args.out_md}")


if __name__ == "__main__":
    main()
