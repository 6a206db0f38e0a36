# Sourced by the side-by-side scripts (bench/compare/run.sh, bench/quality/torch_reference.sh) from
# the repository root. PyTorch (BLAS_INFO=generic) and numpy take their BLAS from libblas.so.3.
# When that is Debian's reference BLAS (a few GFLOP/s), compare against OpenBLAS instead: Debian's
# libopenblas0-pthread, unpacked once into out/openblas (nothing installed system-wide), to be put
# first on the library path of the PyTorch and numpy processes only. Sets and exports
# COMPARE_BLAS_DIR unless the caller set it (empty: the system BLAS).
if [ -z "${COMPARE_BLAS_DIR+set}" ]; then
  blas="$(readlink -f /usr/lib/x86_64-linux-gnu/libblas.so.3 || true)"
  if [[ "$blas" == */blas/libblas.so.3* ]]; then
    COMPARE_BLAS_DIR="$PWD/out/openblas/usr/lib/x86_64-linux-gnu/openblas-pthread"
    if [ ! -r "$COMPARE_BLAS_DIR/libblas.so.3" ]; then
      echo "system BLAS is the reference one; unpacking Debian's libopenblas0-pthread into out/openblas" >&2
      mkdir -p out/openblas
      (cd out/openblas && apt-get download libopenblas0-pthread >/dev/null && dpkg -x libopenblas0-pthread_*.deb .)
    fi
  else
    COMPARE_BLAS_DIR=""
  fi
fi
export COMPARE_BLAS_DIR
