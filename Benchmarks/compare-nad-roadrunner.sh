#!/usr/bin/env bash
# The human NAD+ model, showcase 1 (oral NMN/NR/Nam, 0-2000 mg/day once or twice daily, ages
# 25-85, 28 days, whole-blood NAD+ every 6 h): nadsim against libRoadRunner running nadsim's SBML
# export of the same model with exactly nadsim's doses, at matched tolerances (rtol 1e-6, atol
# 1e-9 in working units), on 1 and 2 cores, in this one invocation. Reports scenarios/s per tool,
# the ratio nadsim / libRoadRunner against the requirement (>= 10x, issue 6), and the largest and
# median relative difference in whole-blood NAD+ over all scenarios and grid times.
#
#   Benchmarks/compare-nad-roadrunner.sh                    # 10,002 scenarios (6 x 1,667)
#   Benchmarks/compare-nad-roadrunner.sh --scenarios 60     # quick check
#
# Writes Benchmarks/results/nad-roadrunner.md. Scratch (venv, SBML, exported inputs, results
# folders, trajectories) lives in Benchmarks/.build-peers/ (ignored by git).
set -euo pipefail

BENCH="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
ROOT="$(dirname "$BENCH")"
PEERS="$BENCH/peers"
source "$PEERS/nad-showcase.sh"   # MODEL, UNTIL_H, EVERY_H, RTOL, ATOL; nad_build, nad_design, nad_export
RUN="$BENCH/.build-peers/nad-run"
OUT="$BENCH/results/nad-roadrunner.md"

SCENARIOS=10000
CORES="1,2"
REPEATS=1

usage() {
    sed -n '2,13p' "$0" | sed 's/^# \{0,1\}//'
    cat <<EOF
Options:
  --scenarios N   scenarios (default $SCENARIOS; the Latin hypercube takes round(N/6) samples
                  over daily dose x age, crossed with 3 substances x 2 schedules)
  --cores LIST    core counts (nadsim --jobs, libRoadRunner worker processes), default $CORES
  --repeats N     timed passes per tool and core count, best reported (default $REPEATS)
  --out FILE      default Benchmarks/results/nad-roadrunner.md
EOF
}

ORIG_ARGS="$*"
while (($#)); do
    case "$1" in
        --scenarios) SCENARIOS="$2"; shift 2 ;;
        --cores) CORES="$2"; shift 2 ;;
        --repeats) REPEATS="$2"; shift 2 ;;
        --out) OUT="$2"; shift 2 ;;
        -h|--help) usage; exit 0 ;;
        *) echo "unknown option: $1" >&2; usage >&2; exit 2 ;;
    esac
done
[[ $SCENARIOS =~ ^[0-9]+$ && $SCENARIOS -ge 6 ]] || { echo "--scenarios: expected a whole number >= 6" >&2; exit 2; }
[[ $REPEATS =~ ^[0-9]+$ && $REPEATS -ge 1 ]] || { echo "--repeats: expected a whole number >= 1" >&2; exit 2; }
SAMPLES=$(( (SCENARIOS + 3) / 6 ))
log() { echo "[compare-nad-roadrunner] $*" >&2; }

nad_build
rm -rf "$RUN"
mkdir -p "$RUN"
nad_design "$SAMPLES"
design+=(--rtol "$RTOL" --atol "$ATOL")
nad_export "$RUN"

LOAD_BEFORE="$(cut -d' ' -f1-3 /proc/loadavg)"
IFS=',' read -r -a core_list <<<"$CORES"
for c in "${core_list[@]}"; do
    # nadsim: the whole `nadsim sweep` process, best of REPEATS (each pass a fresh results folder):
    # the default (BDF in SIMD lanes), then one scenario at a time (--no-lanes), interleaved.
    for r in $(seq 1 "$REPEATS"); do
        for variant in nadsim nadsim-scalar; do
            extra=(); [[ $variant == nadsim-scalar ]] && extra=(--no-lanes)
            rm -rf "$RUN/$variant-$c"
            log "nadsim sweep --jobs $c ${extra[*]} (pass $r/$REPEATS)"
            load="$(cut -d' ' -f1 /proc/loadavg)"
            t0=$(date +%s.%N)
            "$NADSIM" sweep "${design[@]}" "${extra[@]}" --observable whole_blood_nad --trajectories --jobs "$c" --quiet \
                --out "$RUN/$variant-$c"
            t1=$(date +%s.%N)
            echo "{\"tool\": \"$variant\", \"cores\": $c, \"pass\": $r, \"seconds\": $(awk -v a="$t0" -v b="$t1" 'BEGIN { printf "%.3f", b - a }'), \"load1\": $load}" >>"$RUN/$variant-$c.jsonl"
        done
    done
    log "libRoadRunner, $c worker process(es), $REPEATS pass(es)"
    load="$(cut -d' ' -f1 /proc/loadavg)"
    "$PY" "$PEERS/nad_roadrunner.py" --sbml "$RUN/nad-human.xml" --scenarios "$RUN/inputs/scenarios.csv" \
        --doses "$RUN/inputs/doses.csv" --until "$UNTIL_H" --every "$EVERY_H" --rtol "$RTOL" --atol "$ATOL" \
        --jobs "$c" --repeats "$REPEATS" --out "$RUN/roadrunner-$c.csv" | sed "s/}\$/, \"load1\": $load}/" >"$RUN/roadrunner-$c.json"
done
LOAD_AFTER="$(cut -d' ' -f1-3 /proc/loadavg)"

cpu="$(grep -m1 'model name' /proc/cpuinfo | cut -d: -f2- | sed 's/^ *//')"
commit="$(git rev-parse --short HEAD 2>/dev/null || echo unknown)"
dirty="$(git status --porcelain -- Sources Package.swift 2>/dev/null | head -n 1)"
"$PY" "$PEERS/nad_roadrunner_report.py" --run "$RUN" --cores "$CORES" --out "$OUT" \
    --command "Benchmarks/compare-nad-roadrunner.sh${ORIG_ARGS:+ $ORIG_ARGS}" \
    --machine "$cpu, $(nproc) cores; load average (1/5/15 min) $LOAD_BEFORE before the runs, $LOAD_AFTER after" \
    --nadsim "nadsim $commit${dirty:+ (with uncommitted changes)}, release build, $(swift --version 2>&1 | head -n 1)" \
    --python "Python $("$PY" -c 'import platform; print(platform.python_version())'), numpy $("$PY" -c 'import numpy; print(numpy.__version__)')" \
    --design "$(printf '%q ' "${design[@]}")"
log "wrote $OUT"
