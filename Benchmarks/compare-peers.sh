#!/usr/bin/env bash
# Work-precision comparison of nadsim against SUNDIALS CVODE (C, -O3) and
# scipy's solve_ivp (LSODA, Radau, BDF) on the stiff problems of
# shared/design/solver-testset.md, all measured in this one invocation.
#
#   Benchmarks/compare-peers.sh                      # full run
#   Benchmarks/compare-peers.sh --quick              # a couple of minutes
#   Benchmarks/compare-peers.sh --skip-nadsim        # peers only
#   Benchmarks/compare-peers.sh --nadsim-csv FILE    # use an existing nadsim CSV
#
# Writes Benchmarks/results/work-precision.csv (all rows, common columns) and
# Benchmarks/results/work-precision.md (tables + verdict from peers/compare.py).
# Scratch files (SUNDIALS build, venv, raw CSVs) live in Benchmarks/.build-peers/.
set -euo pipefail

BENCH="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
ROOT="$(dirname "$BENCH")"
PEERS="$BENCH/peers"
SCRATCH="$BENCH/.build-peers"
VENV="$SCRATCH/venv"
RUN="$SCRATCH/last-run"
OUT_DIR="$BENCH/results"

PROBLEMS="rober,hires,pollu,orego,vdpol"
RTOLS="1e-4,1e-6,1e-8,1e-10"
REPEATS=""            # empty: CVODE and scipy choose (>= ~0.2 s per cell)
NADSIM_REPEATS=""     # empty: --repeats if given, else 20
NADSIM_METHODS="rodas5p,bdf,radau5,auto"
# nadsim is timed over a finer and wider tolerance grid than the peers: the verdict compares at
# equal accuracy (mescd), so each tool may pick the tolerance that reaches it.
NADSIM_RTOLS="1e-3,1e-4,1e-5,1e-6,3e-7,1e-7,3e-8,1e-8,3e-9,1e-9,3e-10,1e-10,3e-11,1e-11,1e-12,1e-13,1e-14"
SCIPY_METHODS="LSODA,Radau,BDF"
SKIP_NADSIM=0
NADSIM_CSV=""
SKIP_SCIPY=0
SKIP_RADAU_1E10=0
VERDICT_RTOLS="1e-6,1e-8,1e-10"

usage() {
    sed -n '2,13p' "$0" | sed 's/^# \{0,1\}//'
    cat <<EOF
Options:
  --problems LIST        default $PROBLEMS
  --rtols LIST           default $RTOLS
  --repeats N            timed solves per cell for CVODE and scipy (default: automatic)
  --nadsim-repeats N     repeats passed to nadsim bench (default: --repeats or 20)
  --nadsim-methods LIST  default $NADSIM_METHODS
  --nadsim-rtols LIST    default $NADSIM_RTOLS
  --scipy-methods LIST   default $SCIPY_METHODS
  --skip-radau-1e-10     skip scipy Radau at rtol 1e-10 (its slowest cells)
  --skip-scipy           no scipy runs
  --skip-nadsim          no nadsim build or run (peers only; no verdict)
  --nadsim-csv FILE      take nadsim rows from FILE instead of building and running it
  --quick                rtols 1e-6,1e-8; 3 repeats; Radau at 1e-10 skipped
  --out-dir DIR          default Benchmarks/results
EOF
}

ORIG_ARGS="$*"
while (($#)); do
    case "$1" in
        --problems) PROBLEMS="$2"; shift 2 ;;
        --rtols) RTOLS="$2"; shift 2 ;;
        --repeats) REPEATS="$2"; shift 2 ;;
        --nadsim-repeats) NADSIM_REPEATS="$2"; shift 2 ;;
        --nadsim-methods) NADSIM_METHODS="$2"; shift 2 ;;
        --nadsim-rtols) NADSIM_RTOLS="$2"; shift 2 ;;
        --scipy-methods) SCIPY_METHODS="$2"; shift 2 ;;
        --skip-radau-1e-10) SKIP_RADAU_1E10=1; shift ;;
        --skip-scipy) SKIP_SCIPY=1; shift ;;
        --skip-nadsim) SKIP_NADSIM=1; shift ;;
        --nadsim-csv) NADSIM_CSV="$(cd "$(dirname "$2")" && pwd)/$(basename "$2")"; shift 2 ;;
        --quick) RTOLS="1e-6,1e-8"; REPEATS="3"; SKIP_RADAU_1E10=1; shift ;;
        --out-dir) OUT_DIR="$2"; shift 2 ;;
        -h|--help) usage; exit 0 ;;
        *) echo "unknown option: $1" >&2; usage >&2; exit 2 ;;
    esac
done
[[ -z "$NADSIM_REPEATS" ]] && NADSIM_REPEATS="${REPEATS:-20}"
log() { echo "[compare-peers] $*" >&2; }

# --- (a) CVODE, rebuilt with -O3 from Debian's source (idempotent) ---------
CVODE_BIN="$("$PEERS/build-cvode.sh" | tail -n 1)"

# --- (b) Python venv with scipy + numpy from PyPI --------------------------
PY="$VENV/bin/python"
if [[ $SKIP_SCIPY == 0 ]]; then
    PY="$("$PEERS/python-venv.sh" "import scipy, numpy" scipy numpy | tail -n 1)"
    log "scipy $("$PY" -c 'import scipy; print(scipy.__version__)'), numpy $("$PY" -c 'import numpy; print(numpy.__version__)')"
fi

# --- (c) nadsim --------------------------------------------------------------
NADSIM_BIN=""
if [[ $SKIP_NADSIM == 0 && -z "$NADSIM_CSV" ]]; then
    log "swift build -c release --product nadsim"
    (cd "$ROOT" && swift build -c release --product nadsim >&2)
    NADSIM_BIN="$ROOT/.build/release/nadsim"
    [[ -x "$NADSIM_BIN" ]] || { log "no $NADSIM_BIN after the build"; exit 1; }
fi

# --- (d) run all tools, interleaved per problem ------------------------------
# Interleaving keeps the tools close in time on a machine whose speed drifts.
rm -rf "$RUN"
mkdir -p "$RUN"
cvode_args=(--rtols "$RTOLS")
scipy_args=(--rtols "$RTOLS" --methods "$SCIPY_METHODS")
[[ -n "$REPEATS" ]] && cvode_args+=(--repeats "$REPEATS") && scipy_args+=(--repeats "$REPEATS")
[[ $SKIP_RADAU_1E10 == 1 ]] && scipy_args+=(--skip-radau-1e-10)

inputs=()
first=1
IFS=',' read -r -a plist <<<"$PROBLEMS"
for p in "${plist[@]}"; do
    hdr=(); [[ $first == 0 ]] && hdr=(--no-header)
    if [[ -n "$NADSIM_BIN" ]]; then
        log "$p: nadsim ($NADSIM_METHODS)"
        "$NADSIM_BIN" bench --problems "$p" --methods "$NADSIM_METHODS" --rtols "$NADSIM_RTOLS" \
            --repeats "$NADSIM_REPEATS" --out "$RUN/nadsim-$p.csv" >&2
        inputs+=("$RUN/nadsim-$p.csv")
    fi
    log "$p: CVODE"
    "$CVODE_BIN" --problems "$p" "${cvode_args[@]}" "${hdr[@]}" >>"$RUN/cvode.csv"
    if [[ $SKIP_SCIPY == 0 ]]; then
        log "$p: scipy ($SCIPY_METHODS)"
        "$PY" "$PEERS/scipy_bench.py" --problems "$p" "${scipy_args[@]}" "${hdr[@]}" >>"$RUN/scipy.csv"
    fi
    first=0
done
inputs+=("$RUN/cvode.csv")
[[ $SKIP_SCIPY == 0 ]] && inputs+=("$RUN/scipy.csv")
[[ -n "$NADSIM_CSV" ]] && inputs+=("$NADSIM_CSV")

# --- (e) merge and verdict -----------------------------------------------------
mkdir -p "$OUT_DIR"
PYC="$PY"; [[ -x "$PYC" ]] || PYC=python3
"$PYC" "$PEERS/compare.py" "${inputs[@]}" \
    --out-csv "$OUT_DIR/work-precision.csv" --out-md "$OUT_DIR/work-precision.md" \
    --verdict-rtols "$VERDICT_RTOLS" --problems "$PROBLEMS" \
    --command "Benchmarks/compare-peers.sh${ORIG_ARGS:+ $ORIG_ARGS}"
