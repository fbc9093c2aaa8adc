#!/usr/bin/env bash
# The peer scripts' Python: Benchmarks/.build-peers/venv with the given PyPI packages, created
# (installing Debian's python3-venv when it is missing) and filled on first use.
#
# Usage: Benchmarks/peers/python-venv.sh IMPORT_CHECK PACKAGE...
#   IMPORT_CHECK  a Python import line, e.g. "import scipy, numpy"; nothing is installed when it
#                 succeeds
# Prints the venv's python path on its last line.
set -euo pipefail
HERE="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
VENV="$(dirname "$HERE")/.build-peers/venv"
PY="$VENV/bin/python"
check=$1; shift
log() { echo "[python-venv] $*" >&2; }
apt_install() {
    local sudo=""; [[ "$(id -u)" != 0 ]] && command -v sudo >/dev/null && sudo=sudo
    $sudo apt-get update -qq
    DEBIAN_FRONTEND=noninteractive $sudo apt-get install -y -qq "$@" >&2
}
if ! "$PY" -c "$check" >/dev/null 2>&1; then
    if [[ ! -x "$PY" ]]; then
        log "creating venv $VENV"
        if ! python3 -m venv "$VENV" >/dev/null 2>&1; then
            apt_install python3-venv   # Debian's python3 ships venv separately
            rm -rf "$VENV"
            python3 -m venv "$VENV"
        fi
        "$PY" -m pip install -q --upgrade pip >&2
    fi
    # numbalsoda has no wheel for every Python: its source build needs a Fortran compiler.
    if [[ " $* " == *" numbalsoda "* ]] && ! command -v gfortran >/dev/null 2>&1; then
        log "apt-get install gfortran (for numbalsoda's source build)"
        apt_install gfortran
    fi
    log "pip install $*"
    "$PY" -m pip install -q "$@" >&2
fi
echo "$PY"
