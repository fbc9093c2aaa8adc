"""Writes a copy of a nadsim model file without some species (for a context measurement, not a
product feature): the species held at zero in a sweep, as `nadsim sweep` lists them in its
manifest under solver.held_at_zero.

Those species start at 0, receive no dose in the sweep and are fed only by each other, so every
reaction that involves one of them has a zero rate throughout. The copy drops their species
entries, those reactions, the observables that mention them, the route substances that dose them
and the routes left without substances. What remains is the same model for the sweep's doses;
`nadsim export sbml` then gives libRoadRunner the smaller system that nadsim's lanes integrate.

The edit works line by line on nadsim's model layout (one entry per line in species, reactions
and observables; substances one per line under their route) and fails loudly on anything else.

    python without_species.py --model Models/nad-human.yaml --manifest RESULTS/manifest.json --out OUT.yaml
"""
import argparse
import json
import os
import re
import sys
import tempfile

NAME = re.compile(r"[A-Za-z_][A-Za-z0-9_]*")


def entry_name(line):
    match = re.match(r"^  ([A-Za-z_][A-Za-z0-9_]*):", line)
    return match.group(1) if match else None


def mentions(text, names):
    return any(token in names for token in NAME.findall(text))


def field(line, key):
    """The value of `key: "..."` (or `key: unquoted`) in a one-line flow mapping, or ""."""
    match = re.search(key + r':\s*(?:"([^"]*)"|([^,}]*))', line)
    return (match.group(1) if match.group(1) is not None else match.group(2)) if match else ""


def prune(lines, held):
    out, section = [], None
    route_lines, route_substances = [], 0

    def flush_route():
        nonlocal route_lines, route_substances
        if route_lines and route_substances > 0:
            out.extend(route_lines)
        route_lines, route_substances = [], 0

    for line in lines:
        top = re.match(r"^([A-Za-z_][A-Za-z0-9_]*):", line)
        if top:
            flush_route()
            section = top.group(1)
            out.append(line)
            continue
        if section == "species" and entry_name(line) in held:
            continue
        if section == "reactions" and entry_name(line):
            if mentions(field(line, "equation"), held):
                continue                   # a held reactant or product: its rate is zero
            if mentions(field(line, "rate"), held):
                sys.exit(f"reaction {entry_name(line)}: its rate reads a held species; not removable by this script")
        if section == "observables" and entry_name(line) and mentions(field(line, "expression"), held):
            continue
        if section == "routes":
            if entry_name(line):           # a new route
                flush_route()
                route_lines = [line]
                continue
            substance = re.match(r"^      [A-Za-z_][A-Za-z0-9_]*: \{species: ([A-Za-z_][A-Za-z0-9_]*)", line)
            if substance:
                if substance.group(1) in held:
                    continue
                route_substances += 1
            if route_lines:
                route_lines.append(line)
                continue
        out.append(line)
    flush_route()
    return out


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--model", required=True)
    parser.add_argument("--manifest", required=True, help="a sweep's manifest.json (solver.held_at_zero)")
    parser.add_argument("--out", required=True)
    args = parser.parse_args()
    with open(args.manifest, encoding="utf-8") as f:
        held = set(json.load(f)["solver"].get("held_at_zero") or [])
    if not held:
        sys.exit(f"{args.manifest}: solver.held_at_zero is empty; nothing to remove")
    with open(args.model, encoding="utf-8") as f:
        lines = f.read().split("\n")
    pruned = prune(lines, held)
    left = {entry_name(l) for l in pruned} & held
    if left:
        sys.exit(f"{args.model}: could not remove {sorted(left)} (unexpected layout)")
    directory = os.path.dirname(os.path.abspath(args.out))
    with tempfile.NamedTemporaryFile("w", encoding="utf-8", dir=directory, delete=False, suffix=".tmp") as f:
        f.write("\n".join(pruned))
        temporary = f.name
    os.replace(temporary, args.out)
    print(f"{args.out}: {len(held)} species removed", file=sys.stderr)


if __name__ == "__main__":
    main()
