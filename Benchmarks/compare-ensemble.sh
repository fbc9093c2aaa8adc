#!/usr/bin/env bash
# HIRES parameter ensemble: nadsim against SUNDIALS CVODE (C, -O3), libRoadRunner,
# numbalsoda and scipy (LSODA), all on the same work in this one invocation:
# 1,000 parameter sets (Benchmarks/data/hires_perturbations.csv), t from 0 to 321.8122,
# rtol 1e-6, atol 1e-10, y1 = 1, y8 = 0.0057, others 0; accuracy against
# Benchmarks/data/hires_ensemble_reference.csv. Every tool runs on 1 and 2 cores.
#
#   Benchmarks/compare-ensemble.sh                  # everything
#   Benchmarks/compare-ensemble.sh --skip-nadsim    # peers only (nadsim rows "not available")
#   Benchmarks/compare-ensemble.sh --cores 2        # one core count only
#
# Writes Benchmarks/results/ensemble-hires.md and .csv. Scratch (SUNDIALS build, venv,
# per-run final states) lives in Benchmarks/.build-peers/ (ignored by git).
set -euo pipefail

BENCH="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
ROOT="$(dirname "$BENCH")"
PEERS="$BENCH/peers"
DATA="$BENCH/data"
SCRATCH="$BENCH/.build-peers"
RUN="$SCRATCH/ensemble-run"
OUT_DIR="$BENCH/results"

PARAMS="$DATA/hires_perturbations.csv"
REFERENCE="$DATA/hires_ensemble_reference.csv"
MODEL="$ROOT/Models/testset/hires.yaml"
UNTIL=321.8122
RTOL=1e-6
ATOL=1e-10
CORES="1,2"
REPEATS=5             # C, numbalsoda and nadsim: passes over all 1,000 solves, best reported
RR_REPEATS=3          # libRoadRunner
SCIPY_REPEATS=2       # scipy LSODA (~10 s a pass on one core)
NADSIM_METHODS="ensemble,ensemble-bdf,rodas5p,bdf"
# Extra nadsim ensemble rows at looser tolerances (rtol:atol), for the work-precision verdict:
# the peers stay at rtol 1e-6, atol 1e-10; nadsim is compared at equal or better median scd.
NADSIM_EXTRA_TOLERANCES="1e-5:1e-9,1e-4:1e-8,3e-4:1e-9"
SKIP_NADSIM=0
SKIP_SCIPY=0
PY_PACKAGES=(numpy scipy numba numbalsoda libroadrunner)

usage() {
    sed -n '2,13p' "$0" | sed 's/^# \{0,1\}//'
    cat <<EOF
Options:
  --cores LIST           core counts (threads / worker processes / --jobs), default $CORES
  --repeats N            passes for CVODE, numbalsoda and nadsim (default $REPEATS)
  --rr-repeats N         passes for libRoadRunner (default $RR_REPEATS)
  --scipy-repeats N      passes for scipy (default $SCIPY_REPEATS)
  --nadsim-methods LIST  default $NADSIM_METHODS
  --nadsim-extra-tolerances LIST  extra ensemble rows, rtol:atol pairs (default $NADSIM_EXTRA_TOLERANCES; "" for none)
  --skip-nadsim          no nadsim build or run (its rows are marked not available)
  --skip-scipy           no scipy rows
  --out-dir DIR          default Benchmarks/results
EOF
}

ORIG_ARGS="$*"
while (($#)); do
    case "$1" in
        --cores) CORES="$2"; shift 2 ;;
        --repeats) REPEATS="$2"; shift 2 ;;
        --rr-repeats) RR_REPEATS="$2"; shift 2 ;;
        --scipy-repeats) SCIPY_REPEATS="$2"; shift 2 ;;
        --nadsim-methods) NADSIM_METHODS="$2"; shift 2 ;;
        --nadsim-extra-tolerances) NADSIM_EXTRA_TOLERANCES="$2"; shift 2 ;;
        --skip-nadsim) SKIP_NADSIM=1; shift ;;
        --skip-scipy) SKIP_SCIPY=1; shift ;;
        --out-dir) OUT_DIR="$2"; shift 2 ;;
        -h|--help) usage; exit 0 ;;
        *) echo "unknown option: $1" >&2; usage >&2; exit 2 ;;
    esac
done
log() { echo "[compare-ensemble] $*" >&2; }

# --- (a) CVODE -O3 and the ensemble driver (same build as compare-peers.sh) ---
CVODE_ENS="$("$PEERS/build-cvode.sh" --ensemble | tail -n 1)"

# --- (b) Python venv from PyPI --------------------------------------------------
PY="$("$PEERS/python-venv.sh" "import numpy, scipy, numba, numbalsoda, roadrunner" "${PY_PACKAGES[@]}" | tail -n 1)"
pyver() { "$PY" -c "from importlib.metadata import version; print(version('$1'))"; }

# --- (c) nadsim ------------------------------------------------------------------
rm -rf "$RUN"
mkdir -p "$RUN"
NADSIM_BIN=""
NADSIM_WHY=""
SBML="$DATA/hires.xml"
if [[ $SKIP_NADSIM == 1 ]]; then
    NADSIM_WHY="skipped (--skip-nadsim)"
else
    log "swift build -c release --product nadsim"
    if (cd "$ROOT" && swift build -c release --product nadsim >&2); then
        NADSIM_BIN="$ROOT/.build/release/nadsim"
        if "$NADSIM_BIN" export sbml --model "$MODEL" --out "$RUN/hires.xml" >&2; then
            SBML="$RUN/hires.xml"
        fi
        # An unknown subcommand makes nadsim print its general help (exit 0), so look for
        # an option of the ensemble command itself.
        if ! "$NADSIM_BIN" ensemble --help 2>&1 | grep -q -- '--parameters'; then
            NADSIM_WHY="this build has no \`nadsim ensemble\` command"
            NADSIM_BIN=""
        fi
    else
        NADSIM_WHY="swift build failed"
    fi
fi
log "SBML for libRoadRunner: $SBML"

# --- (d) the runs, interleaved per core count --------------------------------------
# Each run leaves RUN/TAG.json (one JSON line) and RUN/TAG.csv (final states).
common=(--parameters "$PARAMS" --until "$UNTIL" --rtol "$RTOL" --atol "$ATOL")
unavailable() {  # TAG TOOL METHOD CORES REASON
    printf '{"tool": "%s", "method": "%s", "cores": %s, "unavailable": "%s"}\n' "$2" "$3" "$4" "$5" >"$RUN/$1.json"
}
run_peer() {  # TAG TOOL METHOD CORES COMMAND...: a failing peer becomes a "not available" row
    local tag="$1" tool="$2" method="$3" cores="$4"; shift 4
    log "$tool ($method), $cores core(s)"
    local rc=0
    "$@" --out "$RUN/$tag.csv" >"$RUN/$tag.json" 2>"$RUN/$tag.err" || rc=$?
    cat "$RUN/$tag.err" >&2
    if [[ $rc != 0 ]] || ! grep -q '^{' "$RUN/$tag.json"; then
        unavailable "$tag" "$tool" "$method" "$cores" "failed (exit $rc), see .build-peers/ensemble-run/$tag.err"
    fi
}
LOAD_BEFORE="$(cut -d' ' -f1-3 /proc/loadavg)"
IFS=',' read -r -a core_list <<<"$CORES"
IFS=',' read -r -a nadsim_methods <<<"$NADSIM_METHODS"
nadsim_row() {  # TAG METHOD CORES RTOL ATOL LABEL
    local tag="$1" m="$2" c="$3" rt="$4" at="$5" label="$6"
    if [[ -z "$NADSIM_BIN" ]]; then unavailable "$tag" nadsim "$label" "$c" "$NADSIM_WHY"; return; fi
    log "nadsim ensemble --method $m --jobs $c --rtol $rt --atol $at"
    if ! "$NADSIM_BIN" ensemble --model "$MODEL" --parameters "$PARAMS" --until "$UNTIL" --rtol "$rt" --atol "$at" \
            --method "$m" --jobs "$c" --repeats "$REPEATS" --out "$RUN/$tag.csv" >"$RUN/$tag.out"; then
        unavailable "$tag" nadsim "$label" "$c" "nadsim ensemble failed (see $tag.out)"
        return
    fi
    # nadsim prints {"method","solves","jobs","best_seconds","solves_per_second"}.
    "$PY" - "$RUN/$tag.out" "$c" "$REPEATS" "$label" >"$RUN/$tag.json" <<'EOF'
import json, sys
line = [l for l in open(sys.argv[1]).read().splitlines() if l.strip().startswith("{")][-1]
j = json.loads(line)
j.setdefault("tool", "nadsim")
j["method"] = sys.argv[4]
j["cores"] = int(j.get("jobs", sys.argv[2]))
j.setdefault("repeats", int(sys.argv[3]))
print(json.dumps(j))
EOF
}
IFS=',' read -r -a extra_tolerances <<<"$NADSIM_EXTRA_TOLERANCES"
for c in "${core_list[@]}"; do
    for m in "${nadsim_methods[@]}"; do
        nadsim_row "nadsim-$m-$c" "$m" "$c" "$RTOL" "$ATOL" "$m"
    done
    for pair in "${extra_tolerances[@]}"; do
        rt="${pair%%:*}"; at="${pair##*:}"
        nadsim_row "nadsim-ensemble-$rt-$c" ensemble "$c" "$rt" "$at" "ensemble (rtol $rt, atol $at)"
    done

    run_peer "cvode-$c" "CVODE -O3 (C)" "BDF, dense, analytic Jacobian" "$c" \
        "$CVODE_ENS" "${common[@]}" --threads "$c" --repeats "$REPEATS"
    run_peer "numbalsoda-$c" numbalsoda "LSODA (difference-quotient Jacobian)" "$c" \
        "$PY" "$PEERS/ensemble_numbalsoda.py" "${common[@]}" --jobs "$c" --repeats "$REPEATS"
    run_peer "roadrunner-$c" libRoadRunner "CVODE BDF (roadrunner's Jacobian)" "$c" \
        "$PY" "$PEERS/ensemble_roadrunner.py" "${common[@]}" --sbml "$SBML" --jobs "$c" --repeats "$RR_REPEATS"
    if [[ $SKIP_SCIPY == 0 ]]; then
        run_peer "scipy-$c" scipy "solve_ivp LSODA, analytic Jacobian" "$c" \
            "$PY" "$PEERS/ensemble_scipy.py" "${common[@]}" --jobs "$c" --repeats "$SCIPY_REPEATS"
    fi
done

# --- (e) table and verdict -----------------------------------------------------------
sundials_src="$(find "$SCRATCH/src" -maxdepth 1 -type d -name 'sundials-*' 2>/dev/null | head -n 1)"
cpu="$(grep -m1 'model name' /proc/cpuinfo | cut -d: -f2- | sed 's/^ *//')"
commit="$(git -C "$ROOT" rev-parse --short HEAD 2>/dev/null || echo unknown)"
HEADER="Work: HIRES (Bari test set, \`Models/testset/hires.yaml\`) for the 1,000 parameter sets of \
\`Benchmarks/data/hires_perturbations.csv\`, t from 0 to $UNTIL, rtol $RTOL, atol $ATOL, y1 = 1, y8 = 0.0057, \
others 0. scd = −log10 of the largest relative error over y1..y8 against \
\`Benchmarks/data/hires_ensemble_reference.csv\`; median and minimum over the 1,000 solves.

solves/s = 1,000 / the best wall time of one pass over all solves (best of N passes, N in the notes). \
Excluded from the time: process start-up, model loading and compilation (libRoadRunner's LLVM JIT when each \
worker loads the SBML, numba's compilation in an untimed warm-up pass, CVODE's set-up of one instance per thread), \
reading the parameters and writing the results. Included: for CVODE the thread start of each pass; for the \
multi-process Python peers the pool's inter-process traffic.

- **CVODE -O3 (C)**: SUNDIALS ${sundials_src##*/sundials-} built from Debian's source with \
\`-O3 -march=native -ffp-contract=off\` (\`peers/build-cvode.sh\`), driver \`peers/cvode_ensemble.c\`: BDF, Newton, \
dense linear solver with the **analytic Jacobian**, one CVODE instance per pthread, \`CVodeReInit\` per solve, \
samples handed out by an atomic counter; $(gcc --version | head -n 1).
- **libRoadRunner** $(pyver libroadrunner): the SBML exported by \`nadsim export sbml\` (rate rules), CVODE \
integrator (stiff) with the same rtol and atol (atol set explicitly), roadrunner's own Jacobian; per solve \
\`reset()\`, set k1..k9 and Oks, \`simulate(0, $UNTIL, 2)\`; 1 or 2 worker processes (spawned), model loaded once per worker (\`peers/ensemble_roadrunner.py\`).
- **numbalsoda** $(pyver numbalsoda) (numba $(pyver numba)): LSODA with a numba \`cfunc\` RHS; numbalsoda takes no \
Jacobian, so LSODA uses difference quotients; the solves run in a numba \`prange\` loop over $(echo "$CORES" | tr ',' '/') threads (\`peers/ensemble_numbalsoda.py\`).
- **scipy** $(pyver scipy): \`solve_ivp(method=\"LSODA\")\`, Python RHS and analytic Jacobian; 1 core in-process, 2 cores as 2 worker processes (\`peers/ensemble_scipy.py\`).
- **nadsim**: \`nadsim ensemble --method M --jobs N --repeats $REPEATS\` (commit $commit). \`ensemble\` is Rodas5P on four scenarios at a time in SIMD lanes, each lane with its own steps (a lane that finishes takes the next scenario). Rows marked \"ensemble (rtol R, atol A)\" run at looser tolerances than the peers' 1e-6/1e-10: they are there for the work-precision verdict below, which compares at equal or better median scd, and their minimum scd is in the table.

Machine: $cpu, $(nproc) cores, load average (1/5/15 min) $LOAD_BEFORE before the runs and \
$(cut -d' ' -f1-3 /proc/loadavg) after them (other work on the machine takes cores from the 2-core rows first); Python $("$PY" -c 'import platform; print(platform.python_version())'), numpy $(pyver numpy). \
The machine is noisy (2× swings over minutes): read ratios within this table, not absolute numbers across runs."

mkdir -p "$OUT_DIR"
"$PY" "$PEERS/ensemble_report.py" "$RUN" --reference "$REFERENCE" \
    --out-md "$OUT_DIR/ensemble-hires.md" --out-csv "$OUT_DIR/ensemble-hires.csv" \
    --header "$HEADER" --command "Benchmarks/compare-ensemble.sh${ORIG_ARGS:+ $ORIG_ARGS}"
