#!/usr/bin/env bash
# Rebuild SUNDIALS (CVODE) from Debian's source package with -O3 and compile
# the CVODE work-precision benchmark (cvode_bench.c) against it, statically.
#
# Why: Debian's packaged libsundials is built without optimisation and runs
# 3-5x slower than an optimised build, which would flatter any comparison.
# FMA contraction is switched off in the library (-ffp-contract=off): with it,
# CVODE fails on OREGO at loose tolerances.
#
# Everything goes to Benchmarks/.build-peers/ (ignored by git via `.build-*`).
# Idempotent: each step is skipped when its result is already there.
# Needs root (or sudo) only for apt-get, and only when something is missing.
#
# Usage: Benchmarks/peers/build-cvode.sh [--force] [--ensemble]
#   --force     rebuild SUNDIALS
#   --ensemble  also compile the HIRES ensemble driver (cvode_ensemble.c, pthreads,
#               for compare-ensemble.sh) and print its path last instead
# Prints the path of the benchmark binary on its last line.
set -euo pipefail

HERE="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
BENCH_DIR="$(dirname "$HERE")"
SCRATCH="$BENCH_DIR/.build-peers"
SRC_PARENT="$SCRATCH/src"
BUILD_DIR="$SCRATCH/sundials-build"
PREFIX="$SCRATCH/sundials-install"
BIN_DIR="$SCRATCH/bin"
BENCH_BIN="$BIN_DIR/cvode_bench"
JOBS=2                                  # the machine has 2 cores: stay polite
LIB_CFLAGS="-O3 -march=native -ffp-contract=off"
# The benchmark itself: -O3 -march=native, and no FMA contraction either, so
# that its right-hand sides round as written (see the note in cvode_bench.c).
BENCH_CFLAGS="-O3 -march=native -ffp-contract=off"
ENSEMBLE_BIN="$BIN_DIR/cvode_ensemble"
FORCE=0
ENSEMBLE=0
for arg in "$@"; do
    case "$arg" in
        --force) FORCE=1 ;;
        --ensemble) ENSEMBLE=1 ;;
        *) echo "[build-cvode] unknown option: $arg" >&2; exit 2 ;;
    esac
done

log() { echo "[build-cvode] $*" >&2; }

SUDO=""
if [[ "$(id -u)" != "0" ]]; then
    if command -v sudo >/dev/null 2>&1; then SUDO="sudo"; fi
fi

APT_UPDATED=0
apt_update_once() {
    if [[ $APT_UPDATED == 0 ]]; then
        log "apt-get update"
        $SUDO apt-get update -qq
        APT_UPDATED=1
    fi
}

mkdir -p "$SCRATCH" "$SRC_PARENT" "$BIN_DIR"

# --- 1. tools -------------------------------------------------------------
need_pkgs=()
command -v cmake >/dev/null 2>&1 || need_pkgs+=(cmake)
command -v dpkg-source >/dev/null 2>&1 || need_pkgs+=(dpkg-dev)
command -v make >/dev/null 2>&1 || need_pkgs+=(make)
command -v gcc >/dev/null 2>&1 || need_pkgs+=(gcc)
command -v xz >/dev/null 2>&1 || need_pkgs+=(xz-utils)
if ((${#need_pkgs[@]})); then
    apt_update_once
    log "apt-get install ${need_pkgs[*]}"
    DEBIAN_FRONTEND=noninteractive $SUDO apt-get install -y -qq "${need_pkgs[@]}" >&2
fi

# --- 2. Debian source package ----------------------------------------------
find_src() {
    find "$SRC_PARENT" -maxdepth 2 -name CMakeLists.txt -path '*/sundials-*/CMakeLists.txt' \
        2>/dev/null | head -n 1 | xargs -r dirname
}
SRC_DIR="$(find_src)"
if [[ -z "$SRC_DIR" ]]; then
    # Enable deb-src when no source entry exists (deb822 or one-line format).
    if ! grep -qsE '^[[:space:]]*(deb-src[[:space:]]|Types:.*deb-src)' \
            /etc/apt/sources.list /etc/apt/sources.list.d/*.list \
            /etc/apt/sources.list.d/*.sources; then
        codename="$(. /etc/os-release && echo "${VERSION_CODENAME:-bookworm}")"
        log "adding deb-src entry for $codename in /etc/apt/sources.list.d/nadsim-deb-src.sources"
        $SUDO tee /etc/apt/sources.list.d/nadsim-deb-src.sources >/dev/null <<EOF
Types: deb-src
URIs: http://deb.debian.org/debian
Suites: $codename $codename-updates
Components: main
Signed-By: /usr/share/keyrings/debian-archive-keyring.gpg
EOF
        APT_UPDATED=0
    fi
    apt_update_once
    log "apt-get source sundials (into $SRC_PARENT)"
    (cd "$SRC_PARENT" && apt-get source -qq sundials >&2)
    SRC_DIR="$(find_src)"
    [[ -n "$SRC_DIR" ]] || { log "apt-get source produced no sundials tree"; exit 1; }
fi
log "source: $SRC_DIR"

# --- 3. optimised static SUNDIALS (CVODE only) ------------------------------
STAMP="$PREFIX/.nadsim-build-flags"
WANT_STAMP="$SRC_DIR|$LIB_CFLAGS"
if [[ $FORCE == 1 || ! -f "$PREFIX/lib/libsundials_cvode.a" || "$(cat "$STAMP" 2>/dev/null)" != "$WANT_STAMP" ]]; then
    log "configuring SUNDIALS with CFLAGS='$LIB_CFLAGS'"
    rm -rf "$BUILD_DIR" "$PREFIX"
    cmake -S "$SRC_DIR" -B "$BUILD_DIR" \
        -DCMAKE_BUILD_TYPE=Release \
        -DCMAKE_C_FLAGS_RELEASE="$LIB_CFLAGS -DNDEBUG" \
        -DCMAKE_INSTALL_PREFIX="$PREFIX" \
        -DCMAKE_INSTALL_LIBDIR=lib \
        -DBUILD_SHARED_LIBS=OFF -DBUILD_STATIC_LIBS=ON \
        -DBUILD_CVODE=ON -DBUILD_CVODES=OFF -DBUILD_ARKODE=OFF \
        -DBUILD_IDA=OFF -DBUILD_IDAS=OFF -DBUILD_KINSOL=OFF \
        -DBUILD_FORTRAN_MODULE_INTERFACE=OFF \
        -DEXAMPLES_ENABLE_C=OFF -DEXAMPLES_ENABLE_CXX=OFF -DEXAMPLES_INSTALL=OFF \
        -DSUNDIALS_BUILD_WITH_MONITORING=OFF -DSUNDIALS_BUILD_WITH_PROFILING=OFF \
        -DENABLE_MPI=OFF -DENABLE_OPENMP=OFF -DENABLE_PTHREAD=OFF \
        -DENABLE_LAPACK=OFF -DENABLE_KLU=OFF >&2
    log "building SUNDIALS (-j$JOBS)"
    cmake --build "$BUILD_DIR" -j "$JOBS" >&2
    cmake --install "$BUILD_DIR" >&2
    echo "$WANT_STAMP" > "$STAMP"
else
    log "SUNDIALS already built in $PREFIX"
fi

# --- 4. the benchmark -------------------------------------------------------
LIBS=()
for l in sundials_cvode sundials_sunlinsoldense sundials_sunmatrixdense \
         sundials_nvecserial sundials_generic sundials_core; do
    [[ -f "$PREFIX/lib/lib$l.a" ]] && LIBS+=("$PREFIX/lib/lib$l.a")
done
if [[ ! -x "$BENCH_BIN" || "$HERE/cvode_bench.c" -nt "$BENCH_BIN" \
      || "$STAMP" -nt "$BENCH_BIN" || "$0" -nt "$BENCH_BIN" ]]; then
    log "compiling cvode_bench with '$BENCH_CFLAGS'"
    gcc $BENCH_CFLAGS -std=c11 -Wall -Wextra -I"$PREFIX/include" \
        "$HERE/cvode_bench.c" "${LIBS[@]}" -lm -o "$BENCH_BIN"
fi
log "benchmark binary: $BENCH_BIN"
if [[ $ENSEMBLE == 1 ]]; then
    if [[ ! -x "$ENSEMBLE_BIN" || "$HERE/cvode_ensemble.c" -nt "$ENSEMBLE_BIN" \
          || "$STAMP" -nt "$ENSEMBLE_BIN" || "$0" -nt "$ENSEMBLE_BIN" ]]; then
        log "compiling cvode_ensemble with '$BENCH_CFLAGS -pthread'"
        gcc $BENCH_CFLAGS -std=c11 -pthread -Wall -Wextra -I"$PREFIX/include" \
            "$HERE/cvode_ensemble.c" "${LIBS[@]}" -lm -o "$ENSEMBLE_BIN"
    fi
    log "ensemble binary: $ENSEMBLE_BIN"
    echo "$ENSEMBLE_BIN"
else
    echo "$BENCH_BIN"
fi
