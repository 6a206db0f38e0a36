#!/usr/bin/env bash
# Side-by-side benchmark of RnnNative against PyTorch and numpy (issue 6); see README.md.
# Usage: bench/compare/run.sh [--quick]   (full ~6 min, --quick ~90 s); writes bench/compare/results.md
set -euo pipefail
cd "$(dirname "$0")/../.."
case "${1:-}" in ""|--quick) ;; *) echo "usage: bench/compare/run.sh [--quick]" >&2; exit 2 ;; esac
[ -r artifacts/native/linux-x64-v4/librnnnative.so ] || bindings/c/build.sh linux-x64-v4

# PyTorch (BLAS_INFO=generic) and numpy take their BLAS from libblas.so.3. When that is Debian's
# reference BLAS (a few GFLOP/s), compare against OpenBLAS instead: Debian's libopenblas0-pthread,
# unpacked once into out/openblas (nothing installed system-wide) and put first on the library path
# of the PyTorch and numpy processes only. COMPARE_BLAS_DIR overrides it (empty: the system BLAS).
if [ -z "${COMPARE_BLAS_DIR+set}" ]; then
  blas="$(readlink -f /usr/lib/x86_64-linux-gnu/libblas.so.3 || true)"
  if [[ "$blas" == */blas/libblas.so.3* ]]; then
    COMPARE_BLAS_DIR="$PWD/out/openblas/usr/lib/x86_64-linux-gnu/openblas-pthread"
    if [ ! -r "$COMPARE_BLAS_DIR/libblas.so.3" ]; then
      echo "run.sh: system BLAS is the reference one; unpacking Debian's libopenblas0-pthread into out/openblas" >&2
      mkdir -p out/openblas
      (cd out/openblas && apt-get download libopenblas0-pthread >/dev/null && dpkg -x libopenblas0-pthread_*.deb .)
    fi
  else
    COMPARE_BLAS_DIR=""
  fi
fi
export COMPARE_BLAS_DIR
COMPARE_COMMAND="bench/compare/run.sh${1:+ $1}" exec /usr/bin/python3 bench/compare/compare.py "$@"
