#!/usr/bin/env bash
# How much of nadsim's lead on showcase 1 comes from leaving out the species no oral dose reaches?
# nadsim's lanes hold the skin film and stratum corneum of nad-human at zero (22 of 67 species,
# manifest: solver.held_at_zero); libRoadRunner, as compare-nad-roadrunner.sh runs it, integrates
# the whole exported model. This script gives libRoadRunner the same advantage by hand: it writes
# a copy of the model without those species (peers/without_species.py), exports that to SBML, and
# times on one core, best of REPEATS passes, on the first scenarios of showcase 1:
#   - nadsim on the whole model (it holds the 22 species itself) and on the copy (nothing to hold);
#   - libRoadRunner on the whole model's SBML and on the copy's.
# It also reports the largest relative difference in whole-blood NAD+ between each tool's two runs.
#
#   Benchmarks/experiments/roadrunner-without-held.sh [SCENARIOS (default 360)] [REPEATS (default 3)]
#
# Prints a Markdown table; scratch lives in Benchmarks/.build-peers/without-held/. Not run by CI.
set -euo pipefail
HERE="$(cd "$(dirname "$0")" && pwd)"
BENCH="$(dirname "$HERE")"
ROOT="$(dirname "$BENCH")"
PEERS="$BENCH/peers"
source "$PEERS/nad-showcase.sh"   # MODEL, UNTIL_H, EVERY_H, RTOL, ATOL; nad_build, nad_design, nad_export
SCENARIOS="${1:-360}"
REPEATS="${2:-3}"
[[ $SCENARIOS =~ ^[0-9]+$ && $SCENARIOS -ge 6 ]] || { echo "SCENARIOS: expected a whole number >= 6" >&2; exit 2; }
[[ $REPEATS =~ ^[0-9]+$ && $REPEATS -ge 1 ]] || { echo "REPEATS: expected a whole number >= 1" >&2; exit 2; }
WORK="$BENCH/.build-peers/without-held"
log() { echo "[roadrunner-without-held] $*" >&2; }

nad_build
rm -rf "$WORK"
mkdir -p "$WORK/whole" "$WORK/without"

# nadsim, best of REPEATS, on MODEL_FILE into DIR; prints seconds.
time_nadsim() {
    local model_file=$1 dir=$2 best=""
    for _ in $(seq 1 "$REPEATS"); do
        rm -rf "$dir/sweep"
        local t0 t1
        t0=$(date +%s.%N)
        "$NADSIM" sweep "${design[@]}" --model "$model_file" --rtol "$RTOL" --atol "$ATOL" \
            --observable whole_blood_nad --trajectories --jobs 1 --quiet --out "$dir/sweep"
        t1=$(date +%s.%N)
        best=$(awk -v a="$t0" -v b="$t1" -v m="$best" 'BEGIN { s = b - a; if (m == "" || s < m) m = s; printf "%.3f", m }')
    done
    echo "$best"
}

SAMPLES=$(( (SCENARIOS + 3) / 6 ))
nad_design "$SAMPLES"
without_model=(); skip=0   # the design without its --model, which each run gives
for a in "${design[@]}"; do
    if ((skip)); then skip=0; continue; fi
    if [[ $a == --model ]]; then skip=1; continue; fi
    without_model+=("$a")
done
design=("${without_model[@]}")
log "nadsim, whole model (it holds what no dose reaches)"
nadsim_whole=$(time_nadsim "$MODEL" "$WORK/whole")
"$PY" "$PEERS/without_species.py" --model "$ROOT/$MODEL" --manifest "$WORK/whole/sweep/manifest.json" \
    --out "$WORK/without/nad-human-without-held.yaml"
log "nadsim, model without the held species"
nadsim_without=$(time_nadsim "$WORK/without/nad-human-without-held.yaml" "$WORK/without")

for variant in whole without; do
    model_file="$ROOT/$MODEL"
    [[ $variant == without ]] && model_file="$WORK/without/nad-human-without-held.yaml"
    "$NADSIM" export sbml --model "$model_file" --out "$WORK/$variant/model.xml"
    "$NADSIM" export scenarios "${design[@]}" --model "$model_file" --rtol "$RTOL" --atol "$ATOL" --out "$WORK/$variant/inputs"
    log "libRoadRunner, $variant model"
    "$PY" "$PEERS/nad_roadrunner.py" --sbml "$WORK/$variant/model.xml" --scenarios "$WORK/$variant/inputs/scenarios.csv" \
        --doses "$WORK/$variant/inputs/doses.csv" --until "$UNTIL_H" --every "$EVERY_H" --rtol "$RTOL" --atol "$ATOL" \
        --jobs 1 --repeats "$REPEATS" --out "$WORK/$variant/roadrunner.csv" >"$WORK/$variant/roadrunner.json"
done

"$PY" - "$WORK" "$nadsim_whole" "$nadsim_without" <<'EOF'
import csv, json, sys
work, nadsim_whole, nadsim_without = sys.argv[1], float(sys.argv[2]), float(sys.argv[3])
def nadsim(variant):
    return {(r["scenario_id"], r["time_h"]): float(r["value"]) for r in csv.DictReader(open(f"{work}/{variant}/sweep/trajectories.csv"))}
def roadrunner(variant):
    return {(r["scenario_id"], repr(float(r["time_h"]))): float(r["value"]) for r in csv.DictReader(open(f"{work}/{variant}/roadrunner.csv"))}
def largest(a, b):
    keys = a.keys() & b.keys()
    assert len(keys) == len(a) == len(b), "the two runs cover different rows or times"
    return max(abs(a[k] - b[k]) / abs(b[k]) for k in keys)
rr = {v: json.load(open(f"{work}/{v}/roadrunner.json")) for v in ("whole", "without")}
rows = len(nadsim("whole")) // len({k[1] for k in nadsim("whole")})
n_whole, n_without = rows / nadsim_whole, rows / nadsim_without
r_whole, r_without = rr["whole"]["scenarios_per_second"], rr["without"]["scenarios_per_second"]
print(f"| model given to the tool | nadsim, scenarios/s | libRoadRunner, scenarios/s | ratio |")
print(f"|---|---|---|---|")
print(f"| whole (67 species; nadsim holds 22 at zero) | {n_whole:.1f} | {r_whole:.2f} | {n_whole / r_whole:.2f}x |")
print(f"| without the 22 held species (45) | {n_without:.1f} | {r_without:.2f} | {n_without / r_without:.2f}x |")
print(f"| without / whole | {n_without / n_whole:.3f} | {r_without / r_whole:.3f} | |")
print()
print(f"{rows} scenarios, 1 core, best of {rr['whole']['repeats']} passes. Largest relative difference in whole-blood NAD+ "
      f"between the two models: nadsim {largest(nadsim('without'), nadsim('whole')):.2e}, "
      f"libRoadRunner {largest(roadrunner('without'), roadrunner('whole')):.2e}.")
EOF
