#!/usr/bin/env bash
# Accuracy against speed on the human NAD+ model, showcase 1: what compare-nad-roadrunner.sh's
# "matched tolerances" buy in each tool. On the first scenarios of the same design, in this one
# invocation:
#   - a reference: nadsim Rodas5P at rtol 1e-11, atol 1e-14, checked on the first rows against
#     libRoadRunner (CVODE) at the same tight tolerances;
#   - libRoadRunner (CVODE BDF) at the benchmark's tolerances (rtol 1e-6, atol 1e-9) and at 0.3x;
#   - nadsim (default: BDF in SIMD lanes) at the benchmark's tolerances times 1, 2, 3, 5 and 10;
# each timed on one core (best of the passes) and compared with the reference in whole-blood NAD+
# on every grid time (relative error: largest, 99th percentile, median).
#
#   Benchmarks/compare-nad-accuracy.sh                   # 360 scenarios (6 x 60)
#   Benchmarks/compare-nad-accuracy.sh --scenarios 60    # quick check
#
# Writes Benchmarks/results/nad-accuracy.md. Scratch in Benchmarks/.build-peers/nad-accuracy/.
set -euo pipefail

BENCH="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
ROOT="$(dirname "$BENCH")"
PEERS="$BENCH/peers"
source "$PEERS/nad-showcase.sh"   # MODEL, UNTIL_H, EVERY_H, RTOL, ATOL; nad_build, nad_design, nad_export
RUN="$BENCH/.build-peers/nad-accuracy"
OUT="$BENCH/results/nad-accuracy.md"

SCENARIOS=360
CHECK_ROWS=60
REPEATS=3
NADSIM_FACTORS="1 2 3 5 10"
RR_FACTORS="1 0.3"
REF_RTOL=1e-11
REF_ATOL=1e-14

usage() {
    sed -n '2,14p' "$0" | sed 's/^# \{0,1\}//'
    cat <<EOF
Options:
  --scenarios N   scenarios (default $SCENARIOS; round(N/6) Latin hypercube samples x 6)
  --check-rows N  rows on which the reference is checked against libRoadRunner at the same
                  tight tolerances (default $CHECK_ROWS)
  --repeats N     timed passes per setting, best reported (default $REPEATS)
  --out FILE      default Benchmarks/results/nad-accuracy.md
EOF
}

ORIG_ARGS="$*"
while (($#)); do
    case "$1" in
        --scenarios) SCENARIOS="$2"; shift 2 ;;
        --check-rows) CHECK_ROWS="$2"; shift 2 ;;
        --repeats) REPEATS="$2"; shift 2 ;;
        --out) OUT="$2"; shift 2 ;;
        -h|--help) usage; exit 0 ;;
        *) echo "unknown option: $1" >&2; usage >&2; exit 2 ;;
    esac
done
[[ $SCENARIOS =~ ^[0-9]+$ && $SCENARIOS -ge 6 ]] || { echo "--scenarios: expected a whole number >= 6" >&2; exit 2; }
[[ $CHECK_ROWS =~ ^[0-9]+$ && $CHECK_ROWS -ge 1 ]] || { echo "--check-rows: expected a whole number >= 1" >&2; exit 2; }
[[ $REPEATS =~ ^[0-9]+$ && $REPEATS -ge 1 ]] || { echo "--repeats: expected a whole number >= 1" >&2; exit 2; }
SAMPLES=$(( (SCENARIOS + 3) / 6 ))
log() { echo "[compare-nad-accuracy] $*" >&2; }
scale() { awk -v a="$1" -v k="$2" 'BEGIN { printf "%.3g", a * k }'; }

nad_build
rm -rf "$RUN"
mkdir -p "$RUN"
nad_design "$SAMPLES"
nad_export "$RUN" --rtol "$RTOL" --atol "$ATOL"
rr() {  # rr NAME RTOL ATOL REPEATS [--limit N]
    local name=$1 rtol=$2 atol=$3 repeats=$4; shift 4
    "$PY" "$PEERS/nad_roadrunner.py" --sbml "$RUN/nad-human.xml" --scenarios "$RUN/inputs/scenarios.csv" \
        --doses "$RUN/inputs/doses.csv" --until "$UNTIL_H" --every "$EVERY_H" --rtol "$rtol" --atol "$atol" \
        --jobs 1 --repeats "$repeats" "$@" --out "$RUN/$name.csv" >"$RUN/$name.json"
}
nadsim() {  # nadsim NAME RTOL ATOL REPEATS METHOD: best-of whole-process wall times into NAME.jsonl
    local name=$1 rtol=$2 atol=$3 repeats=$4 method=$5
    for r in $(seq 1 "$repeats"); do
        rm -rf "$RUN/$name"
        t0=$(date +%s.%N)
        "$NADSIM" sweep "${design[@]}" --rtol "$rtol" --atol "$atol" --method "$method" --observable whole_blood_nad \
            --trajectories --jobs 1 --quiet --out "$RUN/$name"
        t1=$(date +%s.%N)
        echo "{\"pass\": $r, \"seconds\": $(awk -v a="$t0" -v b="$t1" 'BEGIN { printf "%.3f", b - a }')}" >>"$RUN/$name.jsonl"
    done
}

log "reference: nadsim rodas5p, rtol $REF_RTOL, atol $REF_ATOL"
nadsim reference "$REF_RTOL" "$REF_ATOL" 1 rodas5p
log "reference check: libRoadRunner, rtol $REF_RTOL, first $CHECK_ROWS rows"
rr rr-reference "$REF_RTOL" "$REF_ATOL" 1 --limit "$CHECK_ROWS"

LOAD_BEFORE="$(cut -d' ' -f1-3 /proc/loadavg)"
# Settings interleaved pass by pass would mix the tools' caches less evenly than a tool's passes
# in a row; each setting's passes run together, libRoadRunner's between nadsim's.
settings=()
for k in $NADSIM_FACTORS; do
    log "nadsim bdf lanes, tolerances x$k ($REPEATS passes)"
    nadsim "nadsim-x$k" "$(scale "$RTOL" "$k")" "$(scale "$ATOL" "$k")" "$REPEATS" bdf
    settings+=("nadsim:$k")
done
for k in $RR_FACTORS; do
    log "libRoadRunner, tolerances x$k ($REPEATS passes)"
    rr "rr-x$k" "$(scale "$RTOL" "$k")" "$(scale "$ATOL" "$k")" "$REPEATS"
    settings+=("rr:$k")
done
LOAD_AFTER="$(cut -d' ' -f1-3 /proc/loadavg)"

cpu="$(grep -m1 'model name' /proc/cpuinfo | cut -d: -f2- | sed 's/^ *//')"
commit="$(git rev-parse --short HEAD 2>/dev/null || echo unknown)"
dirty="$(git status --porcelain -- Sources Package.swift 2>/dev/null | head -n 1)"
"$PY" "$PEERS/nad_accuracy_report.py" --run "$RUN" --settings "${settings[*]}" --rtol "$RTOL" --atol "$ATOL" \
    --reference "$REF_RTOL,$REF_ATOL" --check-rows "$CHECK_ROWS" --out "$OUT" \
    --command "Benchmarks/compare-nad-accuracy.sh${ORIG_ARGS:+ $ORIG_ARGS}" \
    --machine "$cpu, $(nproc) cores; load average (1/5/15 min) $LOAD_BEFORE before the timed runs, $LOAD_AFTER after" \
    --nadsim "nadsim $commit${dirty:+ (with uncommitted changes)}, release build, $(swift --version 2>&1 | head -n 1)"
log "wrote $OUT"
